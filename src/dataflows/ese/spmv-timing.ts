/**
 * The closed-form statement of ESE's sparse matrix-vector timing: the recurrence the
 * event-driven engine (spmv-engine.ts) must reproduce to the cycle, and what the hand-worked
 * tests check.
 *
 * One matrix-vector product, N PEs, C columns, FIFO depth D, FIFO latency L (cycles from a push
 * to the entry being readable), e = cycles a PE spends on a column in which it has no entry
 * (its pop). s(p,j) = max(w(p,j), e) where w(p,j) = stored entries (non-zeros + padding) of PE p
 * in column j; one entry per cycle.
 *
 *   a(0)   = max(S, W(0))
 *   a(j)   = max(a(j-1) + 1, W(j), max_p st(p, j-D))        broadcaster pushes column j
 *   st(p,j) = max(f(p,j-1), a(j) + L),  f(p,-1) = S           PE p pops column j
 *   f(p,j)  = st(p,j) + s(p,j)                                PE p finishes column j
 *   E       = max_p f(p, C-1)                                 synchronisation barrier
 *
 * S is the start cycle (input vector ready), W(j) the cycle column j's weights are on chip
 * (-infinity when resident). The broadcaster pushes at most one column per cycle, into every
 * PE's FIFO at once, and only when every FIFO has a free slot: PE p holds columns pushed but
 * not yet popped, so column j may enter once every PE has popped column j-D. A pop frees its
 * slot in the same cycle (pops are evaluated before pushes).
 *
 * Every PE cycle in [S, E) is accounted once:
 *   busy                    useful MACs (its non-zeros)
 *   sparse_format_overhead  padding entries, and e-cycle pops of empty columns
 *   input_load              waiting for a column the broadcaster could not have pushed earlier
 *                           at one column per cycle (and the FIFO latency)
 *   weight_fetch            waiting because the column's weights were not yet on chip
 *   fifo_full               waiting because the broadcaster was held by a full FIFO (another
 *                           PE running behind)
 *   load_imbalance          done with its columns, waiting at the barrier for the slowest PE
 * A wait for column j, the interval [f(p,j-1), a(j)+L), is split over the column's own
 * timeline: up to u+L natural (u = a(j-1)+1, or S for j = 0), then weight-blocked up to
 * clamp(W(j), u, a(j)) + L, then FIFO-blocked up to a(j) + L.
 */
import type { SparseLayout } from './sparse-layout.js';

export interface SpmvTimingParams {
  readonly fifoDepth: number;
  readonly fifoLatencyCycles: number;
  readonly emptyColumnCycles: number;
}

export interface PeCycleBreakdown {
  busy: number;
  sparse_format_overhead: number;
  input_load: number;
  weight_fetch: number;
  fifo_full: number;
  load_imbalance: number;
}

export interface SpmvTiming {
  /** Cycle each column was pushed. */
  readonly push: Float64Array;
  /** Cycle each PE finished its last column. */
  readonly peFinish: number[];
  /** Barrier: the cycle the slowest PE finished (S when there are no columns). */
  readonly end: number;
  readonly perPe: PeCycleBreakdown[];
}

export function emptyBreakdown(): PeCycleBreakdown {
  return { busy: 0, sparse_format_overhead: 0, input_load: 0, weight_fetch: 0, fifo_full: 0, load_imbalance: 0 };
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Split a PE's wait [from, to) for column j into its causes (see the file comment). `u` is the
 * earliest cycle the broadcaster could have pushed j, `w` the weights' arrival, `a` the push.
 */
export function attributeWait(b: PeCycleBreakdown, from: number, to: number, u: number, w: number, a: number, latency: number): void {
  if (to <= from) return;
  const wc = Math.min(Math.max(w, u), a);
  const weight = overlap(from, to, u + latency, wc + latency);
  const fifo = overlap(from, to, wc + latency, a + latency);
  b.weight_fetch += weight;
  b.fifo_full += fifo;
  b.input_load += to - from - weight - fifo;
}

/** Evaluate the recurrence. `weightReady[j]` defaults to -Infinity (weights resident). */
export function spmvTiming(layout: SparseLayout, params: SpmvTimingParams, start = 0, weightReady?: ArrayLike<number>): SpmvTiming {
  const { numPEs: N, cols: C } = layout;
  const D = params.fifoDepth;
  const L = params.fifoLatencyCycles;
  const e = params.emptyColumnCycles;
  if (!Number.isInteger(D) || D < 1) throw new RangeError(`FIFO depth must be a positive integer, got ${D}`);
  const push = new Float64Array(C);
  const st = new Float64Array(N * C);
  const f = new Array<number>(N).fill(start);
  const perPe = Array.from({ length: N }, emptyBreakdown);
  for (let j = 0; j < C; j++) {
    const u = j === 0 ? start : push[j - 1] + 1;
    const w = weightReady ? weightReady[j] : Number.NEGATIVE_INFINITY;
    let fifo = Number.NEGATIVE_INFINITY;
    if (j >= D) for (let p = 0; p < N; p++) fifo = Math.max(fifo, st[p * C + j - D]);
    const a = Math.max(u, w, fifo);
    push[j] = a;
    for (let p = 0; p < N; p++) {
      const s0 = Math.max(f[p], a + L);
      attributeWait(perPe[p], f[p], s0, u, w, a, L);
      const entries = layout.entries[p * C + j];
      const nz = layout.nonzeros[p * C + j];
      const s = Math.max(entries, e);
      perPe[p].busy += nz;
      perPe[p].sparse_format_overhead += s - nz;
      st[p * C + j] = s0;
      f[p] = s0 + s;
    }
  }
  const end = C === 0 ? start : Math.max(...f);
  for (let p = 0; p < N; p++) perPe[p].load_imbalance += end - f[p];
  return { push, peFinish: f, end, perPe };
}

/** Lower bound with perfect balance and no overhead: ceil(total entries / N) (for the docs' comparisons). */
export function idealCycles(layout: SparseLayout): number {
  let n = 0;
  for (const v of layout.entries) n += v;
  return Math.ceil(n / layout.numPEs);
}
