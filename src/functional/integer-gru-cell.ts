/**
 * One GRU step on the integer datapath, one sequence at a time (the reference of the batched path;
 * formats and the input / recurrent sides as in integer-lstm-cell.ts):
 *
 *   xs       = x_t requantized A -> Ax;  hs = h_{t-1} requantized A -> Ah
 *   ax_j     = sum W_ih[j,k] xs_k + b_ih_j << nax  (frac fx);   ah_j = sum W_hh[j,k] hs_k + b_hh_j << nah  (frac fh)
 *   r, z     = sigmoid unit(requantize(sat48(ax * 2^(F-fx) + ah * 2^(F-fh)), frac F -> G)), F = max(fx, fh)
 *   hn       = requantize(sat48(ah_n), frac fh -> G)
 *   n        = tanh unit(saturate_G(requantize(sat48(ax_n), frac fx -> G) + requantize(r * hn, na + ng -> G)))
 *   h_t      = requantize(n * 2^na + z * (h_{t-1} - n), frac 2na -> A)      (= (1 - z) n + z h)
 *
 * h_{t-1} in the last line is the static-precision state, not hs.
 */
import { maxCode, minCode, requantize, requantizeArray, type FixedFormat } from './fixed-point.js';
import type { IntegerActivation } from './activation-tables.js';
import { intMatVec, saturateAccumulators } from './integer-matvec.js';
import type { StepOperands } from './integer-lstm-cell.js';

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
  ops: StepOperands,
  u: IntegerGruUnits,
  inSize: number,
  hidden: number,
  x: Int32Array,
  xOff: number,
  h: Int32Array,
  s: IntegerGruScratch,
): void {
  const p = ops.params;
  const na = u.activation.fracBits;
  const nas = ops.activation.fracBits;
  const nax = ops.inputActivation.fracBits;
  const ng = u.gate.fracBits;
  const rows = 3 * hidden;
  const xs = requantizeArray(x.subarray(xOff, xOff + inSize), na, ops.inputActivation, s.xs, ops.rounding);
  const hs = requantizeArray(h, na, ops.activation, s.hs, ops.rounding);
  intMatVec(ops.inputParams.wIh, rows, inSize, xs, 0, ops.inputParams.bIh, nax, s.ax, 0, false);
  intMatVec(p.wHh, rows, hidden, hs, 0, p.bHh, nas, s.ah, 0, false);
  const ax = s.ax;
  const ah = s.ah;
  const fx = ops.inputParams.format.fracBits + nax;
  const fh = p.format.fracBits + nas;
  const accFrac = Math.max(fx, fh);
  const sx = 2 ** (accFrac - fx);
  const sh = 2 ** (accFrac - fh);
  // r and z use one accumulator over both products (aligned); n keeps them apart (r multiplies the hh part).
  for (let j = 0; j < 2 * hidden; j++) ax[j] = ax[j] * sx + ah[j] * sh;
  saturateAccumulators(ax, 0, rows);
  saturateAccumulators(ah, 2 * hidden, hidden);
  const gHi = maxCode(u.gate);
  const gLo = minCode(u.gate);
  for (let k = 0; k < hidden; k++) {
    const r = u.sigmoid.apply(requantize(ax[k], accFrac, u.gate));
    const z = u.sigmoid.apply(requantize(ax[hidden + k], accFrac, u.gate));
    const hn = requantize(ah[2 * hidden + k], fh, u.gate);
    let npre = requantize(ax[2 * hidden + k], fx, u.gate) + requantize(r * hn, na + ng, u.gate);
    npre = npre > gHi ? gHi : npre < gLo ? gLo : npre;
    const n = u.tanhGate.apply(npre);
    h[k] = requantize(n * 2 ** na + z * (h[k] - n), 2 * na, u.activation);
  }
}
