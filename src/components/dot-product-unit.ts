/**
 * Dot-product unit (DPU): N multipliers at p bits feeding an adder tree and an accumulator,
 * as in E-PUR's compute units. A dot product of length K takes ceil(K/N) issue cycles; the
 * result leaves the pipeline `pipeline_latency_cycles` after the last issue.
 */
import { Component, type ComponentKind, type CostModel, type ParamValues } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import { type ComponentContext, UM2_PER_MM2 } from './context.js';

export const dotProductUnitKind: ComponentKind = {
  kind: 'dot_product_unit',
  description: 'N-wide dot-product unit: multipliers, adder tree and accumulator, pipelined',
  params: {
    multipliers: { type: 'integer', unit: 'count', minimum: 1, maximum: 65536, default: 16, description: 'multipliers working in parallel (N)' },
    precision_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 16, description: 'operand width of weights and activations' },
    accumulator_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'accumulator width' },
    pipeline_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 1, maximum: 64, default: 4, description: 'cycles from the last issue of a dot product to its result' },
  },
  stats: {
    busy_cycles: { unit: 'cycles', description: 'cycles issuing multiply-accumulates' },
    macs: { unit: 'count', description: 'multiply-accumulates performed (useful products)' },
    issue_slots: { unit: 'count', description: 'multiplier slots issued (busy cycles x multipliers)' },
  },
  actions: {
    multiply: { description: 'one p-bit x p-bit product' },
    tree_add: { description: 'one addition in the adder tree (2p-bit)' },
    accumulate: { description: 'one accumulator update (accumulator_bits add and register write)' },
  },
};

export class DotProductUnit extends Component {
  readonly unit: Resource;
  readonly multipliers: number;
  readonly precisionBits: number;
  readonly accumulatorBits: number;
  readonly latencyCycles: number;
  private macs = 0;

  constructor(name: string, params: ParamValues, private readonly ctx: ComponentContext) {
    super(name, dotProductUnitKind);
    this.multipliers = params.multipliers as number;
    this.precisionBits = params.precision_bits as number;
    this.accumulatorBits = params.accumulator_bits as number;
    this.latencyCycles = params.pipeline_latency_cycles as number;
    this.unit = new Resource(`${name}.pipeline`, ctx.sim);
  }

  /** Issue cycles for `count` dot products of length `length`. */
  issueCycles(count: number, length: number): number {
    return count * Math.ceil(length / this.multipliers);
  }

  /** Count the actions of `count` dot products of length `length`. */
  recordDotProducts(count: number, length: number): void {
    const chunks = Math.ceil(length / this.multipliers);
    this.macs += count * length;
    this.count('multiply', count * length);
    // Each chunk of a products needs a-1 tree additions; over a dot product that is length - chunks.
    this.count('tree_add', count * (length - chunks));
    this.count('accumulate', count * chunks);
  }

  get macsPerformed(): number {
    return this.macs;
  }

  stats(): Record<string, number> {
    return { busy_cycles: this.unit.busyCycles, macs: this.macs, issue_slots: this.unit.busyCycles * this.multipliers };
  }

  cost(): CostModel {
    const t = this.ctx.tech;
    const p = this.precisionBits;
    const n = this.multipliers;
    const accumulateEnergy = t.intAddEnergyPj(this.accumulatorBits) + t.registerEnergyPjPerBit() * this.accumulatorBits;
    // Operand registers (2 x N x p) and the accumulator register; logic leakage is not modelled.
    const registerBits = 2 * n * p + this.accumulatorBits;
    const areaUm2 =
      n * t.intMultiplyAreaUm2(p) + (n - 1) * t.intAddAreaUm2(2 * p) + t.intAddAreaUm2(this.accumulatorBits) + registerBits * t.registerAreaUm2PerBit();
    return {
      energyPerActionPj: { multiply: t.intMultiplyEnergyPj(p), tree_add: t.intAddEnergyPj(2 * p), accumulate: accumulateEnergy },
      leakageMw: 0,
      areaMm2: areaUm2 / UM2_PER_MM2,
    };
  }
}
