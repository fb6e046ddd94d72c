/**
 * `rnnsim dps calibrate`: choose the policy's thresholds on the validation split under an
 * accuracy budget, then report on the test split. Per bundled model:
 *   - static 16 bits (the reference), static at each lower precision of the set, the best static
 *     per-layer mix meeting the budget on validation, and every candidate policy on validation;
 *   - the per-model best policy: most steps at the lowest precision with a validation loss within
 *     the budget (ties: the smaller loss);
 * and one shared policy for configs/epur-dps.yaml: the candidate within budget on every model's
 * validation split with the highest mean share of lowest-precision steps. Test-split numbers are
 * reported for the chosen policies only (never used to choose).
 */
import type { SplitName } from '../datasets/split-rule.js';
import { isCoreTensor } from '../accuracy/footprint.js';
import { lossVs, runPolicy, setupModel, type ModelSetup, type PolicyRun } from './model-eval.js';
import { describeSpec, type DpsPolicySpec } from './policy-spec.js';
import { storedBits } from './storage.js';

export interface Budget {
  /** Largest accuracy loss, in percentage points (classifiers). */
  readonly accuracyPoints: number;
  /** Largest increase in bits per character (language models). */
  readonly bpc: number;
}

export const DEFAULT_BUDGET: Budget = { accuracyPoints: 0.1, bpc: 0.01 };

/** The candidate grid (assumed ranges; the choice within it is the calibration's). */
export function candidateGrid(precisions: readonly number[] = [8, 16]): DpsPolicySpec[] {
  const out: DpsPolicySpec[] = [];
  for (const delta of [1 / 64, 1 / 16, 1 / 4]) {
    for (const f of [0.05, 0.2, 0.5]) out.push({ precisions, statistic: 'count_above', delta, thresholds: precisions.length === 2 ? [f] : [f, Math.min(1, 2 * f)], hysteresisSteps: 0 });
  }
  for (const m of [0.25, 1]) out.push({ precisions, statistic: 'max_abs', delta: 0, thresholds: precisions.length === 2 ? [m] : [m, 2 * m], hysteresisSteps: 0 });
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
  readonly budget: number;
  readonly rows: Evaluated[];
  readonly bestPolicy: DpsPolicySpec | null;
}

export interface Calibration {
  readonly format: 'rnnsim-dps-calibration/1';
  readonly budget: Budget;
  readonly precisions: readonly number[];
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

export interface CalibrateOptions {
  readonly models: readonly string[];
  readonly precisions?: readonly number[];
  readonly budget?: Budget;
  readonly limits: (model: string, split: SplitName) => number | undefined;
  readonly guardBits?: number;
  readonly log?: (line: string) => void;
  readonly modelsDir?: string;
}

export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  const precisions = o.precisions ?? [8, 16];
  const top = precisions[precisions.length - 1];
  const lowest = precisions[0];
  const budget = o.budget ?? DEFAULT_BUDGET;
  const log = o.log ?? (() => undefined);
  const grid = candidateGrid(precisions);
  const setups: ModelSetup[] = [];
  const valRuns: Map<string, PolicyRun>[] = [];
  const refs: PolicyRun[] = [];
  const budgets: number[] = [];
  for (const name of o.models) {
    const setup = await setupModel(name, { validation: o.limits(name, 'validation'), test: o.limits(name, 'test') }, o.modelsDir);
    setups.push(setup);
    const ref = await runPolicy(setup, 'validation', top);
    refs.push(ref);
    budgets.push(ref.higherIsBetter ? budget.accuracyPoints : budget.bpc);
    const runs = new Map<string, PolicyRun>();
    for (const spec of grid) {
      const r = await runPolicy(setup, 'validation', spec);
      runs.set(describeSpec(spec), r);
      log(`${name} validation ${describeSpec(spec)}: ${r.metricName} ${r.metric.toFixed(4)}, loss ${lossVs(r, ref).toFixed(4)}, lowest ${(100 * share(r, lowest)).toFixed(1)}%`);
    }
    valRuns.push(runs);
  }
  // Shared policy: within budget everywhere, highest mean lowest-precision share.
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
    const testRef = await runPolicy(setup, 'test', top);
    const evalStatic = async (bits: number, label: string): Promise<Evaluated> => {
      const v = bits === top ? refs[i] : await runPolicy(setup, 'validation', bits);
      const t = bits === top ? testRef : await runPolicy(setup, 'test', bits);
      return { label, validation: v, test: t, validationLoss: lossVs(v, refs[i]), testLoss: lossVs(t, testRef), lowestShare: bits === lowest ? 1 : 0, weightBytes: (weights * bits) / 8 };
    };
    rows.push(await evalStatic(top, `static ${top}-bit`));
    for (const b of precisions.slice(0, -1).reverse()) rows.push(await evalStatic(b, b === lowest ? `static lowest (${b}-bit)` : `static ${b}-bit`));
    // Best static per-layer mix meeting the budget on validation. The bundled models have one
    // layer, so the mix is the lowest single precision within budget.
    const layers = setup.model.card.topology.num_layers;
    let mix = rows[0];
    for (const r of rows.slice(1)) if ((r.validationLoss ?? Infinity) <= budgets[i] + 1e-12 && (r.weightBytes < mix.weightBytes)) mix = r;
    rows.push({ ...mix, label: `best static per-layer mix (${layers} layer${layers > 1 ? 's' : ''}): ${mix.label}` });
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
    for (const [label, spec] of [
      ['dynamic, shared policy (configs/epur-dps.yaml)', shared],
      ['dynamic, per-model best policy', best],
    ] as const) {
      if (!spec) continue;
      const v = valRuns[i].get(describeSpec(spec)) as PolicyRun;
      const t = await runPolicy(setup, 'test', spec);
      rows.push({ label: `${label}: ${describeSpec(spec)}`, validation: v, test: t, validationLoss: lossVs(v, refs[i]), testLoss: lossVs(t, testRef), lowestShare: share(t, lowest), weightBytes: dynBytes, spec });
    }
    for (const r of rows) log(`${name} ${r.label}: test ${r.test?.metric.toFixed(4)} (loss ${r.testLoss?.toFixed(4)}), lowest ${(100 * (r.lowestShare ?? 0)).toFixed(1)}%, weights ${r.weightBytes} B`);
    models.push({ model: name, metricName: refs[i].metricName, budget: budgets[i], rows, bestPolicy: best });
  }
  return { format: 'rnnsim-dps-calibration/1', budget, precisions, shared, models };
}

/** Markdown table of a calibration (test split, with validation for the choice). */
export function calibrationMarkdown(c: Calibration): string {
  const lines = [
    `Budget: at most ${c.budget.accuracyPoints} accuracy points or ${c.budget.bpc} bits per character of loss against static ${c.precisions[c.precisions.length - 1]}-bit, on the validation split. Shared policy: ${c.shared ? describeSpec(c.shared) : 'none within budget on every model'}.`,
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
  lines.push('', 'Loss: accuracy points (classifiers) or bits per character (language model); positive = worse than static at the highest precision.');
  return lines.join('\n') + '\n';
}
