/**
 * The sparse layouts an ESE run uses, one per weight matrix of every layer and direction:
 * synthetic seeded masks (balanced or not) with exactly the trace's non-zero count per matrix
 * (round(density x rows x cols), the count the MAC invariant checks), or masks taken from a
 * trace payload's sparsity_mask records.
 */
import { readPayloadRecords, readTrace } from '../../traces/reader.js';
import { nonzeroWeightCount, type WeightMatrixName } from '../../traces/work.js';
import type { Workload } from '../workload.js';
import { layoutFromMask, layoutFromPackedMask, matrixSeed, syntheticMask, type SparseLayout, type SyntheticKind } from './sparse-layout.js';

export type LayoutKey = `${number}.${number}.${WeightMatrixName}`;

export function layoutKey(layer: number, direction: number, matrix: WeightMatrixName): LayoutKey {
  return `${layer}.${direction}.${matrix}`;
}

export type EseLayouts = ReadonlyMap<LayoutKey, SparseLayout>;

const MATRIX_INDEX: Record<WeightMatrixName, number> = { input: 0, recurrent: 1, projection: 2 };

/** Shapes of one direction's matrices (rows x cols), as src/traces/work.ts states them. */
export function matrixShapes(workload: Workload, layer: number): Array<{ matrix: WeightMatrixName; rows: number; cols: number }> {
  const l = workload.layers[layer];
  const gateRows = workload.gates * l.hiddenSize;
  const out: Array<{ matrix: WeightMatrixName; rows: number; cols: number }> = [
    { matrix: 'input', rows: gateRows, cols: l.inputSize },
    { matrix: 'recurrent', rows: gateRows, cols: l.recurrentSize },
  ];
  if (l.projSize > 0) out.push({ matrix: 'projection', rows: l.projSize, cols: l.hiddenSize });
  return out;
}

/**
 * Bytes a run's synthetic layouts take: the unpacked 0/1 mask of the largest matrix (one byte a
 * weight, built one matrix at a time) and two 32-bit counts per PE and column of every matrix,
 * twice for W_x and W_h (the run keeps them joined as [W_x W_h] too).
 */
export function syntheticLayoutBytes(workload: Workload, numPEs: number): number {
  let counts = 0;
  for (const l of workload.layers) {
    for (const m of matrixShapes(workload, l.index)) counts += l.directions * numPEs * m.cols * 8 * (m.matrix === 'projection' ? 1 : 2);
  }
  return largestMatrixWeights(workload) + counts;
}

/** Weights of the largest matrix: the size of the one mask buffer syntheticLayouts uses. */
function largestMatrixWeights(workload: Workload): number {
  return Math.max(0, ...workload.layers.flatMap((l) => matrixShapes(workload, l.index).map((m) => m.rows * m.cols)));
}

export function syntheticLayouts(workload: Workload, numPEs: number, indexBits: number, density: number, kind: SyntheticKind, seed: number): EseLayouts {
  const out = new Map<LayoutKey, SparseLayout>();
  // One mask buffer for every matrix, so only one is alive at a time (syntheticLayoutBytes counts one).
  const buffer = new Uint8Array(largestMatrixWeights(workload));
  for (const l of workload.layers) {
    for (let d = 0; d < l.directions; d++) {
      for (const m of matrixShapes(workload, l.index)) {
        const count = nonzeroWeightCount(m.rows, m.cols, density);
        const mask = syntheticMask(m.rows, m.cols, numPEs, count, kind, matrixSeed(seed, l.index, d, MATRIX_INDEX[m.matrix]), buffer);
        out.set(layoutKey(l.index, d, m.matrix), layoutFromMask(mask, m.rows, m.cols, numPEs, indexBits));
      }
    }
  }
  return out;
}

/** Layouts from a trace's sparsity_mask records (every matrix must have one). */
export async function layoutsFromTrace(tracePath: string, workload: Workload, numPEs: number, indexBits: number): Promise<EseLayouts> {
  const trace = await readTrace(tracePath);
  const out = new Map<LayoutKey, SparseLayout>();
  for await (const r of readPayloadRecords(trace)) {
    if (r.kind !== 'sparsity_mask') continue;
    out.set(layoutKey(r.layer_index, r.direction, r.matrix), layoutFromPackedMask(r.mask, r.rows, r.cols, numPEs, indexBits));
  }
  for (const l of workload.layers) {
    for (let d = 0; d < l.directions; d++) {
      for (const m of matrixShapes(workload, l.index)) {
        if (!out.has(layoutKey(l.index, d, m.matrix))) throw new Error(`${tracePath}: no sparsity_mask record for layer ${l.index} direction ${d} matrix ${m.matrix}`);
      }
    }
  }
  return out;
}

/** Concatenate layouts with the same rows and PEs along the columns (W_ih | W_hh for one product). */
export function concatColumns(a: SparseLayout, b: SparseLayout): SparseLayout {
  if (a.numPEs !== b.numPEs || a.rows !== b.rows) throw new Error('internal: concatenating layouts of different rows or PEs');
  const cols = a.cols + b.cols;
  const entries = new Uint32Array(a.numPEs * cols);
  const nonzeros = new Uint32Array(a.numPEs * cols);
  for (let p = 0; p < a.numPEs; p++) {
    entries.set(a.entries.subarray(p * a.cols, (p + 1) * a.cols), p * cols);
    entries.set(b.entries.subarray(p * b.cols, (p + 1) * b.cols), p * cols + a.cols);
    nonzeros.set(a.nonzeros.subarray(p * a.cols, (p + 1) * a.cols), p * cols);
    nonzeros.set(b.nonzeros.subarray(p * b.cols, (p + 1) * b.cols), p * cols + a.cols);
  }
  return { rows: a.rows, cols, numPEs: a.numPEs, entries, nonzeros };
}
