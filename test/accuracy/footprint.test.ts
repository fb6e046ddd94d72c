import { describe, expect, it } from 'vitest';
import { bitsForLevels, footprint, isCoreTensor, tensorBytes } from '../../src/accuracy/footprint.js';
import { fixedPointConfig, rangeIntBits } from '../../src/accuracy/fixed-point-formats.js';

describe('memory footprint arithmetic (by hand)', () => {
  it('packs bits per tensor, rounds each tensor up to bytes, adds per-matrix overhead', () => {
    expect(tensorBytes({ name: 'x', elements: 24, bits: 4 })).toBe(12);
    expect(tensorBytes({ name: 'x', elements: 5, bits: 3 })).toBe(2); // 15 bits -> 2 bytes
    expect(tensorBytes({ name: 'x', elements: 24, bits: 2, overheadBits: 32 })).toBe(10); // 48 + 32 bits
  });

  it('core = recurrent weights and biases; total adds embedding and head; reductions vs float32', () => {
    const f = footprint([
      { name: 'embedding.weight', elements: 5, bits: 3 }, // 2 bytes (float 20)
      { name: 'weight_ih_l0', elements: 24, bits: 4 }, // 12 (96)
      { name: 'weight_hh_l0', elements: 16, bits: 4 }, // 8 (64)
      { name: 'bias_ih_l0', elements: 8, bits: 4 }, // 4 (32)
      { name: 'bias_hh_l0', elements: 8, bits: 4 }, // 4 (32)
      { name: 'head.weight', elements: 10, bits: 32 }, // 40 (40)
    ]);
    expect(f.coreBytes).toBe(28);
    expect(f.coreFloatBytes).toBe(224);
    expect(f.coreReduction).toBeCloseTo(1 - 28 / 224, 12); // 87.5%
    expect(f.totalBytes).toBe(70);
    expect(f.totalFloatBytes).toBe(284);
    expect(f.totalReduction).toBeCloseTo(1 - 70 / 284, 12);
  });

  it('8-bit words save 75% of float32 and ternary 2-bit codes 93.75% (before scales)', () => {
    const w = (bits: number) => footprint([{ name: 'weight_hh_l0', elements: 512 * 128, bits }]).coreReduction;
    expect(w(8)).toBe(0.75);
    expect(w(2)).toBe(0.9375);
    expect(w(16)).toBe(0.5);
  });

  it('bits to index the levels used', () => {
    expect(bitsForLevels(1)).toBe(1);
    expect(bitsForLevels(2)).toBe(1);
    expect(bitsForLevels(3)).toBe(2); // ternary
    expect(bitsForLevels(4)).toBe(2);
    expect(bitsForLevels(5)).toBe(3);
    expect(bitsForLevels(33)).toBe(6);
  });

  it('recognises core tensor names only', () => {
    expect(isCoreTensor('weight_hh_l0')).toBe(true);
    expect(isCoreTensor('bias_ih_l2_reverse')).toBe(true);
    expect(isCoreTensor('weight_hr_l1')).toBe(true);
    expect(isCoreTensor('head.weight')).toBe(false);
    expect(isCoreTensor('embedding.weight')).toBe(false);
  });
});

describe('post-training fixed-point formats', () => {
  const ranges = [{ weight: 1.3, activation: 0.5, gate: 5, cell: 2.5 }];

  it('integer bits from observed ranges (sign included; activations cover sigmoid/tanh up to 1)', () => {
    expect(rangeIntBits(ranges[0])).toEqual({ weight: 2, activation: 2, gate: 4, cell: 3 });
  });

  it('weights and activations at the scheme width, gates and cell at 16 bits', () => {
    const c = fixedPointConfig(ranges, 8).layers[0];
    expect(c.weight).toEqual({ intBits: 2, fracBits: 6 });
    expect(c.activation).toEqual({ intBits: 2, fracBits: 6 });
    expect(c.gate).toEqual({ intBits: 4, fracBits: 12 });
    expect(c.cell).toEqual({ intBits: 3, fracBits: 13 });
    const d = fixedPointConfig(ranges, 4, { weightDrop: 1, activationDrop: 1 }).layers[0];
    expect(d.weight).toEqual({ intBits: 1, fracBits: 3 });
    expect(d.activation).toEqual({ intBits: 1, fracBits: 3 });
  });
});
