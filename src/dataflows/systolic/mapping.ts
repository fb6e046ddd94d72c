/**
 * What the systolic dataflow runs, as plain data: every timestep's gate GEMM (and projection
 * GEMM, for LSTMP) in run order, each cut into folds of the array's R x C weight blocks. No
 * events; the schedule (systolic-kind.ts) runs the folds in order.
 */
import { activeSamples, type Workload } from '../workload.js';

export interface GemmJob {
  /** Rows streamed (active samples), reduction length, output columns. */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly group: number;
  readonly layer: number;
  readonly direction: number;
  readonly timestep: number;
  /** 'gates' GEMMs are followed by the vector unit; 'projection' GEMMs produce r_t. */
  readonly part: 'gates' | 'projection';
  readonly hasProjection: boolean;
  readonly hidden: number;
  readonly firstOfLayer: boolean;
}

export interface Fold {
  readonly rows: number;
  readonly cols: number;
  /** Index of its GEMM. */
  readonly gemm: number;
  readonly firstOfGemm: boolean;
  readonly lastOfGemm: boolean;
}

export interface SystolicMapping {
  readonly gemms: readonly GemmJob[];
  readonly folds: readonly Fold[];
}

/** GEMMs and folds of the whole workload on an R x C array: folds output-column block by block, reduction blocks inside. */
export function systolicMapping(w: Workload, rows: number, cols: number): SystolicMapping {
  const gemms: GemmJob[] = [];
  const folds: Fold[] = [];
  const add = (g: GemmJob): void => {
    const gi = gemms.length;
    gemms.push(g);
    const nk = Math.ceil(g.k / rows);
    const nn = Math.ceil(g.n / cols);
    for (let j = 0; j < nn; j++) {
      for (let i = 0; i < nk; i++) {
        folds.push({ rows: Math.min(rows, g.k - i * rows), cols: Math.min(cols, g.n - j * cols), gemm: gi, firstOfGemm: i === 0 && j === 0, lastOfGemm: i === nk - 1 && j === nn - 1 });
      }
    }
  };
  w.groups.forEach((group, g) => {
    const steps = Math.max(...group);
    for (const layer of w.layers) {
      for (let d = 0; d < layer.directions; d++) {
        for (let t = 0; t < steps; t++) {
          const m = activeSamples(group, d === 0 ? t : steps - 1 - t);
          if (m === 0) continue;
          const common = { group: g, layer: layer.index, direction: d, timestep: t, hidden: layer.hiddenSize, hasProjection: layer.projSize > 0, firstOfLayer: t === 0 };
          add({ ...common, m, k: layer.inputSize + layer.recurrentSize, n: w.gates * layer.hiddenSize, part: 'gates' });
          if (layer.projSize > 0) add({ ...common, firstOfLayer: false, m, k: layer.hiddenSize, n: layer.projSize, part: 'projection' });
        }
      }
    }
  });
  return { gemms, folds };
}
