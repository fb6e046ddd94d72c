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
import { Component, type ComponentKind, type CostModel, type ParamValues } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import { type ComponentContext, UM2_PER_MM2 } from './context.js';

export const mvauKind: ComponentKind = {
  kind: 'mvau',
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
};

export class Mvau extends Component {
  readonly unit: Resource;
  readonly pe: number;
  readonly simdInput: number;
  readonly simdRecurrent: number;
  readonly gatesInParallel: number;
  readonly weightBits: number;
  readonly activationBits: number;
  readonly pipelineDepth: number;
  private readonly accumulatorBits: number;
  private macs = 0;

  constructor(name: string, params: ParamValues, private readonly ctx: ComponentContext) {
    super(name, mvauKind);
    this.pe = params.pe as number;
    this.simdInput = params.simd_input as number;
    this.simdRecurrent = params.simd_recurrent as number;
    this.gatesInParallel = params.gates_in_parallel as number;
    this.weightBits = params.weight_bits as number;
    this.activationBits = params.activation_bits as number;
    this.accumulatorBits = params.accumulator_bits as number;
    this.pipelineDepth = params.pipeline_depth_cycles as number;
    this.unit = new Resource(`${name}.pes`, ctx.sim);
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

  cost(): CostModel {
    const t = this.ctx.tech;
    const bits = Math.max(this.weightBits, this.activationBits);
    // ASIC-equivalent estimate from the technology table; the real design is FPGA LUTs and DSPs.
    const macPj = t.intMultiplyEnergyPj(bits) + t.intAddEnergyPj(this.accumulatorBits);
    const macUm2 = t.intMultiplyAreaUm2(bits) + t.intAddAreaUm2(this.accumulatorBits) + this.weightBits * t.registerAreaUm2PerBit();
    return {
      energyPerActionPj: { mac: macPj, weight_read: this.weightBits * t.registerEnergyPjPerBit() },
      leakageMw: 0,
      areaMm2: (this.multipliers * macUm2) / UM2_PER_MM2,
    };
  }
}
