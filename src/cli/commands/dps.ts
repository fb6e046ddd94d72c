/**
 * `rnnsim dps calibrate | trace | compare`: dynamic precision selection (docs/dps.md).
 *   calibrate  thresholds on the validation split under an accuracy budget, report on test
 *   trace      a functional trace of a model (bundled or a card) with a config's policy in the loop
 *   compare    baseline vs DPS config on traces: precision shares, speedup, energy, area, accuracy
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command, OptionValues } from '../command.js';
import { stringOption } from '../command.js';
import { InputError } from '../../errors.js';
import { loadArchitecture } from '../../config/load-architecture.js';
import { policySpecFromParams, type PrecisionSelectParams } from '../../techniques/dps/precision-select-unit.js';
import { simulate, type RunSummary } from '../../simulate.js';
import { resultOutput } from '../result-output.js';
import { dpsEvaluateCommand } from './dps-evaluate.js';
import { FORCE_OPTION } from '../command.js';
import { dataFlagsText } from '../../accuracy/trace-model.js';
import { defaultValidationLimit } from '../../accuracy/table.js';
import type { QuantizedStepRecord } from '../../functional/quantized-network.js';
import type { SplitName } from '../../datasets/split-rule.js';
import { TraceWriter } from '../../traces/writer.js';
import { calibrate, calibrationMarkdown, DEFAULT_BUDGET, modelPolicy, type Calibration } from '../../dps/calibrate.js';
import { GRID_OPTIONS, gridFromOptions } from '../grid-options.js';
import { dpsTraceHeader } from '../../dps/functional-trace.js';
import { runPolicy, setupModel } from '../../dps/model-eval.js';
import { describeSpec } from '../../dps/policy-spec.js';
import { dpsMarkdown, dpsRow, tracePolicyText } from '../../dps/report.js';
import type { TraceHeader } from '../../traces/header.js';
import { DATA_OPTIONS, dataFlags, loadModelsFromOptions, MODELS_DIR_OPTION } from '../model-options.js';

function list(options: OptionValues, name: string): string[] {
  const v = options[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => {
    if (typeof x !== 'string') throw new InputError(`--${name} takes a value`);
    return x;
  });
}

/** A comma-separated list of non-negative numbers (fractions like 1/64 allowed). */

function numberOption(options: OptionValues, name: string): number | undefined {
  const v = stringOption(options, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InputError(`--${name}: expected a non-negative number, found '${v}'`);
  return n;
}

export const dpsCalibrateCommand: Command = {
  path: ['dps', 'calibrate'],
  summary: 'choose the precision policy on the validation split under an accuracy budget; report static and dynamic precision on the test split',
  options: [
    { name: 'model', type: 'string', multiple: true, description: 'a bundled model name or a model card path; default every bundled model' },
    MODELS_DIR_OPTION,
    ...DATA_OPTIONS,
    { name: 'precisions', type: 'string', default: '8,16', description: 'ascending precision set, comma-separated', unit: 'bits' },
    { name: 'budget-points', type: 'string', default: String(DEFAULT_BUDGET.accuracyPoints), description: 'largest accuracy (or top-1 agreement) loss on validation', unit: 'percentage points' },
    { name: 'budget-bpc', type: 'string', default: String(DEFAULT_BUDGET.bpc), description: 'largest bits-per-character increase on validation', unit: 'bpc' },
    { name: 'budget-perplexity', type: 'string', default: String(DEFAULT_BUDGET.perplexityPercent), description: 'largest relative perplexity increase on validation', unit: 'percent' },
    { name: 'budget-output-error', type: 'string', default: String(DEFAULT_BUDGET.outputError), description: 'largest increase of the relative RMS output error vs float32 (models without a head)', unit: 'fraction' },
    ...GRID_OPTIONS,
    { name: 'validation-limit', type: 'string', description: 'examples (or characters of a text data set) of the validation split; default as `rnnsim accuracy`: 200 / 5000' },
    { name: 'test-limit', type: 'string', description: 'examples (or characters of a text data set) of the test split; default 1000 / 20000 (evenly spread subsets)' },
    { name: 'out', type: 'string', default: 'results/dps', description: 'directory for calibration.json and calibration.md' },
    FORCE_OPTION,
  ],
  async run(options) {
    const out = resultOutput(options, 'dps calibrate')!;
    const models = loadModelsFromOptions(options, { allByDefault: true });
    const precisions = (stringOption(options, 'precisions') ?? '8,16').split(',').map(Number);
    const testLimit = numberOption(options, 'test-limit');
    const validationLimit = numberOption(options, 'validation-limit');
    const grid = gridFromOptions(options);
    const c = await calibrate({
      models,
      precisions,
      budget: {
        accuracyPoints: numberOption(options, 'budget-points') ?? DEFAULT_BUDGET.accuracyPoints,
        bpc: numberOption(options, 'budget-bpc') ?? DEFAULT_BUDGET.bpc,
        perplexityPercent: numberOption(options, 'budget-perplexity') ?? DEFAULT_BUDGET.perplexityPercent,
        outputError: numberOption(options, 'budget-output-error') ?? DEFAULT_BUDGET.outputError,
      },
      grid,
      limits: (m, split) => (split === 'validation' ? (validationLimit ?? defaultValidationLimit(m)) : (testLimit ?? m.data.defaultLimit('dps-test'))),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const md = calibrationMarkdown(c);
    out.write(new Map([['calibration.json', `${JSON.stringify(c, null, 1)}\n`], ['calibration.md', md]]));
    process.stdout.write(md);
    if (c.shared) {
      const s = c.shared;
      process.stdout.write(`\nfallback for configs/epur-dps.yaml (precision_select_unit; traces written by \`rnnsim dps trace\` carry their model's own policy):\n  precisions: "${s.precisions.join(',')}"\n  statistic: ${s.statistic}\n  delta: ${s.delta}\n  thresholds: "${s.thresholds.join(',')}"\n  hysteresis_steps: ${s.hysteresisSteps}\n`);
    }
    process.stdout.write(`results written to ${out.dir}/ (calibration.json, calibration.md)\n`);
    return 0;
  },
};

export const dpsTraceCommand: Command = {
  path: ['dps', 'trace'],
  summary: "write a functional trace of a model (bundled or a model card) with a config's precision policy in the loop (cell states and precisions per step)",
  options: [
    { name: 'model', type: 'string', required: true, description: 'a bundled model name or a model card path (.json/.yaml)' },
    MODELS_DIR_OPTION,
    ...DATA_OPTIONS,
    { name: 'config', type: 'string', default: 'configs/epur-dps.yaml', description: 'config whose precision_select_unit gives the precision set (and the policy when the calibration has none for the model)' },
    { name: 'calibration', type: 'string', default: 'results/dps/calibration.json', description: "calibration from `rnnsim dps calibrate`: the model's calibrated policy is run and recorded in the trace header; 'none' = the config's policy" },
    { name: 'split', type: 'string', default: 'test', description: 'data split' },
    { name: 'limit', type: 'string', description: 'examples (or characters of a text data set) of the split (default: 200 examples, 5000 characters)' },
    { name: 'output', short: 'o', type: 'string', required: true, description: 'trace header path (.json)' },
  ],
  async run(options) {
    const [model] = loadModelsFromOptions(options, { allByDefault: false });
    const name = model.name;
    const config = loadArchitecture(stringOption(options, 'config') as string);
    const psu = config.roles.precision_select_unit;
    if (!psu) throw new InputError(`${config.file}: no precision_select_unit component`);
    const configSpec = policySpecFromParams(psu.params as unknown as PrecisionSelectParams);
    const calFile = stringOption(options, 'calibration') ?? 'results/dps/calibration.json';
    const cal = calFile !== 'none' && existsSync(calFile) ? (JSON.parse(readFileSync(calFile, 'utf8')) as Calibration) : undefined;
    const calibrated = cal ? modelPolicy(cal, name) : undefined;
    if (calibrated && calibrated.precisions.join(',') !== configSpec.precisions.join(',')) {
      throw new InputError(`${calFile}: ${name}'s policy uses precisions ${calibrated.precisions.join(',')}, ${config.file} ${configSpec.precisions.join(',')}`);
    }
    const spec = calibrated ?? configSpec;
    const chosenBy = calibrated && cal
      ? `rnnsim dps calibrate (${calFile}): most validation steps at ${spec.precisions[0]} bits with a loss within ${cal.budget.accuracyPoints} accuracy points / ${cal.budget.bpc} bpc of static ${spec.precisions[spec.precisions.length - 1]}-bit`
      : `the precision_select_unit of ${config.file} (no calibrated policy for ${name})`;
    const split = (stringOption(options, 'split') ?? 'test') as SplitName;
    if (split !== 'train' && split !== 'validation' && split !== 'test') throw new InputError(`--split must be train, validation or test, found '${split}'`);
    const limit = numberOption(options, 'limit') ?? model.data.defaultLimit('dps-trace');
    const setup = await setupModel(model, { validation: defaultValidationLimit(model), [split]: limit }, spec.precisions);
    const data = setup.data[split];
    if (!data) throw new InputError(`no ${split} split`);
    const output = stringOption(options, 'output') as string;
    const bits = spec.precisions[spec.precisions.length - 1];
    const header = dpsTraceHeader(model.topology, data.sequences.map((s) => s.steps), bits, {
      name: basename(output).replace(/\.json$/, ''),
      description: `${name} (${data.description}) with the policy of ${config.name} in the loop`,
      source: model.bundled
        ? `models/${name} (sha256 ${setup.model.sha256}), ${split} split`
        : `model ${name} (card ${model.cardFile}, weights ${model.safetensorsPath}, sha256 ${model.sha256}), ${split} split of ${model.data.origin}${dataFlagsText(dataFlags(options))}`,
      assumptions: [`formats: integer bits of the static ${spec.precisions[0]}-bit formats of rnnsim accuracy (ranges on the validation split, src/accuracy chooseFixedPointConfig), fractional bits up to ${bits} bits`],
      policy: spec,
      chosenBy,
      quantization: setup.quantization,
    });
    const writer = await TraceWriter.create(output, header);
    let buffered: QuantizedStepRecord[] = [];
    try {
      const run = await runPolicy(setup, split, spec, {
        onStep: (r) => buffered.push(r),
        afterSequence: async (k) => {
          for (const r of buffered) {
            const direction = r.direction === 0 ? 0 : 1;
            await writer.appendCellState({ sequence_index: k, timestep: r.timestep, layer_index: r.layer, direction, fractional_bits: r.cellFracBits, values: r.cellState });
            await writer.appendPrecision({ sequence_index: k, timestep: r.timestep, layer_index: r.layer, direction, weight_bits: r.precisionBits, activation_bits: r.precisionBits });
          }
          buffered = [];
        },
      });
      await writer.finish();
      const low = (run.stepsByBits[spec.precisions[0]] ?? 0) / run.steps;
      process.stdout.write(`wrote ${output}: ${run.steps} steps, ${(100 * low).toFixed(1)}% at ${spec.precisions[0]} bits, ${run.metricName} ${run.metric.toFixed(4)} (${describeSpec(spec)})\n`);
    } catch (err) {
      await writer.abort();
      throw err;
    }
    return 0;
  },
};

export const dpsCompareCommand: Command = {
  path: ['dps', 'compare'],
  summary: 'baseline config vs dynamic-precision config on each trace: precision shares, speedup, energy savings and breakdown, area overhead, accuracy',
  options: [
    { name: 'config', type: 'string', multiple: true, required: true, description: 'baseline config first, then the config with a precision_select_unit' },
    { name: 'trace', type: 'string', multiple: true, required: true, description: 'functional trace with cell states (repeat)' },
    { name: 'calibration', type: 'string', default: 'results/dps/calibration.json', description: 'accuracy table from `rnnsim dps calibrate` (skipped when missing)' },
    { name: 'out', type: 'string', default: 'results/dps-compare', description: 'results directory (written atomically)' },
    FORCE_OPTION,
  ],
  async run(options) {
    const out = resultOutput(options, 'dps compare')!;
    const configs = list(options, 'config');
    if (configs.length !== 2) throw new InputError('give exactly two --config: the baseline, then the dynamic-precision config');
    const rows = [];
    const summaries: RunSummary[] = [];
    for (const t of list(options, 'trace')) {
      const base = (await simulate(configs[0], t)).summary;
      const dps = (await simulate(configs[1], t)).summary;
      summaries.push(base, dps);
      rows.push(dpsRow(base, dps, tracePolicyText(JSON.parse(readFileSync(t, 'utf8')) as TraceHeader)));
    }
    const calFile = stringOption(options, 'calibration');
    const cal = calFile && existsSync(calFile) ? (JSON.parse(readFileSync(calFile, 'utf8')) as Calibration) : undefined;
    const md = dpsMarkdown(rows, cal);
    out.write(new Map([['dps-compare.md', md], ['dps-compare.json', `${JSON.stringify({ format: 'rnnsim-dps-compare/1', rows, summaries }, null, 1)}\n`]]));
    process.stdout.write(md);
    process.stdout.write(`results written to ${out.dir}/ (dps-compare.md, dps-compare.json)\n`);
    return 0;
  },
};

export const dpsCommands: readonly Command[] = [dpsCalibrateCommand, dpsTraceCommand, dpsCompareCommand, dpsEvaluateCommand];
