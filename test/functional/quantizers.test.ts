import { describe, expect, it } from 'vitest';
import {
  binarize,
  exponentialQuantize,
  glorotBound,
  pow2Ternarize,
  ternarizeDeterministic,
  ternarizeStochastic,
} from '../../src/functional/quantizers.js';
import { SeededRandom } from '../../src/functional/random.js';

const f32 = (...v: number[]): Float32Array => new Float32Array(v);
const list = (a: Float32Array): number[] => Array.from(a, (v) => (Object.is(v, -0) ? 0 : v));

describe('Ott et al. quantizers', () => {
  it('deterministic binarization: +H for W > 0, -H otherwise (p = 0.5 rounds to even = 0)', () => {
    expect(list(binarize(f32(0.3, -0.3, 0, 5, -5), 1))).toEqual([1, -1, -1, 1, -1]);
  });

  it('stochastic binarization: P(+H) = clip((W/H + 1)/2) (W = 0.5, H = 1 -> 0.75)', () => {
    const rng = new SeededRandom(7);
    const out = binarize(new Float32Array(20000).fill(0.5), 1, rng);
    const share = out.filter((v) => v === 1).length / out.length;
    expect(Math.abs(share - 0.75)).toBeLessThan(0.015);
    // |W| >= H is certain
    expect(list(binarize(f32(2, -2), 1, rng))).toEqual([1, -1]);
  });

  it('deterministic ternarization thresholds at W0/2 (strict)', () => {
    // W0 = 1: W > 0.5 -> 1; W > -0.5 -> 0; else -1. At exactly +-0.5: 0.5 -> 0, -0.5 -> -1.
    expect(list(ternarizeDeterministic(f32(0.51, 0.5, 0.49, 0, -0.49, -0.5, -0.51, 3), 1))).toEqual([1, 0, 0, 0, 0, -1, -1, 1]);
    // W0 scales the values
    expect(list(ternarizeDeterministic(f32(0.3, -0.3, 0.1), 0.5))).toEqual([0.5, -0.5, 0]);
  });

  it('Glorot bound W0 = sqrt(6/(fan_in + fan_out))', () => {
    expect(glorotBound(2, 4)).toBe(1);
    expect(glorotBound(100, 50)).toBeCloseTo(0.2, 12);
  });

  it('stochastic ternarization: P(nonzero) = |W|/W0, sign kept', () => {
    const rng = new SeededRandom(3);
    const out = ternarizeStochastic(new Float32Array(20000).fill(-0.25), 1, rng);
    expect(new Set(out)).toEqual(new Set([0, -1]));
    const share = out.filter((v) => v === -1).length / out.length;
    expect(Math.abs(share - 0.25)).toBeLessThan(0.015);
    expect(list(ternarizeStochastic(f32(1.5, 0), 1, rng))).toEqual([1, 0]);
  });

  it('pow2-ternarization, i = 0, f = 1: values {-0.5, 0, 0.5}', () => {
    // W * 2 rounded half-even, clipped to +-(2^1 - 1) = +-1, divided by 2.
    // 0.3*2 = 0.6 -> 1 -> 0.5; 0.2*2 = 0.4 -> 0; 0.25*2 = 0.5 -> 0 (even); 0.75*2 = 1.5 -> 2 -> clip 1 -> 0.5; -3 -> -0.5
    expect(list(pow2Ternarize(f32(0.3, 0.2, 0.25, 0.75, -3, -0.3), 0, 1))).toEqual([0.5, 0, 0, 0.5, -0.5, -0.5]);
  });

  it('pow2-ternarization, i = 1, f = 2: step 0.25, clip at (2^3 - 1)/4 = 1.75', () => {
    expect(list(pow2Ternarize(f32(0.3, 1.9, -5, 0.625), 1, 2))).toEqual([0.25, 1.75, -1.75, 0.5]);
  });

  it('deterministic exponential quantization: round up only if p_up > 0.5', () => {
    // 0.75: k = floor(log2 0.75) = -1, p_up = 0.75/0.5 - 1 = 0.5 -> not > 0.5 -> 0.5
    // 0.76: p_up = 0.52 -> 1;  -3: k = 1, p_up = 0.5 -> -2;  -3.2: p_up = 0.6 -> -4;  0 -> 0
    // 1: k = 0, p_up = 0 -> 1;  0.5: exact power -> 0.5
    expect(list(exponentialQuantize(f32(0.75, 0.76, -3, -3.2, 0, 1, 0.5)))).toEqual([0.5, 1, -2, -4, 0, 1, 0.5]);
  });

  it('exponential quantization clips the exponent to [-22, 9]', () => {
    // 2^-30: k clipped to -22, p_up < 0 -> 0 -> 2^-22. 5000: k clipped to 9, p_up > 1 -> 1 -> 2^10.
    expect(list(exponentialQuantize(f32(2 ** -30, 5000)))).toEqual([2 ** -22, 1024]);
  });

  it('stochastic exponential quantization: P(up) = p_up (0.625: k = -1, p_up = 0.25)', () => {
    const rng = new SeededRandom(11);
    const out = exponentialQuantize(new Float32Array(20000).fill(0.625), rng);
    expect(new Set(out)).toEqual(new Set([0.5, 1]));
    const share = out.filter((v) => v === 1).length / out.length;
    expect(Math.abs(share - 0.25)).toBeLessThan(0.015);
  });

  it('writes into `out` when given (no allocation), and it may alias the input', () => {
    const w = f32(0.3, -0.9);
    const r = ternarizeDeterministic(w, 1, w);
    expect(r).toBe(w);
    expect(list(w)).toEqual([0, -1]);
  });
});

describe('SeededRandom', () => {
  it('is reproducible and seed-dependent, uniform in [0, 1)', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    // mulberry32 reference value for seed 42 (first output 2581720956 / 2^32)
    expect(new SeededRandom(42).nextUint32()).toBe(2581720956);
    const r = new SeededRandom(1);
    let sum = 0;
    for (let i = 0; i < 100000; i++) {
      const v = r.next();
      if (v < 0 || v >= 1) throw new Error('out of range');
      sum += v;
    }
    expect(Math.abs(sum / 100000 - 0.5)).toBeLessThan(0.005);
  });
});
