/**
 * The precision policy on hand-made cell-state sequences (codes). States, from c_(-1) = 0:
 *   c0 = [5,0,0,0]  c1 = [5,1,0,0]  c2 = [9,9,0,0]  c3 = [9,9,1,0]  c4 = [9,9,1,0]
 * Changes seen before each step k >= 1 (c_(k-1) - c_(k-2)):
 *   step 1: [5,0,0,0]  step 2: [0,1,0,0]  step 3: [4,8,0,0]  step 4: [0,0,1,0]
 */
import { describe, expect, it } from 'vitest';
import { PrecisionTracker, candidateLevel, changeStatistic, policyProblems, precisionSequence, type DpsPolicy } from '../../src/dps/policy.js';
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
