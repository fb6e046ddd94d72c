/**
 * Model evaluation, reusable by every experiment that runs a bundled model on its data: the
 * float32 reference (forwardFloat) or the bit-exact integer datapath (QuantizedRnn, with an
 * optional per-timestep precision chooser and step observer). The embedding (a lookup whose rows
 * the integer datapath quantizes into layer 0's activation format anyway) and the head (a linear
 * layer on h) run in float32.
 *
 * Runs go through the batched evaluator (design-evaluation.ts: quantized sequences in lockstep,
 * optionally worker threads) unless they need sequences one at a time, in order: a shared
 * `choosePrecision` (a chooser that keeps state across sequences) or `afterSequence`. Both give
 * the same codes and metrics. Many designs at once: evaluateDesigns.
 *
 * Metrics: classification accuracy (higher is better) or bits per character of next-character
 * prediction (lower is better).
 */
import { forwardFloat } from '../functional/network.js';
import { QuantizedRnn, type PrecisionChooser, type StepObserver } from '../functional/quantized-network.js';
import { evaluateDesigns } from './design-evaluation.js';
import { argmax, crossEntropy, headRow } from './head.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import { directionCount, outputSize } from '../functional/rnn-model.js';
import type { TensorMap } from '../functional/tensor.js';
import type { SplitName } from '../datasets/split-rule.js';
import { inferenceParts, loadBundledModel, loadEvalData, sequenceInput, type EvalData, type InferenceParts, type LoadedModel } from './bundled.js';

export interface EvaluationOptions {
  /** Fixed-point formats; absent = float32 inference. */
  readonly quantization?: QuantizationConfig;
  /**
   * Per-timestep precision (integer datapath only), one chooser for every sequence in turn:
   * sequences then run one at a time, in order. Prefer `chooserFor`.
   */
  readonly choosePrecision?: PrecisionChooser;
  /** Per-timestep precision, a fresh chooser per sequence (index in data.sequences): sequences run in lockstep. */
  readonly chooserFor?: (sequence: number) => PrecisionChooser;
  /** Fixed precision of the input-side products W_ih x_t (integer datapath only; docs/functional-model.md). */
  readonly inputSideBits?: number;
  /** Worker threads for the batched path (see evaluateDesigns; default 0 = this thread). */
  readonly workers?: number | 'auto';
  /** Observer of every quantized step (integer datapath only). */
  readonly onStep?: StepObserver;
  /** Awaited after each sequence (e.g. to flush a trace writer). */
  readonly afterSequence?: (sequenceIndex: number) => Promise<void> | void;
  /** Called after each sequence with (done, total), e.g. for a progress bar. */
  readonly progress?: (done: number, total: number) => void;
}

export interface EvaluationResult {
  /** accuracy (fraction) or bits per character. */
  readonly metric: number;
  readonly metricName: 'accuracy' | 'bits per character';
  readonly higherIsBetter: boolean;
  /** Examples (classification) or predicted characters (language model). */
  readonly count: number;
  readonly sequences: number;
  readonly timesteps: number;
  readonly description: string;
  readonly seconds: number;
}

/** Evaluates parameters `parts` on `data` (see the file comment for how sequences are run). */
export async function evaluateParts(parts: InferenceParts, data: EvalData, options: EvaluationOptions = {}): Promise<EvaluationResult> {
  const t0 = performance.now();
  if (!options.quantization && (options.onStep || options.choosePrecision || options.chooserFor || options.inputSideBits !== undefined)) {
    throw new Error('onStep / choosePrecision / chooserFor / inputSideBits need a quantization config');
  }
  if (options.choosePrecision && options.chooserFor) throw new Error('give choosePrecision or chooserFor, not both');
  if (!options.choosePrecision && !options.afterSequence) {
    const design = options.quantization
      ? { name: 'quantized', quantization: options.quantization, precision: options.chooserFor ? ({ kind: 'function', chooserFor: options.chooserFor } as const) : undefined, inputSideBits: options.inputSideBits }
      : { name: 'float32' };
    const r = await evaluateDesigns(
      parts,
      data,
      [design],
      {
        workers: options.workers ?? 0,
        onStep: options.onStep,
        progress: options.progress ? (done) => options.progress?.(done, data.sequences.length) : undefined,
      },
    );
    const d = r.designs[0];
    return { metric: d.metric, metricName: d.metricName, higherIsBetter: d.higherIsBetter, count: d.count, sequences: d.sequences, timesteps: d.timesteps, description: data.description, seconds: (performance.now() - t0) / 1000 };
  }
  const t = parts.rnn.topology;
  const hLen = directionCount(t) * outputSize(t);
  const quantized = options.quantization ? new QuantizedRnn(parts.rnn, options.quantization) : null;
  const logits = new Float64Array(parts.classes);
  let correct = 0;
  let nats = 0;
  let count = 0;
  let timesteps = 0;
  for (let k = 0; k < data.sequences.length; k++) {
    const seq = data.sequences[k];
    const input = sequenceInput(seq, parts);
    const output = quantized
      ? quantized.forward(input, seq.steps, { sequence: k, onStep: options.onStep, choosePrecision: options.choosePrecision ?? options.chooserFor?.(k), inputSideBits: options.inputSideBits }).output
      : forwardFloat(parts.rnn, input, seq.steps).output;
    timesteps += seq.steps;
    if (data.task === 'classification') {
      headRow(parts, output, (seq.steps - 1) * hLen, hLen, logits);
      if (argmax(logits) === seq.label) correct++;
      count++;
    } else {
      const targets = seq.targets as Int32Array;
      for (let s = 0; s < seq.steps; s++) {
        headRow(parts, output, s * hLen, hLen, logits);
        nats += crossEntropy(logits, targets[s]);
        count++;
      }
    }
    if (options.afterSequence) await options.afterSequence(k);
    options.progress?.(k + 1, data.sequences.length);
  }
  const classification = data.task === 'classification';
  return {
    metric: classification ? correct / count : nats / count / Math.LN2,
    metricName: classification ? 'accuracy' : 'bits per character',
    higherIsBetter: classification,
    count,
    sequences: data.sequences.length,
    timesteps,
    description: data.description,
    seconds: (performance.now() - t0) / 1000,
  };
}

export interface EvaluateModelOptions extends EvaluationOptions {
  /** First `limit` examples (classifiers) or characters (language model); default: see loadEvalData. */
  readonly limit?: number;
  readonly modelsDir?: string;
  /** Replacement parameters (e.g. quantization-aware fine-tuned weights); default the bundled ones. */
  readonly tensors?: TensorMap;
  /** Already loaded model / data (avoid reloading in loops). */
  readonly model?: LoadedModel;
  readonly data?: EvalData;
}

/**
 * Evaluates bundled model `name` on `split`: evaluateModel('mnist-columns', 'validation',
 * { quantization, choosePrecision, limit: 200 }).
 */
export async function evaluateModel(name: string, split: SplitName, options: EvaluateModelOptions = {}): Promise<EvaluationResult> {
  const model = options.model ?? loadBundledModel(name, options.modelsDir);
  const data = options.data ?? loadEvalData(model, split, options.limit);
  const parts = inferenceParts(options.tensors ?? model.tensors, model.card.topology, model.safetensorsPath);
  return evaluateParts(parts, data, options);
}
