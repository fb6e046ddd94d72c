import { describe, expect, it } from 'vitest';
import { IntegerActivation } from '../../src/functional/activation-tables.js';
import { dequantize, q, quantize } from '../../src/functional/fixed-point.js';

/** The reference, written here rather than imported, so the tables are checked against something they do not share. */
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('sigmoid / tanh lookup tables', () => {
  it('256-entry sigmoid table over [-8, 8): bin k covers [-8 + k/16, -8 + (k+1)/16), value at its midpoint', () => {
    // Input Q8.8 (range codes 8*256 = 2048, span 4096 = 2^12): index = (x + 2048) >> 4.
    const unit = new IntegerActivation('sigmoid', { kind: 'lut', entries: 256, range: 8 }, q(8, 8), q(1, 15));
    expect(unit.entries.length).toBe(256);
    // entry 128 = sigmoid(1/32) = 0.5078118... * 2^15 = 16639.99 -> 16640
    expect(unit.entries[128]).toBe(16640);
    // x = 0 (code 0): index (0 + 2048) >> 4 = 128
    expect(unit.apply(0)).toBe(16640);
    // x = 15/256 (code 15) still in bin 128; x = 16/256 in bin 129
    expect(unit.apply(15)).toBe(16640);
    // bin 129's midpoint 3/32: sigmoid = 0.523420 * 2^15 = 17151.44 -> 17151
    expect(unit.apply(16)).toBe(17151);
    // Clamping: 100.0 (beyond the Q8.8 range, saturated code 32767) -> last entry, sigmoid(8 - 1/32) = 0.99966 * 2^15 = 32756.66 -> 32757
    expect(unit.apply(32767)).toBe(32757);
    // and the most negative code -> first entry, sigmoid(-8 + 1/32) * 2^15 = 11.34 -> 11
    expect(unit.apply(-32768)).toBe(11);
  });

  it('tanh table output saturates at the format limit (Q1.7: 1.0 -> 127/128)', () => {
    const unit = new IntegerActivation('tanh', { kind: 'lut', entries: 16, range: 8 }, q(5, 3), q(1, 7));
    // last bin midpoint 7.5: tanh = 0.9999994 * 128 = 127.99992 -> 128 -> saturate 127
    expect(unit.entries[15]).toBe(127);
    expect(unit.entries[0]).toBe(-128);
  });

  it('256-entry tables stay within their stated worst-case error', () => {
    // Error <= half a bin * max slope + output rounding: sigmoid 1/32 * 1/4 + 2^-16; tanh (range 4) 1/64 * 1 + 2^-16.
    const sig = new IntegerActivation('sigmoid', { kind: 'lut', entries: 256, range: 8 }, q(8, 8), q(1, 15));
    const th = new IntegerActivation('tanh', { kind: 'lut', entries: 256, range: 4 }, q(8, 8), q(1, 15));
    let es = 0;
    let et = 0;
    for (let c = -2048; c < 2048; c++) {
      const x = dequantize(c, q(8, 8));
      es = Math.max(es, Math.abs(dequantize(sig.apply(c), q(1, 15)) - sigmoid(x)));
      if (c >= -1024 && c < 1024) et = Math.max(et, Math.abs(dequantize(th.apply(c), q(1, 15)) - Math.tanh(x)));
    }
    expect(es).toBeLessThan(1 / 128 + 2 ** -16);
    expect(es).toBeGreaterThan(1 / 256); // the table really is coarse
    expect(et).toBeLessThan(1 / 64 + 2 ** -16);
  });
});

describe('piecewise-linear and ideal units', () => {
  it('PWL interpolates between quantized breakpoints, rounding once (worked by hand)', () => {
    // tanh, 4 segments over [-4, 4]: breakpoints -4, -2, 0, 2, 4; Q1.7 outputs:
    //   tanh(0) = 0 -> 0; tanh(2) = 0.96403 * 128 = 123.39 -> 123; tanh(-4) * 128 = -127.91 -> -128 (representable)
    // Input Q4.4: x = 1.0 (code 16) is halfway from 0 to 2: 0 + (123 - 0) * 0.5 = 61.5 -> 62 (even)
    // x = -1 (code -16): from y(-2) = -123: -123 + round(123 * 0.5 = 61.5 -> 62) = -61 (the rounded increment is
    //   added to the left breakpoint, so PWL is not exactly odd-symmetric)
    // x = 0.5 (code 8): 123 * 0.25 = 30.75 -> 31;  x = 5 (code 80, beyond range) -> y(4) = tanh(4)*128 = 127.91 -> 128 -> 127
    const unit = new IntegerActivation('tanh', { kind: 'pwl', segments: 4, range: 4 }, q(4, 4), q(1, 7));
    expect(Array.from(unit.entries)).toEqual([-128, -123, 0, 123, 127]);
    expect([unit.apply(16), unit.apply(8), unit.apply(80), unit.apply(-16), unit.apply(0)]).toEqual([62, 31, 127, -61, 0]);
  });

  it('PWL with 1024 segments is within 3e-5 of tanh on a fine input grid', () => {
    const unit = new IntegerActivation('tanh', { kind: 'pwl', segments: 1024, range: 8 }, q(4, 20), q(2, 24));
    let e = 0;
    for (let x = -7.99; x < 8; x += 0.0137) e = Math.max(e, Math.abs(dequantize(unit.apply(quantize(x, q(4, 20))), q(2, 24)) - Math.tanh(quantize(x, q(4, 20)) / 2 ** 20)));
    expect(e).toBeLessThan(3e-5);
  });

  it('ideal unit is the correctly rounded function', () => {
    const unit = new IntegerActivation('sigmoid', { kind: 'ideal' }, q(4, 4), q(1, 7));
    // sigmoid(1) = 0.731059 * 128 = 93.58 -> 94
    expect(unit.apply(16)).toBe(94);
  });

  it('rejects non-power-of-two table parameters', () => {
    expect(() => new IntegerActivation('tanh', { kind: 'lut', entries: 200, range: 4 }, q(4, 4), q(1, 7))).toThrow(/powers of two/);
    expect(() => new IntegerActivation('tanh', { kind: 'pwl', segments: 8, range: 3 }, q(4, 4), q(1, 7))).toThrow(/powers of two/);
  });

  it('the direct-table fast path (<= 16-bit inputs) equals the computed path (wider inputs)', () => {
    // Same LUT addressed from Q6.10 (16 bits, direct) and Q6.12 (18 bits, computed): inputs c and 4c are the same value.
    const spec = { kind: 'lut', entries: 64, range: 4 } as const;
    const a = new IntegerActivation('sigmoid', spec, q(6, 10), q(1, 11));
    const b = new IntegerActivation('sigmoid', spec, q(6, 12), q(1, 11));
    for (let c = -32768; c < 32768; c += 37) expect(b.apply(4 * c)).toBe(a.apply(c));
  });
});
