/**
 * One LSTM step on the integer datapath, one sequence at a time: the reference the batched path
 * (batched-network.ts) is tested against. Formats (see quantization-config.ts): the input side
 * (W_ih, b_ih, x_t) uses weight format Wx (nwx frac bits) and activation format Ax (nax); the
 * recurrent side (W_hh, b_hh, h_{t-1}, W_hr) Wh (nwh) and Ah (nah); both are the step's precision
 * unless the input side has a precision of its own. A = static activation format (na),
 * G = gate format, C = cell format.
 *
 *   xs          = x_t requantized A -> Ax;  hs = h_{t-1} requantized A -> Ah    (ops.rounding, saturate)
 *   sx_j        = sum W_ih[j,k] xs_k + b_ih_j << nax                      frac fx = nwx + nax
 *   sh_j        = sum W_hh[j,k] hs_k + b_hh_j << nah                      frac fh = nwh + nah
 *   acc_j       = sx_j * 2^(F - fx) + sh_j * 2^(F - fh), F = max(fx, fh)   one accumulator per row
 *                 (exact alignment), saturated to 48 bits
 *   pre_j       = requantize(acc_j, frac F -> G)
 *   i,f,o       = sigmoid unit(pre) G -> A;  g = tanh unit(pre) G -> A
 *   c_t         = requantize(f*c_{t-1} * 2^(F-na-nc) + i*g * 2^(F-2na) -> C), F = max(na+nc, 2na)
 *   m           = requantize(o * tanh unit(c_t) [C -> A], frac 2na -> A)
 *   h_t         = m, or with projection requantize(sum W_hr[p,u] ms_u, frac nwh + nah -> A), ms = m in Ah
 */
import { requantize, requantizeArray, type FixedFormat, type Rounding } from './fixed-point.js';
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

/** The codes and formats one step runs with (see the file comment). */
export interface StepOperands {
  /** Recurrent side: W_hh, b_hh, W_hr codes, and the format of h_{t-1} (and of the projection input). */
  readonly params: IntegerParams;
  readonly activation: FixedFormat;
  /** Input side: W_ih, b_ih codes, and the format of x_t. */
  readonly inputParams: IntegerParams;
  readonly inputActivation: FixedFormat;
  /** Rounding of x_t, h_{t-1} and the projection input when reduced below the static precision. */
  readonly rounding: Rounding;
}

export interface IntegerLstmScratch {
  readonly acc: Float64Array;
  readonly accH: Float64Array;
  readonly pre: Int32Array;
  readonly xs: Int32Array;
  readonly hs: Int32Array;
  readonly m: Int32Array;
}

export function makeIntegerLstmScratch(inSize: number, hidden: number, outSize: number): IntegerLstmScratch {
  return {
    acc: new Float64Array(4 * hidden),
    accH: new Float64Array(4 * hidden),
    pre: new Int32Array(4 * hidden),
    xs: new Int32Array(inSize),
    hs: new Int32Array(Math.max(outSize, hidden)),
    m: new Int32Array(hidden),
  };
}

/**
 * Advances h (A codes, size outSize) and c (C codes, size hidden) in place. `x` holds the layer
 * input in A codes at [xOff, xOff + inSize).
 */
export function lstmStepInteger(
  ops: StepOperands,
  u: IntegerLstmUnits,
  inSize: number,
  hidden: number,
  outSize: number,
  x: Int32Array,
  xOff: number,
  h: Int32Array,
  c: Int32Array,
  s: IntegerLstmScratch,
): void {
  const p = ops.params;
  const stepActivation = ops.activation;
  const na = u.activation.fracBits;
  const nas = stepActivation.fracBits;
  const nax = ops.inputActivation.fracBits;
  const nc = u.cell.fracBits;
  const rows = 4 * hidden;
  const xs = requantizeArray(x.subarray(xOff, xOff + inSize), na, ops.inputActivation, s.xs, ops.rounding);
  const hs = s.hs.subarray(0, outSize);
  requantizeArray(h, na, stepActivation, hs, ops.rounding);
  intMatVec(ops.inputParams.wIh, rows, inSize, xs, 0, ops.inputParams.bIh, nax, s.acc, 0, false);
  intMatVec(p.wHh, rows, outSize, hs, 0, p.bHh, nas, s.accH, 0, false);
  const fx = ops.inputParams.format.fracBits + nax;
  const fh = p.format.fracBits + nas;
  const accFrac = Math.max(fx, fh);
  const sx = 2 ** (accFrac - fx);
  const sh = 2 ** (accFrac - fh);
  for (let j = 0; j < rows; j++) s.acc[j] = s.acc[j] * sx + s.accH[j] * sh;
  saturateAccumulators(s.acc, 0, rows);
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
  const ms = requantizeArray(m, na, stepActivation, s.hs.subarray(0, hidden), ops.rounding);
  intMatVec(p.wHr, outSize, hidden, ms, 0, null, 0, s.acc, 0, false);
  saturateAccumulators(s.acc, 0, outSize);
  const projFrac = p.format.fracBits + nas;
  for (let k = 0; k < outSize; k++) h[k] = requantize(s.acc[k], projFrac, u.activation);
}
