/**
 * Evaluation data: one split as the sequences a model runs, built from the generic split data
 * (src/datasets/split-data.ts) by what the model's head does with it:
 *   - classification: one sequence per example, truncated to its valid length, with its label
 *     when the data have labels;
 *   - language model: a sequence of L tokens is read for L - 1 steps, each predicting the next
 *     token (the targets);
 *   - sequence output (no head): one sequence per example; the output is h at every step.
 * Checked against the card first: input width, token ids within the vocabulary, labels within
 * the classes, lengths within 1..T, no NaN inputs, not empty.
 */
import { InputError } from '../errors.js';
import type { SplitData } from '../datasets/split-data.js';
import type { SplitName } from '../datasets/split-rule.js';
import { headOutputs, type HeadSpec } from './card.js';

export type EvalTask = 'classification' | 'language-model' | 'sequence-output';

/** One sequence: token ids (embedding models) or dense values [steps, input_size]. */
export interface EvalSequence {
  readonly steps: number;
  readonly tokens?: Int32Array;
  readonly values?: Float32Array;
  /** Classification label (absent when the data are unlabelled). */
  readonly label?: number;
  /** Next-token targets [steps] of a language model. */
  readonly targets?: Int32Array;
}

export interface EvalData {
  readonly task: EvalTask;
  readonly split: SplitName;
  readonly sequences: readonly EvalSequence[];
  /** What was evaluated, for reports (e.g. "first 200 of 1005 test images"). */
  readonly description: string;
  /** Examples (classification) or characters (language model) in the whole split. */
  readonly splitSize: number;
}

export function taskOf(head: HeadSpec): EvalTask {
  return head.type === 'classifier' ? 'classification' : head.type === 'language_model' ? 'language-model' : 'sequence-output';
}

/** What the data must look like for a model. */
export interface DataExpectation {
  readonly head: HeadSpec;
  readonly inputSize: number;
  /** num_embeddings when the model reads token ids, else undefined (dense inputs). */
  readonly vocabularySize?: number;
}

/** Checks a split against the model; InputError naming `source` and the array/field otherwise. */
export function checkSplit(data: SplitData, model: DataExpectation, source: string): void {
  if (data.count === 0 || data.steps === 0) throw new InputError(`the ${data.split} data set is empty (${data.count} sequences of ${data.steps} steps)`, source);
  const inputs = data.inputs;
  if (model.vocabularySize === undefined) {
    if (inputs.kind !== 'dense') throw new InputError(`inputs are integer token ids [N, T], but the model has no embedding: it reads float32 inputs [N, T, ${model.inputSize}]`, source);
    if (inputs.features !== model.inputSize) throw new InputError(`inputs have ${inputs.features} features per step, the model's input_size is ${model.inputSize} (expected [N, T, ${model.inputSize}])`, source);
    const v = inputs.values;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        const F = inputs.features;
        const T = data.steps;
        throw new InputError(`input value ${v[i]} at [${Math.floor(i / (T * F))}, ${Math.floor(i / F) % T}, ${i % F}] is not finite`, source);
      }
    }
  } else {
    if (inputs.kind !== 'tokens') throw new InputError(`inputs are dense [N, T, ${inputs.features}], but the model has an embedding: it reads integer token ids [N, T] in 0..${model.vocabularySize - 1}`, source);
    const ids = inputs.ids;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= model.vocabularySize) {
        throw new InputError(`token id ${ids[i]} at [${Math.floor(i / data.steps)}, ${i % data.steps}] is outside the vocabulary (0..${model.vocabularySize - 1}, num_embeddings ${model.vocabularySize})`, source);
      }
    }
  }
  if (data.lengths) {
    if (data.lengths.length !== data.count) throw new InputError(`lengths has ${data.lengths.length} entries for ${data.count} sequences`, source);
    const min = model.head.type === 'language_model' ? 2 : 1;
    data.lengths.forEach((len, k) => {
      if (len < min || len > data.steps) throw new InputError(`length ${len} of sequence ${k} is outside ${min}..${data.steps}${min === 2 ? ' (a language model needs 2 tokens to predict one)' : ''}`, source);
    });
  }
  if (data.labels) {
    if (model.head.type !== 'classifier') {
      throw new InputError(
        model.head.type === 'language_model'
          ? 'labels given for a language model: its targets are the next tokens of each sequence; remove the labels'
          : 'labels given for a model without a head (head type none): there is nothing to compare them with; remove the labels',
        source,
      );
    }
    if (data.labels.length !== data.count) throw new InputError(`labels has ${data.labels.length} entries for ${data.count} sequences`, source);
    const classes = headOutputs(model.head);
    data.labels.forEach((c, k) => {
      if (c < 0 || c >= classes) throw new InputError(`label ${c} of sequence ${k} is outside the ${classes} classes (0..${classes - 1})`, source);
    });
  }
  if (model.head.type === 'language_model' && !data.lengths && data.steps < 2) {
    throw new InputError(`sequences of ${data.steps} token(s): a language model needs 2 tokens to predict one`, source);
  }
}

/** The sequences a model with `head` runs on `data` (checked first). */
export function toEvalData(data: SplitData, model: DataExpectation, source: string): EvalData {
  checkSplit(data, model, source);
  const task = taskOf(model.head);
  const T = data.steps;
  const sequences: EvalSequence[] = [];
  for (let k = 0; k < data.count; k++) {
    const len = data.lengths ? data.lengths[k] : T;
    if (data.inputs.kind === 'tokens') {
      const row = data.inputs.ids.subarray(k * T, k * T + len);
      if (task === 'language-model') sequences.push({ steps: len - 1, tokens: row.slice(0, len - 1), targets: row.slice(1) });
      else sequences.push({ steps: len, tokens: row.slice(), ...(data.labels ? { label: data.labels[k] } : {}) });
    } else {
      const F = data.inputs.features;
      sequences.push({ steps: len, values: data.inputs.values.slice(k * T * F, (k * T + len) * F), ...(data.labels ? { label: data.labels[k] } : {}) });
    }
  }
  return { task, split: data.split, sequences, description: data.description, splitSize: data.splitSize };
}
