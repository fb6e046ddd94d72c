import { describe, expect, it } from 'vitest';
import { SystolicArray, outputStationaryTiming, systolicArrayKind, weightStationaryTiming } from '../../src/components/systolic-array.js';
import { identityOf } from '../../src/components/context.js';
import { testContext } from '../helpers/context.js';

// Hand model: folds = ceil(K/R) * ceil(N/C); per fold R cycles of weight load and
// M + R + C - 2 cycles of streaming. Without double buffering: folds x (R + stream).
// With it: the first load exposed, then one stream per fold: R + folds x stream
// (stream >= R always, since M + C - 2 >= 0).
describe('weightStationaryTiming', () => {
  it('4x4 array, GEMM 10x8 . 8x8, single-buffered: 4 folds x (4 + 16) = 80', () => {
    // folds = ceil(8/4) * ceil(8/4) = 4; stream = 10 + 4 + 4 - 2 = 16
    expect(weightStationaryTiming(10, 8, 8, 4, 4, false)).toEqual({ folds: 4, cycles: 80, exposedWeightLoadCycles: 16 });
  });

  it('the same GEMM double-buffered: 4 + 4 x 16 = 68, only the first load exposed', () => {
    expect(weightStationaryTiming(10, 8, 8, 4, 4, true)).toEqual({ folds: 4, cycles: 68, exposedWeightLoadCycles: 4 });
  });

  it('ragged shapes: 3x5 array, GEMM 7x11 . 11x4', () => {
    // folds = ceil(11/3) * ceil(4/5) = 4 * 1 = 4; stream = 7 + 3 + 5 - 2 = 13
    // single: 4 x (3 + 13) = 64; double: 3 + 4 x 13 = 55
    expect(weightStationaryTiming(7, 11, 4, 3, 5, false)).toEqual({ folds: 4, cycles: 64, exposedWeightLoadCycles: 12 });
    expect(weightStationaryTiming(7, 11, 4, 3, 5, true)).toEqual({ folds: 4, cycles: 55, exposedWeightLoadCycles: 3 });
  });

  it('a matrix-vector product (M = 1) on an 8x2 array', () => {
    // folds = ceil(16/8) * ceil(6/2) = 2 * 3 = 6; stream = 1 + 8 + 2 - 2 = 9
    // single: 6 x (8 + 9) = 102; double: 8 + 6 x 9 = 62
    expect(weightStationaryTiming(1, 16, 6, 8, 2, false).cycles).toBe(102);
    expect(weightStationaryTiming(1, 16, 6, 8, 2, true).cycles).toBe(62);
  });

  it('one fold fits exactly: 2x2 array, GEMM 3x2 . 2x2', () => {
    // folds 1; stream = 3 + 2 + 2 - 2 = 5; load 2: 7 either way
    expect(weightStationaryTiming(3, 2, 2, 2, 2, false).cycles).toBe(7);
    expect(weightStationaryTiming(3, 2, 2, 2, 2, true).cycles).toBe(7);
  });
});

describe('SystolicArray', () => {
  it('recordGemm counts useful MACs, weight loads and folds; exposed load cycles come from the schedule only', () => {
    const sa = new SystolicArray(testContext(), identityOf(systolicArrayKind, 'sa', { rows: 4, cols: 4, precision_bits: 8, accumulator_bits: 32, double_buffered_weights: true }));
    expect(sa.timing(10, 8, 8).cycles).toBe(68); // 4 folds, 4 exposed (closed form)
    sa.recordGemm(10, 8, 8);
    sa.recordGemm(1, 3, 5); // folds = 1 * 2 = 2
    expect(sa.actionCounts()).toEqual({ mac: 10 * 8 * 8 + 1 * 3 * 5, weight_load: 8 * 8 + 3 * 5 });
    // One source for the weight-load stall: what the fold schedule charged (none here), not a closed form.
    expect(sa.stats()).toEqual({ busy_cycles: 0, weight_load_cycles: 0, macs: 655, folds: 6 });
    sa.recordExposedLoad(4);
    expect(sa.stats().weight_load_cycles).toBe(4);
  });
});

describe('output-stationary', () => {
  it('outputStationaryTiming: ceil(M/R) x ceil(N/C) folds of K + R + C - 2 cycles, no weight load', () => {
    // 3x5 array, GEMM 7x11 . 11x4: folds = ceil(7/3) x ceil(4/5) = 3 x 1 = 3; each 11 + 3 + 5 - 2 = 17 -> 51.
    expect(outputStationaryTiming(7, 11, 4, 3, 5)).toEqual({ folds: 3, cycles: 51, exposedWeightLoadCycles: 0 });
    // 4x4, GEMM 10x8 . 8x8: ceil(10/4) x ceil(8/4) = 3 x 2 = 6 folds of 8 + 6 = 14 -> 84.
    expect(outputStationaryTiming(10, 8, 8, 4, 4)).toEqual({ folds: 6, cycles: 84, exposedWeightLoadCycles: 0 });
  });

  it('an output-stationary array ignores double_buffered_weights and loads no weights into PEs', () => {
    const sa = new SystolicArray(testContext(), identityOf(systolicArrayKind, 'sa', { rows: 3, cols: 5, precision_bits: 8, accumulator_bits: 32, double_buffered_weights: true, stationary: 'output' }));
    expect(sa.stationary).toBe('output');
    expect(sa.doubleBuffered).toBe(false);
    expect(sa.timing(7, 11, 4).cycles).toBe(51);
    sa.recordGemm(7, 11, 4);
    expect(sa.actionCounts()).toEqual({ mac: 308, weight_load: 0 });
    expect(sa.stats()).toEqual({ busy_cycles: 0, weight_load_cycles: 0, macs: 308, folds: 3 });
    expect(sa.macsPerformed).toBe(308);
  });

  it('a weight-stationary array single-buffered unless asked: the same GEMM takes 64, not 55', () => {
    const sa = new SystolicArray(testContext(), identityOf(systolicArrayKind, 'sa', { rows: 3, cols: 5, precision_bits: 8, accumulator_bits: 32 }));
    expect(sa.doubleBuffered).toBe(false);
    expect(sa.timing(7, 11, 4)).toEqual({ folds: 4, cycles: 64, exposedWeightLoadCycles: 12 });
  });
});

