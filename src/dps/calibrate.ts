/**
 * `rnnsim dps calibrate`: choose the policy's thresholds on the validation split under an
 * accuracy budget, then report on the test split. Per model (bundled or a user's):
 *   - static top precision with the accuracy table's formats (the reference), static lowest
 *     precision with the old formats (fractional bits dropped) and with the accuracy table's
 *     (the formats dynamic precision uses), and every candidate policy on validation;
 *   - the model's policy: most steps at the lowest precision with a validation loss within the
 *     budget (ties: the smaller loss); `rnnsim dps trace` records it in the model's trace and the
 *     precision-select unit loads its registers from there (threshold registers are programmable);
 * and a fallback policy for configs/epur-dps.yaml (traces without a recorded policy): within
 * budget on every model's validation split, highest mean share of lowest-precision steps.
 * Test-split numbers are reported for the chosen policies only (never used to choose).
 */
import type { SplitName } from '../datasets/split-rule.js';
import { isCoreTensor } from '../accuracy/footprint.js';
import type { LoadedModel } from '../models/load-model.js';
import { lossVs, runPolicy, setupModel, type ModelSetup, type PolicyRun } from './model-eval.js';
import { describeSpec, type DpsPolicySpec } from './policy-spec.js';
import { storedBits } from './storage.js';
import { formatsAtPrecision, type QuantizationConfig } from '../functional/quantization-config.js';

export interface Budget {
  /** Largest accuracy (or top-1 agreement) loss, in percentage points (classifiers). */
  readonly accuracyPoints: number;
  /** Largest increase in bits per character (language models). */
  readonly bpc: number;
  /** Largest relative perplexity increase, in percent (language models scored by perplexity). */
  readonly perplexityPercent?: number;
  /** Largest increase of the relative RMS output error against float32 (models without a head). */
  readonly outputError?: number;
}

/**
 * Defaults (assumed): 0.1 points, 0.01 bpc, 0.7% perplexity (the relative perplexity change of
 * 0.01 bpc: 2^0.01 = 1.0070), 0.01 relative RMS output error.
 */
export const DEFAULT_BUDGET: Required<Budget> = { accuracyPoints: 0.1, bpc: 0.01, perplexityPercent: 0.7, outputError: 0.01 };

/** The budget that applies to a run's metric, in lossVs units. */
export function budgetFor(run: Pick<PolicyRun, 'metricId' | 'higherIsBetter'>, budget: Budget): number {
  if (run.metricId === 'bits_per_char') return budget.bpc;
  if (run.metricId === 'perplexity') return budget.perplexityPercent ?? DEFAULT_BUDGET.perplexityPercent;
  if (!run.higherIsBetter) return budget.outputError ?? DEFAULT_BUDGET.outputError;
  return budget.accuracyPoints;
}

/** The grid's axes: count_above deltas and shares, max_abs thresholds (cell-state units). */
export interface GridAxes {
  readonly deltas: readonly number[];
  readonly shares: readonly number[];
  readonly maxAbs: readonly number[];
}

export const DEFAULT_GRID: GridAxes = { deltas: [1 / 64, 1 / 16, 1 / 4], shares: [0.05, 0.1, 0.2, 0.35, 0.5, 0.75], maxAbs: [0.125, 0.25, 0.5, 1, 2] };

/**
 * The candidate grid (assumed ranges; the choice within it is the calibration's). The last
 * candidate never exceeds its threshold (count > H is impossible): every step after the first at
 * the lowest precision, i.e. static lowest precision with a 16-bit first step.
 */
export function candidateGrid(precisions: readonly number[] = [8, 16], axes: GridAxes = DEFAULT_GRID): DpsPolicySpec[] {
  const out: DpsPolicySpec[] = [];
  const two = precisions.length === 2;
  for (const delta of axes.deltas) {
    for (const f of axes.shares) out.push({ precisions, statistic: 'count_above', delta, thresholds: two ? [f] : [f, Math.min(1, 2 * f)], hysteresisSteps: 0 });
  }
  for (const m of axes.maxAbs) out.push({ precisions, statistic: 'max_abs', delta: 0, thresholds: two ? [m] : [m, 2 * m], hysteresisSteps: 0 });
  out.push({ precisions, statistic: 'count_above', delta: 1 / 64, thresholds: two ? [1] : [1, 1], hysteresisSteps: 0 });
  return out;
}

export interface Evaluated {
  readonly label: string;
  readonly validation?: PolicyRun;
  readonly test?: PolicyRun;
  readonly validationLoss?: number;
  readonly testLoss?: number;
  readonly lowestShare?: number;
  readonly weightBytes: number;
  readonly spec?: DpsPolicySpec;
}

export interface ModelCalibration {
  readonly model: string;
  readonly metricName: string;
  readonly metricId?: PolicyRun['metricId'];
  readonly budget: number;
  readonly rows: Evaluated[];
  /** The model's policy: most validation steps at the lowest precision within the budget. */
  readonly bestPolicy: DpsPolicySpec | null;
  /** Formats: reference (accuracy table, top precision), dynamic precision's at each precision. */
  readonly formats: Record<string, string>;
  readonly validationData: string;
  readonly testData: string;
  /** Every candidate on validation: metric, loss vs the reference, share at the lowest precision. */
  readonly grid: { policy: string; metric: number; loss: number; lowestShare: number }[];
}

export interface Calibration {
  readonly format: 'rnnsim-dps-calibration/2';
  readonly budget: Budget;
  readonly precisions: readonly number[];
  /** Within budget on every model's validation split: the config's fallback thresholds. */
  readonly shared: DpsPolicySpec | null;
  readonly models: ModelCalibration[];
}

function share(run: PolicyRun, bits: number): number {
  return run.steps === 0 ? 0 : (run.stepsByBits[bits] ?? 0) / run.steps;
}

function coreWeights(setup: ModelSetup): number {
  let n = 0;
  for (const [name, t] of setup.model.tensors) if (isCoreTensor(name)) n += t.data.length;
  return n;
}

const fmt = (f: { intBits: number; fracBits: number }): string => `Q${f.intBits}.${f.fracBits}`;

export interface CalibrateOptions {
  readonly models: readonly LoadedModel[];
  readonly precisions?: readonly number[];
  readonly budget?: Budget;
  readonly limits: (model: LoadedModel, split: SplitName) => number | undefined;
  readonly guardBits?: number;
  readonly log?: (line: string) => void;
  /** Candidate grid axes; default DEFAULT_GRID. */
  readonly grid?: GridAxes;
}

export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  const precisions = o.precisions ?? [8, 16];
  const top = precisions[precisions.length - 1];
  const lowest = precisions[0];
  const budget = o.budget ?? DEFAULT_BUDGET;
  const log = o.log ?? (() => undefined);
  const grid = candidateGrid(precisions, o.grid);
  const setups: ModelSetup[] = [];
  const valRuns: Map<string, PolicyRun>[] = [];
  const refs: PolicyRun[] = [];
  const budgets: number[] = [];
  for (const model of o.models) {
    const name = model.name;
    const setup = await setupModel(model, { validation: o.limits(model, 'validation'), test: o.limits(model, 'test') }, precisions);
    setups.push(setup);
    // Reference: the accuracy table's static top-precision formats (pure range rule).
    const ref = await runPolicy(setup, 'validation', top, { quantization: setup.reference });
    refs.push(ref);
    budgets.push(budgetFor(ref, budget));
    const runs = new Map<string, PolicyRun>();
    for (const spec of grid) {
      const r = await runPolicy(setup, 'validation', spec);
      runs.set(describeSpec(spec), r);
      log(`${name} validation ${describeSpec(spec)}: ${r.metricName} ${r.metric.toFixed(4)}, loss ${lossVs(r, ref).toFixed(4)}, lowest ${(100 * share(r, lowest)).toFixed(1)}%`);
    }
    valRuns.push(runs);
  }
  // Fallback (config) policy: within budget everywhere, highest mean lowest-precision share.
  let shared: DpsPolicySpec | null = null;
  let sharedScore = -1;
  for (const spec of grid) {
    const key = describeSpec(spec);
    const ok = setups.every((_, i) => lossVs(valRuns[i].get(key) as PolicyRun, refs[i]) <= budgets[i] + 1e-12);
    if (!ok) continue;
    const score = setups.reduce((a, _, i) => a + share(valRuns[i].get(key) as PolicyRun, lowest), 0) / setups.length;
    if (score > sharedScore) {
      shared = spec;
      sharedScore = score;
    }
  }
  const models: ModelCalibration[] = [];
  for (let i = 0; i < setups.length; i++) {
    const setup = setups[i];
    const name = setup.model.name;
    const weights = coreWeights(setup);
    const rows: Evaluated[] = [];
    const testRef = await runPolicy(setup, 'test', top, { quantization: setup.reference });
    const evalStatic = async (bits: number, label: string, quantization: QuantizationConfig, isRef = false): Promise<Evaluated> => {
      const v = isRef ? refs[i] : await runPolicy(setup, 'validation', bits, { quantization });
      const t = isRef ? testRef : await runPolicy(setup, 'test', bits, { quantization });
      return { label, validation: v, test: t, validationLoss: lossVs(v, refs[i]), testLoss: lossVs(t, testRef), lowestShare: bits === lowest ? 1 : 0, weightBytes: (weights * bits) / 8 };
    };
    const q = setup.quantization.layers[0];
    const r0 = setup.reference.layers[0];
    const before = formatsAtPrecision(r0, lowest);
    rows.push(await evalStatic(top, `static ${top}-bit (accuracy table formats: weights ${fmt(r0.weight)}, activations ${fmt(r0.activation)}) = reference`, setup.reference, true));
    if (fmt(q.weight) !== fmt(r0.weight) || fmt(q.activation) !== fmt(r0.activation)) rows.push(await evalStatic(top, `static ${top}-bit with the dynamic formats (${fmt(q.weight)}, ${fmt(q.activation)})`, setup.quantization));
    const low = formatsAtPrecision(q, lowest);
    rows.push(await evalStatic(lowest, `static ${lowest}-bit before (fractional bits dropped from the ${top}-bit formats: ${fmt(before.weight)}, ${fmt(before.activation)})`, setup.reference));
    rows.push(await evalStatic(lowest, `static ${lowest}-bit (accuracy table formats: ${fmt(low.weight)}, ${fmt(low.activation)}) = the dynamic low step`, setup.quantization));
    // Per-model best policy on validation.
    let best: DpsPolicySpec | null = null;
    let bestShare = -1;
    let bestLoss = Infinity;
    for (const spec of grid) {
      const r = valRuns[i].get(describeSpec(spec)) as PolicyRun;
      const loss = lossVs(r, refs[i]);
      const s = share(r, lowest);
      if (loss <= budgets[i] + 1e-12 && (s > bestShare || (s === bestShare && loss < bestLoss))) {
        best = spec;
        bestShare = s;
        bestLoss = loss;
      }
    }
    const dynBytes = (weights * storedBits({ layout: 'bit_sliced', precisions, guardBits: o.guardBits ?? 1 })) / 8;
    const dynamic: [string, DpsPolicySpec | null][] = [['dynamic, this model\'s calibrated policy (recorded in its trace)', best]];
    if (shared && (!best || describeSpec(shared) !== describeSpec(best))) dynamic.push(['dynamic, fallback policy (configs/epur-dps.yaml)', shared]);
    for (const [label, spec] of dynamic) {
      if (!spec) continue;
      const v = valRuns[i].get(describeSpec(spec)) as PolicyRun;
      const t = await runPolicy(setup, 'test', spec);
      rows.push({ label: `${label}: ${describeSpec(spec)}`, validation: v, test: t, validationLoss: lossVs(v, refs[i]), testLoss: lossVs(t, testRef), lowestShare: share(t, lowest), weightBytes: dynBytes, spec });
    }
    for (const r of rows) log(`${name} ${r.label}: test ${r.test?.metric.toFixed(4)} (loss ${r.testLoss?.toFixed(4)}), lowest ${(100 * (r.lowestShare ?? 0)).toFixed(1)}%, weights ${r.weightBytes} B`);
    const formats: Record<string, string> = { [`reference ${top}`]: `${fmt(r0.weight)} ${fmt(r0.activation)}` };
    for (const b of precisions) {
      const f = formatsAtPrecision(q, b);
      formats[`dynamic ${b}`] = `${fmt(f.weight)} ${fmt(f.activation)}`;
    }
    models.push({
      model: name,
      metricName: refs[i].metricName,
      metricId: refs[i].metricId,
      budget: budgets[i],
      rows,
      bestPolicy: best,
      formats,
      validationData: setup.data.validation?.description ?? '',
      testData: setup.data.test?.description ?? '',
      grid: grid.map((spec) => {
        const r = valRuns[i].get(describeSpec(spec)) as PolicyRun;
        return { policy: describeSpec(spec), metric: r.metric, loss: lossVs(r, refs[i]), lowestShare: share(r, lowest) };
      }),
    });
  }
  return { format: 'rnnsim-dps-calibration/2', budget, precisions, shared, models };
}

/** The calibrated policy of `model` in a calibration, or undefined. */
export function modelPolicy(c: Calibration, model: string): DpsPolicySpec | undefined {
  return c.models.find((m) => m.model === model)?.bestPolicy ?? undefined;
}

/** Budget clauses for the metrics beyond accuracy and bits per character, when a model uses them. */
function budgetExtras(c: Calibration): string {
  const ids = new Set(c.models.map((m) => m.metricId));
  const lowerBetterAgreement = c.models.some((m) => m.metricId === 'agreement' && m.rows[0]?.validation?.higherIsBetter === false);
  let out = '';
  if (ids.has('agreement') && c.models.some((m) => m.metricId === 'agreement' && m.rows[0]?.validation?.higherIsBetter !== false)) out += ` (top-1 agreement: the same points)`;
  if (ids.has('perplexity')) out += ` or ${c.budget.perplexityPercent ?? DEFAULT_BUDGET.perplexityPercent}% perplexity`;
  if (lowerBetterAgreement) out += ` or ${c.budget.outputError ?? DEFAULT_BUDGET.outputError} relative RMS output error`;
  return out;
}

/** Markdown table of a calibration (test split, with validation for the choice). */
export function calibrationMarkdown(c: Calibration): string {
  const lines = [
    `Budget: at most ${c.budget.accuracyPoints} accuracy points or ${c.budget.bpc} bits per character${budgetExtras(c)} of loss against static ${c.precisions[c.precisions.length - 1]}-bit, on the validation split. Fallback policy (configs/epur-dps.yaml, for traces without a recorded policy): ${c.shared ? describeSpec(c.shared) : 'none within budget on every model'}.`,
    '',
    ...c.models.map((m) => `- ${m.model}: validation ${m.validationData}; test ${m.testData}; formats (weights, activations) ${Object.entries(m.formats).map(([k, v]) => `${k}: ${v}`).join('; ')}; policy ${m.bestPolicy ? describeSpec(m.bestPolicy) : 'none within budget'}`),
    '',
    '| model | configuration | validation | validation loss | test | test loss | steps at lowest (test) | weight memory (bytes) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const f = (v: number | undefined, d = 4): string => (v === undefined ? '-' : v.toFixed(d));
  for (const m of c.models) {
    for (const r of m.rows) {
      lines.push(`| ${m.model} | ${r.label} | ${f(r.validation?.metric)} | ${f(r.validationLoss, 3)} | ${f(r.test?.metric)} | ${f(r.testLoss, 3)} | ${(100 * (r.lowestShare ?? 0)).toFixed(1)}% | ${r.weightBytes} |`);
    }
  }
  lines.push('', `Loss: against the reference (static top precision, accuracy table formats) on the same split, in accuracy points (classifiers) or bits per character (language model)${budgetExtras(c) ? '; perplexity in percent, output error as a difference' : ''}; positive = worse.`);
  return lines.join('\n') + '\n';
}
