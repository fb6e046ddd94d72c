/**
 * FINN-style matrix-vector-activation unit for an LSTM's gates (FINN-L / LSTM-PYNQ): each of the
 * gate matrices has PE processing elements (rows in parallel), each taking SIMD_input input
 * elements and SIMD_recurrent recurrent elements per cycle, with the input and recurrent halves
 * of a row computed side by side. Weights are held on chip (BRAM/LUTRAM): no DRAM traffic.
 *
 * One matrix-vector product of one sample over `rows` rows per gate takes
 *   ceil(rows / PE) x max(ceil(I / SIMD_input), ceil(R / SIMD_recurrent)) cycles,
 * the FINN folding formula (neuron fold x synapse fold), with all gates in parallel.
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import type { ComponentContext } from './context.js';

export const mvauKind = defineComponentKind({
  kind: 'mvau',
  implements: 'mvau',
  description: 'FINN-style matrix-vector unit with PE/SIMD folding, one per gate, weights on chip',
  params: {
    pe: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, description: 'processing elements per gate (rows computed in parallel)' },
    simd_input: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, description: 'input (x_t) elements consumed per PE per cycle' },
    simd_recurrent: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, description: 'recurrent (h_(t-1)) elements consumed per PE per cycle' },
    gates_in_parallel: { type: 'integer', unit: 'count', minimum: 1, maximum: 4, default: 4, description: 'gate matrices computed side by side (4 for an LSTM: one unit per gate)' },
    weight_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 16, description: 'weight width (must match the trace)' },
    activation_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 16, description: 'activation width (must match the trace)' },
    accumulator_bits: { type: 'integer', unit: 'bits', minimum: 4, maximum: 32, default: 16, description: 'gate-sum width (LSTM-PYNQ: ap_fixed<16,8>)' },
    pipeline_depth_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 1024, description: 'cycles from the last input of a step to h_t being usable (adder tree, activation tables, cell update)' },
  },
  stats: {
    busy_cycles: { unit: 'cycles', description: 'cycles computing' },
    macs: { unit: 'count', description: 'multiply-accumulates' },
  },
  actions: {
    mac: { description: 'one W x A-bit multiply-accumulate' },
    weight_read: { description: 'one weight read from on-chip memory' },
  },
});

export class Mvau extends Component<typeof mvauKind.params> {
  readonly unit: Resource;
  readonly pe: number;
  readonly simdInput: number;
  readonly simdRecurrent: number;
  readonly gatesInParallel: number;
  readonly weightBits: number;
  readonly activationBits: number;
  readonly pipelineDepth: number;
  private macs = 0;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof mvauKind.params>) {
    super(mvauKind, identity);
    const p = this.params;
    this.pe = p.pe;
    this.simdInput = p.simd_input;
    this.simdRecurrent = p.simd_recurrent;
    this.gatesInParallel = p.gates_in_parallel;
    this.weightBits = p.weight_bits;
    this.activationBits = p.activation_bits;
    this.pipelineDepth = p.pipeline_depth_cycles;
    this.unit = new Resource(`${this.name}.pes`, ctx.sim);
  }

  /** Multipliers in all gate units. */
  get multipliers(): number {
    return this.gatesInParallel * this.pe * (this.simdInput + this.simdRecurrent);
  }

  /** Cycles of one sample's gate products: `gates` matrices of `rows` rows over I inputs and R recurrent elements. */
  cycles(gates: number, rows: number, inputs: number, recurrent: number): number {
    const gatePasses = Math.ceil(gates / this.gatesInParallel);
    return gatePasses * Math.ceil(rows / this.pe) * Math.max(Math.ceil(inputs / this.simdInput), Math.ceil(recurrent / this.simdRecurrent));
  }

  record(macs: number): void {
    this.macs += macs;
    this.count('mac', macs);
    this.count('weight_read', macs);
  }

  get macsPerformed(): number {
    return this.macs;
  }

  stats(): Record<string, number> {
    return { busy_cycles: this.unit.busyCycles, macs: this.macs };
  }
}
