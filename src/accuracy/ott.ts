/**
 * Ott et al.'s limited-precision weights (binary, ternary, pow2-ternary, exponential; the
 * deterministic variants) on a bundled model, two ways:
 *
 * - post-training: the quantizer applied once to the trained float weights, no retraining.
 *   This is NOT Ott's method (they train with the quantizer in the forward pass) and is labelled
 *   as such everywhere;
 * - quantization-aware fine-tuning (Ott's method, bounded): starting from the float weights,
 *   `updates` Adam updates with the quantizer in the forward pass and straight-through gradients
 *   (src/training's Trainer with the ottQuantization transform), then the quantized weights.
 *
 * Which matrices: the trainer's default (isQuantizedWeight): every weight matrix of the
 * recurrent core and the head; the embedding table and the biases stay float32. Activations are
 * float32 (as in Ott et al.).
 */
import type { TensorMap } from '../functional/tensor.js';
import type { SplitName } from '../datasets/split-rule.js';
import { ottQuantization, type OttMethod } from '../training/ott-quantization.js';
import { Prng } from '../training/prng.js';
import { cosineLearningRate } from '../training/schedule.js';
import { SequenceModel } from '../training/sequence-model.js';
import { Trainer } from '../training/trainer.js';
import { isQuantizedWeight } from '../training/weight-transform.js';
import { loadEvalData, LM_STREAMS, type EvalData, type LoadedModel } from './bundled.js';

export type OttScheme = 'ternary' | 'pow2-ternary' | 'exponential' | 'binary';

export const OTT_METHOD: Record<OttScheme, OttMethod> = {
  ternary: 'ternary-deterministic',
  'pow2-ternary': 'pow2-ternary',
  exponential: 'exponential-deterministic',
  binary: 'binary-deterministic',
};

/** A trainer model holding the bundled model's parameters. */
export function sequenceModelOf(model: LoadedModel, tensors: TensorMap = model.tensors): SequenceModel {
  const t = model.card.topology;
  const emb = tensors.get('embedding.weight');
  const head = tensors.get('head.weight');
  if (!head) throw new Error(`${model.name}: no head.weight`);
  const sm = new SequenceModel({
    cell: t.cell,
    vocabSize: emb ? emb.shape[0] : 0,
    inputSize: t.input_size,
    hiddenSize: t.hidden_size,
    numLayers: t.num_layers,
    outputSize: head.shape[0],
    readout: model.card.readout,
    seed: 1,
  });
  sm.loadTensorMap(tensors);
  return sm;
}

/** The effective (quantized) parameters of `sm` under `scheme`, as a new TensorMap (unquantized tensors copied). */
export function quantizedTensors(sm: SequenceModel, scheme: OttScheme): TensorMap {
  const qat = ottQuantization(OTT_METHOD[scheme], sm.params);
  const applies = qat.appliesTo ?? isQuantizedWeight;
  const out: TensorMap = new Map();
  for (const p of sm.params) {
    const data = p.value.slice();
    if (applies(p.name)) qat.transform(p.value, data, p.name);
    out.set(p.name, { shape: [...p.shape], data });
  }
  return out;
}

/** Names of the parameters the Ott schemes quantize. */
export function ottQuantizedNames(names: Iterable<string>): Set<string> {
  return new Set([...names].filter(isQuantizedWeight));
}

export interface FineTuneOptions {
  readonly updates: number;
  readonly batch: number;
  readonly peakLearningRate: number;
  readonly maxGradNorm: number;
  readonly seed: number;
  /** BPTT length of the language model's updates. */
  readonly bptt: number;
  readonly onUpdate?: (done: number, total: number) => void;
}

export const DEFAULT_FINE_TUNE: FineTuneOptions = { updates: 100, batch: 32, peakLearningRate: 1e-3, maxGradNorm: 5, seed: 20240404, bptt: 64 };

/** The training data fineTuneOtt reads (load once, pass to every scheme). */
export function fineTuneData(model: LoadedModel, o: FineTuneOptions): EvalData {
  const split: SplitName = 'train';
  return model.card.readout === 'every-step' ? loadEvalData(model, split, LM_STREAMS * (o.updates * o.bptt + 2)) : loadEvalData(model, split);
}

/**
 * Quantization-aware fine-tuning from the bundled float weights on the train split; returns the
 * quantized weights (what inference uses) and the mean training loss of the last 10 updates.
 */
export function fineTuneOtt(model: LoadedModel, scheme: OttScheme, o: FineTuneOptions = DEFAULT_FINE_TUNE, trainData?: EvalData): { tensors: TensorMap; lastLoss: number } {
  const sm = sequenceModelOf(model);
  const qat = ottQuantization(OTT_METHOD[scheme], sm.params, { seed: o.seed });
  const trainer = new Trainer(sm, { learningRate: o.peakLearningRate, maxGradNorm: o.maxGradNorm, qat });
  const losses: number[] = [];
  if (model.card.readout === 'every-step') {
    // Language model: LM_STREAMS contiguous streams of the training text, state carried.
    const data = trainData ?? fineTuneData(model, o);
    const B = LM_STREAMS;
    const inputs = new Int32Array(o.bptt * B);
    const targets = new Int32Array(o.bptt * B);
    let state: Float32Array[][] | undefined;
    for (let u = 0; u < o.updates; u++) {
      for (let t = 0; t < o.bptt; t++) {
        for (let s = 0; s < B; s++) {
          const seq = data.sequences[s];
          inputs[t * B + s] = (seq.tokens as Int32Array)[u * o.bptt + t];
          targets[t * B + s] = (seq.targets as Int32Array)[u * o.bptt + t];
        }
      }
      trainer.optimizer.learningRate = cosineLearningRate(u, o.updates, o.peakLearningRate);
      const r = trainer.step({ tokens: inputs }, targets, o.bptt, B, state);
      state = sm.finalStates();
      losses.push(r.lossSum / r.count);
      o.onUpdate?.(u + 1, o.updates);
    }
  } else {
    const data = trainData ?? fineTuneData(model, o);
    const seqs = data.sequences;
    const steps = seqs[0].steps;
    const E = model.card.topology.input_size;
    const order = Int32Array.from({ length: seqs.length }, (_, i) => i);
    const rng = new Prng(o.seed);
    const perEpoch = Math.floor(seqs.length / o.batch);
    const B = o.batch;
    for (let u = 0; u < o.updates; u++) {
      const b = u % perEpoch;
      if (b === 0) rng.shuffle(order);
      const idx = order.subarray(b * B, (b + 1) * B);
      const labels = Int32Array.from(idx, (i) => seqs[i].label as number);
      let input: { tokens: Int32Array } | { values: Float32Array };
      if (seqs[0].tokens) {
        const tokens = new Int32Array(steps * B);
        for (let j = 0; j < B; j++) for (let t = 0; t < steps; t++) tokens[t * B + j] = (seqs[idx[j]].tokens as Int32Array)[t];
        input = { tokens };
      } else {
        const values = new Float32Array(steps * B * E);
        for (let j = 0; j < B; j++) {
          const v = seqs[idx[j]].values as Float32Array;
          for (let t = 0; t < steps; t++) values.set(v.subarray(t * E, (t + 1) * E), (t * B + j) * E);
        }
        input = { values };
      }
      trainer.optimizer.learningRate = cosineLearningRate(u, o.updates, o.peakLearningRate);
      const r = trainer.step(input, labels, steps, B);
      losses.push(r.lossSum / r.count);
      o.onUpdate?.(u + 1, o.updates);
    }
  }
  const tail = losses.slice(-10);
  return { tensors: quantizedTensors(sm, scheme), lastLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length) };
}
