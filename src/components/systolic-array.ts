/**
 * Weight-stationary systolic array of R x C processing elements (TPU-like), timed fold by fold
 * in the standard way (as SCALE-Sim does for weight-stationary dataflow):
 *
 * A GEMM (M x K) . (K x N) is cut into folds of an R x C weight block: ceil(K/R) x ceil(N/C).
 * Per fold: the weights are shifted in, one row per cycle (R cycles); then M input rows stream
 * through: the first enters at cycle 0 and the last result leaves the array after
 * M + R + C - 2 cycles (M inputs, R-1 cycles to cross the rows, C-1 to cross the columns).
 * With weight double-buffering the next fold's weights shift in during the current fold's
 * streaming, so only the first load is exposed unless a fold streams for fewer than R cycles.
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import type { ComponentContext } from './context.js';

export const systolicArrayKind = defineComponentKind({
  kind: 'systolic_array',
  implements: 'systolic_array',
  description: 'weight-stationary R x C systolic array, fold-by-fold timing',
  params: {
    rows: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, description: 'PE rows (R): the reduction dimension of a fold' },
    cols: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, description: 'PE columns (C): the output dimension of a fold' },
    precision_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 8, description: 'operand width' },
    accumulator_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'partial-sum width' },
    double_buffered_weights: { type: 'boolean', unit: '-', default: false, description: 'load the next fold while the current one streams' },
  },
  stats: {
    busy_cycles: { unit: 'cycles', description: 'cycles the array was loading or streaming' },
    weight_load_cycles: { unit: 'cycles', description: 'cycles spent loading weights that did not overlap streaming, as the fold schedule ran them (the weight_load stall)' },
    macs: { unit: 'count', description: 'useful multiply-accumulates' },
    folds: { unit: 'count', description: 'weight folds processed' },
  },
  actions: {
    mac: { description: 'one useful p-bit multiply-accumulate in a PE' },
    weight_load: { description: 'one weight written into a PE register' },
  },
});

export interface FoldTiming {
  readonly folds: number;
  /** Cycles the GEMM occupies the array. */
  readonly cycles: number;
  /** Of those, cycles spent loading weights with nothing streaming. */
  readonly exposedWeightLoadCycles: number;
}

/** Fold-by-fold cycle count of a weight-stationary GEMM (M x K) . (K x N) on an R x C array. */
export function weightStationaryTiming(m: number, k: number, n: number, rows: number, cols: number, doubleBuffered: boolean): FoldTiming {
  const folds = Math.ceil(k / rows) * Math.ceil(n / cols);
  const stream = m + rows + cols - 2;
  const load = rows;
  if (!doubleBuffered) return { folds, cycles: folds * (load + stream), exposedWeightLoadCycles: folds * load };
  // First load exposed; each later fold starts when both the previous stream and its own load are done.
  const perLaterFold = Math.max(stream, load);
  const exposed = load + (folds - 1) * (perLaterFold - stream);
  return { folds, cycles: load + stream + (folds - 1) * perLaterFold, exposedWeightLoadCycles: exposed };
}

export class SystolicArray extends Component<typeof systolicArrayKind.params> {
  readonly unit: Resource;
  readonly rows: number;
  readonly cols: number;
  readonly doubleBuffered: boolean;
  private macs = 0;
  private folds = 0;
  private exposedLoad = 0;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof systolicArrayKind.params>) {
    super(systolicArrayKind, identity);
    this.rows = this.params.rows;
    this.cols = this.params.cols;
    this.doubleBuffered = this.params.double_buffered_weights;
    this.unit = new Resource(`${this.name}.array`, ctx.sim);
  }

  timing(m: number, k: number, n: number): FoldTiming {
    return weightStationaryTiming(m, k, n, this.rows, this.cols, this.doubleBuffered);
  }

  /** Count the work of one GEMM (M x K) . (K x N): its MACs, folds and weight loads. */
  recordGemm(m: number, k: number, n: number): void {
    this.macs += m * k * n;
    this.folds += Math.ceil(k / this.rows) * Math.ceil(n / this.cols);
    this.count('mac', m * k * n);
    this.count('weight_load', k * n);
  }

  /** Cycles a fold's weight load held the array idle, as the schedule ran it. */
  recordExposedLoad(cycles: number): void {
    this.exposedLoad += cycles;
  }

  get macsPerformed(): number {
    return this.macs;
  }

  stats(): Record<string, number> {
    return { busy_cycles: this.unit.busyCycles, weight_load_cycles: this.exposedLoad, macs: this.macs, folds: this.folds };
  }
}
