/**
 * A model (bundled or a user's) evaluated with a precision policy in the loop (or at a static precision),
 * through the integer datapath: the task metric and the share of steps at each precision.
 * Built on src/accuracy (evaluateParts), so the metric is the one `rnnsim accuracy` reports.
 */
import { effectiveMetric, evaluateParts, type EvaluationResult } from '../accuracy/evaluate.js';
import { chooseFixedPointConfig, calibrationRanges } from '../accuracy/table.js';
import type { MetricName } from '../models/card.js';
import type { EvalData } from '../models/eval-data.js';
import type { InferenceParts } from '../models/inference.js';
import { partsOf, type LoadedModel } from '../models/load-model.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import type { FixedFormat } from '../functional/fixed-point.js';
import type { PrecisionChooser, StepObserver } from '../functional/quantized-network.js';
import type { SplitName } from '../datasets/split-rule.js';
import { evaluateDesigns, type PrecisionPlan } from '../accuracy/design-evaluation.js';
import { dpsChooser, dpsPrecisionPlan } from './chooser.js';
import { resolvePolicy, type DpsPolicySpec } from './policy-spec.js';

export interface PolicyRun {
  readonly metric: number;
  readonly metricId: MetricName;
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
  /**
   * The formats dynamic precision runs with: weight and activation integer bits of the static
   * lowest-precision formats `rnnsim accuracy` chooses (src/accuracy chooseFixedPointConfig:
   * range-derived, Rapuano et al. 2022, with its validation search over one integer bit), widened
   * to the top precision with fractional bits. formatsAtPrecision(., lowest) therefore gives
   * exactly the accuracy table's static lowest-precision formats, and the lowest-precision code
   * is the top slice of the top-precision code (bit-sliced storage, docs/dps.md).
   */
  readonly quantization: QuantizationConfig;
  /** The accuracy table's static top-precision formats (pure range rule): the accuracy reference. */
  readonly reference: QuantizationConfig;
  readonly lowestBits: number;
  readonly topBits: number;
  readonly data: Partial<Record<SplitName, EvalData>>;
}

/** `low`'s formats with their integer bits kept and `topBits`-bit words for weights and activations. */
export function widenFormats(low: QuantizationConfig, topBits: number): QuantizationConfig {
  const widen = (f: FixedFormat): FixedFormat => {
    if (f.intBits > topBits) throw new Error(`format Q${f.intBits}.${f.fracBits} has more integer bits than ${topBits}`);
    return { intBits: f.intBits, fracBits: topBits - f.intBits };
  };
  return { layers: low.layers.map((l) => ({ ...l, weight: widen(l.weight), activation: widen(l.activation) })) };
}

export async function setupModel(
  model: LoadedModel,
  limits: Partial<Record<SplitName, number | undefined>>,
  precisions: readonly number[] = [8, 16],
): Promise<ModelSetup> {
  const data: Partial<Record<SplitName, EvalData>> = {};
  for (const [split, limit] of Object.entries(limits) as [SplitName, number | undefined][]) data[split] = model.data.load(split, limit);
  const validation = data.validation ?? model.data.load('validation', limits.validation);
  const ranges = calibrationRanges(model, validation);
  const lowestBits = precisions[0];
  const topBits = precisions[precisions.length - 1];
  const reference = (await chooseFixedPointConfig(model, topBits, validation, ranges)).config;
  const low = lowestBits >= topBits ? reference : (await chooseFixedPointConfig(model, lowestBits, validation, ranges)).config;
  return { model, parts: partsOf(model), quantization: widenFormats(low, topBits), reference, lowestBits, topBits, data };
}

/** The chooser of a policy, or of a static precision when `policy` is a number. */
export function chooserFor(policy: DpsPolicySpec | number, hiddenSize: number): PrecisionChooser {
  if (typeof policy === 'number') return () => policy;
  return dpsChooser((_layer, frac) => resolvePolicy(policy, hiddenSize, frac));
}

/**
 * Several policies (or static precisions) on one split in one pass of the batched evaluator
 * (sequences in lockstep, worker threads when the compiled evaluator is available); in order.
 */
export async function runPolicies(setup: ModelSetup, split: SplitName, policies: readonly (DpsPolicySpec | number)[], extra: { quantization?: QuantizationConfig } = {}): Promise<PolicyRun[]> {
  const data = setup.data[split];
  if (!data) throw new Error(`no ${split} data loaded`);
  const quantization = extra.quantization ?? setup.quantization;
  const designs = policies.map((policy, i) => {
    const precision: PrecisionPlan = typeof policy === 'number' ? { kind: 'static', bits: policy } : dpsPrecisionPlan(policy);
    return { name: `policy ${i}`, quantization, precision };
  });
  const metric = effectiveMetric(data, setup.model.metric);
  // Only accuracy and bits per character are batched; other metrics run policy by policy.
  if (metric !== 'accuracy' && metric !== 'bits_per_char') {
    const out: PolicyRun[] = [];
    for (const p of policies) out.push(await runPolicy(setup, split, p, { quantization, sequential: true }));
    return out;
  }
  const r = await evaluateDesigns(setup.parts, data, designs, { workers: 'auto' });
  return r.designs.map((d) => ({ metric: d.metric, metricId: metric, higherIsBetter: d.higherIsBetter, metricName: d.metricName, stepsByBits: d.stepsByBits, steps: d.steps, description: data.description }));
}

export async function runPolicy(
  setup: ModelSetup,
  split: SplitName,
  policy: DpsPolicySpec | number,
  extra: { onStep?: StepObserver; afterSequence?: (k: number) => Promise<void> | void; quantization?: QuantizationConfig; sequential?: boolean } = {},
): Promise<PolicyRun> {
  const data = setup.data[split];
  if (!data) throw new Error(`no ${split} data loaded`);
  const quantization = extra.quantization ?? setup.quantization;
  if (!extra.onStep && !extra.afterSequence && !extra.sequential) return (await runPolicies(setup, split, [policy], { quantization }))[0];
  const stepsByBits: Record<number, number> = {};
  let steps = 0;
  const hidden = setup.model.topology.hidden_size;
  const r: EvaluationResult = await evaluateParts(setup.parts, data, {
    quantization,
    metric: setup.model.metric,
    chooserFor: () => chooserFor(policy, hidden),
    onStep: (s) => {
      stepsByBits[s.precisionBits] = (stepsByBits[s.precisionBits] ?? 0) + 1;
      steps++;
      extra.onStep?.(s);
    },
    afterSequence: extra.afterSequence,
  });
  return { metric: r.metric, metricId: r.metricId, higherIsBetter: r.higherIsBetter, metricName: r.metricName, stepsByBits, steps, description: r.description };
}

/**
 * Loss of `run` against `reference` in the metric's own unit, positive = worse: accuracy and
 * top-1 agreement in points (x 100), bits per character and output error as differences,
 * perplexity as a relative increase in percent.
 */
export function lossVs(run: PolicyRun, reference: PolicyRun): number {
  if (run.metricId === 'perplexity') return (run.metric / reference.metric - 1) * 100;
  return run.higherIsBetter ? (reference.metric - run.metric) * 100 : run.metric - reference.metric;
}
