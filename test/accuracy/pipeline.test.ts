import { describe, expect, it } from 'vitest';
import { subsetIndices } from '../../src/datasets/split-data.js';
import type { EvalData } from '../../src/models/eval-data.js';
import { inferenceParts } from '../../src/models/inference.js';
import { loadModel } from '../../src/models/load-model.js';
import { coreFields, tempModelDir, writeModel } from '../helpers/model-cards.js';
import { evaluateParts } from '../../src/accuracy/evaluate.js';
import { fixedPointConfig, searchFixedFormats } from '../../src/accuracy/fixed-point-formats.js';
import { forwardFloat } from '../../src/functional/network.js';
import { observeRanges } from '../../src/functional/range-observer.js';
import type { RnnTopology, TensorMap } from '../../src/functional/tensor.js';

/** Deterministic small values in [-a, a). */
function values(n: number, seed: number, a: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * a;
  }
  return out;
}

const topology: RnnTopology = { cell: 'lstm', input_size: 3, hidden_size: 4, proj_size: 0, num_layers: 1, bidirectional: false };

function tinyTensors(withEmbedding: boolean, classes: number): TensorMap {
  const m: TensorMap = new Map();
  if (withEmbedding) m.set('embedding.weight', { shape: [5, 3], data: values(15, 1, 1) });
  m.set('weight_ih_l0', { shape: [16, 3], data: values(48, 2, 0.8) });
  m.set('weight_hh_l0', { shape: [16, 4], data: values(64, 3, 0.8) });
  m.set('bias_ih_l0', { shape: [16], data: values(16, 4, 0.3) });
  m.set('bias_hh_l0', { shape: [16], data: values(16, 5, 0.3) });
  m.set('head.weight', { shape: [classes, 4], data: values(classes * 4, 6, 2) });
  m.set('head.bias', { shape: [classes], data: values(classes, 7, 0.5) });
  return m;
}

/** Head logits of h (plain loops, independent of the evaluator). */
function logitsOf(t: TensorMap, h: Float32Array, off: number): number[] {
  const w = t.get('head.weight')!;
  const b = t.get('head.bias')!;
  const C = w.shape[0];
  return Array.from({ length: C }, (_, c) => {
    let s = b.data[c];
    for (let j = 0; j < 4; j++) s += w.data[c * 4 + j] * h[off + j];
    return s;
  });
}

describe('accuracy pipeline on a tiny model', () => {
  const tensors = tinyTensors(false, 3);
  const parts = inferenceParts(tensors, topology);
  // Six dense sequences of 5 steps; labels: the float prediction for the first four, a wrong class for the last two.
  const seqs = [0, 1, 2, 3, 4, 5].map((k) => ({ steps: 5, values: values(15, 100 + k, 1.5) }));
  const predicted = seqs.map((s) => {
    const out = forwardFloat(parts.rnn, s.values, s.steps).output;
    const l = logitsOf(tensors, out, 4 * 4);
    return l.indexOf(Math.max(...l));
  });
  const data: EvalData = {
    task: 'classification',
    split: 'test',
    splitSize: 6,
    description: 'six hand-made sequences',
    sequences: seqs.map((s, k) => ({ ...s, label: k < 4 ? predicted[k] : (predicted[k] + 1) % 3 })),
  };

  it('float32 accuracy = head argmax on forwardFloat last hidden state (4 of 6 by construction)', async () => {
    const r = await evaluateParts(parts, data);
    expect(r.metricName).toBe('accuracy');
    expect(r.higherIsBetter).toBe(true);
    expect(r.metric).toBeCloseTo(4 / 6, 12);
    expect(r.count).toBe(6);
    expect(r.timesteps).toBe(30);
  });

  it('16-bit fixed point through the integer datapath keeps the decisions and reports every step', async () => {
    const ranges = observeRanges(parts.rnn, seqs.map((s) => ({ input: s.values, seqLen: s.steps })));
    const config = fixedPointConfig(ranges, 16);
    let steps = 0;
    const r = await evaluateParts(parts, data, { quantization: config, onStep: () => steps++ });
    expect(steps).toBe(30);
    expect(r.metric).toBeCloseTo(4 / 6, 12);
  });

  it('coarse (2-bit integer) weights change the recorded codes: the quantized path is really used', async () => {
    const ranges = observeRanges(parts.rnn, seqs.map((s) => ({ input: s.values, seqLen: s.steps })));
    const coarse = { layers: fixedPointConfig(ranges, 16).layers.map((l) => ({ ...l, weight: { intBits: 2, fracBits: 0 } })) };
    const outs: number[] = [];
    await evaluateParts(parts, data, { quantization: coarse, onStep: (rec) => rec.timestep === 4 && outs.push(rec.hidden[0]) });
    const exact: number[] = [];
    await evaluateParts(parts, data, { quantization: fixedPointConfig(ranges, 16), onStep: (rec) => rec.timestep === 4 && exact.push(rec.hidden[0]) });
    expect(outs).not.toEqual(exact);
  });

  it('the format search picks the best validation metric, ties to the range rule', async () => {
    const ranges = [{ weight: 1.3, activation: 0.5, gate: 5, cell: 2.5 }];
    const seen: number[] = [];
    const r = await searchFixedFormats(ranges, 6, async (c) => {
      seen.push(c.layers[0].weight.intBits * 10 + c.layers[0].activation.intBits);
      return c.layers[0].weight.intBits === 1 ? 0.9 : 0.8; // weight drop wins, activation drop ties
    }, true);
    expect(seen).toEqual([22, 21, 12, 11]);
    expect(r.best).toEqual({ weightDrop: 1, activationDrop: 0 });
    expect(r.config.layers[0].weight).toEqual({ intBits: 1, fracBits: 5 });
  });

  it('bits per character of a language model = mean next-token cross-entropy from forwardFloat, in bits', async () => {
    const lm = tinyTensors(true, 5);
    const lmParts = inferenceParts(lm, topology);
    const tokens = [
      Int32Array.from([0, 3, 1, 4, 2, 2]),
      Int32Array.from([4, 4, 0, 1, 3, 0]),
    ];
    const lmData: EvalData = {
      task: 'language-model',
      split: 'test',
      splitSize: 14,
      description: 'two segments',
      sequences: tokens.map((t) => ({ steps: 5, tokens: t.slice(0, 5), targets: t.slice(1) })),
    };
    let bits = 0;
    for (const t of tokens) {
      const emb = lm.get('embedding.weight')!.data;
      const x = new Float32Array(15);
      for (let s = 0; s < 5; s++) x.set(emb.subarray(t[s] * 3, t[s] * 3 + 3), s * 3);
      const out = forwardFloat(lmParts.rnn, x, 5).output;
      for (let s = 0; s < 5; s++) {
        const l = logitsOf(lm, out, s * 4);
        const z = l.reduce((a, v) => a + Math.exp(v), 0);
        bits += -Math.log2(Math.exp(l[t[s + 1]]) / z);
      }
    }
    const r = await evaluateParts(lmParts, lmData);
    expect(r.metricName).toBe('bits per character');
    expect(r.higherIsBetter).toBe(false);
    expect(r.count).toBe(10);
    expect(r.metric).toBeCloseTo(bits / 10, 9);
  });

  it('subsets are evenly spread, not a prefix', () => {
    expect(subsetIndices(10, 4)).toEqual([0, 2, 5, 7]);
    expect(subsetIndices(3, 3)).toEqual([0, 1, 2]);
  });
});

describe('Ott schemes applied to a parameter set', () => {
  it('ternary: every weight matrix (core and head) to {-W0, 0, W0} with W0 = Glorot bound of that matrix; biases and embedding untouched', async () => {
    const { postTrainingOttTensors, quantizedTensors, sequenceModelOf } = await import('../../src/accuracy/ott.js');
    const tensors = tinyTensors(true, 5);
    const card = writeModel(tempModelDir(), { name: 'tiny', ...coreFields(topology), embedding: { num_embeddings: 5, embedding_dim: 3 }, head: { type: 'language_model', vocabulary: 5 } }, tensors);
    const model = loadModel(card);
    const q = quantizedTensors(sequenceModelOf(model), 'ternary');
    // The post-training path for any model (no trainer) gives the same tensors in the same order.
    const direct = postTrainingOttTensors(model, 'ternary');
    expect([...direct.keys()]).toEqual([...q.keys()]);
    for (const [name, t] of q) expect(Array.from(direct.get(name)!.data)).toEqual(Array.from(t.data));
    const w0ih = Math.sqrt(6 / (3 + 16));
    const w0hh = Math.sqrt(6 / (4 + 16));
    const levels = (name: string) => [...new Set(q.get(name)!.data)].sort((a, b) => a - b);
    expect(levels('weight_ih_l0')).toEqual([-w0ih, 0, w0ih].map(Math.fround));
    expect(levels('weight_hh_l0')).toEqual([-w0hh, 0, w0hh].map(Math.fround));
    expect(levels('head.weight').length).toBeLessThanOrEqual(3);
    expect(Array.from(q.get('bias_ih_l0')!.data)).toEqual(Array.from(tensors.get('bias_ih_l0')!.data));
    expect(Array.from(q.get('embedding.weight')!.data)).toEqual(Array.from(tensors.get('embedding.weight')!.data));
    // by hand: weight_ih_l0[k] maps to 0 iff |w| <= W0/2 (strict thresholds)
    const src = tensors.get('weight_ih_l0')!.data;
    const dst = q.get('weight_ih_l0')!.data;
    for (let k = 0; k < src.length; k++) expect(dst[k]).toBe(Math.fround(src[k] > w0ih / 2 ? w0ih : src[k] <= -w0ih / 2 ? -w0ih : 0));
  });
});
