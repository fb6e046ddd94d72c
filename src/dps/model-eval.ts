/**
 * A bundled model evaluated with a precision policy in the loop (or at a static precision),
 * through the integer datapath: the task metric and the share of steps at each precision.
 * Built on src/accuracy (evaluateParts), so the metric is the one `rnnsim accuracy` reports.
 */
import { evaluateParts, type EvaluationResult } from '../accuracy/evaluate.js';
import { chooseFixedPointConfig, calibrationRanges } from '../accuracy/table.js';
import { inferenceParts, loadBundledModel, loadEvalData, type EvalData, type InferenceParts, type LoadedModel } from '../accuracy/bundled.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import type { PrecisionChooser, StepObserver } from '../functional/quantized-network.js';
import type { SplitName } from '../datasets/split-rule.js';
import { dpsChooser } from './chooser.js';
import { resolvePolicy, type DpsPolicySpec } from './policy-spec.js';

export interface PolicyRun {
  readonly metric: number;
  readonly higherIsBetter: boolean;
  readonly metricName: string;
  /** Steps (sequence x layer x direction x timestep) at each precision. */
  readonly stepsByBits: Record<number, number>;
  readonly steps: number;
  readonly description: string;
}

export interface ModelSetup {
  readonly model: LoadedModel;
  readonly parts: InferenceParts;
  /** The model's 16-bit fixed-point formats (integer bits from the validation ranges). */
  readonly quantization: QuantizationConfig;
  readonly data: Partial<Record<SplitName, EvalData>>;
}

export async function setupModel(name: string, limits: Partial<Record<SplitName, number | undefined>>, modelsDir?: string): Promise<ModelSetup> {
  const model = loadBundledModel(name, modelsDir);
  const data: Partial<Record<SplitName, EvalData>> = {};
  for (const [split, limit] of Object.entries(limits) as [SplitName, number | undefined][]) data[split] = loadEvalData(model, split, limit);
  const validation = data.validation ?? loadEvalData(model, 'validation', limits.validation);
  const { config } = await chooseFixedPointConfig(model, 16, validation, calibrationRanges(model, validation));
  return { model, parts: inferenceParts(model.tensors, model.card.topology, model.safetensorsPath), quantization: config, data };
}

/** The chooser of a policy, or of a static precision when `policy` is a number. */
export function chooserFor(policy: DpsPolicySpec | number, hiddenSize: number): PrecisionChooser {
  if (typeof policy === 'number') return () => policy;
  return dpsChooser((_layer, frac) => resolvePolicy(policy, hiddenSize, frac));
}

export async function runPolicy(setup: ModelSetup, split: SplitName, policy: DpsPolicySpec | number, extra: { onStep?: StepObserver; afterSequence?: (k: number) => Promise<void> | void } = {}): Promise<PolicyRun> {
  const data = setup.data[split];
  if (!data) throw new Error(`no ${split} data loaded`);
  const stepsByBits: Record<number, number> = {};
  let steps = 0;
  const r: EvaluationResult = await evaluateParts(setup.parts, data, {
    quantization: setup.quantization,
    choosePrecision: chooserFor(policy, setup.model.card.topology.hidden_size),
    onStep: (s) => {
      stepsByBits[s.precisionBits] = (stepsByBits[s.precisionBits] ?? 0) + 1;
      steps++;
      extra.onStep?.(s);
    },
    afterSequence: extra.afterSequence,
  });
  return { metric: r.metric, higherIsBetter: r.higherIsBetter, metricName: r.metricName, stepsByBits, steps, description: r.description };
}

/** Loss of `run` against `reference` in the metric's own unit (accuracy points x 100, or bpc); positive = worse. */
export function lossVs(run: PolicyRun, reference: PolicyRun): number {
  return run.higherIsBetter ? (reference.metric - run.metric) * 100 : run.metric - reference.metric;
}
