/**
 * Sparse matrix-vector PE, as in ESE (Han et al., FPGA 2017) and EIE: an activation FIFO of
 * `fifo_depth` entries fed by a broadcaster, a pointer/entry reader over the PE's
 * column-compressed weights (weight + relative row index per entry), one multiplier and an
 * accumulator per owned row. One stored entry per cycle; a padding entry (a stored zero that
 * bridges a gap longer than the relative index can express) costs a cycle like a real one.
 * The timing itself is the dataflow's (src/dataflows/ese/spmv-timing.ts); this class holds the
 * parameters, counts the actions and prices them.
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';

export const sparsePeKind = defineComponentKind({
  kind: 'sparse_pe',
  implements: 'sparse_pe',
  description: 'sparse matrix-vector PE: activation FIFO, column-compressed weights with relative indices, one MAC per cycle',
  params: {
    fifo_depth: { type: 'integer', unit: 'entries', minimum: 1, maximum: 4096, default: 8, description: 'activation FIFO depth (columns the broadcaster may run ahead of this PE)' },
    fifo_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 64, default: 1, description: 'cycles from a push into the FIFO to the entry being readable' },
    empty_column_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 16, default: 1, description: 'cycles the PE spends on a column where it holds no entry (its pop and pointer read)' },
    index_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 16, default: 4, description: 'relative row index per stored entry; a gap of 2^bits or more zeros costs a padding entry' },
    pointer_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 16, description: 'column pointer width (one pointer per column per PE)' },
    activation_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 16, description: 'activation width (FIFO entry value)' },
    accumulator_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'accumulator width' },
    accumulators: { type: 'integer', unit: 'count', minimum: 1, maximum: 1048576, default: 128, description: 'accumulator registers (rows this PE can own in one product)' },
    pipeline_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 64, default: 4, description: 'cycles from the last entry issued to its sum being in the accumulator' },
  },
  stats: {
    macs: { unit: 'count', description: 'multiply-accumulates with a non-zero weight' },
    padding_entries: { unit: 'count', description: 'padding entries processed (a zero weight multiplied)' },
    empty_column_pops: { unit: 'count', description: 'columns popped in which this PE held no entry' },
    fifo_pushes: { unit: 'count', description: 'activations pushed into the FIFO' },
  },
  actions: {
    mac: { description: 'one multiply-accumulate (weight x activation into an accumulator)' },
    padding_mac: { description: 'one padding entry: a multiply-accumulate by a zero weight' },
    fifo_push: { description: 'one activation written into the FIFO' },
    fifo_pop: { description: 'one activation read from the FIFO' },
  },
});

export class SparsePe extends Component<typeof sparsePeKind.params> {
  readonly fifoDepth: number;
  readonly fifoLatencyCycles: number;
  readonly emptyColumnCycles: number;
  readonly indexBits: number;
  readonly pointerBits: number;
  readonly activationBits: number;
  readonly accumulatorBits: number;
  readonly accumulators: number;
  readonly pipelineLatencyCycles: number;
  private macs = 0;
  private padding = 0;
  private emptyPops = 0;
  private pushes = 0;

  /** Weight width of the stored entries (the workload's); set by the dataflow before the run. */
  weightBits = 12;

  constructor(identity: ComponentIdentity<typeof sparsePeKind.params>) {
    super(sparsePeKind, identity);
    const p = this.params;
    this.fifoDepth = p.fifo_depth;
    this.fifoLatencyCycles = p.fifo_latency_cycles;
    this.emptyColumnCycles = p.empty_column_cycles;
    this.indexBits = p.index_bits;
    this.pointerBits = p.pointer_bits;
    this.activationBits = p.activation_bits;
    this.accumulatorBits = p.accumulator_bits;
    this.accumulators = p.accumulators;
    this.pipelineLatencyCycles = p.pipeline_latency_cycles;
  }

  /** Bits of one stored entry (weight + relative index). */
  get entryBits(): number {
    return this.weightBits + this.indexBits;
  }

  recordPush(): void {
    this.pushes++;
    this.count('fifo_push', 1);
  }

  /** The PE popped a column holding `entries` stored entries of which `nonzeros` are real. */
  recordColumn(entries: number, nonzeros: number): void {
    this.count('fifo_pop', 1);
    this.macs += nonzeros;
    this.padding += entries - nonzeros;
    if (entries === 0) this.emptyPops++;
    this.count('mac', nonzeros);
    this.count('padding_mac', entries - nonzeros);
  }

  get macsPerformed(): number {
    return this.macs;
  }

  stats(): Record<string, number> {
    return { macs: this.macs, padding_entries: this.padding, empty_column_pops: this.emptyPops, fifo_pushes: this.pushes };
  }
}
