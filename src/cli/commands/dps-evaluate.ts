/**
 * `rnnsim dps evaluate`: dynamic precision selection put to the test on every bundled model (or
 * the --model given): every design of src/dps/evaluate/designs.ts chosen on validation and
 * reported on test, the controls, the hardware cost of each design, and the sweep over DeepBench
 * sizes. Functional runs and hardware costs are cached in --cache, so a rerun after a change
 * redoes only what changed. A progress line per stage goes to stderr.
 */
import type { LoadedModel } from '../../models/load-model.js';
import cliProgress from 'cli-progress';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Command, OptionValues } from '../command.js';
import { FORCE_OPTION, stringOption } from '../command.js';
import { InputError } from '../../errors.js';
import { resultOutput } from '../result-output.js';
import { DATA_OPTIONS, loadModelsFromOptions, MODELS_DIR_OPTION } from '../model-options.js';
import { functionalBackend } from '../../dps/evaluate/functional-backend.js';
import { cachedBackend, EvaluationCache } from '../../dps/evaluate/run-cache.js';
import { hardwareFingerprint as hardwareFingerprintOf } from '../../dps/evaluate/hardware-fingerprint.js';
import { evaluateModel, type ModelEvaluation } from '../../dps/evaluate/evaluation.js';
import { sizeSweep } from '../../dps/evaluate/size-sweep.js';
import { evaluationCsv, evaluationMarkdown, mostDynamicPolicy, type Evaluation } from '../../dps/evaluate/report.js';
import { accuracyVsBitsSvg, paretoSvg, thresholdSweepSvg, timelineSvg } from '../../dps/evaluate/plots.js';
import { policyTimeline } from '../../dps/evaluate/timeline.js';
import { GRID_OPTIONS, gridFromOptions } from '../grid-options.js';
import { changedOptions } from '../command-line.js';
import { shellQuote } from '../../sweep/slurm.js';
import { displayPath } from '../../energy/package-paths.js';

function num(options: OptionValues, name: string, fallback: number): number {
  const text = stringOption(options, name);
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new InputError(`--${name} must be a non-negative number, found '${text}'`);
  return v;
}

function limit(options: OptionValues, name: string): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 2) throw new InputError(`--${name} must be a whole number >= 2, found '${text}'`);
  return Number(text);
}

export const DEFAULT_EVALUATION_BUDGET = { accuracyPoints: 1, bpc: 0.02 };

export const dpsEvaluateCommand: Command = {
  path: ['dps', 'evaluate'],
  summary: 'dynamic precision selection against every static design on the same resources, with random/periodic/oracle controls, on every bundled model (or --model); writes evaluation.json/csv/md and plots',
  options: [
    { name: 'model', type: 'string', multiple: true, description: 'a bundled model name or a model card path (repeat); default every bundled model' },
    MODELS_DIR_OPTION,
    ...DATA_OPTIONS,
    { name: 'budget-points', type: 'string', unit: 'percentage points', default: String(DEFAULT_EVALUATION_BUDGET.accuracyPoints), description: 'largest accuracy loss against static 16 bits (classifiers)' },
    { name: 'budget-bpc', type: 'string', unit: 'bpc', default: String(DEFAULT_EVALUATION_BUDGET.bpc), description: 'largest bits-per-character increase against static 16 bits (language models)' },
    { name: 'seeds', type: 'string', default: '1,2,3,4,5', description: 'seeds of the random controls, comma-separated' },
    { name: 'hardware-sequences', type: 'string', unit: 'sequences', default: '16', description: 'test sequences each design is simulated on (batch 1)' },
    { name: 'validation-limit', type: 'string', unit: 'examples or characters', description: "validation subset (default: the model's)" },
    { name: 'test-limit', type: 'string', unit: 'examples or characters', description: "test subset (default: the model's whole test split)" },
    ...GRID_OPTIONS,
    { name: 'skip-size-sweep', type: 'boolean', description: 'leave out the hardware sweep over DeepBench sizes' },
    { name: 'workers', type: 'string', default: 'auto', description: "worker threads of the functional evaluation ('auto' or a number)" },
    { name: 'out', type: 'string', default: 'results/dps-evaluation', description: 'result folder (evaluation.json, .csv, .md, plots), written atomically' },
    FORCE_OPTION,
    { name: 'cache', type: 'string', default: 'results/dps-cache', description: 'folder of cached functional runs, hardware costs and derived configs/traces (reused by reruns)' },
  ],
  async run(options) {
    const out = resultOutput(options, 'dps evaluate')!;
    const budget = { accuracyPoints: num(options, 'budget-points', DEFAULT_EVALUATION_BUDGET.accuracyPoints), bpc: num(options, 'budget-bpc', DEFAULT_EVALUATION_BUDGET.bpc) };
    const seeds = (stringOption(options, 'seeds') ?? '1,2,3,4,5').split(',').map((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 0) throw new InputError(`--seeds must be comma-separated non-negative integers, found '${s}'`);
      return v;
    });
    const hardwareSequences = limit(options, 'hardware-sequences') ?? 16;
    const workersText = stringOption(options, 'workers') ?? 'auto';
    const workers = workersText === 'auto' ? 'auto' : Number(workersText);
    if (workers !== 'auto' && (!Number.isInteger(workers) || workers < 0)) throw new InputError(`--workers must be 'auto' or a whole number, found '${workersText}'`);
    const models = loadModelsFromOptions(options, { allByDefault: true });
    const cacheDir = stringOption(options, 'cache') ?? 'results/dps-cache';
    const cache = new EvaluationCache(cacheDir);
    const workDir = join(cacheDir, 'work');
    const hardwareFingerprint = hardwareFingerprintOf();
    mkdirSync(workDir, { recursive: true });
    const t0 = performance.now();
    const log = (line: string): void => {
      process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${line}\n`);
    };
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{what} [{bar}] {value}/{total}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
    let current = '';
    const progress = (what: string, done: number, total: number): void => {
      if (!bar) return;
      if (what !== current) {
        bar.stop();
        bar.start(total, done, { what });
        current = what;
      } else bar.update(done);
    };
    const evaluations: ModelEvaluation[] = [];
    const flagLimits = { validation: limit(options, 'validation-limit'), test: limit(options, 'test-limit') };
    // A data set may set its own subsets for the evaluation (sotu-chars-256: 20 and 80 segments); undefined = the whole split.
    const limitsOf = (model: LoadedModel): Record<'validation' | 'test', number | undefined> => ({
      validation: flagLimits.validation ?? model.data.defaultLimit('dps-evaluate-validation'),
      test: flagLimits.test ?? model.data.defaultLimit('dps-evaluate-test'),
    });
    const grid = gridFromOptions(options);
    try {
      for (const model of models) {
        const limits = limitsOf(model);
        const backend = cachedBackend(await functionalBackend(model, { limits, workers, progress }), cache, (split) => `${model.data.fingerprint()}:${split}:${limits[split] ?? 'default'}`);
        evaluations.push(
          await evaluateModel(backend, {
            budget,
            seeds,
            hardwareSequences,
            mwlVariants: true,
            grid,
            workDir,
            log: (line) => {
              bar?.stop();
              current = '';
              log(line);
            },
            cache,
            hardwareFingerprint,
          }),
        );
      }
    } finally {
      bar?.stop();
    }
    const sweep = options['skip-size-sweep'] === true ? [] : await sizeSweep({ shares: [0.66, 0.9, 1], workDir, progress: (d, t, w) => progress(`size sweep: ${w}`, d, t) });
    bar?.stop();
    // The models by name (every bundled one when none was given), then every option that changes the results.
    const flags = changedOptions(dpsEvaluateCommand, options, ['model', 'out', 'force', 'cache', 'workers']);
    // A model of one's own is named by its card (its name alone would look in the models directory).
    const command = ['rnnsim dps evaluate', ...models.map((m) => `--model ${shellQuote(m.bundled ? m.name : displayPath(m.cardFile))}`), ...flags].join(' ');
    const evaluation: Evaluation = { format: 'rnnsim-dps-evaluation/1', command, budget, models: evaluations, size_sweep: sweep };
    const files = new Map<string, string>([
      ['evaluation.json', `${JSON.stringify(evaluation, null, 1)}\n`],
      ['evaluation.csv', evaluationCsv(evaluation)],
      ['evaluation.md', evaluationMarkdown(evaluation)],
    ]);
    if (evaluations.length > 0) {
      files.set('accuracy-vs-bits.svg', await accuracyVsBitsSvg(evaluations));
      files.set('pareto.svg', await paretoSvg(evaluations));
    }
    for (const [i, m] of evaluations.entries()) {
      const design = mostDynamicPolicy(m);
      const policy = design ? m.choices.policy_specs[design] : null;
      if (!design || !policy) continue;
      if (m.validation.policy_grids[design]) files.set(`threshold-sweep-${m.model}.svg`, await thresholdSweepSvg(m, design));
      const tl = await policyTimeline(models[i], policy, { sequence: 0, validationLimit: limitsOf(models[i]).validation });
      files.set(`timeline-${m.model}.svg`, await timelineSvg(`${m.model}, ${design}: precision and cell-state change, test sequence 0`, tl.points, tl.changeTitle));
    }
    out.write(files);
    process.stdout.write(evaluationMarkdown(evaluation));
    process.stdout.write(`\nresults written to ${out.dir}/ (${[...files.keys()].join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    return 0;
  },
};

