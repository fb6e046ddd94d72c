/**
 * "The loss of a tiny task falls within seconds": echo the previous token. Inputs are uniform
 * over 4 symbols, so a model that has learnt nothing can do no better than ln 4 = 1.386 nats
 * (the entropy of the trivial predictor); the target at step t is the input at step t-1 (the
 * input itself at t = 0), which a trained LSTM predicts almost exactly. We require the mean
 * loss of the last 20 updates to fall below a quarter of ln 4.
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/training/prng.js';
import { SequenceModel } from '../../src/training/sequence-model.js';
import { Trainer, type TrainerOptions } from '../../src/training/trainer.js';
import { ottQuantization } from '../../src/training/ott-quantization.js';
import type { CellType } from '../../src/functional/tensor.js';

const V = 4;
const T = 12;
const B = 16;

function echoBatch(rng: Prng): { tokens: Int32Array; targets: Int32Array } {
  const tokens = Int32Array.from({ length: T * B }, () => rng.int(V));
  const targets = new Int32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) targets[t * B + b] = tokens[Math.max(0, t - 1) * B + b];
  return { tokens, targets };
}

function train(cell: CellType, updates: number, options: (m: SequenceModel) => TrainerOptions): { first: number; last: number; model: SequenceModel } {
  const model = new SequenceModel({ cell, vocabSize: V, inputSize: 8, hiddenSize: 24, numLayers: 1, outputSize: V, readout: 'every-step', seed: 3 });
  const trainer = new Trainer(model, options(model));
  const rng = new Prng(5);
  const losses: number[] = [];
  for (let u = 0; u < updates; u++) {
    const { tokens, targets } = echoBatch(rng);
    const r = trainer.step({ tokens }, targets, T, B);
    losses.push(r.lossSum / r.count);
  }
  const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
  return { first: losses[0], last: mean(losses.slice(-20)), model };
}

describe('training a tiny echo task', () => {
  const trivial = Math.log(V);
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: loss falls below a quarter of the trivial predictor's entropy`, () => {
      const r = train(cell, 250, () => ({ learningRate: 1e-2, maxGradNorm: 5 }));
      expect(r.first).toBeGreaterThan(0.9 * trivial);
      expect(r.last).toBeLessThan(0.25 * trivial);
    });
  }

  it('is deterministic for a fixed seed', () => {
    const a = train('lstm', 20, () => ({ learningRate: 1e-2, maxGradNorm: 5 }));
    const b = train('lstm', 20, () => ({ learningRate: 1e-2, maxGradNorm: 5 }));
    expect(a.last).toBe(b.last);
    expect(Array.from(a.model.headWeight.value)).toEqual(Array.from(b.model.headWeight.value));
  });

  it('quantization-aware training (deterministic ternarization) learns with ternary effective weights', () => {
    const r = train('lstm', 250, (m) => ({ learningRate: 1e-2, maxGradNorm: 5, qat: ottQuantization('ternary-deterministic', m.params) }));
    expect(r.last).toBeLessThan(0.5 * trivial);
    const whh = r.model.layers[0].params[1];
    const levels = new Set(Array.from(whh.effective, (x) => Math.abs(x)));
    expect(levels.size).toBeLessThanOrEqual(2); // {0, W0}
    const w0 = Math.sqrt(6 / (24 + 96));
    for (const x of whh.value) expect(Math.abs(x)).toBeLessThanOrEqual(w0 + 1e-6); // clipped to the quantizer's range
  });

  it('masked fine-tuning keeps pruned weights at zero and still learns', () => {
    const masks = new Map<string, Uint8Array>();
    const r = train('lstm', 150, (m) => {
      const whh = m.layers[0].params[1];
      masks.set(whh.name, Uint8Array.from({ length: whh.value.length }, (_, i) => (i % 2 === 0 ? 1 : 0)));
      return { learningRate: 1e-2, maxGradNorm: 5, masks };
    });
    const whh = r.model.layers[0].params[1];
    for (let i = 1; i < whh.value.length; i += 2) expect(whh.value[i]).toBe(0);
    expect(whh.value.some((x, i) => i % 2 === 0 && x !== 0)).toBe(true);
    expect(r.last).toBeLessThan(0.5 * trivial);
  });
});
