/** The controls of the DPS evaluation, by hand on tiny schedules. */
import { describe, expect, it } from 'vitest';
import { periodicPlacement, randomPlacement, Schedule } from '../../src/dps/evaluate/schedules.js';

/** A schedule of streams given as bit arrays by key. */
function schedule(streams: Record<string, number[]>): Schedule {
  const s = new Schedule();
  for (const [key, bits] of Object.entries(streams)) {
    const [seq, layer, dir] = key.split('.').map(Number);
    bits.forEach((b, t) => s.set(seq, layer, dir, t, b, bits.length));
  }
  return s;
}

const streams = (s: Schedule): Record<string, number[]> => Object.fromEntries([...s.entries()].map(([k, v]) => [k, [...v]]));

describe('random placement', () => {
  it('keeps every stream\'s count at each precision (a random policy at share s selects s of the steps)', () => {
    const dps = schedule({ '0.0.0': [16, 8, 8, 8, 16, 8, 8, 8, 8, 8], '1.0.0': [16, 16, 8, 8], '0.1.0': [4, 8, 16, 16, 4] });
    for (const seed of [1, 2, 3]) {
      const r = randomPlacement(dps, seed);
      for (const [k, bits] of Object.entries(streams(r))) {
        const orig = streams(dps)[k];
        expect([...bits].sort()).toEqual([...orig].sort());
      }
      // 16: 2 + 2 + 2, 8: 8 + 2 + 1, 4: 2
      expect(r.stepsByBits()).toEqual({ 4: 2, 8: 11, 16: 6 });
    }
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const dps = schedule({ '0.0.0': [16, 16, 16, 16, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8] });
    expect(streams(randomPlacement(dps, 7))).toEqual(streams(randomPlacement(dps, 7)));
    expect(streams(randomPlacement(dps, 7))).not.toEqual(streams(randomPlacement(dps, 8)));
  });
});

describe('periodic placement', () => {
  it('spreads 2 of 6 high steps evenly: 8, 16, 8, 8, 16, 8... as the deficits say', () => {
    // counts 8: 4, 16: 2 over n = 6. t=0: deficits 8: 4/6 = 0.667, 16: 2/6 = 0.333 -> 8.
    // t=1: 8: 8/6 - 1 = 0.333, 16: 4/6 = 0.667 -> 16. t=2: 8: 2 - 1 = 1, 16: 1 - 1 = 0 -> 8.
    // t=3: 8: 16/6 - 2 = 0.667, 16: 8/6 - 1 = 0.333 -> 8. t=4: 8: 20/6 - 3 = 0.333, 16: 10/6 - 1 = 0.667 -> 16.
    // t=5: only 8 left -> 8.
    const p = periodicPlacement(schedule({ '0.0.0': [16, 16, 8, 8, 8, 8] }));
    expect(streams(p)['0.0.0']).toEqual([8, 16, 8, 8, 16, 8]);
  });

  it('keeps the counts of three levels', () => {
    const p = periodicPlacement(schedule({ '0.0.0': [4, 4, 4, 8, 8, 16] }));
    expect(p.stepsByBits()).toEqual({ 4: 3, 8: 2, 16: 1 });
  });
});

describe('replaying a schedule in the functional model', () => {
  it('the chooser returns the recorded bits of each step', () => {
    const s = schedule({ '0.0.0': [16, 8, 8], '0.0.1': [8, 8, 16] });
    const choose = s.chooser();
    const ctx = { sequence: 0, layer: 0, direction: 1, timestep: 2, stepIndex: 0, staticPrecision: 16, previousCellState: new Int32Array(0), cellFracBits: 8, previousPrecision: 16 };
    expect(choose(ctx)).toBe(16);
    expect(choose({ ...ctx, direction: 0, timestep: 1 })).toBe(8);
  });
});

describe('the oracle control', () => {
  it('picks, per sequence, the better candidate: never worse than the policy on its own data', async () => {
    const { oracleOf } = await import('../../src/dps/evaluate/evaluation.js');
    // 3 sequences, 2 examples each (a language model's predictions, bits: lower is better).
    const exampleSequence = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const sched = (bits: number[][]): Schedule => schedule(Object.fromEntries(bits.map((b, q) => [`${q}.0.0`, b])));
    const policy = { metric: 0, perExample: Float64Array.from([1, 1, 3, 3, 2, 2]), exampleSequence, stepsByBits: {}, schedule: sched([[16, 8], [8, 16], [8, 8]]), seconds: 0 };
    const random = { metric: 0, perExample: Float64Array.from([2, 2, 1, 1, 2, 2]), exampleSequence, stepsByBits: {}, schedule: sched([[8, 16], [16, 8], [8, 8]]), seconds: 0 };
    const o = oracleOf([policy, random], false);
    // sequence 0: policy 2 vs random 4 -> policy; sequence 1: 6 vs 2 -> random; sequence 2: a tie keeps the policy.
    expect([...o.perExample]).toEqual([1, 1, 1, 1, 2, 2]);
    expect(streams(o.schedule)).toEqual({ '0.0.0': [16, 8], '1.0.0': [16, 8], '2.0.0': [8, 8] });
    for (let q = 0; q < 3; q++) {
      const sum = (a: Float64Array): number => a.filter((_, i) => exampleSequence[i] === q).reduce((x, y) => x + y, 0);
      expect(sum(o.perExample)).toBeLessThanOrEqual(sum(policy.perExample));
    }
  });
});
