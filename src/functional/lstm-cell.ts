/**
 * One float LSTM step with torch.nn.LSTM semantics (gate rows i, f, g, o):
 *   gates = W_ih x + b_ih + W_hh h + b_hh
 *   i = sigmoid, f = sigmoid, g = tanh, o = sigmoid (of the four row blocks)
 *   c' = f * c + i * g;  m = o * tanh(c');  h' = W_hr m (proj_size > 0) or m
 */
import { sigmoid } from './activation-tables.js';
import { matVecBias } from './matvec.js';
import type { DirectionParams } from './rnn-model.js';

export interface LstmScratch {
  /** Pre-activations, 4H. */
  readonly gates: Float64Array;
  /** o * tanh(c), H (projection input). */
  readonly m: Float32Array;
}

export function makeLstmScratch(hidden: number): LstmScratch {
  return { gates: new Float64Array(4 * hidden), m: new Float32Array(hidden) };
}

/**
 * Advances (h, c) by one step. `xProj[xOff ..]` holds W_ih x_t + b_ih (4H values). `h` is read as
 * h_{t-1} and overwritten with h_t (size H_out); `c` likewise (size H). On return scratch.gates
 * holds the step's pre-activations (for range observation).
 */
export function lstmStepFloat(
  p: DirectionParams,
  hidden: number,
  outSize: number,
  xProj: Float32Array,
  xOff: number,
  h: Float32Array,
  c: Float32Array,
  s: LstmScratch,
): void {
  const g = s.gates;
  matVecBias(p.wHh, 4 * hidden, outSize, h, 0, p.bHh, g, 0);
  for (let j = 0; j < 4 * hidden; j++) g[j] += xProj[xOff + j];
  const m = p.wHr === null ? h : s.m;
  for (let u = 0; u < hidden; u++) {
    const i = sigmoid(g[u]);
    const f = sigmoid(g[hidden + u]);
    const gg = Math.tanh(g[2 * hidden + u]);
    const o = sigmoid(g[3 * hidden + u]);
    c[u] = f * c[u] + i * gg;
    m[u] = o * Math.tanh(c[u]);
  }
  if (p.wHr !== null) matVecBias(p.wHr, outSize, hidden, s.m, 0, null, h, 0);
}
