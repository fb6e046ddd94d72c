/**
 * ESE sparse matrix-vector timing, worked by hand. Notation (src/dataflows/ese/spmv-timing.ts):
 * a(j) push of column j, st(p,j)/f(p,j) start/finish of PE p on column j, D FIFO depth,
 * L FIFO latency, e cycles for an empty column. s(p,j) = max(entries, e).
 */
import { describe, expect, it } from 'vitest';
import { attributeWait, emptyBreakdown, idealCycles, spmvTiming } from '../../src/dataflows/ese/spmv-timing.js';
import { balancedCounts, layoutFromCounts, layoutFromPredicate, syntheticMask, layoutFromMask, perPeNonzeros } from '../../src/dataflows/ese/sparse-layout.js';

const p = (fifoDepth: number, fifoLatencyCycles = 0, emptyColumnCycles = 0) => ({ fifoDepth, fifoLatencyCycles, emptyColumnCycles });

describe('sparse matrix-vector cycles (hand-worked)', () => {
  it('balanced: 2 PEs x 3 columns, 2 entries each -> 6 cycles, no stalls', () => {
    // a = 0,1,2. PE0: st 0 f 2; st max(2,1)=2 f 4; st max(4,2)=4 f 6. PE1 the same. E = 6 = 12 entries / 2 PEs.
    const t = spmvTiming(layoutFromCounts(2, 3, [[2, 2, 2], [2, 2, 2]]), p(8));
    expect(t.end).toBe(6);
    expect(Array.from(t.push)).toEqual([0, 1, 2]);
    for (const b of t.perPe) expect(b).toEqual({ busy: 6, sparse_format_overhead: 0, input_load: 0, weight_fetch: 0, fifo_full: 0, load_imbalance: 0 });
  });

  it('unbalanced: the same 12 non-zeros all on PE0 -> 12 cycles, PE1 waits 12 at the barrier', () => {
    // PE0: f = 4, 8, 12 (each column arrives before PE0 is free). PE1 has nothing (e = 0): f(1,*) = 0..2.
    // Columns pushed at 0,1,2 (D = 8, never full). E = 12, twice the balanced 6.
    const t = spmvTiming(layoutFromCounts(2, 3, [[4, 4, 4], [0, 0, 0]]), p(8));
    expect(t.end).toBe(12);
    expect(t.perPe[0].busy).toBe(12);
    // PE1 pops column j at a(j) = j: waits [0,0), [0,1), [1,2) -> 2 input_load; then 12 - 2 = 10 at the barrier.
    expect(t.perPe[1]).toMatchObject({ busy: 0, input_load: 2, load_imbalance: 10 });
  });

  it('moderate imbalance with D = 8: 7 vs 5 entries per PE -> the slower PE sets 7 cycles', () => {
    // PE0 [3,2,2] f = 3,5,7; PE1 [1,2,2] f = 1,3,5. a = 0,1,2; no waits for PE1 (st = f(j-1) >= a(j)). E = 7.
    const t = spmvTiming(layoutFromCounts(2, 3, [[3, 2, 2], [1, 2, 2]]), p(8));
    expect(t.end).toBe(7);
    expect(t.perPe[1]).toMatchObject({ busy: 5, load_imbalance: 2, input_load: 0 });
  });

  it('FIFO back-pressure: depth 1 holds the broadcaster behind the slow PE (5 cycles), depth 2 does not (4)', () => {
    // PE0 [3,0,0,0], PE1 [0,1,1,1], L = 0, e = 0.
    // D = 1: a0 = 0; PE0 f0 = 3, PE1 f0 = 0.
    //   a1 = max(a0+1, max_p st(p,0) = 0) = 1: PE1 st = max(0,1) = 1 (input_load 1) f = 2; PE0 st = 3 f = 3.
    //   a2 = max(2, max_p st(p,1) = max(3,1) = 3) = 3: broadcaster held by PE0's full FIFO;
    //        PE1 waits [2,3): fifo_full 1; f = 4. PE0 st = 3 f = 3.
    //   a3 = max(4, max_p st(p,2) = 3) = 4: PE1 st 4 f 5; PE0 waits [3,4) input_load, f = 4.
    //   E = 5.
    const layout = layoutFromCounts(2, 4, [[3, 0, 0, 0], [0, 1, 1, 1]]);
    const d1 = spmvTiming(layout, p(1));
    expect(Array.from(d1.push)).toEqual([0, 1, 3, 4]);
    expect(d1.end).toBe(5);
    expect(d1.perPe[1]).toEqual({ busy: 3, sparse_format_overhead: 0, input_load: 1, weight_fetch: 0, fifo_full: 1, load_imbalance: 0 });
    expect(d1.perPe[0]).toEqual({ busy: 3, sparse_format_overhead: 0, input_load: 1, weight_fetch: 0, fifo_full: 0, load_imbalance: 1 });
    // D = 2: a2 = max(2, st(p,0) = 0) = 2, PE1 st2 = max(3... no: f(1,1) = 2) = 2 f = 3;
    //   a3 = max(3, st(p,1) = max(3,1)) = 3, PE1 st3 = 3 f = 4. E = 4.
    const d2 = spmvTiming(layout, p(2));
    expect(Array.from(d2.push)).toEqual([0, 1, 2, 3]);
    expect(d2.end).toBe(4);
    expect(d2.perPe[1].fifo_full).toBe(0);
  });

  it('FIFO latency and empty-column cycles', () => {
    // 1 PE, columns [0, 2], L = 1, e = 1: a = 0,1. st0 = max(0, 0+1) = 1 (input_load 1), s = max(0,1) = 1, f = 2;
    // st1 = max(2, 1+1) = 2, f = 4. E = 4: busy 2, overhead 1 (the empty pop), input_load 1.
    const t = spmvTiming(layoutFromCounts(1, 2, [[0, 2]]), p(8, 1, 1));
    expect(t.end).toBe(4);
    expect(t.perPe[0]).toMatchObject({ busy: 2, sparse_format_overhead: 1, input_load: 1, load_imbalance: 0 });
  });

  it('weights arriving late: the wait is weight_fetch', () => {
    // 1 PE, [1, 1], weights of column 1 on chip at cycle 5: a = 0, max(1, 5) = 5. f0 = 1; PE waits [1,5): u = 1,
    // weight-blocked [1,5) -> weight_fetch 4. f1 = 6.
    const t = spmvTiming(layoutFromCounts(1, 2, [[1, 1]]), p(8), 0, [0, 5]);
    expect(t.end).toBe(6);
    expect(t.perPe[0]).toMatchObject({ busy: 2, weight_fetch: 4, input_load: 0 });
  });
});

describe('the wait split with a FIFO latency (hand-worked; the engine shares attributeWait, so only this checks it)', () => {
  it('2 PEs, D = 1, L = 2: input_load, weight_fetch and fifo_full each measured from u + L', () => {
    // PE0 [3, 0, 0], PE1 [0, 1, 1], e = 0; column 1's weights arrive at W(1) = 4, the others are resident.
    // j = 0: u = 0, a0 = 0. Both PEs wait [0, 2) (a0 + L): all input_load (2 each).
    //        PE0 f = 2 + 3 = 5; PE1 f = 2 + 0 = 2.
    // j = 1: u = a0 + 1 = 1, W = 4, FIFO (D = 1): max_p st(p, 0) = 2 -> a1 = 4; wc = clamp(4, 1, 4) = 4.
    //        Natural up to u + L = 3, weight-blocked [3, wc + L = 6), FIFO-blocked [6, a1 + L = 6).
    //        PE0 waits [5, 6): weight_fetch 1; f = 6. PE1 waits [2, 6): input_load 1 ([2, 3)), weight_fetch 3; f = 7.
    // j = 2: u = a1 + 1 = 5, W = -inf, FIFO: max_p st(p, 1) = 6 -> a2 = 6; wc = clamp(-inf, 5, 6) = 5.
    //        Natural up to 7, weight [7, 7) none, FIFO-blocked [7, 8).
    //        PE0 waits [6, 8): input_load 1, fifo_full 1; f = 8. PE1 waits [7, 8): fifo_full 1; f = 9.
    // E = 9; PE0 waits 1 at the barrier. Each PE accounts 9 cycles.
    const t = spmvTiming(layoutFromCounts(2, 3, [[3, 0, 0], [0, 1, 1]]), p(1, 2, 0), 0, [Number.NEGATIVE_INFINITY, 4, Number.NEGATIVE_INFINITY]);
    expect(Array.from(t.push)).toEqual([0, 4, 6]);
    expect(t.peFinish).toEqual([8, 9]);
    expect(t.end).toBe(9);
    expect(t.perPe[0]).toEqual({ busy: 3, sparse_format_overhead: 0, input_load: 3, weight_fetch: 1, fifo_full: 1, load_imbalance: 1 });
    expect(t.perPe[1]).toEqual({ busy: 2, sparse_format_overhead: 0, input_load: 3, weight_fetch: 3, fifo_full: 1, load_imbalance: 0 });
  });

  it('a wait that ends before the weights matter is all input_load, and an empty wait adds nothing', () => {
    const b = emptyBreakdown();
    // [10, 12) with u = 10, L = 2: natural up to 12; weights (w = 20) and FIFO would only begin there.
    attributeWait(b, 10, 12, 10, 20, 20, 2);
    expect(b).toEqual({ busy: 0, sparse_format_overhead: 0, input_load: 2, weight_fetch: 0, fifo_full: 0, load_imbalance: 0 });
    attributeWait(b, 5, 5, 0, 3, 4, 1);
    attributeWait(b, 6, 5, 0, 3, 4, 1);
    expect(b.input_load + b.weight_fetch + b.fifo_full).toBe(2);
  });

  it('no columns: the barrier is the start cycle', () => {
    const t = spmvTiming(layoutFromCounts(2, 0, [[], []]), p(4), 7);
    expect(t.end).toBe(7);
    expect(t.perPe.map((b) => b.load_imbalance)).toEqual([0, 0]);
  });

  it('refuses a FIFO depth that is not a positive integer', () => {
    expect(() => spmvTiming(layoutFromCounts(1, 1, [[1]]), p(0))).toThrow('FIFO depth must be a positive integer, got 0');
    expect(() => spmvTiming(layoutFromCounts(1, 1, [[1]]), p(1.5))).toThrow(RangeError);
  });

  it('idealCycles is ceil(total entries / PEs)', () => {
    expect(idealCycles(layoutFromCounts(2, 3, [[3, 0, 0], [0, 1, 1]]))).toBe(3); // 5 / 2 -> 3
    expect(idealCycles(layoutFromCounts(2, 2, [[2, 2], [2, 2]]))).toBe(4);
  });
});

describe('padding entries of the relative index', () => {
  it('counts floor(gap / 2^bits) per gap before a non-zero, none after the last', () => {
    // One PE, 40 rows, one column. Non-zeros at rows 0, 16, 37: gaps 0, 15, 20 -> 0 + 0 + floor(20/16) = 1 padding.
    // Rows 38, 39 are trailing zeros: no padding. 4-bit index: a gap of 15 fits, 16 does not.
    const nz = new Set([0, 16, 37]);
    const l = layoutFromPredicate(40, 1, 1, 4, (r) => nz.has(r));
    expect(l.nonzeros[0]).toBe(3);
    expect(l.entries[0]).toBe(4);
    // Gap of exactly 16 (rows 0 and 17): one padding entry; a gap of 32 (rows 0 and 33): two.
    expect(layoutFromPredicate(40, 1, 1, 4, (r) => r === 0 || r === 17).entries[0]).toBe(3);
    expect(layoutFromPredicate(40, 1, 1, 4, (r) => r === 0 || r === 33).entries[0]).toBe(4);
  });

  it("counts gaps in a PE's own rows (interleaved r mod N)", () => {
    // 2 PEs, 40 rows: PE1 owns rows 1,3,...,39 (local 0..19). Non-zero only at row 39 = local 19:
    // gap 19 -> 1 padding. PE0 owns nothing non-zero: 0 entries.
    const l = layoutFromPredicate(40, 1, 2, 4, (r) => r === 39);
    expect([l.entries[0], l.entries[1]]).toEqual([0, 2]);
  });
});

describe('synthetic layouts', () => {
  it('have exactly the requested count; balanced ones give every PE the same count', () => {
    const rows = 64, cols = 20, n = 4, count = 128;
    const un = syntheticMask(rows, cols, n, count, 'unbalanced', 7);
    const ba = syntheticMask(rows, cols, n, count, 'balanced', 7);
    expect(un.reduce((a, b) => a + b, 0)).toBe(count);
    expect(ba.reduce((a, b) => a + b, 0)).toBe(count);
    expect(perPeNonzeros(layoutFromMask(ba, rows, cols, n, 4))).toEqual([32, 32, 32, 32]);
    // Same seed, same mask (deterministic).
    expect(syntheticMask(rows, cols, n, count, 'unbalanced', 7)).toEqual(un);
    // A reused buffer (cleared first) gives the same masks.
    const buffer = new Uint8Array(rows * cols).fill(1);
    expect(syntheticMask(rows, cols, n, count, 'balanced', 7, buffer)).toEqual(ba);
  });

  it('balanced counts: as even as the rows allow, the old even split when every PE can hold it', () => {
    // 64 rows over 32 PEs, 4 columns: 8 weights each; 100 non-zeros = 3 each, one more for the first 4.
    expect(balancedCounts(64, 4, 32, 100)).toEqual([...Array(4).fill(4), ...Array(28).fill(3)]);
    // A GRU of 16 units: 48 rows over 32 PEs, PEs 0-15 own 2 rows (32 weights at 16 columns), PEs
    // 16-31 one (16). Dense (768): an even 24 does not fit in PEs 16-31, which keep their 16; the
    // other 512 go 32 each. (It was an internal error, exit 2.)
    expect(balancedCounts(48, 16, 32, 768)).toEqual([...Array(16).fill(32), ...Array(16).fill(16)]);
    // 600: an even 18.75 does not fit PEs 16-31 (16 each, 256); 344 over 16 = 21.5: 22 for the first 8.
    expect(balancedCounts(48, 16, 32, 600)).toEqual([...Array(8).fill(22), ...Array(8).fill(21), ...Array(16).fill(16)]);
    // A projection of 8 rows over 32 PEs: PEs 8-31 own nothing; 16 non-zeros go 2 to each of the 8.
    expect(balancedCounts(8, 4, 32, 16)).toEqual([...Array(8).fill(2), ...Array(24).fill(0)]);
    const mask = syntheticMask(48, 16, 32, 768, 'balanced', 3);
    expect(perPeNonzeros(layoutFromMask(mask, 48, 16, 32, 4))).toEqual([...Array(16).fill(32), ...Array(16).fill(16)]);
  });
});
