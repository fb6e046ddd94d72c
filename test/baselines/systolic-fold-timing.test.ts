/**
 * Fold-by-fold timing of the TPU-like dataflow, worked by hand on small arrays. A fold of an
 * R x C array loads R cycles and streams M + R + C - 2 cycles (components/systolic-array.ts).
 */
import { describe, expect, it } from 'vitest';
import { FoldSchedule } from '../../src/dataflows/systolic/fold-schedule.js';
import { weightStationaryTiming } from '../../src/components/systolic-array.js';

function runFolds(s: FoldSchedule, folds: Array<{ m: number; weightsArrive: number; inputsReady: number }>) {
  const stalls: Record<string, number> = {};
  let end = 0;
  for (const f of folds) {
    const g = s.next(f);
    for (const [c, n] of g.stalls) stalls[c] = (stalls[c] ?? 0) + n;
    end = g.streamEnd;
  }
  return { end, stalls };
}

describe('systolic fold schedule, weights available at cycle 0', () => {
  it('single-buffered 4x4, GEMM (3 x 8) . (8 x 4): 2 folds x (4 load + 9 stream) = 26 cycles', () => {
    // folds = ceil(8/4) * ceil(4/4) = 2; stream = M + R + C - 2 = 3 + 4 + 4 - 2 = 9; load = R = 4.
    const s = new FoldSchedule(4, 4, false);
    const r = runFolds(s, [0, 1].map(() => ({ m: 3, weightsArrive: 0, inputsReady: 0 })));
    expect(r.end).toBe(26);
    expect(r.stalls).toEqual({ weight_load: 8 }); // both loads exposed
    expect(s.busyCycles).toBe(18);
    expect(weightStationaryTiming(3, 8, 4, 4, 4, false).cycles).toBe(26);
  });

  it('double-buffered 4x4, same GEMM: 4 + 9 + max(9, 4) = 22 cycles, only the first load exposed', () => {
    // fold 0: load 0-4, stream 4-13; fold 1 loads 4-8 in the shadow registers, streams 13-22.
    const s = new FoldSchedule(4, 4, true);
    const r = runFolds(s, [0, 1].map(() => ({ m: 3, weightsArrive: 0, inputsReady: 0 })));
    expect(r.end).toBe(22);
    expect(r.stalls).toEqual({ weight_load: 4 });
    expect(weightStationaryTiming(3, 8, 4, 4, 4, true).cycles).toBe(22);
  });

  it('matches weightStationaryTiming for a spread of shapes, both buffering modes', () => {
    for (const [m, k, n, R, C] of [
      [1, 1, 1, 1, 1],
      [64, 670, 1340, 256, 256],
      [5, 17, 9, 4, 8],
      [96, 552, 1104, 256, 256],
      [2, 300, 7, 128, 2],
    ]) {
      for (const db of [false, true]) {
        const s = new FoldSchedule(R, C, db);
        const folds = Math.ceil(k / R) * Math.ceil(n / C);
        const r = runFolds(s, Array.from({ length: folds }, () => ({ m, weightsArrive: 0, inputsReady: 0 })));
        expect(r.end, `${m}x${k}x${n} on ${R}x${C} db=${db}`).toBe(weightStationaryTiming(m, k, n, R, C, db).cycles);
      }
    }
  });
});

describe('systolic fold schedule, weights and inputs arriving late', () => {
  it('double-buffered, tiles arriving every 20 cycles: each later fold waits 7 on DRAM and 4 on the shift-in', () => {
    // fold 0: load 0-4, stream 4-13. fold 1: tile at 20, load 20-24, stream 24-33:
    //   gap 13..24 = 11 = 4 (shift-in, nothing streaming) + 7 (waiting for the tile).
    // fold 2: tile at 40, load 40-44, stream 44-53: again 4 + 7.
    const s = new FoldSchedule(4, 4, true);
    const r = runFolds(s, [0, 20, 40].map((a) => ({ m: 3, weightsArrive: a, inputsReady: 0 })));
    expect(r.end).toBe(53);
    expect(r.stalls).toEqual({ weight_load: 4 + 4 + 4, weight_fetch: 7 + 7 });
    expect(s.busyCycles + 12 + 14).toBe(53);
  });

  it('single-buffered, inputs (h_(t-1)) ready at 30: load 0-4, then 26 cycles of recurrent dependency', () => {
    const s = new FoldSchedule(4, 4, false);
    const g = s.next({ m: 3, weightsArrive: 0, inputsReady: 30 });
    expect(g.streamStart).toBe(30);
    expect(g.streamEnd).toBe(39);
    expect(g.stalls).toEqual([
      ['weight_load', 4],
      ['recurrent_dependency', 26],
    ]);
  });
});
