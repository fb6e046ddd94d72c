/**
 * Bit-exact fixed-point arithmetic, as a fixed-point datapath computes it.
 *
 * Format convention: Qm.n is a signed two's-complement word of m + n bits, m integer bits
 * INCLUDING the sign bit, n fractional bits (as Vivado HLS ap_fixed<m+n, m>). Range
 * [-2^(m-1), 2^(m-1) - 2^-n], resolution 2^-n. Q8.8 = ap_fixed<16,8>; Q1.15 covers [-1, 1).
 * A value is stored as the integer round(x * 2^n).
 *
 * Rounding: ROUND-HALF-TO-EVEN (convergent rounding) everywhere: when quantizing floats and when
 * dropping fractional bits of integers (requantization). It is unbiased, which matters for long
 * recurrences, and is what torch.round / numpy.round do.
 * Overflow: SATURATION to the format's range everywhere (never wrap-around).
 *
 * Integers are JS numbers: exact up to 2^53. Products of two words and dot-product sums are
 * formed exactly (callers check word lengths with assertExact), then the sum passes a 48-bit
 * saturating accumulator stage (ACCUMULATOR_BITS) before requantization.
 */

export interface FixedFormat {
  /** Integer bits including the sign bit (m of Qm.n). May be <= 0 only if fracBits compensates. */
  readonly intBits: number;
  /** Fractional bits (n of Qm.n). */
  readonly fracBits: number;
}

/** Width of the dot-product accumulator, in bits (signed). Sums are saturated to this width. */
export const ACCUMULATOR_BITS = 48;
/** Largest word length a stored value (Int32Array) may have. */
export const MAX_WORD_BITS = 32;

export function q(intBits: number, fracBits: number): FixedFormat {
  const f = { intBits, fracBits };
  validateFormat(f);
  return f;
}

export function wordBits(f: FixedFormat): number {
  return f.intBits + f.fracBits;
}

export function formatName(f: FixedFormat): string {
  return `Q${f.intBits}.${f.fracBits}`;
}

export function validateFormat(f: FixedFormat, what = 'format'): void {
  const w = f.intBits + f.fracBits;
  if (!Number.isInteger(f.intBits) || !Number.isInteger(f.fracBits) || w < 2 || w > MAX_WORD_BITS) {
    throw new Error(`${what}: Q${f.intBits}.${f.fracBits} must have integer fields and a word length in [2, ${MAX_WORD_BITS}]`);
  }
}

/** Largest integer code of the format: 2^(w-1) - 1. */
export function maxCode(f: FixedFormat): number {
  return 2 ** (f.intBits + f.fracBits - 1) - 1;
}

/** Smallest integer code of the format: -2^(w-1). */
export function minCode(f: FixedFormat): number {
  return -(2 ** (f.intBits + f.fracBits - 1));
}

/** Rounds a real to the nearest integer, ties to even (2.5 -> 2, 3.5 -> 4, -2.5 -> -2). */
export function roundHalfEven(x: number): number {
  const fl = Math.floor(x);
  const d = x - fl;
  if (d > 0.5) return fl + 1;
  if (d < 0.5) return fl;
  return fl % 2 === 0 ? fl : fl + 1;
}

/** Clamps an integer to the signed `bits`-bit range [-2^(bits-1), 2^(bits-1) - 1]. */
export function saturate(v: number, bits: number): number {
  const hi = 2 ** (bits - 1) - 1;
  const lo = -(2 ** (bits - 1));
  return v > hi ? hi : v < lo ? lo : v;
}

/**
 * How a code is rounded when fractional bits are dropped: 'half_even' (convergent rounding: a tie
 * needs every dropped bit to be seen) or 'half_up' (add half an LSB and shift: only the first
 * dropped bit is needed, so hardware that stores a word most significant bit first can read one
 * bit below the kept ones and round; src/dps/storage.ts 'msb_first').
 */
export type Rounding = 'half_even' | 'half_up';

/**
 * Divides an integer by 2^shift with round-half-up (shift >= 0: floor(v / 2^shift + 1/2)), or
 * multiplies by 2^-shift (shift < 0, exact).
 */
export function roundShiftHalfUp(v: number, shift: number): number {
  if (shift <= 0) return v * 2 ** -shift;
  const scale = 2 ** shift;
  const qt = Math.floor(v / scale); // exact: division by a power of two
  // The remainder, not v + scale / 2, so that values near 2^53 stay exact.
  return v - qt * scale >= scale / 2 ? qt + 1 : qt;
}

/**
 * Divides an integer by 2^shift with round-half-to-even (shift >= 0), or multiplies by 2^-shift
 * (shift < 0, exact). This is the hardware "arithmetic shift right with convergent rounding".
 */
export function roundShift(v: number, shift: number): number {
  if (shift <= 0) return v * 2 ** -shift;
  const scale = 2 ** shift;
  const qt = Math.floor(v / scale); // exact: division by a power of two
  const rem = v - qt * scale; // in [0, scale)
  const half = scale / 2;
  if (rem > half) return qt + 1;
  if (rem < half) return qt;
  return qt % 2 === 0 ? qt : qt + 1;
}

/** Float -> integer code of `f`: round-half-to-even(x * 2^n), saturated. NaN maps to 0. */
export function quantize(x: number, f: FixedFormat): number {
  if (Number.isNaN(x)) return 0;
  const v = roundHalfEven(x * 2 ** f.fracBits);
  const hi = maxCode(f);
  const lo = minCode(f);
  return v > hi ? hi : v < lo ? lo : v;
}

/** Integer code -> real value. */
export function dequantize(code: number, f: FixedFormat): number {
  return code * 2 ** -f.fracBits;
}

/** Re-expresses an integer with `fromFrac` fractional bits in format `to`: round (half-even unless told), saturate. */
export function requantize(v: number, fromFrac: number, to: FixedFormat, rounding: Rounding = 'half_even'): number {
  const r = rounding === 'half_even' ? roundShift(v, fromFrac - to.fracBits) : roundShiftHalfUp(v, fromFrac - to.fracBits);
  const hi = maxCode(to);
  const lo = minCode(to);
  return r > hi ? hi : r < lo ? lo : r;
}

/** Saturating accumulator stage: clamps an exact sum to ACCUMULATOR_BITS. */
export function saturateAccumulator(v: number): number {
  return saturate(v, ACCUMULATOR_BITS);
}

/** Quantizes a whole array into a new Int32Array of codes. */
export function quantizeArray(x: Float32Array, f: FixedFormat, out?: Int32Array): Int32Array {
  const o = out ?? new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) o[i] = quantize(x[i], f);
  return o;
}

export function dequantizeArray(codes: Int32Array, f: FixedFormat, out?: Float32Array): Float32Array {
  const o = out ?? new Float32Array(codes.length);
  const s = 2 ** -f.fracBits;
  for (let i = 0; i < codes.length; i++) o[i] = codes[i] * s;
  return o;
}

/** Requantizes an array of codes (fractional bits `fromFrac`) into format `to`. */
export function requantizeArray(src: Int32Array, fromFrac: number, to: FixedFormat, out?: Int32Array, rounding: Rounding = 'half_even'): Int32Array {
  const o = out ?? new Int32Array(src.length);
  if (fromFrac === to.fracBits) {
    const hi = maxCode(to);
    const lo = minCode(to);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      o[i] = v > hi ? hi : v < lo ? lo : v;
    }
    return o;
  }
  for (let i = 0; i < src.length; i++) o[i] = requantize(src[i], fromFrac, to, rounding);
  return o;
}

/**
 * Throws unless a value of `magnitudeBits` bits (|v| < 2^magnitudeBits) is exact in a double.
 * Used to check, from the formats alone, that every product and sum of a datapath is exact.
 */
export function assertExact(magnitudeBits: number, what: string): void {
  if (magnitudeBits > 53) {
    throw new Error(`${what}: needs ${magnitudeBits} bits of magnitude, more than the 53 exact in a double; use shorter words`);
  }
}
