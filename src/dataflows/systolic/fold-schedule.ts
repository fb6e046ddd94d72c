/**
 * The fold-by-fold schedule of a weight-stationary systolic array whose weights come from DRAM
 * through a weight FIFO (TPU v1 style). Pure arithmetic on cycle stamps: the dataflow feeds it
 * each fold's weight-arrival cycle and input-ready cycle in order, and it returns when the fold
 * loads and streams and where the array's idle cycles went.
 *
 * One fold = one R x C weight block. Its weights shift in one row per cycle (R cycles); then
 * M input rows stream through and the last result leaves after M + R + C - 2 cycles
 * (components/systolic-array.ts, the standard model):
 *  - single-buffered: the load can start once the previous fold has drained; the stream follows it.
 *  - double-buffered: the load goes into the shadow registers as soon as the previous fold's
 *    weights became active (its stream started) and the tile has arrived; the stream starts
 *    when the load is done and the previous stream has drained.
 * With every tile available at cycle 0 this gives exactly weightStationaryTiming's totals
 * (tested in test/baselines/systolic-fold-timing.test.ts).
 */
import type { StallCause } from '../stall-accounting.js';

export interface FoldRequest {
  /** Input rows streamed (active samples). */
  readonly m: number;
  /** Cycle the fold's weight tile is in the weight FIFO. */
  readonly weightsArrive: number;
  /** Cycle the fold's input rows are available (h_(t-1) for a recurrent GEMM). */
  readonly inputsReady: number;
}

export interface FoldGrant {
  readonly loadStart: number;
  readonly loadEnd: number;
  readonly streamStart: number;
  readonly streamEnd: number;
  /** Idle cycles of the array between the previous stream's end and this stream's start, by cause. */
  readonly stalls: ReadonlyArray<readonly [StallCause, number]>;
}

export class FoldSchedule {
  private prevStreamStart = 0;
  private prevStreamEnd = 0;
  private prevLoadEnd = 0;
  busyCycles = 0;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly doubleBuffered: boolean,
  ) {}

  /** Cycle the array finished its last stream. */
  get lastStreamEnd(): number {
    return this.prevStreamEnd;
  }

  next(f: FoldRequest): FoldGrant {
    const R = this.rows;
    const stream = f.m + R + this.cols - 2;
    const loadStart = this.doubleBuffered
      ? Math.max(f.weightsArrive, this.prevStreamStart, this.prevLoadEnd)
      : Math.max(f.weightsArrive, this.prevStreamEnd);
    const loadEnd = loadStart + R;
    const streamStart = Math.max(loadEnd, this.prevStreamEnd, f.inputsReady);
    const streamEnd = streamStart + stream;

    const gapStart = this.prevStreamEnd;
    const gap = streamStart - gapStart;
    const loadOverlap = Math.max(0, Math.min(loadEnd, streamStart) - Math.max(loadStart, gapStart));
    const rest = gap - loadOverlap;
    const stalls: Array<[StallCause, number]> = [];
    if (loadOverlap > 0) stalls.push(['weight_load', loadOverlap]);
    if (rest > 0) stalls.push([f.inputsReady > loadEnd ? 'recurrent_dependency' : 'weight_fetch', rest]);

    this.prevStreamStart = streamStart;
    this.prevStreamEnd = streamEnd;
    this.prevLoadEnd = loadEnd;
    this.busyCycles += stream;
    return { loadStart, loadEnd, streamStart, streamEnd, stalls };
  }
}
