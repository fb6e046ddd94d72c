/**
 * One LSTM step on the integer datapath. Formats (see quantization-config.ts): W = step weight
 * format (nw frac bits), A = static activation format (na), As = step activation format (nas <= na),
 * G = gate format, C = cell format.
 *
 *   xs, hs      = x_t, h_{t-1} requantized A -> As                        (round half-even, saturate)
 *   acc_j       = sum W_ih[j,k] xs_k + sum W_hh[j,k] hs_k + (b_ih_j + b_hh_j) << nas   frac nw + nas
 *                 one accumulator per row, saturated to 48 bits
 *   pre_j       = requantize(acc_j -> G)
 *   i,f,o       = sigmoid unit(pre) G -> A;  g = tanh unit(pre) G -> A
 *   c_t         = requantize(f*c_{t-1} * 2^(F-na-nc) + i*g * 2^(F-2na) -> C), F = max(na+nc, 2na)
 *   m           = requantize(o * tanh unit(c_t) [C -> A], frac 2na -> A)
 *   h_t         = m, or with projection requantize(sum W_hr[p,u] ms_u -> A) where ms = m in As
 */
import { requantize, requantizeArray, type FixedFormat } from './fixed-point.js';
import type { IntegerActivation } from './activation-tables.js';
import { intMatVec, saturateAccumulators } from './integer-matvec.js';
import type { IntegerParams } from './quantized-params.js';

export interface IntegerLstmUnits {
  /** Gate format -> activation format. */
  readonly sigmoid: IntegerActivation;
  /** Gate format -> activation format. */
  readonly tanhGate: IntegerActivation;
  /** Cell format -> activation format. */
  readonly tanhCell: IntegerActivation;
  readonly activation: FixedFormat;
  readonly gate: FixedFormat;
  readonly cell: FixedFormat;
}

export interface IntegerLstmScratch {
  readonly acc: Float64Array;
  readonly pre: Int32Array;
  readonly xs: Int32Array;
  readonly hs: Int32Array;
  readonly m: Int32Array;
}

export function makeIntegerLstmScratch(inSize: number, hidden: number, outSize: number): IntegerLstmScratch {
  return {
    acc: new Float64Array(4 * hidden),
    pre: new Int32Array(4 * hidden),
    xs: new Int32Array(inSize),
    hs: new Int32Array(Math.max(outSize, hidden)),
    m: new Int32Array(hidden),
  };
}

/**
 * Advances h (A codes, size outSize) and c (C codes, size hidden) in place. `x` holds the layer
 * input in A codes at [xOff, xOff + inSize). `stepActivation` is As.
 */
export function lstmStepInteger(
  p: IntegerParams,
  u: IntegerLstmUnits,
  stepActivation: FixedFormat,
  inSize: number,
  hidden: number,
  outSize: number,
  x: Int32Array,
  xOff: number,
  h: Int32Array,
  c: Int32Array,
  s: IntegerLstmScratch,
): void {
  const na = u.activation.fracBits;
  const nas = stepActivation.fracBits;
  const nc = u.cell.fracBits;
  const rows = 4 * hidden;
  const xs = requantizeArray(x.subarray(xOff, xOff + inSize), na, stepActivation, s.xs);
  const hs = s.hs.subarray(0, outSize);
  requantizeArray(h, na, stepActivation, hs);
  intMatVec(p.wIh, rows, inSize, xs, 0, p.bIh, nas, s.acc, 0, false);
  intMatVec(p.wHh, rows, outSize, hs, 0, p.bHh, nas, s.acc, 0, true);
  saturateAccumulators(s.acc, 0, rows);
  const accFrac = p.format.fracBits + nas;
  const pre = s.pre;
  for (let j = 0; j < rows; j++) pre[j] = requantize(s.acc[j], accFrac, u.gate);
  // Nonlinearities in place: rows [0,H) i, [H,2H) f, [2H,3H) g, [3H,4H) o.
  u.sigmoid.applyArray(pre, pre, 2 * hidden, 0, 0);
  u.tanhGate.applyArray(pre, pre, hidden, 2 * hidden, 2 * hidden);
  u.sigmoid.applyArray(pre, pre, hidden, 3 * hidden, 3 * hidden);
  const f = Math.max(na + nc, 2 * na);
  const fcScale = 2 ** (f - na - nc);
  const igScale = 2 ** (f - 2 * na);
  const m = s.m;
  for (let k = 0; k < hidden; k++) {
    const sum = pre[hidden + k] * c[k] * fcScale + pre[k] * pre[2 * hidden + k] * igScale;
    c[k] = requantize(sum, f, u.cell);
    m[k] = requantize(pre[3 * hidden + k] * u.tanhCell.apply(c[k]), 2 * na, u.activation);
  }
  if (p.wHr === null) {
    h.set(m);
    return;
  }
  const ms = requantizeArray(m, na, stepActivation, s.hs.subarray(0, hidden));
  intMatVec(p.wHr, outSize, hidden, ms, 0, null, 0, s.acc, 0, false);
  saturateAccumulators(s.acc, 0, outSize);
  for (let k = 0; k < outSize; k++) h[k] = requantize(s.acc[k], accFrac, u.activation);
}
