/**
 * Multifunction unit (MFU): the element-wise side of an LSTM/GRU cell. `lanes` pipelined lanes,
 * each taking one element per cycle: an activation (sigmoid/tanh by lookup table) or a fused
 * cell update (the gate products, the sum and the tanh of the cell state). Results appear
 * `latency_cycles` after the last element is issued.
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import type { Cycle, Simulator } from '../engine/simulator.js';
import type { Repeatable, RepeatRequest, StateKey } from '../engine/steady-state.js';
import type { ComponentContext } from './context.js';

export const multifunctionUnitKind = defineComponentKind({
  kind: 'multifunction_unit',
  implements: 'multifunction_unit',
  description: 'element-wise unit: sigmoid/tanh by lookup table, multiply and add, pipelined lanes',
  params: {
    lanes: { type: 'integer', unit: 'elements/cycle', minimum: 1, maximum: 4096, default: 1, description: 'elements issued per cycle' },
    precision_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 16, description: 'element width' },
    lut_entries: { type: 'integer', unit: 'count', minimum: 2, maximum: 65536, default: 256, description: 'entries of each activation lookup table' },
    latency_cycles: { type: 'integer', unit: 'cycles', minimum: 1, maximum: 64, default: 4, description: 'pipeline depth of a lane' },
  },
  stats: {
    busy_cycles: { unit: 'cycles', description: 'cycles issuing elements' },
    elements: { unit: 'count', description: 'elements processed' },
  },
  actions: {
    sigmoid: { description: 'one sigmoid by table lookup' },
    tanh: { description: 'one tanh by table lookup' },
    multiply: { description: 'one element-wise multiply' },
    add: { description: 'one element-wise add or subtract' },
  },
});

export type ElementOp = 'sigmoid' | 'tanh' | 'multiply' | 'add';

/** Operations per element resolved to action indices once (elementMix), for hot paths. */
export interface ElementMix {
  readonly ids: readonly number[];
  readonly perElement: readonly number[];
}

export class MultifunctionUnit extends Component<typeof multifunctionUnitKind.params> implements Repeatable {
  readonly unit: Resource;
  readonly lanes: number;
  readonly latencyCycles: number;
  private elements = 0;
  private readonly sim: Simulator;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof multifunctionUnitKind.params>) {
    super(multifunctionUnitKind, identity);
    this.lanes = this.params.lanes;
    this.latencyCycles = this.params.latency_cycles;
    this.unit = new Resource(`${this.name}.lanes`, ctx.sim);
    this.sim = ctx.sim;
  }

  issueCycles(elements: number): number {
    return Math.ceil(elements / this.lanes);
  }

  /**
   * Issue `elements` elements of a mix now (as soon as the lanes are free) and count them;
   * returns the cycle their results leave the pipeline.
   */
  process(elements: number, mix: ElementMix): number {
    const cycles = this.issueCycles(elements);
    const end = this.unit.reserve(cycles, this.sim.now) + cycles;
    this.recordMix(elements, mix);
    return end + this.latencyCycles;
  }

  /** Count `elements` elements, each performing the listed operations the given number of times. */
  recordElements(elements: number, opsPerElement: Readonly<Partial<Record<ElementOp, number>>>): void {
    this.recordMix(elements, this.elementMix(opsPerElement));
  }

  /** Resolve an operation mix once; recordMix then counts it without looking names up. */
  elementMix(opsPerElement: Readonly<Partial<Record<ElementOp, number>>>): ElementMix {
    const entries = Object.entries(opsPerElement);
    return { ids: entries.map(([op]) => this.actionId(op)), perElement: entries.map(([, n]) => n ?? 0) };
  }

  /** Count `elements` elements of a resolved mix (elementMix). */
  recordMix(elements: number, mix: ElementMix): void {
    this.elements += elements;
    for (let i = 0; i < mix.ids.length; i++) this.countAt(mix.ids[i], elements * mix.perElement[i]);
  }

  // Steady-state fast-forward (src/engine/steady-state.ts).
  appendState(now: Cycle, out: StateKey): void {
    this.unit.appendState(now, out);
  }

  appendCounters(out: number[]): void {
    this.appendActionCounts(out);
    out.push(this.elements);
    this.unit.appendCounters(out);
  }

  repeat(r: RepeatRequest, offset: number): number {
    const at = this.repeatActionCounts(r.times, r.delta, offset);
    this.elements += r.times * r.delta[at];
    return this.unit.repeat(r, at + 1);
  }

  stats(): Record<string, number> {
    return { busy_cycles: this.unit.busyCycles, elements: this.elements };
  }
}
