/**
 * The fold-by-fold schedule of an output-stationary systolic array whose weights come from DRAM
 * through a weight FIFO: pure arithmetic on cycle stamps, like fold-schedule.ts (weight-
 * stationary). A fold is an R x C block of the result; its weights arrive as tiles, each a chunk
 * of up to R k-indices of B's C columns (mapping.ts). Within a fold one k-index enters per cycle,
 * so a chunk of k indices streams for k cycles, from when its tile is in the FIFO and the
 * previous chunk has entered; after the fold's last chunk the skew fills and the results drain,
 * R + C - 2 more cycles, and only then does the next fold start (SCALE-Sim's
 * systolic_compute_os: K + R + C - 2 cycles per fold with every operand available, which is
 * outputStationaryTiming; tested in test/baselines/systolic-fold-timing.test.ts).
 */
import type { StallCause } from '../stall-accounting.js';

export interface ChunkRequest {
  /** k-indices of the chunk (its tile's rows). */
  readonly k: number;
  /** Cycle the chunk's weight tile is in the weight FIFO. */
  readonly weightsArrive: number;
  /** Cycle the fold's rows of A are available (h_(t-1) for a recurrent GEMM); used by a fold's first chunk. */
  readonly inputsReady: number;
  readonly firstOfFold: boolean;
  readonly lastOfFold: boolean;
}

export interface ChunkGrant {
  /** The chunk streams from start to end (its tile's slot is free again at end). */
  readonly start: number;
  readonly end: number;
  /** Last chunk of a fold: the cycle the fold's results have drained. */
  readonly foldEnd: number | undefined;
  /** Idle cycles of the array before this chunk, by cause. */
  readonly stalls: ReadonlyArray<readonly [StallCause, number]>;
}

export class OutputStationarySchedule {
  /** End of the previous fold (its results drained) or of the previous chunk of the current fold. */
  private free = 0;
  private foldDone = 0;
  busyCycles = 0;

  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {}

  /** Cycle the array finished its last fold. */
  get lastStreamEnd(): number {
    return this.foldDone;
  }

  next(c: ChunkRequest): ChunkGrant {
    const stalls: Array<[StallCause, number]> = [];
    let start: number;
    if (c.firstOfFold) {
      start = Math.max(this.foldDone, c.weightsArrive, c.inputsReady);
      const gap = start - this.foldDone;
      if (gap > 0) stalls.push([c.inputsReady > c.weightsArrive ? 'recurrent_dependency' : 'weight_fetch', gap]);
    } else {
      start = Math.max(this.free, c.weightsArrive);
      if (start > this.free) stalls.push(['weight_fetch', start - this.free]);
    }
    const end = start + c.k;
    this.busyCycles += c.k;
    this.free = end;
    let foldEnd: number | undefined;
    if (c.lastOfFold) {
      const drain = this.rows + this.cols - 2;
      foldEnd = end + drain;
      this.busyCycles += drain;
      this.foldDone = foldEnd;
    }
    return { start, end, foldEnd, stalls };
  }
}
