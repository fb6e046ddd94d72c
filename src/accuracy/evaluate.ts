/**
 * Model evaluation, reusable by every experiment that runs a model on its data: the float32
 * reference (forwardFloat) or the bit-exact integer datapath (QuantizedRnn, with an optional
 * per-timestep precision chooser and step observer). The embedding (a lookup whose rows the
 * integer datapath quantizes into layer 0's activation format anyway) and the head (a linear
 * layer on h) run in float32.
 *
 * Metrics (the model card's, src/models/card.ts):
 *   accuracy        fraction of sequences whose top class is the label (higher is better);
 *   bits_per_char   mean next-token cross-entropy in bits (lower is better);
 *   perplexity      2^bits_per_char (lower is better);
 *   agreement       against the float32 model on the same sequences, no labels needed:
 *                   with a class head, the share of predictions (sequences, or steps of a
 *                   language model) whose top class equals float32's (higher is better); without
 *                   a head, the output error: RMS(output - float32 output) / RMS(float32 output)
 *                   over every output value (lower is better). The output error (on the head's
 *                   logits when there is a head) is reported in both cases.
 * A classifier asked for accuracy on data without labels is scored by agreement.
 *
 * Accuracy and bits per character go through the batched evaluator (design-evaluation.ts:
 * quantized sequences in lockstep, optionally worker threads) unless sequences must run one at a
 * time, in order: a shared `choosePrecision` (a chooser that keeps state across sequences) or
 * `afterSequence`; perplexity and agreement run sequence by sequence. Both paths give the same
 * codes and metrics. Many designs at once: evaluateDesigns.
 */
import { forwardFloat } from '../functional/network.js';
import { QuantizedRnn, type PrecisionChooser, type StepObserver } from '../functional/quantized-network.js';
import { evaluateDesigns } from './design-evaluation.js';
import { crossEntropy } from './head.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import type { MetricName } from '../models/card.js';
import type { EvalData } from '../models/eval-data.js';
import { sequenceInput, type InferenceParts } from '../models/inference.js';
import { argmax, forEachReadout, makeReadoutScratch } from '../models/readout.js';

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
  /** The metric (the model card's); default: accuracy / bits_per_char / agreement by task. */
  readonly metric?: MetricName;
}

export interface AgreementResult {
  /** Share of predictions whose top class equals float32's; null without a class head. */
  readonly top1: number | null;
  /** RMS(output - float32 output) / RMS(float32 output), over logits (or h without a head). */
  readonly outputError: number;
  /** Largest |output - float32 output|. */
  readonly maxAbsError: number;
}

export interface EvaluationResult {
  /** The metric's value, in the unit of metricName. */
  readonly metric: number;
  readonly metricId: MetricName;
  /** Human name: accuracy, bits per character, perplexity, top-1 agreement with float32, output error vs float32. */
  readonly metricName: string;
  readonly higherIsBetter: boolean;
  /** Examples (classification) or predicted tokens (language model) or output rows (no head). */
  readonly count: number;
  readonly sequences: number;
  readonly timesteps: number;
  readonly description: string;
  readonly seconds: number;
  /** With the agreement metric. */
  readonly agreement?: AgreementResult;
}

/** The metric actually computed for `data` when `requested` is asked. */
export function effectiveMetric(data: EvalData, requested: MetricName | undefined): MetricName {
  if (data.task === 'sequence-output') return 'agreement';
  if (data.task === 'language-model') return requested ?? 'bits_per_char';
  const labelled = data.sequences.every((s) => s.label !== undefined);
  const m = requested ?? 'accuracy';
  return m === 'accuracy' && !labelled ? 'agreement' : m;
}

export function metricLabel(metric: MetricName, data: Pick<EvalData, 'task'>): { name: string; higherIsBetter: boolean } {
  switch (metric) {
    case 'accuracy':
      return { name: 'accuracy', higherIsBetter: true };
    case 'bits_per_char':
      return { name: 'bits per character', higherIsBetter: false };
    case 'perplexity':
      return { name: 'perplexity', higherIsBetter: false };
    case 'agreement':
      return data.task === 'sequence-output' ? { name: 'output error vs float32 (relative RMS)', higherIsBetter: false } : { name: 'top-1 agreement with float32', higherIsBetter: true };
  }
}

/** Evaluates parameters `parts` on `data` (see the file comment for how sequences are run). */
export async function evaluateParts(parts: InferenceParts, data: EvalData, options: EvaluationOptions = {}): Promise<EvaluationResult> {
  const t0 = performance.now();
  const metric = effectiveMetric(data, options.metric);
  const label = metricLabel(metric, data);
  if (!options.quantization && (options.onStep || options.choosePrecision || options.chooserFor || options.inputSideBits !== undefined)) {
    throw new Error('onStep / choosePrecision / chooserFor / inputSideBits need a quantization config');
  }
  if (options.choosePrecision && options.chooserFor) throw new Error('give choosePrecision or chooserFor, not both');
  if (data.sequences.length === 0) throw new Error(`no sequences to evaluate (${data.description})`);
  if ((metric === 'accuracy' || metric === 'bits_per_char') && !options.choosePrecision && !options.afterSequence) {
    const design = options.quantization
      ? { name: 'quantized', quantization: options.quantization, precision: options.chooserFor ? ({ kind: 'function', chooserFor: options.chooserFor } as const) : undefined, inputSideBits: options.inputSideBits }
      : { name: 'float32' };
    const r = await evaluateDesigns(parts, data, [design], {
      workers: options.workers ?? 0,
      onStep: options.onStep,
      progress: options.progress ? (done) => options.progress?.(done, data.sequences.length) : undefined,
    });
    const d = r.designs[0];
    return { metric: d.metric, metricId: metric, metricName: label.name, higherIsBetter: label.higherIsBetter, count: d.count, sequences: d.sequences, timesteps: d.timesteps, description: data.description, seconds: (performance.now() - t0) / 1000 };
  }
  const quantized = options.quantization ? new QuantizedRnn(parts.rnn, options.quantization) : null;
  const agreement = metric === 'agreement';
  const scratch = makeReadoutScratch(parts);
  const refScratch = makeReadoutScratch(parts);
  let reference: Float64Array[] = [];
  let correct = 0;
  let agree = 0;
  let nats = 0;
  let count = 0;
  let timesteps = 0;
  let errSq = 0;
  let refSq = 0;
  let maxAbs = 0;
  for (let k = 0; k < data.sequences.length; k++) {
    const seq = data.sequences[k];
    const input = sequenceInput(seq, parts);
    const output = quantized
      ? quantized.forward(input, seq.steps, { sequence: k, onStep: options.onStep, choosePrecision: options.choosePrecision ?? options.chooserFor?.(k), inputSideBits: options.inputSideBits }).output
      : forwardFloat(parts.rnn, input, seq.steps).output;
    timesteps += seq.steps;
    if (agreement) {
      // The float32 model's outputs on the same sequence (itself when evaluating float32).
      const ref = quantized ? forwardFloat(parts.rnn, input, seq.steps).output : output;
      reference = [];
      forEachReadout(parts, data.task, ref, seq.steps, refScratch, (row) => reference.push(row.slice()));
    }
    forEachReadout(parts, data.task, output, seq.steps, scratch, (row, s) => {
      count++;
      if (agreement) {
        const r = reference[s];
        for (let c = 0; c < row.length; c++) {
          const e = row[c] - r[c];
          errSq += e * e;
          refSq += r[c] * r[c];
          if (Math.abs(e) > maxAbs) maxAbs = Math.abs(e);
        }
        if (data.task !== 'sequence-output' && argmax(row) === argmax(r)) agree++;
      } else if (data.task === 'classification') {
        if (argmax(row) === seq.label) correct++;
      } else {
        nats += crossEntropy(row, (seq.targets as Int32Array)[s]);
      }
    });
    if (options.afterSequence) await options.afterSequence(k);
    options.progress?.(k + 1, data.sequences.length);
  }
  const outputError = refSq > 0 ? Math.sqrt(errSq / refSq) : Math.sqrt(errSq);
  let value: number;
  switch (metric) {
    case 'accuracy':
      value = correct / count;
      break;
    case 'bits_per_char':
      value = nats / count / Math.LN2;
      break;
    case 'perplexity':
      value = Math.exp(nats / count);
      break;
    case 'agreement':
      value = data.task === 'sequence-output' ? outputError : agree / count;
      break;
  }
  return {
    metric: value,
    metricId: metric,
    metricName: label.name,
    higherIsBetter: label.higherIsBetter,
    count,
    sequences: data.sequences.length,
    timesteps,
    description: data.description,
    seconds: (performance.now() - t0) / 1000,
    ...(agreement ? { agreement: { top1: data.task === 'sequence-output' ? null : agree / count, outputError, maxAbsError: maxAbs } } : {}),
  };
}
