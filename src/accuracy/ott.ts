/**
 * Ott et al.'s limited-precision weights (binary, ternary, pow2-ternary, exponential; the
 * deterministic variants) on a model, two ways:
 *
 * - post-training: the quantizer applied once to the trained float weights, no retraining.
 *   This is NOT Ott's method (they train with the quantizer in the forward pass) and is labelled
 *   as such everywhere;
 * - quantization-aware fine-tuning (Ott's method, bounded): starting from the float weights,
 *   `updates` Adam updates with the quantizer in the forward pass and straight-through gradients
 *   (src/training's Trainer with the ottQuantization transform), then the quantized weights.
 *   Only for the models the trainer can run (qatUnsupportedReason) with a train split.
 *
 * Which matrices: the trainer's default (isQuantizedWeight): every weight matrix of the
 * recurrent core and the head; the embedding table and the biases stay float32. Activations are
 * float32 (as in Ott et al.).
 */
import type { TensorMap } from '../functional/tensor.js';
import type { SplitName } from '../datasets/split-rule.js';
import { LM_STREAMS } from '../datasets/bundled-sotu-chars.js';
import type { EvalData } from '../models/eval-data.js';
import type { LoadedModel } from '../models/load-model.js';
import { expectedTensors } from '../models/weights.js';
import { ottQuantization, type OttMethod } from '../training/ott-quantization.js';
import { Parameter } from '../training/parameter.js';
import { Prng } from '../training/prng.js';
import { cosineLearningRate } from '../training/schedule.js';
import { SequenceModel } from '../training/sequence-model.js';
import { Trainer } from '../training/trainer.js';
import { isQuantizedWeight } from '../training/weight-transform.js';

export type OttScheme = 'ternary' | 'pow2-ternary' | 'exponential' | 'binary';

export const OTT_METHOD: Record<OttScheme, OttMethod> = {
  ternary: 'ternary-deterministic',
  'pow2-ternary': 'pow2-ternary',
  exponential: 'exponential-deterministic',
  binary: 'binary-deterministic',
};

/**
 * Why quantization-aware fine-tuning cannot run on `model` (null when it can): the trainer
 * (src/training) runs unidirectional LSTM/GRU stacks without projection, with biases, a biased
 * head read on the last step (classifier) or every step (language model, on a text data set's
 * contiguous segments), and it needs a train split.
 */
export function qatUnsupportedReason(model: LoadedModel): string | null {
  const t = model.topology;
  const head = model.card.head;
  if (t.bidirectional) return 'the trainer runs unidirectional models only';
  if (t.proj_size > 0) return 'the trainer has no LSTM projection';
  if (!model.cardInfo.bias) return 'the trainer needs the core biases (the card says bias: false)';
  if (head.type === 'none') return 'no head to train';
  if (head.bias === false) return 'the trainer needs a head bias';
  if (head.type === 'classifier' && (head.readout ?? 'last_step') !== 'last_step') return 'the trainer reads a classifier on the last step only';
  if (head.type === 'language_model' && model.data.unit !== 'characters') return 'language-model fine-tuning reads the contiguous text segments of a bundled text data set';
  if (!model.data.has('train')) return 'no train split in the data';
  return null;
}

/** A trainer model holding the model's parameters (qatUnsupportedReason must be null). */
export function sequenceModelOf(model: LoadedModel, tensors: TensorMap = model.tensors): SequenceModel {
  const t = model.topology;
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
    readout: model.card.head.type === 'language_model' ? 'every-step' : 'last-step',
    seed: 1,
  });
  sm.loadTensorMap(tensors);
  return sm;
}

/** The effective (quantized) parameters of `sm` under `scheme`, as a new TensorMap (unquantized tensors copied). */
export function quantizedTensors(sm: SequenceModel, scheme: OttScheme): TensorMap {
  return quantizedParameters(sm.params, scheme);
}

function quantizedParameters(params: readonly Parameter[], scheme: OttScheme): TensorMap {
  const qat = ottQuantization(OTT_METHOD[scheme], params);
  const applies = qat.appliesTo ?? isQuantizedWeight;
  const out: TensorMap = new Map();
  for (const p of params) {
    const data = p.value.slice();
    if (applies(p.name)) qat.transform(p.value, data, p.name);
    out.set(p.name, { shape: [...p.shape], data });
  }
  return out;
}

/**
 * Ott's quantizer applied once to any model's weights (post-training), tensors in torch's
 * state_dict order (the trainer's parameter order, so trainer models give the same map).
 */
export function postTrainingOttTensors(model: LoadedModel, scheme: OttScheme): TensorMap {
  const params = expectedTensors(model.cardInfo).map((x) => {
    const t = model.tensors.get(x.name);
    if (!t) throw new Error(`${model.name}: no tensor ${x.name}`);
    return new Parameter(x.name, t.shape, t.data);
  });
  return quantizedParameters(params, scheme);
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
  return model.card.head.type === 'language_model' ? model.data.load(split, LM_STREAMS * (o.updates * o.bptt + 2)) : model.data.load(split);
}

/**
 * Quantization-aware fine-tuning from the model's float weights on the train split; returns the
 * quantized weights (what inference uses) and the mean training loss of the last 10 updates.
 */
export function fineTuneOtt(model: LoadedModel, scheme: OttScheme, o: FineTuneOptions = DEFAULT_FINE_TUNE, trainData?: EvalData): { tensors: TensorMap; lastLoss: number } {
  const sm = sequenceModelOf(model);
  const qat = ottQuantization(OTT_METHOD[scheme], sm.params, { seed: o.seed });
  const trainer = new Trainer(sm, { learningRate: o.peakLearningRate, maxGradNorm: o.maxGradNorm, qat });
  const losses: number[] = [];
  if (model.card.head.type === 'language_model') {
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
    const E = model.topology.input_size;
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
