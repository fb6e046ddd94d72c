/**
 * Backpropagation through time against the independent reference: central finite differences
 * of the loss, for every parameter of tiny LSTM and GRU models.
 *
 * Tolerance: the model computes in float32 (unit roundoff 6e-8), the loss is summed in
 * float64. With step eps = 1e-2 the roundoff noise in (L(w+eps) - L(w-eps)) / 2eps is about
 * 1e-7 * |L| / eps ~ 1e-4 for |L| ~ 10, and the truncation error is O(eps^2) ~ 1e-4 relative,
 * so |analytic - numeric| <= 2e-3 + 2e-2 |numeric| is loose enough for float32 yet far below
 * the O(1) relative error of a wrong derivative (a missing gate term, a wrong sign or index).
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/training/prng.js';
import { SequenceModel, type SequenceInput, type SequenceModelSpec } from '../../src/training/sequence-model.js';
import { softmaxCrossEntropy } from '../../src/training/softmax-cross-entropy.js';
import { zeroGrads } from '../../src/training/parameter.js';

interface Case {
  readonly spec: SequenceModelSpec;
  readonly input: SequenceInput;
  readonly targets: Int32Array;
  readonly initial?: Float32Array[][];
}

const STEPS = 5;
const BATCH = 5; // 5 rows exercises both the 4-row block and the remainder of the GEMM kernel

function makeCase(cell: 'lstm' | 'gru', readout: 'every-step' | 'last-step', tokens: boolean, withState: boolean): Case {
  const rng = new Prng(7);
  const spec: SequenceModelSpec = {
    cell,
    vocabSize: tokens ? 6 : 0,
    inputSize: 3,
    hiddenSize: 4,
    numLayers: 2,
    outputSize: 5,
    readout,
    seed: 11,
  };
  const R = STEPS * BATCH;
  const input: SequenceInput = tokens
    ? { tokens: Int32Array.from({ length: R }, () => rng.int(6)) }
    : { values: Float32Array.from({ length: R * 3 }, () => rng.normal()) };
  const rows = readout === 'every-step' ? R : BATCH;
  const targets = Int32Array.from({ length: rows }, () => rng.int(5));
  const stateCount = cell === 'lstm' ? 2 : 1;
  const initial = withState
    ? [0, 1].map(() => Array.from({ length: stateCount }, () => Float32Array.from({ length: BATCH * 4 }, () => 0.5 * rng.normal())))
    : undefined;
  return { spec, input, targets, initial };
}

function lossOf(model: SequenceModel, c: Case): number {
  const logits = model.forward(c.input, STEPS, BATCH, c.initial);
  return softmaxCrossEntropy(logits, c.targets, model.outputRows(STEPS, BATCH), c.spec.outputSize);
}

function check(c: Case, corrupt?: (model: SequenceModel) => void): { checked: number; worst: number } {
  const model = new SequenceModel(c.spec);
  // Larger weights than the default init so that gates are away from their linear regime.
  for (const p of model.params) for (let i = 0; i < p.value.length; i++) p.value[i] *= 2;
  zeroGrads(model.params);
  const rows = model.outputRows(STEPS, BATCH);
  const logits = model.forward(c.input, STEPS, BATCH, c.initial);
  const dlogits = new Float32Array(rows * c.spec.outputSize);
  softmaxCrossEntropy(logits, c.targets, rows, c.spec.outputSize, dlogits, 1);
  model.backward(dlogits);
  corrupt?.(model);
  const eps = 1e-2;
  let checked = 0;
  let worst = 0;
  for (const p of model.params) {
    const analytic = p.grad.slice();
    for (let i = 0; i < p.value.length; i++) {
      const w = p.value[i];
      p.value[i] = w + eps;
      const up = lossOf(model, c);
      p.value[i] = w - eps;
      const down = lossOf(model, c);
      p.value[i] = w;
      const numeric = (up - down) / (2 * eps);
      const err = Math.abs(analytic[i] - numeric);
      const allowed = 2e-3 + 2e-2 * Math.abs(numeric);
      if (err > allowed) throw new Error(`${p.name}[${i}]: analytic ${analytic[i]} numeric ${numeric}`);
      worst = Math.max(worst, err / allowed);
      checked++;
    }
  }
  return { checked, worst };
}

describe('BPTT gradients equal central finite differences', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}, token input, every-step readout, carried state`, () => {
      const r = check(makeCase(cell, 'every-step', true, true));
      expect(r.checked).toBeGreaterThan(200);
      expect(r.worst).toBeLessThanOrEqual(1);
    });
    it(`${cell}, dense input, last-step readout`, () => {
      const r = check(makeCase(cell, 'last-step', false, false));
      expect(r.checked).toBeGreaterThan(200);
      expect(r.worst).toBeLessThanOrEqual(1);
    });
  }

  it('rejects a backward pass that is wrong in one recurrent-weight entry by 10%', () => {
    const c = makeCase('lstm', 'every-step', true, true);
    const corrupt = (m: SequenceModel): void => {
      const g = m.layers[0].params[1].grad; // weight_hh_l0
      let k = 0;
      for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[k])) k = i;
      g[k] *= 1.1;
    };
    expect(() => check(c, corrupt)).toThrow(/weight_hh_l0/);
  });
});
