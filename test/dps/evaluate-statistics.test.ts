/** The evaluation's statistics, by hand. */
import { describe, expect, it } from 'vitest';
import { meanBits, meanCi95, pairedLoss, paretoFront, reducesToStatic, shares, wilsonCi95 } from '../../src/dps/evaluate/statistics.js';

describe('intervals', () => {
  it('Wilson 95% for 90 of 100: [0.8256, 0.9448] (the textbook interval)', () => {
    // z^2 = 3.841459; centre = (0.9 + 0.0192073) / 1.0384146 = 0.885203;
    // half = 1.959964 x sqrt(0.0009 + 0.0000960365) / 1.0384146 = 1.959964 x 0.0315600 / 1.0384146 = 0.059568
    const ci = wilsonCi95(90, 100);
    expect(ci.lo).toBeCloseTo(0.885203 - 0.059568, 5);
    expect(ci.hi).toBeCloseTo(0.885203 + 0.059568, 5);
  });

  it('mean of 1, 2, 3, 4: 2.5, sd sqrt(5/3), se 0.645497', () => {
    const m = meanCi95([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.se).toBeCloseTo(0.645497, 6);
    expect(m.ci95.hi - m.ci95.lo).toBeCloseTo(2 * 1.959964 * 0.645497, 5);
  });

  it('paired accuracy loss counts only the examples the two disagree on', () => {
    // reference right on 0..9, design wrong on 2 and 7, right on 5 where... both right elsewhere:
    const ref = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    const des = [1, 1, 0, 1, 1, 1, 1, 0, 1, 1];
    // differences x 100: 0,0,100,0,0,0,0,100,0,-100 -> mean 10 points
    const l = pairedLoss(des, ref, true);
    expect(l.mean).toBeCloseTo(10, 10);
    // sd of {0 x7, 100, 100, -100}: mean 10; ss = 7 x 100 + 2 x 8100 + 12100 = 29000; var = 29000/9; se = sqrt(var/10)
    expect(l.se).toBeCloseTo(Math.sqrt(29000 / 9 / 10), 10);
  });

  it('paired bits-per-character loss is design minus reference', () => {
    expect(pairedLoss([2.1, 2.3], [2.0, 2.0], false).mean).toBeCloseTo(0.2, 12);
  });
});

describe('shares, mean bits and the reduces-to-static flag', () => {
  it('990 of 1000 steps at 8 bits reduce to static; 989 do not', () => {
    expect(shares({ 8: 990, 16: 10 })).toEqual({ 8: 0.99, 16: 0.01 });
    expect(meanBits({ 8: 990, 16: 10 })).toBeCloseTo(8.08, 12);
    expect(reducesToStatic({ 8: 990, 16: 10 })).toBe(true);
    expect(reducesToStatic({ 8: 989, 16: 11 })).toBe(false);
    expect(reducesToStatic({ 16: 5 })).toBe(true);
  });
});

describe('Pareto front of cost against quality', () => {
  it('keeps the non-dominated points, sorted by cost', () => {
    const pts = [
      { id: 'static-16', cost: 16, quality: 0.95 },
      { id: 'static-8', cost: 8, quality: 0.90 },
      { id: 'dps', cost: 9, quality: 0.95 }, // dominates static-16 (cheaper, as good)
      { id: 'random', cost: 9, quality: 0.91 }, // dominated by dps
      { id: 'static-4', cost: 4, quality: 0.5 },
      { id: 'worse', cost: 10, quality: 0.5 }, // dominated by static-8 and dps
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['static-4', 'static-8', 'dps']);
  });

  it('keeps exact ties', () => {
    expect(paretoFront([{ id: 'a', cost: 1, quality: 1 }, { id: 'b', cost: 1, quality: 1 }]).map((p) => p.id)).toEqual(['a', 'b']);
  });
});
