/**
 * One sparse matrix-vector product on a channel of PEs, run as events in the simulator: a
 * broadcaster push per column, a PE event per column it works on (its completion), an arrival
 * event per column (FIFO latency). What the events produce is the recurrence of
 * spmv-timing.ts; test/ese checks the two agree cycle for cycle, including under DRAM
 * back-pressure, where the weights' arrival times come from the event run.
 *
 * Event order within a cycle: PE pops and arrivals (priority 0) before the broadcaster's push
 * (priority 1), so a slot freed by a pop in cycle t can take a push in cycle t.
 */
import type { SparsePe } from '../../components/sparse-pe.js';
import type { OnChipBuffer } from '../../components/interfaces.js';
import type { Simulator } from '../../engine/simulator.js';
import type { SparseLayout } from './sparse-layout.js';
import { attributeWait, emptyBreakdown, type PeCycleBreakdown } from './spmv-timing.js';
import type { WeightChunk } from './weight-stream.js';

const PE_PRIORITY = 0;
const PUSH_PRIORITY = 1;

export interface SpmvChunks {
  readonly columnsPerChunk: number;
  /** The product's chunks in column order. */
  readonly chunks: readonly WeightChunk[];
  /** Called when every PE has finished a chunk's last column. */
  readonly release: (chunk: WeightChunk) => void;
}

export interface SpmvResult {
  readonly start: number;
  readonly end: number;
  readonly push: Float64Array;
  /** Cycle each column's weights were on chip (-Infinity when resident). */
  readonly weightReady: Float64Array;
  readonly perPe: PeCycleBreakdown[];
}

export class SpmvRun {
  private readonly N: number;
  private readonly C: number;
  private readonly push: Float64Array;
  private readonly weightReady: Float64Array;
  private readonly popped: Int32Array;
  private readonly freeAt: Float64Array;
  private readonly finish: number[];
  private readonly doneCount: Uint16Array;
  private readonly perPe: PeCycleBreakdown[];
  private pushed = 0;
  private attemptPending = false;
  private waitingForWeights = false;
  private finishedPes = 0;
  private readonly start: number;
  private readonly D: number;
  private readonly L: number;
  private readonly e: number;

  constructor(
    private readonly sim: Simulator,
    private readonly pes: readonly SparsePe[],
    private readonly weightBuffers: readonly OnChipBuffer[] | undefined,
    private readonly layout: SparseLayout,
    private readonly chunks: SpmvChunks | undefined,
    private readonly onDone: (r: SpmvResult) => void,
  ) {
    if (pes.length !== layout.numPEs) throw new Error(`internal: layout for ${layout.numPEs} PEs run on ${pes.length}`);
    this.N = layout.numPEs;
    this.C = layout.cols;
    this.D = pes[0].fifoDepth;
    this.L = pes[0].fifoLatencyCycles;
    this.e = pes[0].emptyColumnCycles;
    this.push = new Float64Array(this.C).fill(Number.NaN);
    this.weightReady = new Float64Array(this.C).fill(Number.NEGATIVE_INFINITY);
    this.popped = new Int32Array(this.N);
    this.freeAt = new Float64Array(this.N).fill(sim.now);
    this.start = sim.now;
    this.finish = new Array<number>(this.N).fill(sim.now);
    this.doneCount = new Uint16Array(this.C);
    this.perPe = Array.from({ length: this.N }, emptyBreakdown);
    if (chunks && Math.ceil(this.C / chunks.columnsPerChunk) !== chunks.chunks.length) {
      throw new Error(`internal: ${chunks.chunks.length} weight chunks for ${this.C} columns of ${chunks.columnsPerChunk}`);
    }
  }

  /** Begin at the current cycle (the input vector is ready). */
  begin(): void {
    if (this.C === 0) {
      this.sim.at(this.sim.now, () => this.onDone({ start: this.start, end: this.start, push: this.push, weightReady: this.weightReady, perPe: this.perPe }));
      return;
    }
    this.kick();
  }

  private chunkOf(j: number): WeightChunk | undefined {
    return this.chunks?.chunks[Math.floor(j / this.chunks.columnsPerChunk)];
  }

  /** Schedule a push attempt (at most one pending). */
  private kick(): void {
    if (this.attemptPending || this.pushed === this.C) return;
    this.attemptPending = true;
    const earliest = this.pushed === 0 ? this.start : this.push[this.pushed - 1] + 1;
    this.sim.at(Math.max(this.sim.now, earliest), () => this.attempt(), PUSH_PRIORITY);
  }

  private attempt(): void {
    this.attemptPending = false;
    const j = this.pushed;
    if (j === this.C) return;
    const chunk = this.chunkOf(j);
    if (chunk && chunk.arrivedAt === undefined) {
      if (!this.waitingForWeights) {
        this.waitingForWeights = true;
        chunk.whenArrived(() => {
          this.waitingForWeights = false;
          this.kick();
        });
      }
      return;
    }
    if (chunk) this.weightReady[j] = chunk.arrivedAt as number;
    // Every FIFO must have a slot: every PE has popped column j - D.
    if (j >= this.D) for (let p = 0; p < this.N; p++) if (this.popped[p] < j - this.D + 1) return; // that PE's pop kicks again
    const t = this.sim.now;
    this.push[j] = t;
    this.pushed++;
    for (const pe of this.pes) pe.recordPush();
    this.sim.at(t + this.L, () => {
      for (let p = 0; p < this.N; p++) this.tryStart(p);
    });
    this.kick();
  }

  private tryStart(p: number): void {
    const t = this.sim.now;
    if (this.freeAt[p] > t) return; // busy: its completion event calls again
    for (;;) {
      const j = this.popped[p];
      if (j >= this.pushed || this.push[j] + this.L > t) return; // idle: an arrival calls again
      const u = j === 0 ? this.start : this.push[j - 1] + 1;
      attributeWait(this.perPe[p], this.finish[p], t, u, this.weightReady[j], this.push[j], this.L);
      this.popped[p]++;
      const idx = p * this.C + j;
      const entries = this.layout.entries[idx];
      const nz = this.layout.nonzeros[idx];
      this.pes[p].recordColumn(entries, nz);
      const wb = this.weightBuffers?.[p];
      if (wb && entries > 0) wb.recordReads(Math.ceil((entries * this.pes[p].entryBits) / wb.wordBits));
      const s = Math.max(entries, this.e);
      this.perPe[p].busy += nz;
      this.perPe[p].sparse_format_overhead += s - nz;
      this.finish[p] = t + s;
      this.freeAt[p] = t + s;
      // The pop may have freed the slot the broadcaster waits for.
      if (j + this.D === this.pushed) this.kick();
      if (s === 0) {
        this.columnDone(p, j);
        continue;
      }
      this.sim.at(
        t + s,
        () => {
          this.columnDone(p, j);
          this.tryStart(p);
        },
        PE_PRIORITY,
      );
      return;
    }
  }

  private columnDone(p: number, j: number): void {
    if (++this.doneCount[j] === this.N && this.chunks) {
      const k = this.chunks.columnsPerChunk;
      if ((j + 1) % k === 0 || j === this.C - 1) this.chunks.release(this.chunks.chunks[Math.floor(j / k)]);
    }
    if (j === this.C - 1 && ++this.finishedPes === this.N) {
      const end = this.sim.now;
      for (let q = 0; q < this.N; q++) this.perPe[q].load_imbalance += end - this.finish[q];
      this.onDone({ start: this.start, end, push: this.push, weightReady: this.weightReady, perPe: this.perPe });
    }
  }
}
