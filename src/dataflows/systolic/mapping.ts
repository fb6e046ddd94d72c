/**
 * What the systolic dataflow runs, as plain data: every GEMM in run order (each timestep's gate
 * GEMM and projection GEMM of an LSTM/GRU trace, or one plain GEMM), each cut into weight tiles
 * of at most R x C (the fetch unit from DRAM), grouped into the array's folds. No events; the
 * schedule (systolic-kind.ts) runs the tiles in order.
 *
 * Weight-stationary: a fold is one tile (an R x C block of B); folds go output-column block by
 * block, reduction blocks inside; each fold streams all M rows of A.
 * Output-stationary: a fold is an R x C block of the result (R rows of A, C columns of B); its
 * ceil(K/R) tiles are the consecutive K-chunks of B's C columns that stream through it. Row
 * blocks outside, column blocks inside: B is streamed again for every row block.
 */
import { activeSamples, type GemmWorkload, type Workload } from '../workload.js';
import type { Stationary } from '../../components/systolic-array.js';
import { ConfigValueError } from '../../errors.js';
import { limitProblem } from '../../limits.js';

export interface GemmJob {
  /** Rows streamed (active samples), reduction length, output columns. */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly group: number;
  readonly layer: number;
  readonly direction: number;
  readonly timestep: number;
  /** 'gates' GEMMs are followed by the vector unit; 'projection' GEMMs produce r_t; a 'plain' GEMM (a gemm trace) only writes its result. */
  readonly part: 'gates' | 'projection' | 'plain';
  readonly hasProjection: boolean;
  readonly hidden: number;
  readonly firstOfLayer: boolean;
}

/** One weight tile: `rows` (reduction) x `cols` (output) weights, and the fold it belongs to. */
export interface Fold {
  readonly rows: number;
  readonly cols: number;
  /** Rows of A its fold streams (weight-stationary: the GEMM's m; output-stationary: the row block's). */
  readonly m: number;
  /** Index of its GEMM. */
  readonly gemm: number;
  readonly firstOfGemm: boolean;
  readonly lastOfGemm: boolean;
  /** The tile opens / closes its fold (always both when weight-stationary). */
  readonly firstOfFold: boolean;
  readonly lastOfFold: boolean;
}

export interface SystolicMapping {
  readonly gemms: readonly GemmJob[];
  readonly folds: readonly Fold[];
}

class MappingBuilder {
  readonly gemms: GemmJob[] = [];
  readonly folds: Fold[] = [];
  constructor(
    private readonly rows: number,
    private readonly cols: number,
    private readonly stationary: Stationary,
  ) {}

  add(g: GemmJob): void {
    const { rows, cols } = this;
    const gi = this.gemms.length;
    this.gemms.push(g);
    const nk = Math.ceil(g.k / rows);
    const nn = Math.ceil(g.n / cols);
    const nm = this.stationary === 'output' ? Math.ceil(g.m / rows) : 1;
    for (let b = 0; b < nm; b++) {
      const m = this.stationary === 'output' ? Math.min(rows, g.m - b * rows) : g.m;
      for (let j = 0; j < nn; j++) {
        for (let i = 0; i < nk; i++) {
          const first = b === 0 && i === 0 && j === 0;
          const last = b === nm - 1 && i === nk - 1 && j === nn - 1;
          const ws = this.stationary === 'weight';
          this.folds.push({ rows: Math.min(rows, g.k - i * rows), cols: Math.min(cols, g.n - j * cols), m, gemm: gi, firstOfGemm: first, lastOfGemm: last, firstOfFold: ws || i === 0, lastOfFold: ws || i === nk - 1 });
        }
      }
    }
  }
}

/** Tiles a GEMM of m x k by k x n is cut into on an R x C array. */
function tilesOf(m: number, k: number, n: number, rows: number, cols: number, stationary: Stationary): number {
  return Math.ceil(k / rows) * Math.ceil(n / cols) * (stationary === 'output' ? Math.ceil(m / rows) : 1);
}

/**
 * Refuse a mapping whose tiles would not fit the tiles limit, before any is built (a 1 x 1
 * array on a 512-unit LSTM needs 52 million tiles; it reached 4.6 GB before).
 */
function checkTileCount(tiles: number, rows: number, cols: number): void {
  const problem = limitProblem('tiles', tiles, `the schedule of this trace on a ${rows} x ${cols} array`);
  if (problem) throw new ConfigValueError(problem, ['components', 'systolic_array']);
}

/** GEMMs and tiles of an LSTM/GRU workload on an R x C array. */
export function systolicMapping(w: Workload, rows: number, cols: number, stationary: Stationary = 'weight'): SystolicMapping {
  let tiles = 0;
  w.groups.forEach((group) => {
    const steps = Math.max(...group);
    for (const layer of w.layers) {
      for (let d = 0; d < layer.directions; d++) {
        for (let t = 0; t < steps; t++) {
          const m = activeSamples(group, d === 0 ? t : steps - 1 - t);
          if (m === 0) continue;
          tiles += tilesOf(m, layer.inputSize + layer.recurrentSize, w.gates * layer.hiddenSize, rows, cols, stationary);
          if (layer.projSize > 0) tiles += tilesOf(m, layer.hiddenSize, layer.projSize, rows, cols, stationary);
        }
      }
    }
  });
  checkTileCount(tiles, rows, cols);
  const b = new MappingBuilder(rows, cols, stationary);
  w.groups.forEach((group, g) => {
    const steps = Math.max(...group);
    for (const layer of w.layers) {
      for (let d = 0; d < layer.directions; d++) {
        for (let t = 0; t < steps; t++) {
          const m = activeSamples(group, d === 0 ? t : steps - 1 - t);
          if (m === 0) continue;
          const common = { group: g, layer: layer.index, direction: d, timestep: t, hidden: layer.hiddenSize, hasProjection: layer.projSize > 0, firstOfLayer: t === 0 };
          b.add({ ...common, m, k: layer.inputSize + layer.recurrentSize, n: w.gates * layer.hiddenSize, part: 'gates' });
          if (layer.projSize > 0) b.add({ ...common, firstOfLayer: false, m, k: layer.hiddenSize, n: layer.projSize, part: 'projection' });
        }
      }
    }
  });
  return { gemms: b.gemms, folds: b.folds };
}

/** The tiles of one plain GEMM on an R x C array. */
export function plainGemmMapping(g: GemmWorkload, rows: number, cols: number, stationary: Stationary = 'weight'): SystolicMapping {
  checkTileCount(tilesOf(g.m, g.k, g.n, rows, cols, stationary), rows, cols);
  const b = new MappingBuilder(rows, cols, stationary);
  b.add({ m: g.m, k: g.k, n: g.n, group: 0, layer: 0, direction: 0, timestep: 0, part: 'plain', hasProjection: false, hidden: 0, firstOfLayer: true });
  return { gemms: b.gemms, folds: b.folds };
}
