/**
 * The validation-split searches of `rnnsim dps evaluate`, on a fake functional model whose
 * per-example outcomes are fixed by hand for each design.
 */
import { describe, expect, it } from 'vitest';
import type { FunctionalBackend, FunctionalRun, FunctionalRunSpec } from '../../src/dps/evaluate/backend.js';
import { perLayerSearch, policySearch, staticMinSearch, type Judge } from '../../src/dps/evaluate/searches.js';
import { Schedule } from '../../src/dps/evaluate/schedules.js';

/** 100 examples; the design's number of wrong ones is given by `wrong(spec)` (always the first ones). */
function fakeBackend(wrong: (spec: FunctionalRunSpec) => number, stepsByBits: (spec: FunctionalRunSpec) => Record<number, number> = () => ({ 16: 1 })): FunctionalBackend & { calls: string[] } {
  const calls: string[] = [];
  return {
    model: 'fake',
    modelSha256: 'x',
    metricName: 'accuracy',
    higherIsBetter: true,
    topology: { cell: 'lstm', input_size: 2, hidden_size: 2, num_layers: 2, proj_size: 0, bidirectional: false },
    calls,
    describe: () => '100 examples',
    sequenceLengths: () => new Array<number>(100).fill(1),
    async run(spec: FunctionalRunSpec): Promise<FunctionalRun> {
      calls.push(JSON.stringify(spec));
      const n = wrong(spec);
      const perExample = Float64Array.from({ length: 100 }, (_, i) => (i < n ? 0 : 1));
      return { metric: (100 - n) / 100, perExample, exampleSequence: Int32Array.from({ length: 100 }, (_, i) => i), stepsByBits: stepsByBits(spec), schedule: new Schedule(), seconds: 0 };
    },
  };
}

const reference = (b: FunctionalBackend): Promise<FunctionalRun> => b.run({ kind: 'static', bits: 16 }, 'validation');

describe('static-min', () => {
  it('is the fewest bits whose loss is within the budget (1 point = 1 example of 100)', async () => {
    // wrong examples by bits: 16 -> 2, 12 -> 2, 10 -> 3, 8 -> 3, 6 -> 5, 5 -> 9, 4 -> 30
    const table: Record<number, number> = { 16: 2, 12: 2, 10: 3, 8: 3, 6: 5, 5: 9, 4: 30 };
    const b = fakeBackend((s) => (s.kind === 'static' ? table[s.bits] : 0));
    const judge: Judge = { reference: await reference(b), budget: 1, higherIsBetter: true };
    // losses in points: 12: 0, 10: 1, 8: 1, 6: 3, ... -> 8 is the cheapest within 1 point
    const r = await staticMinSearch(b, [4, 5, 6, 8, 10, 12, 16], judge);
    expect(r.bits).toBe(8);
    expect([...r.runs.keys()]).toEqual([4, 5, 6, 8, 10, 12, 16]);
  });

  it('is null when nothing below the top is within budget', async () => {
    const b = fakeBackend((s) => (s.kind === 'static' && s.bits < 16 ? 10 : 0));
    const r = await staticMinSearch(b, [4, 8, 16], { reference: await reference(b), budget: 0.5, higherIsBetter: true });
    expect(r.bits).toBe(16);
  });
});

describe('static-min-per-layer', () => {
  it('lowers each layer alone, then raises the worst layer until the combination is within budget', async () => {
    // loss (wrong examples) of per-layer bits [l0, l1]: each layer at 4 costs 5 (layer 0) or 1 (layer 1),
    // at 8 costs 1 / 0; together the losses add.
    const cost = (l: number, bits: number): number => (bits === 16 ? 0 : bits === 8 ? (l === 0 ? 1 : 0) : l === 0 ? 5 : 1);
    const b = fakeBackend((s) => (s.kind === 'static-per-layer' ? s.bitsPerLayer.reduce((n, bits, l) => n + cost(l, bits), 0) : 0));
    const judge: Judge = { reference: await reference(b), budget: 1, higherIsBetter: true };
    // layer 0 alone: 4 -> 5 points (no), 8 -> 1 (yes): 8. layer 1 alone: 4 -> 1 (yes): 4.
    // together [8, 4]: 1 + 1 = 2 points > 1: raise the layer with the larger own loss: layer 0 (1 point) vs layer 1 (1 point):
    // a tie keeps the first, layer 0 -> 16: [16, 4] = 1 point: within budget.
    const r = await perLayerSearch(b, 2, [4, 8, 16], judge);
    expect(r.bitsPerLayer).toEqual([16, 4]);
  });
});

describe('policy search', () => {
  it('takes the fewest mean bits within budget, and none when no candidate is within budget', async () => {
    // Two candidates: thresholds 0.1 -> 3 wrong, 9 bits mean; thresholds 0.5 -> 2 wrong, 10 bits mean.
    const grid = [
      { precisions: [8, 16], statistic: 'count_above' as const, delta: 0.25, thresholds: [0.1], hysteresisSteps: 0 },
      { precisions: [8, 16], statistic: 'count_above' as const, delta: 0.25, thresholds: [0.5], hysteresisSteps: 0 },
    ];
    const wrong = (s: FunctionalRunSpec): number => (s.kind === 'policy' ? (s.spec.thresholds[0] === 0.1 ? 3 : 2) : 2);
    const steps = (s: FunctionalRunSpec): Record<number, number> => (s.kind === 'policy' ? (s.spec.thresholds[0] === 0.1 ? { 8: 7, 16: 1 } : { 8: 3, 16: 1 }) : { 16: 1 });
    const b = fakeBackend(wrong, steps);
    const ref = await reference(b);
    // budget 1 point: both within (1 and 0 points); fewest mean bits: 0.1 (9 bits) over 0.5 (10 bits)
    expect((await policySearch(b, [8, 16], { reference: ref, budget: 1, higherIsBetter: true }, { grid })).spec?.thresholds).toEqual([0.1]);
    // budget 0.5 point: only 0.5 is within
    expect((await policySearch(b, [8, 16], { reference: ref, budget: 0.5, higherIsBetter: true }, { grid })).spec?.thresholds).toEqual([0.5]);
    // budget -1: none
    expect((await policySearch(b, [8, 16], { reference: ref, budget: -1, higherIsBetter: true }, { grid })).spec).toBeNull();
  });
});
