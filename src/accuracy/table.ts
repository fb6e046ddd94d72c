/**
 * The accuracy table: for each model (bundled or a user's), float32 against fixed point at 16/8/6/4 bits
 * (post-training, Rapuano-style formats, integer datapath) and Ott et al.'s ternary,
 * pow2-ternary, exponential and binary weights (post-training AND quantization-aware
 * fine-tuning, reported as separate rows), each with its memory footprint.
 *
 * Splits: every choice (integer-bit split of the fixed-point formats, calibration ranges) is made
 * on the validation split; the table is measured on the test split.
 */
import { observeRanges, type LayerRanges } from '../functional/range-observer.js';
import { formatName, wordBits } from '../functional/fixed-point.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import type { TensorMap } from '../functional/tensor.js';
import type { EvalData } from '../models/eval-data.js';
import { sequenceInput } from '../models/inference.js';
import { partsOf, type LoadedModel } from '../models/load-model.js';
import { effectiveMetric, evaluateParts, metricLabel, type EvaluationResult } from './evaluate.js';
import { fixedPointConfig, searchFixedFormats, type FormatTrial } from './fixed-point-formats.js';
import { bitsForLevels, distinctValues, footprint, isCoreTensor, type Footprint, type TensorStorage } from './footprint.js';
import { DEFAULT_FINE_TUNE, fineTuneData, fineTuneOtt, ottQuantizedNames, postTrainingOttTensors, qatUnsupportedReason, type FineTuneOptions, type OttScheme } from './ott.js';

export const FIXED_WORD_BITS = [16, 8, 6, 4] as const;
export const OTT_SCHEMES: readonly OttScheme[] = ['ternary', 'pow2-ternary', 'exponential', 'binary'];

export type RowKind = 'float' | 'fixed-point' | 'ott-post-training' | 'ott-qat';

export interface AccuracyRow {
  readonly model: string;
  /** float32, fixed16..fixed4, ternary, pow2-ternary, exponential, binary. */
  readonly scheme: string;
  readonly kind: RowKind;
  /** Human label, e.g. "ternary, QAT fine-tune 100 updates". */
  readonly label: string;
  readonly metric: number;
  /** Change against float32 in the worse direction (positive = worse), metric units. */
  readonly loss: number;
  /** loss / float metric. */
  readonly relativeLoss: number;
  /** Bits per quantized weight (fixed point: word length; Ott: bits to index the levels used). */
  readonly weightBits: number;
  readonly activationBits: number;
  readonly footprint: Footprint;
  /** Per layer formats (fixed point) or quantized matrices and their levels (Ott). */
  readonly detail: string;
  /** Validation metric of the chosen configuration (fixed point) or the last training loss (QAT). */
  readonly validation?: number;
  readonly trainingLoss?: number;
}

export interface ModelAccuracy {
  readonly model: string;
  readonly metricName: string;
  readonly higherIsBetter: boolean;
  readonly test: string;
  readonly validation: string;
  readonly modelSha256: string;
  /** The card's metrics.test, when it has one. */
  readonly cardTestMetric?: number;
  readonly rows: readonly AccuracyRow[];
  readonly formatSearch: readonly { readonly wordBits: number; readonly trials: readonly FormatTrial[] }[];
  /** What was not run and why (e.g. QAT on a model the trainer cannot run); absent when everything ran. */
  readonly notes?: readonly string[];
}

export interface AccuracyOptions {
  /** Test subset: examples (classifiers) / characters (language model); undefined = all (or the data set's default). */
  readonly testLimit: (model: LoadedModel) => number | undefined;
  readonly validationLimit: (model: LoadedModel) => number | undefined;
  readonly fineTune: FineTuneOptions | null;
  /** Status lines (progress). */
  readonly log?: (message: string) => void;
  readonly progress?: (task: string, done: number, total: number) => void;
}

/** Default test subset of the accuracy table: every example, or the first 20,000 characters of a text data set. */
export function defaultTestLimit(model: LoadedModel): number | undefined {
  return model.data.defaultLimit('evaluation');
}

/** Default validation subset for choices: 200 evenly spread examples, or the first 5,000 characters. */
export function defaultValidationLimit(model: LoadedModel): number | undefined {
  return model.data.defaultLimit('choice');
}

function lossOf(metric: number, float: number, higherIsBetter: boolean): number {
  return higherIsBetter ? float - metric : metric - float;
}

function floatStorage(tensors: TensorMap): TensorStorage[] {
  return [...tensors].map(([name, t]) => ({ name, elements: t.data.length, bits: 32 }));
}

function fixedStorage(tensors: TensorMap, config: QuantizationConfig): TensorStorage[] {
  return [...tensors].map(([name, t]) => {
    const layer = /_l(\d+)/.exec(name);
    if (isCoreTensor(name) && layer) return { name, elements: t.data.length, bits: wordBits(config.layers[Number(layer[1])].weight) };
    // The datapath quantizes embedding rows into layer 0's activation format: storing them so is exact.
    if (name === 'embedding.weight') return { name, elements: t.data.length, bits: wordBits(config.layers[0].activation) };
    return { name, elements: t.data.length, bits: 32 };
  });
}

function ottStorage(quantized: TensorMap, scheme: OttScheme): { storage: TensorStorage[]; bits: number; detail: string } {
  const names = ottQuantizedNames(quantized.keys());
  let maxBits = 0;
  const parts: string[] = [];
  const storage = [...quantized].map(([name, t]): TensorStorage => {
    if (!names.has(name)) return { name, elements: t.data.length, bits: 32 };
    const levels = distinctValues(t.data);
    const bits = bitsForLevels(levels);
    maxBits = Math.max(maxBits, bits);
    parts.push(`${name}: ${levels} levels`);
    // Ternary and binary values are +-scale (and 0): one float32 scale per matrix.
    const overheadBits = scheme === 'ternary' || scheme === 'binary' ? 32 : 0;
    return { name, elements: t.data.length, bits, overheadBits };
  });
  return { storage, bits: maxBits, detail: parts.join('; ') };
}

function describeFixed(config: QuantizationConfig): string {
  return config.layers
    .map((l, i) => `layer ${i}: weights ${formatName(l.weight)}, activations ${formatName(l.activation)}, gates ${formatName(l.gate)}, cell ${formatName(l.cell)}`)
    .join('; ');
}

/** Ranges of the float model on the validation data (calibration for the integer bits). */
export function calibrationRanges(model: LoadedModel, data: EvalData): LayerRanges[] {
  const parts = partsOf(model);
  return observeRanges(
    parts.rnn,
    data.sequences.map((s) => ({ input: sequenceInput(s, parts), seqLen: s.steps })),
  );
}

/** The fixed-point configuration of `model` at `bits`, chosen on validation data (as the table does). */
export async function chooseFixedPointConfig(
  model: LoadedModel,
  bits: number,
  validation: EvalData,
  ranges: LayerRanges[] = calibrationRanges(model, validation),
  progress?: (done: number, total: number) => void,
): Promise<{ config: QuantizationConfig; trials: FormatTrial[]; validationMetric: number }> {
  const parts = partsOf(model);
  if (bits >= 16) {
    const config = fixedPointConfig(ranges, bits);
    return { config, trials: [], validationMetric: NaN };
  }
  const metric = effectiveMetric(validation, model.metric);
  const higher = metricLabel(metric, validation).higherIsBetter;
  const r = await searchFixedFormats(ranges, bits, async (config) => (await evaluateParts(parts, validation, { quantization: config, progress, metric, workers: 'auto' })).metric, higher);
  const best = r.trials.find((t) => t.choice === r.best) as FormatTrial;
  return { config: r.config, trials: r.trials, validationMetric: best.metric };
}

export async function accuracyForModel(model: LoadedModel, o: AccuracyOptions): Promise<ModelAccuracy> {
  const log = o.log ?? (() => undefined);
  const name = model.name;
  const test = model.data.load('test', o.testLimit(model));
  const validation = model.data.load('validation', o.validationLimit(model));
  const partsFloat = partsOf(model);
  const rows: AccuracyRow[] = [];
  const notes: string[] = [];
  const evalTest = (tensors: TensorMap, task: string, quantization?: QuantizationConfig): Promise<EvaluationResult> =>
    evaluateParts(partsOf(model, tensors), test, {
      quantization,
      metric: model.metric,
      workers: 'auto',
      progress: (d, t) => o.progress?.(`${name} ${task}`, d, t),
    });

  const float = await evaluateParts(partsFloat, test, { metric: model.metric, workers: 'auto', progress: (d, t) => o.progress?.(`${name} float32`, d, t) });
  const higher = float.higherIsBetter;
  const push = (r: Omit<AccuracyRow, 'model' | 'loss' | 'relativeLoss'>): void => {
    const loss = lossOf(r.metric, float.metric, higher);
    rows.push({ model: name, ...r, loss, relativeLoss: loss / float.metric });
    log(`${name} ${r.label}: ${r.metric.toFixed(4)} (float ${float.metric.toFixed(4)})`);
  };
  push({ scheme: 'float32', kind: 'float', label: 'float32', metric: float.metric, weightBits: 32, activationBits: 32, footprint: footprint(floatStorage(model.tensors)), detail: 'trained weights, float32 inference' });

  const ranges = calibrationRanges(model, validation);
  const formatSearch: { wordBits: number; trials: FormatTrial[] }[] = [];
  for (const bits of FIXED_WORD_BITS) {
    const chosen = await chooseFixedPointConfig(model, bits, validation, ranges, (d, t) => o.progress?.(`${name} fixed${bits} format search`, d, t));
    if (chosen.trials.length) formatSearch.push({ wordBits: bits, trials: chosen.trials });
    const r = await evalTest(model.tensors, `fixed${bits}`, chosen.config);
    push({
      scheme: `fixed${bits}`,
      kind: 'fixed-point',
      label: `fixed point ${bits}-bit (post-training)`,
      metric: r.metric,
      weightBits: bits,
      activationBits: bits,
      footprint: footprint(fixedStorage(model.tensors, chosen.config)),
      detail: describeFixed(chosen.config),
      ...(Number.isNaN(chosen.validationMetric) ? {} : { validation: chosen.validationMetric }),
    });
  }

  for (const scheme of OTT_SCHEMES) {
    const q = postTrainingOttTensors(model, scheme);
    const r = await evalTest(q, `${scheme} post-training`);
    const s = ottStorage(q, scheme);
    push({ scheme, kind: 'ott-post-training', label: `${scheme} (post-training, no retraining; not Ott's method)`, metric: r.metric, weightBits: s.bits, activationBits: 32, footprint: footprint(s.storage), detail: s.detail });
  }
  const qatBlocked = o.fineTune ? qatUnsupportedReason(model) : null;
  if (qatBlocked) notes.push(`Ott QAT fine-tuning not run: ${qatBlocked}`);
  if (o.fineTune && !qatBlocked) {
    const ft = o.fineTune;
    const trainData = fineTuneData(model, ft);
    for (const scheme of OTT_SCHEMES) {
      const t0 = performance.now();
      const tuned = fineTuneOtt(model, scheme, { ...ft, onUpdate: (d, t) => o.progress?.(`${name} ${scheme} QAT fine-tune`, d, t) }, trainData);
      log(`${name} ${scheme}: ${ft.updates} QAT updates in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const r = await evalTest(tuned.tensors, `${scheme} QAT`);
      const s = ottStorage(tuned.tensors, scheme);
      push({
        scheme,
        kind: 'ott-qat',
        label: `${scheme} (Ott QAT, fine-tuned ${ft.updates} updates from float)`,
        metric: r.metric,
        weightBits: s.bits,
        activationBits: 32,
        footprint: footprint(s.storage),
        detail: s.detail,
        trainingLoss: tuned.lastLoss,
      });
    }
  }
  return {
    model: name,
    metricName: float.metricName,
    higherIsBetter: higher,
    test: test.description,
    validation: validation.description,
    modelSha256: model.sha256,
    ...(typeof model.card.metrics?.['test'] === 'number' ? { cardTestMetric: model.card.metrics['test'] } : {}),
    rows,
    formatSearch,
    ...(notes.length ? { notes } : {}),
  };
}

export { DEFAULT_FINE_TUNE };
