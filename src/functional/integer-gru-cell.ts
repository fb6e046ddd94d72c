/**
 * One GRU step on the integer datapath (formats as in integer-lstm-cell.ts):
 *
 *   xs, hs   = x_t, h_{t-1} requantized A -> As
 *   ax_j     = sum W_ih[j,k] xs_k + b_ih_j << nas;   ah_j = sum W_hh[j,k] hs_k + b_hh_j << nas
 *   r, z     = sigmoid unit(requantize(sat48(ax + ah) -> G))                  G -> A
 *   hn       = requantize(sat48(ah_n) -> G)
 *   n        = tanh unit(saturate_G(requantize(sat48(ax_n) -> G) + requantize(r * hn, na + ng -> G)))
 *   h_t      = requantize(n * 2^na + z * (h_{t-1} - n), frac 2na -> A)      (= (1 - z) n + z h)
 *
 * h_{t-1} in the last line is the static-precision state, not hs.
 */
import { maxCode, minCode, requantize, requantizeArray, type FixedFormat } from './fixed-point.js';
import type { IntegerActivation } from './activation-tables.js';
import { intMatVec, saturateAccumulators } from './integer-matvec.js';
import type { IntegerParams } from './quantized-params.js';

export interface IntegerGruUnits {
  readonly sigmoid: IntegerActivation;
  readonly tanhGate: IntegerActivation;
  readonly activation: FixedFormat;
  readonly gate: FixedFormat;
}

export interface IntegerGruScratch {
  readonly ax: Float64Array;
  readonly ah: Float64Array;
  readonly xs: Int32Array;
  readonly hs: Int32Array;
}

export function makeIntegerGruScratch(inSize: number, hidden: number): IntegerGruScratch {
  return { ax: new Float64Array(3 * hidden), ah: new Float64Array(3 * hidden), xs: new Int32Array(inSize), hs: new Int32Array(hidden) };
}

export function gruStepInteger(
  p: IntegerParams,
  u: IntegerGruUnits,
  stepActivation: FixedFormat,
  inSize: number,
  hidden: number,
  x: Int32Array,
  xOff: number,
  h: Int32Array,
  s: IntegerGruScratch,
): void {
  const na = u.activation.fracBits;
  const nas = stepActivation.fracBits;
  const ng = u.gate.fracBits;
  const rows = 3 * hidden;
  const xs = requantizeArray(x.subarray(xOff, xOff + inSize), na, stepActivation, s.xs);
  const hs = requantizeArray(h, na, stepActivation, s.hs);
  intMatVec(p.wIh, rows, inSize, xs, 0, p.bIh, nas, s.ax, 0, false);
  intMatVec(p.wHh, rows, hidden, hs, 0, p.bHh, nas, s.ah, 0, false);
  const ax = s.ax;
  const ah = s.ah;
  // r and z use one accumulator over both products; n keeps them apart (r multiplies the hh part).
  for (let j = 0; j < 2 * hidden; j++) ax[j] += ah[j];
  saturateAccumulators(ax, 0, rows);
  saturateAccumulators(ah, 2 * hidden, hidden);
  const accFrac = p.format.fracBits + nas;
  const gHi = maxCode(u.gate);
  const gLo = minCode(u.gate);
  for (let k = 0; k < hidden; k++) {
    const r = u.sigmoid.apply(requantize(ax[k], accFrac, u.gate));
    const z = u.sigmoid.apply(requantize(ax[hidden + k], accFrac, u.gate));
    const hn = requantize(ah[2 * hidden + k], accFrac, u.gate);
    let npre = requantize(ax[2 * hidden + k], accFrac, u.gate) + requantize(r * hn, na + ng, u.gate);
    npre = npre > gHi ? gHi : npre < gLo ? gLo : npre;
    const n = u.tanhGate.apply(npre);
    h[k] = requantize(n * 2 ** na + z * (h[k] - n), 2 * na, u.activation);
  }
}
