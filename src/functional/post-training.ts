/**
 * Post-training choice of fixed-point formats in the way of Rapuano, Pacini and Fanucci (2022):
 *  1. integer bits of each quantity from its observed range (range-observer.ts): the fewest m
 *     (sign included) with 2^(m-1) > max|x|, at least 1;
 *  2. fractional bits: starting from a high-precision configuration, for each quantity group in
 *     turn (weights, activations, gate sums, cell state; per layer if asked), the fewest fractional
 *     bits whose evaluated metric stays within `tolerance` of the float baseline, with the groups
 *     already decided fixed and the others still at high precision.
 * The evaluation (e.g. accuracy on a validation set with QuantizedRnn) is the caller's callback.
 */
import { DEFAULT_SIGMOID_SPEC, DEFAULT_TANH_SPEC, type ActivationSpec } from './activation-tables.js';
import type { FixedFormat } from './fixed-point.js';
import type { LayerQuantization, QuantizationConfig } from './quantization-config.js';
import type { LayerRanges } from './range-observer.js';

export type QuantityGroup = 'weight' | 'activation' | 'gate' | 'cell';

/** Fewest integer bits m (sign included) with 2^(m-1) > maxAbs; at least 1. */
export function integerBitsFor(maxAbs: number): number {
  if (!(maxAbs >= 0) || !Number.isFinite(maxAbs)) throw new Error(`integerBitsFor: range must be finite and >= 0, got ${maxAbs}`);
  let m = 1;
  while (2 ** (m - 1) <= maxAbs) m++;
  return m;
}

export type Evaluate = (config: QuantizationConfig) => number | Promise<number>;

export interface PostTrainingOptions {
  /** Metric of the float model. */
  readonly baseline: number;
  /** Allowed degradation, in metric units (e.g. 0.01 for one point of accuracy as a fraction). */
  readonly tolerance: number;
  /** True for accuracy (default), false for losses / perplexity. */
  readonly higherIsBetter?: boolean;
  /** Word length of every format in the high-precision starting point. Default 20. */
  readonly highPrecisionWordBits?: number;
  /** Fractional bits scanned from this value upward. Default 0. */
  readonly minFracBits?: number;
  /** Order of the groups. Default weight, activation, gate, cell (cell skipped for GRU by the caller's choice). */
  readonly groups?: readonly QuantityGroup[];
  /** Search each layer's formats separately (default false: one choice per group for all layers). */
  readonly perLayer?: boolean;
  readonly sigmoid?: ActivationSpec;
  readonly tanh?: ActivationSpec;
}

export interface SearchEvaluation {
  readonly group: QuantityGroup;
  /** Layer searched, or -1 for all layers together. */
  readonly layer: number;
  readonly fracBits: number;
  readonly metric: number;
  readonly accepted: boolean;
}

export interface PostTrainingResult {
  readonly config: QuantizationConfig;
  readonly evaluations: readonly SearchEvaluation[];
}

type MutableLayer = { -readonly [K in keyof LayerQuantization]: LayerQuantization[K] };

/** The formats of the high-precision starting point: integer bits from the ranges, `wordBits` words. */
export function highPrecisionConfig(ranges: readonly LayerRanges[], wordBits = 20, sigmoid = DEFAULT_SIGMOID_SPEC, tanh = DEFAULT_TANH_SPEC): QuantizationConfig {
  const fmt = (range: number): FixedFormat => {
    const m = integerBitsFor(range);
    return { intBits: m, fracBits: Math.max(0, wordBits - m) };
  };
  return {
    layers: ranges.map((r) => ({
      weight: fmt(r.weight),
      // Activations also carry sigmoid/tanh outputs, up to 1.
      activation: fmt(Math.max(r.activation, 1)),
      gate: fmt(r.gate),
      cell: fmt(r.cell),
      sigmoid,
      tanh,
    })),
  };
}

/** Runs the search. Evaluations are made in sequence (the callback may be async). */
export async function choosePostTrainingFormats(ranges: readonly LayerRanges[], evaluate: Evaluate, options: PostTrainingOptions): Promise<PostTrainingResult> {
  const higher = options.higherIsBetter ?? true;
  const ok = (metric: number): boolean =>
    higher ? metric >= options.baseline - options.tolerance : metric <= options.baseline + options.tolerance;
  const start = highPrecisionConfig(ranges, options.highPrecisionWordBits ?? 20, options.sigmoid, options.tanh);
  const layers: MutableLayer[] = start.layers.map((l) => ({ ...l }));
  const groups = options.groups ?? ['weight', 'activation', 'gate', 'cell'];
  const evaluations: SearchEvaluation[] = [];
  const snapshot = (): QuantizationConfig => ({ layers: layers.map((l) => ({ ...l })) });
  const targets = options.perLayer ? layers.map((_, i) => [i]) : [layers.map((_, i) => i)];
  for (const group of groups) {
    for (const layerSet of targets) {
      const high = Math.max(...layerSet.map((i) => layers[i][group].fracBits));
      let chosen = high;
      // A word needs at least 2 bits (validateFormat).
      const lowest = Math.max(options.minFracBits ?? 0, ...layerSet.map((i) => 2 - layers[i][group].intBits));
      for (let n = lowest; n < high; n++) {
        const trial = snapshot();
        const trialLayers = trial.layers as MutableLayer[];
        for (const i of layerSet) trialLayers[i][group] = { intBits: layers[i][group].intBits, fracBits: n };
        const metric = await evaluate(trial);
        const accepted = ok(metric);
        evaluations.push({ group, layer: options.perLayer ? layerSet[0] : -1, fracBits: n, metric, accepted });
        if (accepted) {
          chosen = n;
          break;
        }
      }
      for (const i of layerSet) layers[i][group] = { intBits: layers[i][group].intBits, fracBits: chosen };
    }
  }
  return { config: snapshot(), evaluations };
}
