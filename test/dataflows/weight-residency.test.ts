import { describe, expect, it } from 'vitest';
import { WeightResidency } from '../../src/dataflows/epur/weight-residency.js';
import { StallAccount } from '../../src/dataflows/stall-accounting.js';

describe('WeightResidency (capacity 100 bits, staging 30 bits)', () => {
  it('a slice that fits stays; it is fetched the first time only', () => {
    const w = new WeightResidency(100);
    expect([...w.planPhase([{ id: 'a', bits: 60 }], 30)]).toEqual([]);
    expect(w.isResident('a')).toBe(true);
    expect(w.needsFirstFetch('a')).toBe(true);
    expect(w.needsFirstFetch('a')).toBe(false);
  });

  it('a slice of a later phase evicts an earlier one it cannot sit next to', () => {
    const w = new WeightResidency(100);
    w.planPhase([{ id: 'a', bits: 60 }], 30);
    w.needsFirstFetch('a');
    // b fits alone (60 <= 100); the others may use 100 - 60 = 40 < 60: a goes
    expect([...w.planPhase([{ id: 'b', bits: 60 }], 30)]).toEqual([]);
    expect([w.isResident('a'), w.isResident('b')]).toEqual([false, true]);
    // back to a: it must be fetched again
    w.planPhase([{ id: 'a', bits: 60 }], 30);
    expect(w.needsFirstFetch('a')).toBe(true);
  });

  it('two earlier slices that fit next to the new one both stay', () => {
    const w = new WeightResidency(100);
    w.planPhase([{ id: 'a', bits: 20 }], 30);
    w.planPhase([{ id: 'b', bits: 20 }], 30);
    w.planPhase([{ id: 'c', bits: 60 }], 30); // 20 + 20 + 60 = 100
    expect([w.isResident('a'), w.isResident('b'), w.isResident('c')]).toEqual([true, true, true]);
  });

  it('when the phase does not fit, staging space is reserved and what does not fit in the rest streams', () => {
    const w = new WeightResidency(100);
    // total 120 > 100: budget 100 - 30 = 70; c (120) does not fit
    expect([...w.planPhase([{ id: 'c', bits: 120 }], 30)]).toEqual(['c']);
    expect(w.isResident('c')).toBe(false);
    expect(w.needsFirstFetch('c')).toBe(true); // a streamed slice is always fetched
    // total 40 + 80 = 120 > 100: budget 70: f (40) stays, g (40 + 80 > 70) streams
    expect([...w.planPhase([{ id: 'f', bits: 40 }, { id: 'g', bits: 80 }], 30)]).toEqual(['g']);
    expect([w.isResident('f'), w.isResident('g')]).toEqual([true, false]);
  });

  it('everything that fits without staging is kept even when staging would not fit beside it', () => {
    const w = new WeightResidency(100);
    // 50 + 50 = 100 <= 100: no staging needed, both kept
    expect([...w.planPhase([{ id: 'x', bits: 50 }, { id: 'y', bits: 50 }], 30)]).toEqual([]);
  });
});

describe('StallAccount', () => {
  it('sums by cause and in total, and refuses a negative stall', () => {
    const s = new StallAccount();
    s.add('weight_fetch', 7);
    s.add('weight_fetch', 3);
    s.add('pipeline_drain', 5);
    expect(s.byCause().weight_fetch).toBe(10);
    expect(s.byCause().pipeline_drain).toBe(5);
    expect(s.total()).toBe(15);
    expect(() => s.add('input_load', -1)).toThrow(/negative stall/);
  });
});
