import { describe, expect, it } from 'vitest';
import {
  ACCUMULATOR_BITS,
  dequantize,
  maxCode,
  minCode,
  q,
  quantize,
  requantize,
  roundHalfEven,
  roundShift,
  roundShiftHalfUp,
  saturate,
  saturateAccumulator,
  assertExact,
  dequantizeArray,
  formatName,
  quantizeArray,
  requantizeArray,
  validateFormat,
  wordBits,
} from '../../src/functional/fixed-point.js';
import { intMatVec, saturateAccumulators } from '../../src/functional/integer-matvec.js';

describe('rounding: half to even', () => {
  it('rounds reals', () => {
    expect([2.5, 3.5, -2.5, -3.5, 2.4999, 2.5001, -0.5, 0.5, 1.5].map(roundHalfEven)).toEqual([2, 4, -2, -4, 2, 3, 0, 0, 2]);
  });

  it('rounds integer right shifts', () => {
    // 5 / 2 = 2.5 -> 2 (even); 7 / 2 = 3.5 -> 4; -5 / 2 = -2.5 -> -2; -7 / 2 = -3.5 -> -4
    expect([roundShift(5, 1), roundShift(7, 1), roundShift(-5, 1), roundShift(-7, 1)]).toEqual([2, 4, -2, -4]);
    // 13 / 8 = 1.625 -> 2; -13 / 8 = -1.625 -> -2; 11 / 8 = 1.375 -> 1; 12 / 8 = 1.5 -> 2; 20 / 8 = 2.5 -> 2
    expect([roundShift(13, 3), roundShift(-13, 3), roundShift(11, 3), roundShift(12, 3), roundShift(20, 3)]).toEqual([2, -2, 1, 2, 2]);
    // negative shift multiplies exactly: 3 << 4 = 48
    expect(roundShift(3, -4)).toBe(48);
    // large exact values: (2^52 + 2) / 4 = 2^50 + 0.5 -> 2^50 (even)
    expect(roundShift(2 ** 52 + 2, 2)).toBe(2 ** 50);
  });
});

describe('rounding: half up (what a most-significant-first word read one bit below the kept ones gives)', () => {
  it('rounds integer right shifts, ties towards +infinity', () => {
    // 5 / 2 = 2.5 -> 3; 7 / 2 = 3.5 -> 4; -5 / 2 = -2.5 -> -2; -7 / 2 = -3.5 -> -3
    expect([roundShiftHalfUp(5, 1), roundShiftHalfUp(7, 1), roundShiftHalfUp(-5, 1), roundShiftHalfUp(-7, 1)]).toEqual([3, 4, -2, -3]);
    // 13 / 8 = 1.625 -> 2; -13 / 8 = -1.625 -> -2; 11 / 8 = 1.375 -> 1; 20 / 8 = 2.5 -> 3; -12 / 8 = -1.5 -> -1
    expect([roundShiftHalfUp(13, 3), roundShiftHalfUp(-13, 3), roundShiftHalfUp(11, 3), roundShiftHalfUp(20, 3), roundShiftHalfUp(-12, 3)]).toEqual([2, -2, 1, 3, -1]);
    expect(roundShiftHalfUp(3, -4)).toBe(48);
  });

  it('equals reading the top bits and the first dropped bit: (floor(v / 2^(s-1)) + 1) >> 1', () => {
    for (let v = -300; v <= 300; v++) {
      for (const s of [1, 2, 3, 8]) expect(roundShiftHalfUp(v, s)).toBe((Math.floor(v / 2 ** (s - 1)) + 1) >> 1);
    }
  });

  it('requantizes half up and saturates: the 16-bit code 32767 read at 8 bits is the top code 127', () => {
    const q18 = q(1, 7);
    // Q1.15 code 296 to Q1.7: 296 / 256 = 1.156 -> 1 either way; 384 / 256 = 1.5 -> 2 (half-even also 2); 640 / 256 = 2.5 -> 3 (half-even 2)
    expect([296, 384, 640].map((v) => requantize(v, 15, q18, 'half_up'))).toEqual([1, 2, 3]);
    expect([296, 384, 640].map((v) => requantize(v, 15, q18))).toEqual([1, 2, 2]);
    // 32767 / 256 = 127.996 -> 128 -> saturates to 127; -32768 / 256 = -128 exactly
    expect(requantize(32767, 15, q18, 'half_up')).toBe(127);
    expect(requantize(-32768, 15, q18, 'half_up')).toBe(-128);
  });
});

describe('Qm.n quantization with saturation', () => {
  const q44 = q(4, 4); // 8 bits, codes [-128, 127], values [-8, 7.9375], LSB 1/16

  it('has the stated range', () => {
    expect([minCode(q44), maxCode(q44)]).toEqual([-128, 127]);
    expect(dequantize(maxCode(q44), q44)).toBe(7.9375);
  });

  it('quantizes with half-even rounding', () => {
    // 0.1 * 16 = 1.6 -> 2; 0.09375 * 16 = 1.5 -> 2; 0.15625 * 16 = 2.5 -> 2; -0.15625 * 16 = -2.5 -> -2; 0.21875*16 = 3.5 -> 4
    expect([0.1, 0.09375, 0.15625, -0.15625, 0.21875].map((x) => quantize(x, q44))).toEqual([2, 2, 2, -2, 4]);
  });

  it('saturates instead of wrapping', () => {
    // 8.0 * 16 = 128 > 127 -> 127; 7.96875 * 16 = 127.5 -> 128 (even) -> saturates to 127; -8.03 -> -128.48 -> -128; -100 -> -128
    expect([8, 7.96875, -8.03, -100, 1e9].map((x) => quantize(x, q44))).toEqual([127, 127, -128, -128, 127]);
    expect(saturate(200, 8)).toBe(127);
    expect(saturate(-129, 8)).toBe(-128);
    expect(quantize(Number.NaN, q44)).toBe(0);
  });

  it('requantizes: dropping fractional bits rounds, adding them is exact, overflow saturates', () => {
    // Q4.8 code 0x128 = 296 (1.15625) to Q4.4: 296 / 16 = 18.5 -> 18 (even) = 1.125
    expect(requantize(296, 8, q44)).toBe(18);
    // 312 / 16 = 19.5 -> 20
    expect(requantize(312, 8, q44)).toBe(20);
    // Q?.2 code 5 (1.25) to Q4.4: 5 * 4 = 20 exactly
    expect(requantize(5, 2, q44)).toBe(20);
    // 3000 / 16 = 187.5 -> 188 -> saturates to 127
    expect(requantize(3000, 8, q44)).toBe(127);
    expect(requantize(-3000, 8, q44)).toBe(-128);
  });
});

describe('wide accumulator', () => {
  it(`is ${ACCUMULATOR_BITS} bits and saturates at its limits`, () => {
    expect(ACCUMULATOR_BITS).toBe(48);
    expect(saturateAccumulator(2 ** 47)).toBe(2 ** 47 - 1);
    expect(saturateAccumulator(-(2 ** 47) - 5)).toBe(-(2 ** 47));
    expect(saturateAccumulator(2 ** 47 - 1)).toBe(2 ** 47 - 1);
  });

  it('integer matrix-vector product with bias alignment, worked by hand', () => {
    // W (Q2.6 codes) = [[64, -32], [127, 127]] = [[1.0, -0.5], [1.984375, 1.984375]]
    // x (Q3.5 codes) = [48, 16] = [1.5, 0.5]; bias (Q2.6) = [32, -1]; products have 6 + 5 = 11 frac bits
    // row 0: 64*48 - 32*16 + 32 * 2^5 = 3072 - 512 + 1024 = 3584  (= 1.75 at 2^-11)
    // row 1: 127*48 + 127*16 - 1 * 32 = 6096 + 2032 - 32 = 8096
    const acc = new Float64Array(2);
    intMatVec(new Int32Array([64, -32, 127, 127]), 2, 2, new Int32Array([48, 16]), 0, new Int32Array([32, -1]), 5, acc, 0, false);
    expect(Array.from(acc)).toEqual([3584, 8096]);
    // 3584 / 2^11 = 1.75 -> Q4.4: 3584 / 2^7 = 28 exactly; 8096 / 128 = 63.25 -> 63
    expect([requantize(acc[0], 11, q(4, 4)), requantize(acc[1], 11, q(4, 4))]).toEqual([28, 63]);
    // chaining a second product into the same accumulator, then saturating
    acc[0] = 2 ** 47 - 10;
    intMatVec(new Int32Array([100]), 1, 1, new Int32Array([1]), 0, null, 0, acc, 0, true);
    saturateAccumulators(acc, 0, 1);
    expect(acc[0]).toBe(2 ** 47 - 1);
  });
});

describe('formats: names, widths and the checks on them', () => {
  it('Q4.4 is 8 bits named Q4.4; Q0.8 and Q-2.10 are 8-bit words too (integer bits may be <= 0)', () => {
    expect([wordBits(q(4, 4)), formatName(q(4, 4))]).toEqual([8, 'Q4.4']);
    expect([wordBits(q(0, 8)), formatName(q(-2, 10))]).toEqual([8, 'Q-2.10']);
    // codes [-128, 127] at 2^-10: the range [-0.125, 0.1240234375]
    expect([minCode(q(-2, 10)), maxCode(q(-2, 10)), dequantize(maxCode(q(-2, 10)), q(-2, 10))]).toEqual([-128, 127, 0.1240234375]);
  });

  it('a word of 2 to 32 bits with integer fields is valid; anything else is refused naming the format and what', () => {
    expect(() => validateFormat({ intBits: 1, fracBits: 1 })).not.toThrow();
    expect(() => validateFormat({ intBits: 16, fracBits: 16 })).not.toThrow();
    expect(() => validateFormat({ intBits: 1, fracBits: 0 }, 'layer 0 weight')).toThrow('layer 0 weight: Q1.0 must have integer fields and a word length in [2, 32]');
    expect(() => validateFormat({ intBits: 17, fracBits: 16 })).toThrow('format: Q17.16 must have integer fields and a word length in [2, 32]');
    expect(() => validateFormat({ intBits: 1.5, fracBits: 2 })).toThrow('Q1.5.2 must have integer fields');
    expect(() => validateFormat({ intBits: 2, fracBits: 0.5 })).toThrow('Q2.0.5 must have integer fields');
    expect(() => q(0, 1)).toThrow('format: Q0.1 must have integer fields and a word length in [2, 32]');
  });

  it('assertExact allows 53 bits of magnitude and refuses 54, naming what', () => {
    expect(() => assertExact(53, 'dot product')).not.toThrow();
    expect(() => assertExact(54, 'dot product')).toThrow('dot product: needs 54 bits of magnitude, more than the 53 exact in a double; use shorter words');
  });
});

describe('arrays of codes', () => {
  const q44 = q(4, 4);
  it('quantizeArray and dequantizeArray, into a new array or the one given', () => {
    const codes = quantizeArray(new Float32Array([0.1, -8.5, 7.96875, 0.5]), q44);
    expect(Array.from(codes)).toEqual([2, -128, 127, 8]);
    const out = new Int32Array(4);
    expect(quantizeArray(new Float32Array([1, 2, 3, 4]), q44, out)).toBe(out);
    expect(Array.from(out)).toEqual([16, 32, 48, 64]);
    const back = dequantizeArray(new Int32Array([16, -8, 1]), q44);
    expect(Array.from(back)).toEqual([1, -0.5, 0.0625]);
    const into = new Float32Array(3);
    expect(dequantizeArray(new Int32Array([16, -8, 1]), q44, into)).toBe(into);
  });

  it('requantizeArray: the same fractional bits only saturate; fewer round (half-even or half-up); more are exact', () => {
    // Q?.4 codes to Q4.4: 300 -> 127, -300 -> -128, 5 -> 5
    expect(Array.from(requantizeArray(new Int32Array([300, -300, 5]), 4, q44))).toEqual([127, -128, 5]);
    // Q?.8 codes 296, 312, 40 (/16 = 18.5, 19.5, 2.5) half-even: 18, 20, 2; half-up: 19, 20, 3
    expect(Array.from(requantizeArray(new Int32Array([296, 312, 40]), 8, q44))).toEqual([18, 20, 2]);
    expect(Array.from(requantizeArray(new Int32Array([296, 312, 40]), 8, q44, undefined, 'half_up'))).toEqual([19, 20, 3]);
    // Q?.2 to Q4.4: x 4
    expect(Array.from(requantizeArray(new Int32Array([5, -3]), 2, q44))).toEqual([20, -12]);
    const out = new Int32Array(1);
    expect(requantizeArray(new Int32Array([7]), 4, q44, out)).toBe(out);
  });

  it('roundShift and roundShiftHalfUp by 0 leave the code alone', () => {
    expect([roundShift(7, 0), roundShiftHalfUp(-7, 0)]).toEqual([7, -7]);
  });

  it('saturate: the bounds themselves pass', () => {
    expect([saturate(127, 8), saturate(-128, 8), saturate(126, 8)]).toEqual([127, -128, 126]);
  });
});

