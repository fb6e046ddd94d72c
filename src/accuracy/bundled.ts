/**
 * A bundled model (models/<name>/model.safetensors + model.json) and its evaluation data, in the
 * form the accuracy pipeline needs: the recurrent core as an RnnModel, the embedding table and
 * the head as plain float arrays, and the split as a list of sequences.
 *
 * Data encodings are rebuilt from the model card (vocabulary in model.json) and the dataset
 * loaders (src/datasets), exactly as the training recipes encode them:
 *   - classification (last-step readout): one sequence per example, the label read from the
 *     head on the last hidden state;
 *   - language model (every-step readout): the evaluated text is cut into `LM_STREAMS`
 *     contiguous segments, each read from a zero state; every character but the first of a
 *     segment is predicted once (= bitsPerCharacter of src/training/evaluate.ts with the state
 *     carried across chunks).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { loadRnnModel, type RnnModel } from '../functional/rnn-model.js';
import { parseSafetensors } from '../functional/safetensors.js';
import type { RnnTopology, TensorMap } from '../functional/tensor.js';
import { CharVocabulary, joinDocuments } from '../datasets/char-vocabulary.js';
import { loadMnistSplits, MNIST_SIDE } from '../datasets/mnist.js';
import { loadSotuSplits } from '../datasets/sotu.js';
import { loadSpamSplits } from '../datasets/spam-assassin.js';
import type { SplitName } from '../datasets/split-rule.js';
import { tokenize, WordVocabulary } from '../datasets/word-vocabulary.js';

export const BUNDLED_MODEL_NAMES = ['sotu-char', 'spam-words', 'mnist-columns'] as const;

/** Parallel segments of the language-model evaluation (as the trainer's bitsPerCharacter). */
export const LM_STREAMS = 32;

export interface ModelCardLite {
  readonly name: string;
  readonly topology: RnnTopology;
  readonly readout: 'every-step' | 'last-step';
  readonly input: Record<string, unknown>;
  readonly metrics: { readonly name: string; readonly validation: number; readonly test: number };
  readonly [key: string]: unknown;
}

export interface LoadedModel {
  readonly name: string;
  readonly card: ModelCardLite;
  /** All tensors (embedding.weight, weight_ih_l0, ..., head.weight, head.bias). */
  readonly tensors: TensorMap;
  /** SHA-256 of model.safetensors (hex). */
  readonly sha256: string;
  readonly safetensorsPath: string;
}

export function loadBundledModel(name: string, modelsDir = 'models'): LoadedModel {
  const dir = join(modelsDir, name);
  const stPath = join(dir, 'model.safetensors');
  const cardPath = join(dir, 'model.json');
  let bytes: Uint8Array;
  let card: ModelCardLite;
  try {
    bytes = readFileSync(stPath);
    card = JSON.parse(readFileSync(cardPath, 'utf8')) as ModelCardLite;
  } catch (err) {
    throw new InputError(`cannot read bundled model '${name}': ${(err as Error).message}`, dir);
  }
  const tensors = parseSafetensors(bytes, stPath).tensors;
  return { name, card, tensors, sha256: createHash('sha256').update(bytes).digest('hex'), safetensorsPath: stPath };
}

/** The parts of a parameter set that inference needs. */
export interface InferenceParts {
  readonly rnn: RnnModel;
  /** [vocab, input_size] or null for dense inputs. */
  readonly embedding: Float32Array | null;
  /** [classes, H_out] and [classes]. */
  readonly headWeight: Float32Array;
  readonly headBias: Float32Array;
  readonly classes: number;
}

export function inferenceParts(tensors: TensorMap, topology: RnnTopology, source?: string): InferenceParts {
  const hw = tensors.get('head.weight');
  const hb = tensors.get('head.bias');
  if (!hw || !hb) throw new InputError('model has no head.weight / head.bias', source);
  return {
    rnn: loadRnnModel(tensors, { topology, source }),
    embedding: tensors.get('embedding.weight')?.data ?? null,
    headWeight: hw.data,
    headBias: hb.data,
    classes: hw.shape[0],
  };
}

/** One sequence: token ids (embedding models) or dense values [steps, input_size]. */
export interface EvalSequence {
  readonly steps: number;
  readonly tokens?: Int32Array;
  readonly values?: Float32Array;
  /** Classification label, or the next-token targets [steps] of a language model. */
  readonly label?: number;
  readonly targets?: Int32Array;
}

export interface EvalData {
  readonly task: 'classification' | 'language-model';
  readonly split: SplitName;
  readonly sequences: readonly EvalSequence[];
  /** What was evaluated, for reports (e.g. "first 200 of 1005 test images"). */
  readonly description: string;
  /** Examples (classification) or characters (language model) in the whole split. */
  readonly splitSize: number;
}

/**
 * Indices of an evenly spread subset of n of count examples: floor(i * count / n), i = 0..n-1.
 * (The splits are ordered, e.g. MNIST by digit: a prefix would not be representative.)
 */
export function subsetIndices(count: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

function subsetText(n: number, count: number, what: string): string {
  return n === count ? `all ${count} ${what}` : `${n} of ${count} ${what} (every ${(count / n).toFixed(2)}th: index floor(i * ${count} / ${n}))`;
}

/**
 * The evaluation data of a bundled model. `limit`: `limit` evenly spread examples (classifiers, subsetIndices) or the first
 * characters (language model) of the split; undefined = the whole split (the language model's
 * default is the first 50,000 characters, as its model card's test metric).
 */
export function loadEvalData(model: LoadedModel, split: SplitName, limit?: number): EvalData {
  const card = model.card;
  switch (model.name) {
    case 'mnist-columns': {
      const set = loadMnistSplits()[split];
      const n = Math.min(limit ?? set.count, set.count);
      const S = MNIST_SIDE;
      const sequences: EvalSequence[] = subsetIndices(set.count, n).map((i) => ({ steps: S, values: set.columns.slice(i * S * S, (i + 1) * S * S), label: set.labels[i] }));
      return { task: 'classification', split, sequences, splitSize: set.count, description: subsetText(n, set.count, `${split} images`) };
    }
    case 'spam-words': {
      const words = card.input['vocabulary'];
      const steps = Number(card.input['steps'] ?? 64);
      if (!Array.isArray(words)) throw new InputError('model card has no input.vocabulary', model.name);
      const vocab = new WordVocabulary(words as string[]);
      const emails = loadSpamSplits()[split];
      const n = Math.min(limit ?? emails.length, emails.length);
      const sequences: EvalSequence[] = subsetIndices(emails.length, n).map((i) => {
        const tokens = new Int32Array(steps);
        vocab.encodeLeftPadded(tokenize(emails[i].body, steps), steps, tokens, 0);
        return { steps, tokens, label: emails[i].label };
      });
      return { task: 'classification', split, sequences, splitSize: emails.length, description: subsetText(n, emails.length, `${split} messages`) };
    }
    case 'sotu-char': {
      const symbols = card.input['vocabulary'];
      if (!Array.isArray(symbols)) throw new InputError('model card has no input.vocabulary', model.name);
      const vocab = new CharVocabulary(symbols as string[]);
      const text = vocab.encode(joinDocuments(loadSotuSplits()[split].map((s) => s.text)));
      const n = Math.min(limit ?? 50_000, text.length);
      const segment = Math.floor(n / LM_STREAMS);
      const sequences: EvalSequence[] = [];
      for (let s = 0; s < LM_STREAMS; s++) {
        const seg = text.subarray(s * segment, (s + 1) * segment);
        sequences.push({ steps: segment - 1, tokens: seg.slice(0, segment - 1), targets: seg.slice(1) });
      }
      return {
        task: 'language-model',
        split,
        sequences,
        splitSize: text.length,
        description: `first ${n} of ${text.length} ${split} characters, ${LM_STREAMS} segments of ${segment}, ${LM_STREAMS * (segment - 1)} predictions`,
      };
    }
    default:
      throw new InputError(`unknown bundled model '${model.name}': expected one of ${BUNDLED_MODEL_NAMES.join(', ')}`);
  }
}

/** Layer-0 input [steps, input_size] of a sequence: the embedding rows of its tokens, or its values. */
export function sequenceInput(seq: EvalSequence, parts: InferenceParts): Float32Array {
  if (seq.values) return seq.values;
  if (!seq.tokens || !parts.embedding) throw new Error('sequence has tokens but the model has no embedding (or neither)');
  const E = parts.rnn.topology.input_size;
  const out = new Float32Array(seq.steps * E);
  for (let t = 0; t < seq.steps; t++) out.set(parts.embedding.subarray(seq.tokens[t] * E, (seq.tokens[t] + 1) * E), t * E);
  return out;
}
