/**
 * Where the compute units' idle cycles went. Every cycle of every compute unit is either busy
 * (issuing multiply-accumulates) or a stall with exactly one cause, so busy + stalls equals
 * cycles x units: the invariant checker holds the dataflow to that.
 */
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

export class StallAccount {
  private readonly cycles = new Map<StallCause, number>(STALL_CAUSES.map((c) => [c, 0]));

  add(cause: StallCause, n: number): void {
    if (n < 0) throw new Error(`internal: negative stall of ${n} cycles for ${cause}`);
    this.cycles.set(cause, (this.cycles.get(cause) ?? 0) + n);
  }

  byCause(): Record<StallCause, number> {
    return Object.fromEntries(this.cycles) as Record<StallCause, number>;
  }

  total(): number {
    let t = 0;
    for (const v of this.cycles.values()) t += v;
    return t;
  }
}
