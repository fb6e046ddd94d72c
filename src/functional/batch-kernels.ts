/**
 * Typed-array kernels of the batched integer datapath (batched-network.ts).
 *
 * Every operand is an integer code held in a Float64Array; products and sums are formed in
 * doubles. They are exact: validateQuantization bounds every product and every dot-product sum
 * below 2^53, so no rounding ever happens and the result does not depend on the order of the
 * additions. That is what lets these kernels block rows and sequences freely (register and cache
 * blocking) and still give exactly the codes of the one-sequence-at-a-time reference path
 * (reference-quantized-network.ts).
 */
import { ACCUMULATOR_BITS, roundShift, roundShiftHalfUp, type Rounding } from './fixed-point.js';

const ACC_HI = 2 ** (ACCUMULATOR_BITS - 1) - 1;
const ACC_LO = -(2 ** (ACCUMULATOR_BITS - 1));

/** Below this magnitude v * 2^-shift + 0.5 is exact in a double (53-bit significand). */
const EXACT_HALF_LIMIT = 2 ** 52;

/** Doubles of a row block kept in cache while every sequence block passes over it (assumed ~256 KB of L2). */
const ROW_BLOCK_DOUBLES = 32_768;

export interface GemmTerms {
  /** Row i of x starts at x[i * xStride + xOffset] (the operand may be a column slice of a wider matrix). */
  readonly xStride: number;
  readonly xOffset: number;
  /** Per-row bias codes, added as bias[r] * biasScale (null: none). */
  readonly bias: Float64Array | null;
  readonly biasScale: number;
  /** Factor applied to the dot products (a power of two aligning fractional bits; 1 = none). */
  readonly sumScale: number;
  /** Add to out's current values (true) or overwrite them (false). */
  readonly accumulate: boolean;
}

/**
 * out[i * rows + r] (+)= bias[r] * biasScale + sumScale * sum_k w[r * cols + k] * x[i * xStride + xOffset + k]
 * for i < n sequences. W is row-major [rows, cols]. Blocked by two weight rows times four
 * sequences (eight accumulators in registers), rows in cache-sized blocks.
 */
export function gemmRows(w: Float64Array, rows: number, cols: number, x: Float64Array, n: number, out: Float64Array, terms: GemmTerms): void {
  const { bias, biasScale, sumScale, accumulate, xStride, xOffset } = terms;
  const rowBlock = Math.max(2, Math.floor(ROW_BLOCK_DOUBLES / Math.max(1, cols)) & ~1);
  const n4 = n - (n % 4);
  const rowsEven = rows - (rows % 2);
  for (let r0 = 0; r0 < rows; r0 += rowBlock) {
    const r1 = Math.min(rows, r0 + rowBlock);
    const r1Even = Math.min(r1, rowsEven);
    let i = 0;
    for (; i < n4; i += 4) {
      const x0 = i * xStride + xOffset;
      const x1 = x0 + xStride;
      const x2 = x1 + xStride;
      const x3 = x2 + xStride;
      let r = r0;
      for (; r < r1Even; r += 2) {
        const w0 = r * cols;
        const w1 = w0 + cols;
        let s00 = 0;
        let s01 = 0;
        let s02 = 0;
        let s03 = 0;
        let s10 = 0;
        let s11 = 0;
        let s12 = 0;
        let s13 = 0;
        for (let k = 0; k < cols; k++) {
          const p = w[w0 + k];
          const q = w[w1 + k];
          const a = x[x0 + k];
          const b = x[x1 + k];
          const c = x[x2 + k];
          const d = x[x3 + k];
          s00 += p * a;
          s01 += p * b;
          s02 += p * c;
          s03 += p * d;
          s10 += q * a;
          s11 += q * b;
          s12 += q * c;
          s13 += q * d;
        }
        const b0 = bias === null ? 0 : bias[r] * biasScale;
        const b1 = bias === null ? 0 : bias[r + 1] * biasScale;
        const o0 = i * rows + r;
        const o1 = o0 + rows;
        const o2 = o1 + rows;
        const o3 = o2 + rows;
        if (accumulate) {
          out[o0] += b0 + s00 * sumScale;
          out[o1] += b0 + s01 * sumScale;
          out[o2] += b0 + s02 * sumScale;
          out[o3] += b0 + s03 * sumScale;
          out[o0 + 1] += b1 + s10 * sumScale;
          out[o1 + 1] += b1 + s11 * sumScale;
          out[o2 + 1] += b1 + s12 * sumScale;
          out[o3 + 1] += b1 + s13 * sumScale;
        } else {
          out[o0] = b0 + s00 * sumScale;
          out[o1] = b0 + s01 * sumScale;
          out[o2] = b0 + s02 * sumScale;
          out[o3] = b0 + s03 * sumScale;
          out[o0 + 1] = b1 + s10 * sumScale;
          out[o1 + 1] = b1 + s11 * sumScale;
          out[o2 + 1] = b1 + s12 * sumScale;
          out[o3 + 1] = b1 + s13 * sumScale;
        }
      }
      for (; r < r1; r++) {
        for (let j = i; j < i + 4; j++) dotInto(w, r, cols, x, j, rows, out, terms);
      }
    }
    for (; i < n; i++) {
      for (let r = r0; r < r1; r++) dotInto(w, r, cols, x, i, rows, out, terms);
    }
  }
}

/** One output of gemmRows (remainder rows and sequences). */
function dotInto(w: Float64Array, r: number, cols: number, x: Float64Array, i: number, rows: number, out: Float64Array, t: GemmTerms): void {
  const w0 = r * cols;
  const x0 = i * t.xStride + t.xOffset;
  let s = 0;
  for (let k = 0; k < cols; k++) s += w[w0 + k] * x[x0 + k];
  const v = (t.bias === null ? 0 : t.bias[r] * t.biasScale) + s * t.sumScale;
  const o = i * rows + r;
  out[o] = t.accumulate ? out[o] + v : v;
}

/** Clamps v to the 48-bit accumulator. */
export function saturate48(v: number): number {
  return v > ACC_HI ? ACC_HI : v < ACC_LO ? ACC_LO : v;
}

/**
 * Requantization of integers with `fromFrac` fractional bits into a format with `toFrac`
 * fractional bits and codes in [lo, hi]: round half to even, then saturate (fixed-point.ts
 * requantize, with the constants hoisted).
 */
export class Requantizer {
  private readonly shift: number;
  private readonly inv: number;

  constructor(
    fromFrac: number,
    toFrac: number,
    readonly lo: number,
    readonly hi: number,
    /** 'half_up' skips the tie correction (src/functional/fixed-point.ts Rounding). */
    private readonly rounding: Rounding = 'half_even',
  ) {
    this.shift = fromFrac - toFrac;
    this.inv = 2 ** -this.shift;
  }

  apply(v: number): number {
    let q: number;
    if (this.shift <= 0) {
      q = v * this.inv;
    } else {
      // v * 2^-shift and + 0.5 are exact (|v| < 2^53 with at most `shift` fractional bits after
      // scaling), so floor(y) rounds half up; an exact tie (y an integer) at an odd result goes
      // back down: half to even. Written without a data-dependent branch on the rounding
      // direction (which is a coin flip per value and mispredicts); ties are rare.
      if (v < EXACT_HALF_LIMIT && v > -EXACT_HALF_LIMIT) {
        const y = v * this.inv + 0.5;
        q = Math.floor(y);
        // ToInt32 keeps the parity of any integer below 2^53, so (q & 1) is q's parity.
        if (q === y && (q & 1) !== 0 && this.rounding === 'half_even') q -= 1;
      } else {
        // Near 2^53 adding 0.5 could round: the general form.
        q = this.rounding === 'half_even' ? roundShift(v, this.shift) : roundShiftHalfUp(v, this.shift);
      }
    }
    return q > this.hi ? this.hi : q < this.lo ? this.lo : q;
  }

  /**
   * dst[dOff + i] = apply(saturate48(src[sOff + i] + (add === null ? 0 : add[i]))) for i < n: a
   * block of accumulators (plus aligned biases) into codes, the loop constants in locals.
   */
  applyAccumulators(src: Float64Array, sOff: number, add: Float64Array | null, n: number, dst: Int32Array, dOff: number): void {
    const inv = this.inv;
    const lo = this.lo;
    const hi = this.hi;
    const shift = this.shift;
    const even = this.rounding === 'half_even';
    for (let i = 0; i < n; i++) {
      let v = add === null ? src[sOff + i] : src[sOff + i] + add[i];
      v = v > ACC_HI ? ACC_HI : v < ACC_LO ? ACC_LO : v;
      let q: number;
      if (shift <= 0) {
        q = v * inv;
      } else if (v < EXACT_HALF_LIMIT && v > -EXACT_HALF_LIMIT) {
        const y = v * inv + 0.5;
        q = Math.floor(y);
        if (q === y && (q & 1) !== 0 && even) q -= 1;
      } else {
        q = even ? roundShift(v, shift) : roundShiftHalfUp(v, shift);
      }
      dst[dOff + i] = q > hi ? hi : q < lo ? lo : q;
    }
  }
}

/** dst[dOff + i] = rq(src[sOff + i]) for i < n (Int32 codes in, doubles out: a GEMM operand). */
export function requantizeInto(src: Int32Array, sOff: number, n: number, rq: Requantizer, dst: Float64Array, dOff: number): void {
  for (let i = 0; i < n; i++) dst[dOff + i] = rq.apply(src[sOff + i]);
}
