/**
 * One float GRU step with torch.nn.GRU semantics (gate rows r, z, n):
 *   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
 *   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 *   h' = (1 - z) * n + z * h
 */
import { sigmoid } from './activation-tables.js';
import { matVecBias } from './matvec.js';
import type { DirectionParams } from './rnn-model.js';

export interface GruScratch {
  /** W_hh h + b_hh, 3H. */
  readonly hh: Float64Array;
  /** Pre-activations of r, z and n (n's includes r * (W_hn h + b_hn)), 3H. */
  readonly gates: Float64Array;
}

export function makeGruScratch(hidden: number): GruScratch {
  return { hh: new Float64Array(3 * hidden), gates: new Float64Array(3 * hidden) };
}

/** Advances h by one step. `xProj[xOff ..]` holds W_ih x_t + b_ih (3H values). */
export function gruStepFloat(p: DirectionParams, hidden: number, xProj: Float32Array, xOff: number, h: Float32Array, s: GruScratch): void {
  const hh = s.hh;
  const g = s.gates;
  matVecBias(p.wHh, 3 * hidden, hidden, h, 0, p.bHh, hh, 0);
  for (let u = 0; u < hidden; u++) {
    g[u] = xProj[xOff + u] + hh[u];
    g[hidden + u] = xProj[xOff + hidden + u] + hh[hidden + u];
    const r = sigmoid(g[u]);
    const z = sigmoid(g[hidden + u]);
    g[2 * hidden + u] = xProj[xOff + 2 * hidden + u] + r * hh[2 * hidden + u];
    const n = Math.tanh(g[2 * hidden + u]);
    h[u] = (1 - z) * n + z * h[u];
  }
}
