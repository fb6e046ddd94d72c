import { describe, expect, it } from 'vitest';
import { applyMask, loadBalancedPrune, magnitudePrune, pruneRnnWeights } from '../../src/functional/pruning.js';
import { SeededRandom } from '../../src/functional/random.js';
import { loadReferenceCase } from './reference-cases.js';

function randomWeights(n: number, seed: number): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => r.next() * 2 - 1);
}

describe('magnitude pruning', () => {
  it('keeps exactly the largest magnitudes (worked example)', () => {
    const w = new Float32Array([0.1, -0.9, 0.5, -0.2, 0.05, 0.7]);
    // density 0.5 of 6 -> keep 3: |-0.9|, |0.7|, |0.5|
    const r = magnitudePrune(w, 0.5);
    expect(Array.from(r.mask)).toEqual([0, 1, 1, 0, 0, 1]);
    expect(r.nonZeros).toBe(3);
  });

  it('hits the target density on a large matrix', () => {
    const w = randomWeights(1000 * 37, 1);
    for (const density of [0.1, 0.25, 0.5, 0.9]) {
      const r = magnitudePrune(w, density);
      const kept = r.mask.reduce((a, b) => a + b, 0);
      expect(kept).toBe(Math.round(density * w.length));
      // every kept weight is at least as large as every pruned one
      let minKept = Infinity;
      let maxPruned = 0;
      for (let i = 0; i < w.length; i++) {
        if (r.mask[i]) minKept = Math.min(minKept, Math.abs(w[i]));
        else maxPruned = Math.max(maxPruned, Math.abs(w[i]));
      }
      expect(minKept).toBeGreaterThanOrEqual(maxPruned);
    }
  });
});

describe("ESE's load-balance-aware pruning", () => {
  it('gives every PE slice (rows r mod numPEs) the same non-zero count', () => {
    // Skew the matrix: PE 0's rows are large, so plain magnitude pruning would overload PE 0.
    const rows = 64;
    const cols = 20;
    const numPEs = 8;
    const w = randomWeights(rows * cols, 2);
    for (let r = 0; r < rows; r += numPEs) for (let c = 0; c < cols; c++) w[r * cols + c] *= 10;
    const lb = loadBalancedPrune(w, rows, cols, numPEs, 0.25);
    const counts = new Array<number>(numPEs).fill(0);
    for (let i = 0; i < w.length; i++) if (lb.mask[i]) counts[Math.floor(i / cols) % numPEs]++;
    // 0.25 * 64 * 20 / 8 = 40 per PE
    expect(counts).toEqual(new Array<number>(numPEs).fill(40));
    expect(Array.from(lb.perPeNonZeros)).toEqual(counts);
    expect(lb.nonZeros).toBe(320);
    // The contrast: plain magnitude pruning piles the kept weights onto PE 0 (most of its 160 weights).
    const plain = magnitudePrune(w, 0.25);
    const plainCounts = new Array<number>(numPEs).fill(0);
    for (let i = 0; i < w.length; i++) if (plain.mask[i]) plainCounts[Math.floor(i / cols) % numPEs]++;
    expect(plainCounts[0]).toBeGreaterThan(120);
    expect(Math.min(...plainCounts)).toBeLessThan(40);
  });

  it('within a PE, keeps the largest magnitudes of its own slice', () => {
    // 4 x 2 matrix, 2 PEs: PE 0 has rows 0, 2; PE 1 rows 1, 3. density 0.5 -> 2 per PE.
    const w = new Float32Array([0.9, 0.8, 0.1, 0.2, 0.7, 0.05, 0.3, 0.4]);
    const r = loadBalancedPrune(w, 4, 2, 2, 0.5);
    // PE 0 slice: 0.9, 0.8, 0.7, 0.05 -> keep 0.9, 0.8; PE 1 slice: 0.1, 0.2, 0.3, 0.4 -> keep 0.3, 0.4
    expect(Array.from(r.mask)).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
  });

  it('prunes every RNN weight matrix by name, never biases, and applies the masks', () => {
    const { weights } = loadReferenceCase('lstm_bidir_2layer');
    const copy = new Map([...weights].map(([k, t]) => [k, { shape: t.shape, data: t.data.slice() }]));
    const masks = pruneRnnWeights(copy, 0.5, 4);
    expect([...masks.keys()].sort()).toEqual(
      ['weight_hh_l0', 'weight_hh_l0_reverse', 'weight_hh_l1', 'weight_hh_l1_reverse', 'weight_ih_l0', 'weight_ih_l0_reverse', 'weight_ih_l1', 'weight_ih_l1_reverse'],
    );
    // weight_hh_l0 is 28 x 7; 4 PEs; 0.5 * 196 / 4 = 24.5 -> 25 (Math.round rounds halves up) per PE
    const hh = copy.get('weight_hh_l0');
    expect(hh?.data.filter((v) => v !== 0).length).toBe(100);
    expect(Array.from(copy.get('bias_ih_l0')?.data ?? [])).toEqual(Array.from(weights.get('bias_ih_l0')?.data ?? []));
  });

  it('applyMask zeroes pruned weights', () => {
    const w = new Float32Array([1, 2, 3]);
    applyMask(w, new Uint8Array([1, 0, 1]));
    expect(Array.from(w)).toEqual([1, 0, 3]);
  });
});
