/**
 * Integer matrix-vector product of the fixed-point datapath. Codes are Int32Array; products and
 * the running sum are JS numbers, exact because validateQuantization bounds every magnitude below
 * 2^53. A finished dot product passes the ACCUMULATOR_BITS (48-bit) saturating accumulator stage
 * (saturateAccumulators) once, after all its terms are in (one accumulator per output row).
 */
import { ACCUMULATOR_BITS } from './fixed-point.js';

const ACC_HI = 2 ** (ACCUMULATOR_BITS - 1) - 1;
const ACC_LO = -(2 ** (ACCUMULATOR_BITS - 1));

/**
 * acc[accOff + r] (+)= bias[r] * 2^biasShift + sum_c w[r * cols + c] * x[xOff + c].
 * `biasShift` aligns a bias in the weight format to the product format (weight frac + activation
 * frac) by appending the activation's fractional bits (exact). With `add` the terms are added to
 * acc's current value, to chain several products into one accumulator.
 */
export function intMatVec(
  w: Int32Array,
  rows: number,
  cols: number,
  x: Int32Array,
  xOff: number,
  bias: Int32Array | null,
  biasShift: number,
  acc: Float64Array,
  accOff: number,
  add: boolean,
): void {
  const scale = 2 ** biasShift;
  for (let r = 0; r < rows; r++) {
    let s = add ? acc[accOff + r] : 0;
    if (bias !== null) s += bias[r] * scale;
    const base = r * cols;
    for (let c = 0; c < cols; c++) s += w[base + c] * x[xOff + c];
    acc[accOff + r] = s;
  }
}

/** Clamps acc[off .. off + n) to the accumulator width. */
export function saturateAccumulators(acc: Float64Array, off: number, n: number): void {
  for (let i = off; i < off + n; i++) {
    const s = acc[i];
    acc[i] = s > ACC_HI ? ACC_HI : s < ACC_LO ? ACC_LO : s;
  }
}
