/**
 * Systolic array of R x C processing elements (TPU-like), weight-stationary or output-stationary,
 * timed fold by fold in the standard way (as SCALE-Sim does; its formulas are in
 * scalesim/compute/systolic_compute_ws.py and systolic_compute_os.py).
 *
 * Weight-stationary:
 * A GEMM (M x K) . (K x N) is cut into folds of an R x C weight block: ceil(K/R) x ceil(N/C).
 * Per fold: the weights are shifted in, one row per cycle (R cycles); then M input rows stream
 * through: the first enters at cycle 0 and the last result leaves the array after
 * M + R + C - 2 cycles (M inputs, R-1 cycles to cross the rows, C-1 to cross the columns).
 * With weight double-buffering the next fold's weights shift in during the current fold's
 * streaming, so only the first load is exposed unless a fold streams for fewer than R cycles.
 *
 * Output-stationary: each PE accumulates one element of the result. A GEMM is cut into folds of
 * an R x C block of the result: ceil(M/R) x ceil(N/C). Per fold, rows of A enter from the left
 * and columns of B from the top, one k-index per cycle, skewed: the last product is made after
 * K + R + C - 2 cycles, when the block's results drain and the next fold starts (no overlap
 * between folds, as SCALE-Sim). No weights are loaded into the PEs; B streams through them.
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import type { ComponentContext } from './context.js';

export const systolicArrayKind = defineComponentKind({
  kind: 'systolic_array',
  implements: 'systolic_array',
  description: 'R x C systolic array, weight- or output-stationary, fold-by-fold timing',
  params: {
    rows: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, description: 'PE rows (R): the reduction dimension of a weight-stationary fold, the rows of A of an output-stationary one' },
    cols: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, description: 'PE columns (C): the output dimension of a fold' },
    precision_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 8, description: 'operand width' },
    accumulator_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'partial-sum width' },
    double_buffered_weights: { type: 'boolean', unit: '-', default: false, description: 'weight-stationary: load the next fold while the current one streams (ignored when output-stationary)' },
    stationary: { type: 'string', unit: '-', enum: ['weight', 'output'], default: 'weight', description: "what stays in the PEs: 'weight' (a fold is an R x C block of B, M rows of A stream through) or 'output' (a fold is an R x C block of the result, K values of A and B stream through)" },
  },
  stats: {
    busy_cycles: { unit: 'cycles', description: 'cycles the array was loading or streaming' },
    weight_load_cycles: { unit: 'cycles', description: 'cycles spent loading weights that did not overlap streaming, as the fold schedule ran them (the weight_load stall; 0 when output-stationary)' },
    macs: { unit: 'count', description: 'useful multiply-accumulates' },
    folds: { unit: 'count', description: 'weight folds processed' },
  },
  actions: {
    mac: { description: 'one useful p-bit multiply-accumulate in a PE' },
    weight_load: { description: 'one weight written into a PE register (weight-stationary only)' },
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

/**
 * Fold-by-fold cycle count of an output-stationary GEMM (M x K) . (K x N) on an R x C array with
 * every operand available: ceil(M/R) x ceil(N/C) folds of K + R + C - 2 cycles (SCALE-Sim's
 * systolic_compute_os: each fold's demand matrix has K + R + C - 2 rows).
 */
export function outputStationaryTiming(m: number, k: number, n: number, rows: number, cols: number): FoldTiming {
  const folds = Math.ceil(m / rows) * Math.ceil(n / cols);
  return { folds, cycles: folds * (k + rows + cols - 2), exposedWeightLoadCycles: 0 };
}

export type Stationary = 'weight' | 'output';

export class SystolicArray extends Component<typeof systolicArrayKind.params> {
  readonly unit: Resource;
  readonly rows: number;
  readonly cols: number;
  readonly doubleBuffered: boolean;
  readonly stationary: Stationary;
  private macs = 0;
  private folds = 0;
  private exposedLoad = 0;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof systolicArrayKind.params>) {
    super(systolicArrayKind, identity);
    this.rows = this.params.rows;
    this.cols = this.params.cols;
    this.stationary = this.params.stationary;
    this.doubleBuffered = this.stationary === 'weight' && this.params.double_buffered_weights;
    this.unit = new Resource(`${this.name}.array`, ctx.sim);
  }

  timing(m: number, k: number, n: number): FoldTiming {
    if (this.stationary === 'output') return outputStationaryTiming(m, k, n, this.rows, this.cols);
    return weightStationaryTiming(m, k, n, this.rows, this.cols, this.doubleBuffered);
  }

  /** Count the work of one GEMM (M x K) . (K x N): its MACs, folds and (weight-stationary) weight loads. */
  recordGemm(m: number, k: number, n: number): void {
    this.macs += m * k * n;
    this.folds += this.timing(m, k, n).folds;
    this.count('mac', m * k * n);
    if (this.stationary === 'weight') this.count('weight_load', k * n);
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
