/**
 * Weight pruning with masks (1 = keep, 0 = pruned), so the trainer can fine-tune with the mask
 * applied after every update.
 *
 * - Magnitude pruning keeps the round(density * n) largest |w| of a tensor.
 * - ESE's load-balance-aware pruning (Han et al., FPGA 2017): rows of a weight matrix are assigned
 *   to PEs interleaved (row r -> PE r mod numPEs), and each PE's sub-matrix is pruned by magnitude
 *   to the SAME non-zero count, so no PE waits for a busier one.
 *
 * Ties in |w| are broken by lower flat index first, so results are deterministic.
 */
import type { TensorMap } from './tensor.js';

export interface PruneResult {
  /** 1 where the weight is kept, 0 where pruned; same length as the weights. */
  readonly mask: Uint8Array;
  /** Number of kept weights. */
  readonly nonZeros: number;
}

export interface LoadBalancedPruneResult extends PruneResult {
  /** Kept weights per PE (all equal, unless a PE's slice is smaller than the common count). */
  readonly perPeNonZeros: Int32Array;
}

function checkDensity(density: number): void {
  if (!(density >= 0 && density <= 1)) throw new Error(`pruning: density must be in [0, 1], got ${density}`);
}

/** Keeps the `keep` largest-magnitude entries among `indices` (mutates `indices` order). */
function keepLargest(w: Float32Array, indices: Int32Array, keep: number, mask: Uint8Array): void {
  indices.sort((a, b) => {
    const d = Math.abs(w[b]) - Math.abs(w[a]);
    return d !== 0 ? d : a - b;
  });
  for (let k = 0; k < keep; k++) mask[indices[k]] = 1;
}

/** Magnitude pruning to `density` (fraction kept): keeps round(density * n) weights. */
export function magnitudePrune(w: Float32Array, density: number): PruneResult {
  checkDensity(density);
  const keep = Math.round(density * w.length);
  const mask = new Uint8Array(w.length);
  const idx = new Int32Array(w.length);
  for (let i = 0; i < w.length; i++) idx[i] = i;
  keepLargest(w, idx, keep, mask);
  return { mask, nonZeros: keep };
}

/**
 * Load-balance-aware pruning of a row-major rows x cols matrix over numPEs PEs (row r -> PE
 * r mod numPEs). Every PE keeps k = round(density * rows * cols / numPEs) weights (capped at its
 * slice size when rows is not a multiple of numPEs), chosen by magnitude within its slice.
 */
export function loadBalancedPrune(w: Float32Array, rows: number, cols: number, numPEs: number, density: number): LoadBalancedPruneResult {
  checkDensity(density);
  if (rows * cols !== w.length) throw new Error(`pruning: ${rows}x${cols} matrix expected, got ${w.length} weights`);
  if (!Number.isInteger(numPEs) || numPEs < 1) throw new Error(`pruning: numPEs must be a positive integer, got ${numPEs}`);
  const perPe = Math.round((density * rows * cols) / numPEs);
  const mask = new Uint8Array(w.length);
  const perPeNonZeros = new Int32Array(numPEs);
  let nonZeros = 0;
  for (let pe = 0; pe < numPEs; pe++) {
    const peRows = pe < rows ? Math.floor((rows - 1 - pe) / numPEs) + 1 : 0;
    const idx = new Int32Array(peRows * cols);
    let n = 0;
    for (let r = pe; r < rows; r += numPEs) for (let c = 0; c < cols; c++) idx[n++] = r * cols + c;
    const keep = Math.min(perPe, idx.length);
    keepLargest(w, idx, keep, mask);
    perPeNonZeros[pe] = keep;
    nonZeros += keep;
  }
  return { mask, nonZeros, perPeNonZeros };
}

/** w[i] = 0 where mask[i] = 0 (in place). */
export function applyMask(w: Float32Array, mask: Uint8Array): void {
  if (w.length !== mask.length) throw new Error(`applyMask: ${w.length} weights but ${mask.length} mask entries`);
  for (let i = 0; i < w.length; i++) if (mask[i] === 0) w[i] = 0;
}

/**
 * Prunes every 2-D "weight_*" tensor of an RNN (weight_ih_l*, weight_hh_l*, weight_hr_l*, and
 * their _reverse) in place and returns the masks by name. Biases are never pruned.
 * With numPEs, uses load-balance-aware pruning; otherwise magnitude pruning.
 */
export function pruneRnnWeights(tensors: TensorMap, density: number, numPEs?: number): Map<string, PruneResult | LoadBalancedPruneResult> {
  const masks = new Map<string, PruneResult | LoadBalancedPruneResult>();
  for (const [name, t] of tensors) {
    if (!/(^|\.)weight_(ih|hh|hr)_l\d+(_reverse)?$/.test(name) || t.shape.length !== 2) continue;
    const r = numPEs === undefined ? magnitudePrune(t.data, density) : loadBalancedPrune(t.data, t.shape[0], t.shape[1], numPEs, density);
    applyMask(t.data, r.mask);
    masks.set(name, r);
  }
  return masks;
}
