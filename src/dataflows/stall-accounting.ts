/**
 * Where the compute units' idle cycles went. Every cycle of every compute unit is either busy
 * (issuing multiply-accumulates) or a stall with exactly one cause, so busy + stalls equals
 * cycles x units: the invariant checker holds every dataflow to that.
 */
import { addRepeated } from '../engine/steady-state.js';

export const STALL_CAUSES = [
  'recurrent_dependency', // waiting for the previous timestep's hidden state (cell update, projection)
  'input_load', // waiting for the timestep's inputs to be loaded into the input buffer
  'weight_fetch', // waiting for weights to arrive from DRAM
  'sram_bandwidth', // operands could not be streamed from SRAM as fast as the unit consumes them
  'pipeline_drain', // after the unit's last operation, waiting for the run to finish
  'unmapped', // the unit had no work in this dataflow mapping
  'load_imbalance', // sparse PE done with its share of a matrix-vector product, waiting at the barrier for the slowest PE
  'fifo_full', // sparse PE starved because the broadcaster was held by another PE's full FIFO
  'sparse_format_overhead', // sparse PE processing padding entries of the relative-index format, or popping an empty column
  'weight_load', // shifting a weight tile into a systolic array with nothing streaming (not hidden by double-buffering)
  'kernel_launch', // GPU: per-kernel launch and framework overhead between kernels
] as const;

export type StallCause = (typeof STALL_CAUSES)[number];

const INDEX: Readonly<Record<StallCause, number>> = Object.fromEntries(STALL_CAUSES.map((c, i) => [c, i])) as Record<StallCause, number>;

export function zeroStalls(): Record<StallCause, number> {
  return Object.fromEntries(STALL_CAUSES.map((c) => [c, 0])) as Record<StallCause, number>;
}

export class StallAccount {
  private readonly cycles = new Float64Array(STALL_CAUSES.length);

  add(cause: StallCause, n: number): void {
    if (n < 0) throw new Error(`internal: negative stall of ${n} cycles for ${cause}`);
    this.cycles[INDEX[cause]] += n;
  }

  get(cause: StallCause): number {
    return this.cycles[INDEX[cause]];
  }

  byCause(): Record<StallCause, number> {
    const out = zeroStalls();
    STALL_CAUSES.forEach((c, i) => (out[c] = this.cycles[i]));
    return out;
  }

  /** For steady-state fast-forward: the cycles by cause as counters, and adding a repeated period's. */
  appendCounters(out: number[]): void {
    for (let i = 0; i < this.cycles.length; i++) out.push(this.cycles[i]);
  }

  repeat(times: number, delta: ArrayLike<number>, offset: number): number {
    return addRepeated(this.cycles, times, delta, offset);
  }

  total(): number {
    let t = 0;
    for (const v of this.cycles) t += v;
    return t;
  }
}
