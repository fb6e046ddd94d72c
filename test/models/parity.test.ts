/**
 * rnnsim's float32 model against torch on models exported by tools/export_model.py
 * (test/reference/make_user_models.py wrote the models, their data and torch's outputs): the
 * recurrent core's output at every valid step and the head's outputs agree within 1e-5, and the
 * metrics rnnsim computes equal torch's.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateParts } from '../../src/accuracy/evaluate.js';
import { readNpy } from '../../src/datasets/npy.js';
import { readUserSplit } from '../../src/datasets/user-data.js';
import { forwardFloat } from '../../src/functional/network.js';
import { directionCount, outputSize } from '../../src/functional/rnn-model.js';
import { toEvalData } from '../../src/models/eval-data.js';
import { sequenceInput } from '../../src/models/inference.js';
import { loadModel, partsOf, type LoadedModel } from '../../src/models/load-model.js';
import { forEachReadout, makeReadoutScratch } from '../../src/models/readout.js';
import { FIXTURES } from '../helpers/model-cards.js';

/** Max |rnnsim - torch| over the core output (valid steps) and the head outputs of every test sequence. */
function parity(name: string, testDir: string): { output: number; logits: number; sequences: number } {
  const model: LoadedModel = loadModel(join(FIXTURES, name, 'model.json'));
  const parts = partsOf(model);
  const split = readUserSplit(join(FIXTURES, name, testDir), 'test', { classes: model.card.head.type === 'classifier' ? (model.card.head.classes as string[]) : undefined });
  const data = toEvalData(split, { head: model.card.head, inputSize: model.topology.input_size, vocabularySize: model.card.embedding?.num_embeddings }, testDir);
  const out = readNpy(join(FIXTURES, name, 'expected', 'test_output.npy'));
  const width = directionCount(model.topology) * outputSize(model.topology);
  const T = out.shape[1];
  expect(out.shape).toEqual([data.sequences.length, T, width]);
  const logitsFile = model.card.head.type === 'none' ? null : readNpy(join(FIXTURES, name, 'expected', 'test_logits.npy'));
  let maxOut = 0;
  let maxLogit = 0;
  const scratch = makeReadoutScratch(parts);
  data.sequences.forEach((seq, k) => {
    const o = forwardFloat(parts.rnn, sequenceInput(seq, parts), seq.steps).output;
    for (let s = 0; s < seq.steps; s++) {
      for (let j = 0; j < width; j++) maxOut = Math.max(maxOut, Math.abs(o[s * width + j] - out.data[(k * T + s) * width + j]));
    }
    if (!logitsFile) return;
    const C = logitsFile.shape[logitsFile.shape.length - 1];
    forEachReadout(parts, data.task, o, seq.steps, scratch, (row, s) => {
      const base = data.task === 'classification' ? k * C : (k * T + s) * C;
      for (let c = 0; c < C; c++) maxLogit = Math.max(maxLogit, Math.abs(row[c] - logitsFile.data[base + c]));
    });
  });
  return { output: maxOut, logits: maxLogit, sequences: data.sequences.length };
}

describe('float32 parity with torch on exported models', () => {
  it('2-layer LSTM with projection, variable lengths, classifier on the last valid step', () => {
    const p = parity('lstmp-classifier', 'data/test');
    expect(p.sequences).toBe(64);
    expect(p.output).toBeLessThan(1e-5);
    expect(p.logits).toBeLessThan(1e-5);
  });

  it('embedding + 2-layer bidirectional GRU, variable lengths (JSON Lines), classifier on the final states', () => {
    const p = parity('bigru-classifier', 'data/test.jsonl');
    expect(p.sequences).toBe(64);
    expect(p.output).toBeLessThan(1e-5);
    expect(p.logits).toBeLessThan(1e-5);
  });

  it('embedding + LSTM language model, every step', () => {
    const p = parity('lstm-lm', 'data/test');
    expect(p.sequences).toBe(40);
    expect(p.output).toBeLessThan(1e-5);
    expect(p.logits).toBeLessThan(1e-5);
  });

  it('GRU without a head', () => {
    const p = parity('gru-nohead', 'data/test');
    expect(p.output).toBeLessThan(1e-5);
  });

  it("rnnsim's float32 metrics equal torch's (the cards' training-time metrics)", async () => {
    for (const name of ['lstmp-classifier', 'bigru-classifier']) {
      const model = loadModel(join(FIXTURES, name, 'model.json'));
      const r = await evaluateParts(partsOf(model), model.data.load('test'), { metric: model.metric });
      expect(r.metricName).toBe('accuracy');
      expect(r.count).toBe(64);
      expect(r.metric).toBeCloseTo(model.card.metrics?.['test'] as number, 4);
    }
    // The language model's perplexity on all 40 test sequences (torch: mean cross-entropy over 40 x 19 predictions).
    const lm = loadModel(join(FIXTURES, 'lstm-lm', 'model.json'));
    const all = toEvalData(readUserSplit(join(FIXTURES, 'lstm-lm', 'data', 'test'), 'test'), { head: lm.card.head, inputSize: 8, vocabularySize: 10 }, 'lm');
    const r = await evaluateParts(partsOf(lm), all, { metric: 'perplexity' });
    expect(r.metricName).toBe('perplexity');
    expect(r.count).toBe(40 * 19);
    expect(r.metric).toBeCloseTo(lm.card.metrics?.['test_all_40'] as number, 3);
  });
});
