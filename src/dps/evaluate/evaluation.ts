/**
 * `rnnsim dps evaluate` for one model: every design of designs.ts, chosen on the validation split
 * and reported on the test split, with paired losses against static 16 bits, 95% intervals, the
 * controls that test whether the cell state tells which steps need precision, and the hardware
 * cost of each design on E-PUR-sized resources.
 *
 *   validation: static 16 (the reference), every static candidate (static-min), per-layer static
 *               precisions (static-min-per-layer), each precision set's policy grid (the policy
 *               with the fewest mean bits within budget);
 *   test:       static-16, static-8, static-4, static-min, static-min-per-layer, each chosen
 *               policy (dps-8-16, dps-4-16, dps-4-8-16, and their MWL variants when the functional
 *               model runs the input side apart), and per policy: random-<d> (the same per-stream
 *               counts at random positions, several seeds), periodic-<d> (evenly spread) and
 *               oracle-<d> (per sequence, with hindsight, the best of the policy's, the periodic
 *               and the random schedules: never worse than the policy on its own data; a stated
 *               approximation of the best schedule, which is combinatorial).
 */
import type { FunctionalBackend, FunctionalRun } from './backend.js';
import { DYNAMIC_SETS, STATIC_CANDIDATES, designName, dynamicHardware, staticHardware, type HardwareDesign } from './designs.js';
import { hardwareCost, modelTraceHeader, type HardwareCost } from './hardware.js';
import { periodicPlacement, randomPlacement, Schedule } from './schedules.js';
import { perLayerSearch, policySearch, staticMinSearch, lossOf, type Judge } from './searches.js';
import { meanBits, meanCi95, pairedLoss, reducesToStatic, shares, wilsonCi95, type Interval } from './statistics.js';
import { describeSpec, type DpsPolicySpec } from '../policy-spec.js';
import { candidateGrid, type GridAxes } from '../calibrate.js';

export interface Budget {
  /** Largest accuracy loss against static 16 bits, in percentage points (classifiers). */
  readonly accuracyPoints: number;
  /** Largest increase in bits per character (language models). */
  readonly bpc: number;
}

export interface EvaluationOptions {
  readonly budget: Budget;
  /** Seeds of the random controls. */
  readonly seeds: readonly number[];
  /** Test sequences the hardware is simulated on. */
  readonly hardwareSequences: number;
  /** Precision sets of the dynamic designs. */
  readonly sets?: ReadonlyArray<readonly number[]>;
  /** Also run each policy with the input side at a fixed 16 bits on the MWL schedule. */
  readonly mwlVariants?: boolean;
  /** Axes of the candidate policies (default: calibrate.ts DEFAULT_GRID). */
  readonly grid?: GridAxes;
  /** Where derived configs and traces go (rnnsim's cache). */
  readonly workDir: string;
  readonly log?: (line: string) => void;
  /** What cached hardware costs were computed with (hardware-fingerprint.ts): part of their keys. */
  readonly hardwareFingerprint?: string;
  /** Cached hardware costs by key (functional runs are cached by the backend); `store` keeps a new one. */
  readonly cache?: { get(key: string): unknown; store(key: string, value: unknown): void };
}

export interface DesignResult {
  readonly design: string;
  readonly kind: 'static' | 'static-per-layer' | 'policy' | 'control';
  readonly description: string;
  /** The metric on test (accuracy as a fraction, or bits per character). */
  readonly accuracy: number;
  readonly accuracy_ci95: [number, number];
  /** Loss against static-16 on test, paired example by example (accuracy points or bpc; positive = worse). */
  readonly loss: number;
  readonly loss_ci95: [number, number];
  readonly meets_budget: boolean;
  readonly mean_bits: number;
  readonly share_by_bits: Record<string, number>;
  readonly reduces_to_static: boolean;
  readonly latency_us: number;
  readonly energy_uj: number;
  readonly area_mm2: number;
  /** For random controls: the spread over seeds of the metric. */
  readonly seeds?: { readonly count: number; readonly min: number; readonly max: number; readonly sd: number };
  /**
   * For a policy: how much better it is than its controls at the same per-stream counts, paired
   * example by example (loss of the control minus loss of the policy; positive = the policy chose
   * better steps). Against random: the mean over seeds of each example's outcome.
   */
  readonly advantage?: { readonly vs_random: Advantage; readonly vs_periodic: Advantage };
}

export interface Advantage {
  readonly mean: number;
  readonly ci95: [number, number];
}

/** One candidate policy on validation. */
export interface PolicyGridRow {
  readonly policy: string;
  readonly statistic: string;
  readonly delta: number;
  readonly thresholds: readonly number[];
  readonly loss: number;
  readonly mean_bits: number;
}

export interface ModelEvaluation {
  readonly model: string;
  readonly metric: string;
  readonly higher_is_better: boolean;
  /** In the metric's reporting unit. */
  readonly budget: number;
  readonly test_examples: number;
  readonly test_data: string;
  readonly validation_data: string;
  /** Standard error of static-8's paired loss on test: the budget should be several times it. */
  readonly loss_standard_error: number;
  readonly hardware_sequences: number;
  readonly choices: {
    readonly static_min_bits: number | null;
    readonly static_min_per_layer: readonly number[];
    readonly policies: Readonly<Record<string, string | null>>;
    /** The same policies as data (what a precision-select unit's registers would hold). */
    readonly policy_specs: Readonly<Record<string, DpsPolicySpec | null>>;
  };
  readonly validation: {
    readonly static: Readonly<Record<string, number>>;
    readonly policy_grids: Readonly<Record<string, ReadonlyArray<PolicyGridRow>>>;
  };
  readonly designs: readonly DesignResult[];
}

function interval(i: Interval): [number, number] {
  return [i.lo, i.hi];
}

/** The per-sequence best of several runs (same per-stream counts), by each sequence's summed outcome: never worse than any of them on any sequence. */
export function oracleOf(runs: readonly FunctionalRun[], higherIsBetter: boolean): { perExample: Float64Array; schedule: Schedule; stepsByBits: Record<number, number> } {
  const first = runs[0];
  const sequences = Math.max(...first.exampleSequence) + 1;
  const best = new Int32Array(sequences);
  const score = (r: FunctionalRun): Float64Array => {
    const s = new Float64Array(sequences);
    for (let i = 0; i < r.perExample.length; i++) s[r.exampleSequence[i]] += r.perExample[i];
    return s;
  };
  const scores = runs.map(score);
  for (let q = 0; q < sequences; q++) {
    for (let k = 1; k < runs.length; k++) {
      const better = higherIsBetter ? scores[k][q] > scores[best[q]][q] : scores[k][q] < scores[best[q]][q];
      if (better) best[q] = k;
    }
  }
  const perExample = new Float64Array(first.perExample.length);
  for (let i = 0; i < perExample.length; i++) perExample[i] = runs[best[first.exampleSequence[i]]].perExample[i];
  const schedule = first.schedule.map((key) => {
    const q = Number(key.split('.')[0]);
    const src = runs[best[q]].schedule.stream(key);
    if (!src) throw new Error(`internal: oracle candidate lacks stream ${key}`);
    return Uint8Array.from(src);
  });
  return { perExample, schedule, stepsByBits: schedule.stepsByBits() };
}

export async function evaluateModel(backend: FunctionalBackend, o: EvaluationOptions): Promise<ModelEvaluation> {
  const log = o.log ?? (() => undefined);
  const higher = backend.higherIsBetter;
  const budget = higher ? o.budget.accuracyPoints : o.budget.bpc;
  const sets = o.sets ?? DYNAMIC_SETS;
  const cached = async <T>(key: string, make: () => Promise<T>): Promise<T> => {
    const full = `${backend.modelSha256}:${key}`;
    const hit = o.cache?.get(full);
    if (hit !== undefined) return hit as T;
    const value = await make();
    o.cache?.store(full, value);
    return value;
  };

  // --- validation: the choices ---------------------------------------------------------------
  log(`${backend.model}: validation (${backend.describe('validation')})`);
  const refVal = await backend.run({ kind: 'static', bits: 16 }, 'validation');
  const judgeVal: Judge = { reference: refVal, budget, higherIsBetter: higher };
  const staticSearch = await staticMinSearch(backend, STATIC_CANDIDATES, judgeVal);
  const layers = backend.topology.num_layers;
  const perLayer = layers > 1 ? (await perLayerSearch(backend, layers, [4, 8, 16], judgeVal)).bitsPerLayer : [staticSearch.bits ?? 16];
  const policies = new Map<string, { spec: DpsPolicySpec | null; inputSideBits?: number; precisions: readonly number[] }>();
  const grids: Record<string, PolicyGridRow[]> = {};
  for (const precisions of sets) {
    for (const schedule of o.mwlVariants ? (['step_by_step', 'mwl'] as const) : (['step_by_step'] as const)) {
      const name = designName(precisions, schedule);
      const inputSideBits = schedule === 'mwl' ? 16 : undefined;
      log(`${backend.model}: ${name}: policy grid on validation`);
      const s = await policySearch(backend, precisions, judgeVal, { inputSideBits, grid: candidateGrid(precisions, o.grid) });
      policies.set(name, { spec: s.spec, inputSideBits, precisions });
      grids[name] = s.grid.map((g) => ({ policy: g.policy, statistic: g.spec.statistic, delta: g.spec.delta, thresholds: g.spec.thresholds, loss: g.loss, mean_bits: g.meanBits }));
    }
  }

  // --- test: every design ----------------------------------------------------------------------
  log(`${backend.model}: test (${backend.describe('test')})`);
  const lengths = backend.sequenceLengths('test');
  const hwLengths = lengths.slice(0, Math.min(o.hardwareSequences, lengths.length));
  const header = modelTraceHeader(`${backend.model}-test${hwLengths.length}`, backend.topology, hwLengths, backend.model);
  const refTest = await backend.run({ kind: 'static', bits: 16 }, 'test');
  const judgeTest: Judge = { reference: refTest, budget, higherIsBetter: higher };
  const results: DesignResult[] = [];

  const hardware = (design: HardwareDesign, schedule: Schedule | undefined, key: string): Promise<HardwareCost> =>
    cached(`hw:${o.hardwareFingerprint ?? 'unversioned'}:${key}:${hwLengths.length}`, () => hardwareCost(design, header, schedule, o.workDir));

  const metricCi = (r: { perExample: Float64Array }): [number, number] => {
    if (higher) {
      let ok = 0;
      for (const v of r.perExample) ok += v;
      return interval(wilsonCi95(ok, r.perExample.length));
    }
    return interval(meanCi95(r.perExample).ci95);
  };
  const metricOf = (r: { perExample: Float64Array }): number => meanCi95(r.perExample).mean;

  const add = async (design: string, kind: DesignResult['kind'], description: string, run: { perExample: Float64Array; stepsByBits: Readonly<Record<number, number>> }, hw: HardwareCost, extra: Partial<DesignResult> = {}): Promise<void> => {
    const loss = lossOf({ ...refTest, perExample: run.perExample }, judgeTest);
    results.push({
      design,
      kind,
      description,
      accuracy: metricOf(run),
      accuracy_ci95: metricCi(run),
      loss: loss.mean,
      loss_ci95: interval(loss.ci95),
      meets_budget: loss.mean <= budget,
      mean_bits: meanBits(run.stepsByBits),
      share_by_bits: shares(run.stepsByBits),
      reduces_to_static: reducesToStatic(run.stepsByBits),
      latency_us: hw.latency_us_per_sequence,
      energy_uj: hw.energy_uj_per_sequence,
      area_mm2: hw.area_mm2,
      ...extra,
    });
  };

  const staticBits = [...new Set([16, 8, 4, staticSearch.bits ?? 16])].sort((a, b) => b - a);
  for (const bits of staticBits) {
    log(`${backend.model}: static-${bits}`);
    const run = bits === 16 ? refTest : await backend.run({ kind: 'static', bits }, 'test');
    await add(`static-${bits}`, 'static', `E-PUR (MWL) with ${Math.floor(256 / bits)} ${bits}-bit multipliers per unit`, run, await hardware(staticHardware(bits), undefined, `static-${bits}`));
  }
  // static-min: the row of its precision, named for what it is.
  const min = staticSearch.bits ?? 16;
  const minRow = results.find((r) => r.design === `static-${min}`);
  if (minRow) results.push({ ...minRow, design: 'static-min', description: `the cheapest static precision within budget on validation: ${min} bits` });

  if (layers > 1) {
    log(`${backend.model}: static-min-per-layer ${perLayer.join(',')}`);
    const run = await backend.run({ kind: 'static-per-layer', bitsPerLayer: perLayer }, 'test');
    // One precision for all layers is a static design; several need the composable unit, running the layers' schedule.
    const levels = [...new Set([...perLayer, 16])].sort((a, b) => a - b);
    const hwDesign = new Set(perLayer).size === 1 ? staticHardware(perLayer[0]) : dynamicHardware(levels, { schedule: 'step_by_step' });
    await add('static-min-per-layer', 'static-per-layer', `per-layer static precisions ${perLayer.join(', ')} bits (greedy on validation)`, run, await hardware(hwDesign, run.schedule, `per-layer-${perLayer.join('-')}`));
  }

  for (const [name, p] of policies) {
    if (!p.spec) {
      log(`${backend.model}: ${name}: no policy within budget on validation`);
      continue;
    }
    const schedule = name.endsWith('-mwl') ? 'mwl' : 'step_by_step';
    const hwDesign = dynamicHardware(p.precisions, { schedule, inputSideBits: p.inputSideBits });
    log(`${backend.model}: ${name} (${describeSpec(p.spec)})`);
    const run = await backend.run({ kind: 'policy', spec: p.spec, inputSideBits: p.inputSideBits }, 'test');
    // Controls: the same per-stream counts, placed elsewhere.
    const periodic = await backend.run({ kind: 'schedule', schedule: periodicPlacement(run.schedule), inputSideBits: p.inputSideBits }, 'test');
    const randoms: FunctionalRun[] = [];
    for (const seed of o.seeds) randoms.push(await backend.run({ kind: 'schedule', schedule: randomPlacement(run.schedule, seed), inputSideBits: p.inputSideBits }, 'test'));
    const pooled = new Float64Array(randoms[0].perExample.length);
    for (const r of randoms) for (let i = 0; i < pooled.length; i++) pooled[i] += r.perExample[i] / randoms.length;
    // How much the controls lose against the policy, example by example (positive: the policy chose better steps).
    const advantage = (control: Float64Array): Advantage => {
      const l = pairedLoss(control, run.perExample, higher);
      return { mean: l.mean, ci95: interval(l.ci95) };
    };
    const key = `${name}:${describeSpec(p.spec)}`;
    await add(name, 'policy', describeSpec(p.spec), run, await hardware(hwDesign, run.schedule, key), { advantage: { vs_random: advantage(pooled), vs_periodic: advantage(periodic.perExample) } });
    await add(`periodic-${name}`, 'control', `${name}'s per-stream counts spread evenly`, periodic, await hardware(hwDesign, periodic.schedule, `periodic-${key}`));
    const metrics = randoms.map(metricOf);
    const spread = meanCi95(metrics);
    await add(`random-${name}`, 'control', `${name}'s per-stream counts at random positions (mean of ${randoms.length} seeds)`, { perExample: pooled, stepsByBits: randoms[0].stepsByBits }, await hardware(hwDesign, randoms[0].schedule, `random-${key}:${o.seeds[0]}`), {
      seeds: { count: randoms.length, min: Math.min(...metrics), max: Math.max(...metrics), sd: spread.se * Math.sqrt(randoms.length) },
    });
    const oracle = oracleOf([run, periodic, ...randoms], higher);
    await add(`oracle-${name}`, 'control', `per sequence, with hindsight, the best of ${name}'s, the periodic and the ${randoms.length} random schedules (same counts)`, oracle, await hardware(hwDesign, oracle.schedule, `oracle-${key}`));
  }

  const static8 = results.find((r) => r.design === 'static-8');
  return {
    model: backend.model,
    metric: backend.metricName,
    higher_is_better: higher,
    budget,
    test_examples: refTest.perExample.length,
    test_data: backend.describe('test'),
    validation_data: backend.describe('validation'),
    loss_standard_error: static8 ? (static8.loss_ci95[1] - static8.loss_ci95[0]) / (2 * 1.959963984540054) : NaN,
    hardware_sequences: hwLengths.length,
    choices: {
      static_min_bits: staticSearch.bits,
      static_min_per_layer: perLayer,
      policies: Object.fromEntries([...policies].map(([k, v]) => [k, v.spec ? describeSpec(v.spec) : null])),
      policy_specs: Object.fromEntries([...policies].map(([k, v]) => [k, v.spec])),
    },
    validation: {
      static: Object.fromEntries([...staticSearch.runs].map(([b, r]) => [String(b), lossOf(r, judgeVal).mean])),
      policy_grids: grids,
    },
    designs: results,
  };
}
