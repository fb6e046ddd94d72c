/**
 * The precision policy on hand-made cell-state sequences (codes). States, from c_(-1) = 0:
 *   c0 = [5,0,0,0]  c1 = [5,1,0,0]  c2 = [9,9,0,0]  c3 = [9,9,1,0]  c4 = [9,9,1,0]
 * Changes seen before each step k >= 1 (c_(k-1) - c_(k-2)):
 *   step 1: [5,0,0,0]  step 2: [0,1,0,0]  step 3: [4,8,0,0]  step 4: [0,0,1,0]
 */
import { describe, expect, it } from 'vitest';
import { PrecisionTracker, assertPolicy, candidateLevel, changeStatistic, policyProblems, precisionSequence, type DpsPolicy } from '../../src/dps/policy.js';
import { resolvePolicy } from '../../src/dps/policy-spec.js';

const ZERO = [0, 0, 0, 0];
const STATES = [
  [5, 0, 0, 0],
  [5, 1, 0, 0],
  [9, 9, 0, 0],
  [9, 9, 1, 0],
  [9, 9, 1, 0],
];

const countPolicy: DpsPolicy = { precisions: [8, 16], statistic: 'count_above', deltaCodes: 2, thresholds: [1], hysteresisSteps: 0, initialLevel: 1 };

describe('count_above, {8, 16}, delta 2 codes, more than 1 element -> 16', () => {
  it('gives 16 8 8 16 8', () => {
    // Elements with |d| > 2: step 1: 1 (5) -> not > 1 -> 8; step 2: 0 -> 8; step 3: 2 (4, 8) -> 16; step 4: 0 -> 8.
    expect(precisionSequence(countPolicy, ZERO, STATES)).toEqual([16, 8, 8, 16, 8]);
  });

  it('with hysteresis 1 waits one more calm decision before dropping', () => {
    // step 1: candidate 8, first calm decision -> stay 16; step 2: second -> drop to 8;
    // step 3: 16 at once; step 4: first calm decision -> stay 16.
    expect(precisionSequence({ ...countPolicy, hysteresisSteps: 1 }, ZERO, STATES)).toEqual([16, 16, 8, 16, 16]);
  });

  it('starting at the lowest precision when asked', () => {
    expect(precisionSequence({ ...countPolicy, initialLevel: 0 }, ZERO, STATES)[0]).toBe(8);
  });

  it('counts strictly above delta', () => {
    // |d| = 2 is not > 2; |d| = 3 is.
    expect(changeStatistic(countPolicy, [2, -3, 0, 0], ZERO)).toBe(1);
  });
});

describe('max_abs, {4, 8, 16}, thresholds 2 and 6 codes', () => {
  const p: DpsPolicy = { precisions: [4, 8, 16], statistic: 'max_abs', deltaCodes: 0, thresholds: [2, 6], hysteresisSteps: 0, initialLevel: 2 };
  it('gives 16 8 4 16 4', () => {
    // max |d|: step 1: 5 (> 2, not > 6) -> 8; step 2: 1 -> 4; step 3: 8 (> 6) -> 16; step 4: 1 -> 4.
    expect(precisionSequence(p, ZERO, STATES)).toEqual([16, 8, 4, 16, 4]);
  });
  it('hysteresis 1 drops to the highest candidate seen while waiting', () => {
    // step 1: candidate 8 (level 1), wait; step 2: candidate 4, wait over -> max(8, 4) = 8;
    // step 3: 16; step 4: candidate 4, wait -> 16.
    expect(precisionSequence({ ...p, hysteresisSteps: 1 }, ZERO, STATES)).toEqual([16, 16, 8, 16, 16]);
  });
  it('levels are the number of thresholds exceeded', () => {
    expect([0, 2, 3, 6, 7].map((s) => candidateLevel(p, s))).toEqual([0, 0, 1, 1, 2]);
  });
});

describe('a cell state that never changes', () => {
  it('runs every step after the first at the lowest precision', () => {
    const still = Array.from({ length: 6 }, () => [3, -7, 100, 0]);
    // c0 - c(-1) = [3,-7,100,0]: 2 elements > 2 -> 16 at step 1; then all changes are 0 -> 8.
    expect(precisionSequence(countPolicy, ZERO, still)).toEqual([16, 16, 8, 8, 8, 8]);
    expect(precisionSequence(countPolicy, still[0], still)).toEqual([16, 8, 8, 8, 8, 8]);
  });
});

describe('tracker and resolution', () => {
  it('refuses next() before start()', () => {
    expect(() => new PrecisionTracker(countPolicy).next(ZERO)).toThrow(/before start/);
  });
  it('resolves real units into codes and element counts', () => {
    // delta 0.0625 at 8 fractional bits = 16 codes; 0.25 of 128 elements = 32 elements.
    const r = resolvePolicy({ precisions: [8, 16], statistic: 'count_above', delta: 0.0625, thresholds: [0.25], hysteresisSteps: 2 }, 128, 8);
    expect(r).toEqual({ precisions: [8, 16], statistic: 'count_above', deltaCodes: 16, thresholds: [32], hysteresisSteps: 2, initialLevel: 1 });
    // max_abs 0.5 at 8 fractional bits = 128 codes.
    expect(resolvePolicy({ precisions: [8, 16], statistic: 'max_abs', delta: 0, thresholds: [0.5], hysteresisSteps: 0 }, 128, 8).thresholds).toEqual([128]);
  });
  it('reports bad policies', () => {
    expect(policyProblems({ ...countPolicy, precisions: [16, 8] }).join()).toMatch(/ascending/);
    expect(policyProblems({ ...countPolicy, thresholds: [] }).join()).toMatch(/expected 1/);
  });
});

describe('every policy problem, with its message (worked from the rules in policy.ts)', () => {
  const ok = countPolicy;
  it('a valid policy has none', () => {
    expect(policyProblems(ok)).toEqual([]);
    expect(policyProblems({ ...ok, precisions: [16], thresholds: [], initialLevel: 0 })).toEqual([]);
  });
  it('no precision at all', () => {
    // Also no threshold is then "expected -1": the count rule speaks for itself; initialLevel 0 is out of 0..-1.
    expect(policyProblems({ ...ok, precisions: [], thresholds: [], initialLevel: 0 })).toEqual([
      'precisions: at least one precision is needed',
      'thresholds: expected -1 (one fewer than the 0 precisions), found 0',
      'initialLevel = 0: expected 0..-1',
    ]);
  });
  it('precisions outside 1..32 bits or not integers', () => {
    expect(policyProblems({ ...ok, precisions: [0, 33], thresholds: [1] })).toEqual(['precisions[0] = 0: expected an integer number of bits in 1..32', 'precisions[1] = 33: expected an integer number of bits in 1..32']);
    expect(policyProblems({ ...ok, precisions: [1, 32] })).toEqual([]);
    expect(policyProblems({ ...ok, precisions: [7.5, 16] })).toEqual(['precisions[0] = 7.5: expected an integer number of bits in 1..32']);
  });
  it('precisions equal or descending', () => {
    expect(policyProblems({ ...ok, precisions: [8, 8] })).toEqual(['precisions must be strictly ascending: 8, 8']);
  });
  it('thresholds negative, fractional or descending (equal is allowed)', () => {
    const three = { ...ok, precisions: [4, 8, 16], initialLevel: 2 };
    expect(policyProblems({ ...three, thresholds: [-1, 2] })).toEqual(['thresholds[0] = -1: expected a non-negative integer (elements or codes)']);
    expect(policyProblems({ ...three, thresholds: [0.5, 2] })).toEqual(['thresholds[0] = 0.5: expected a non-negative integer (elements or codes)']);
    expect(policyProblems({ ...three, thresholds: [3, 2] })).toEqual(['thresholds must be ascending: 3, 2']);
    expect(policyProblems({ ...three, thresholds: [2, 2] })).toEqual([]);
    expect(policyProblems({ ...three, thresholds: [0, 0] })).toEqual([]);
  });
  it('deltaCodes and hysteresisSteps negative or fractional; zero is allowed', () => {
    expect(policyProblems({ ...ok, deltaCodes: -1 })).toEqual(['deltaCodes = -1: expected a non-negative integer']);
    expect(policyProblems({ ...ok, deltaCodes: 1.5 })).toEqual(['deltaCodes = 1.5: expected a non-negative integer']);
    expect(policyProblems({ ...ok, deltaCodes: 0, hysteresisSteps: 0 })).toEqual([]);
    expect(policyProblems({ ...ok, hysteresisSteps: -1 })).toEqual(['hysteresisSteps = -1: expected a non-negative integer']);
    expect(policyProblems({ ...ok, hysteresisSteps: 0.5 })).toEqual(['hysteresisSteps = 0.5: expected a non-negative integer']);
  });
  it('initialLevel outside the precisions, or fractional', () => {
    for (const level of [-1, 2, 0.5]) expect(policyProblems({ ...ok, initialLevel: level })).toEqual([`initialLevel = ${level}: expected 0..1`]);
    expect(policyProblems({ ...ok, initialLevel: 0 })).toEqual([]);
  });
  it('assertPolicy throws all of them at once, and nothing for a valid policy', () => {
    expect(() => assertPolicy({ ...ok, deltaCodes: -1, hysteresisSteps: -1 })).toThrow('invalid precision policy: deltaCodes = -1: expected a non-negative integer; hysteresisSteps = -1: expected a non-negative integer');
    expect(() => assertPolicy(ok)).not.toThrow();
  });
});

describe('hysteresis 2 and the tracker state', () => {
  // max_abs {4, 8, 16}, thresholds 2 and 6 codes, one element. Cell states c0..c8 = 0, 8, 9, 13,
  // 14, 15, 16, 24, 25 from c(-1) = 0, so the changes seen before steps 1..8 are
  // 0, 8, 1, 4, 1, 1, 1, 8 and the candidates 4, 16, 4, 8, 4, 4, 4, 16.
  const p: DpsPolicy = { precisions: [4, 8, 16], statistic: 'max_abs', deltaCodes: 0, thresholds: [2, 6], hysteresisSteps: 2, initialLevel: 2 };
  const states = [0, 8, 9, 13, 14, 15, 16, 24, 25].map((c) => [c]);

  it('drops after three calm decisions, to the highest candidate of the three', () => {
    // step 0: 16 (initial). step 1: candidate 4, calm 1 of 3 -> 16. step 2: 16 (resets the wait).
    // steps 3, 4: calm (4, 8) -> 16; step 5: third calm decision (4) -> max(4, 8, 4) = 8.
    // steps 6, 7: candidate 4 < 8, calm 1 and 2 -> 8. step 8: 16 at once.
    expect(precisionSequence(p, [0], states)).toEqual([16, 16, 16, 16, 16, 8, 8, 8, 16]);
  });

  it('before start() the tracker is at the initial level', () => {
    expect(new PrecisionTracker(p).currentPrecision).toBe(16);
    expect(new PrecisionTracker({ ...p, initialLevel: 0 }).currentPrecision).toBe(4);
    expect(new PrecisionTracker(p).decisionCount).toBe(0);
  });

  it('start() resets the wait: a second sequence does not inherit the first one\'s calm decisions', () => {
    const t = new PrecisionTracker(p);
    expect(t.start([0])).toBe(16);
    t.next([0]); // candidate 4: calm 1 of 3
    t.next([0]); // calm 2 of 3
    expect(t.currentPrecision).toBe(16);
    expect(t.decisionCount).toBe(2);
    // Restarted, two more calm decisions are still only two: no drop.
    expect(t.start([0])).toBe(16);
    expect(t.decisionCount).toBe(0);
    expect(t.next([0])).toBe(16);
    expect(t.next([0])).toBe(16);
    expect(t.next([0])).toBe(4);
    expect(t.decisionCount).toBe(3);
  });

  it('a calm run interrupted by a candidate at the current level starts its wait again', () => {
    // At 8 (level 1), hysteresis 2. States 0, 0, 4, 4, 4, 4, 4 from c(-1) = 0: changes before steps
    // 1..6 are 0, 0, 4, 0, 0, 0, so candidates 4, 4, 8, 4, 4, 4. The 8 ends the first wait after two
    // calm decisions; the drop to 4 comes only at the third calm decision after it, step 6.
    const q: DpsPolicy = { ...p, initialLevel: 1 };
    const seq = [0, 0, 4, 4, 4, 4, 4].map((c) => [c]);
    expect(precisionSequence(q, [0], seq)).toEqual([8, 8, 8, 8, 8, 8, 4]);
  });

  it('changeStatistic refuses cell states of different lengths', () => {
    expect(() => changeStatistic(p, [1, 2], [1])).toThrow('cell states of 2 and 1 elements');
  });

  it('max_abs takes the largest change in either direction', () => {
    expect(changeStatistic(p, [3, -9, 4], [0, 0, 0])).toBe(9);
    expect(changeStatistic(p, [5, 5], [5, 5])).toBe(0);
  });
});
