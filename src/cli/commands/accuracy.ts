/**
 * `rnnsim accuracy`: the accuracy table of models, bundled or a user's (float32 vs fixed point 16/8/6/4,
 * ternary, pow2-ternary, exponential, binary; post-training and Ott QAT fine-tuning), with the
 * memory footprint of each; prints it and writes results/accuracy.md and results/accuracy.json
 * atomically. A progress bar is shown when stdout is a terminal.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { InputError } from '../../errors.js';
import { accuracyJson, renderAccuracyMarkdown, renderAccuracyText, type AccuracyReport } from '../../accuracy/report.js';
import { dataFlagsText } from '../../accuracy/trace-model.js';
import { accuracyForModel, DEFAULT_FINE_TUNE, defaultTestLimit, defaultValidationLimit, type ModelAccuracy } from '../../accuracy/table.js';
import { jsonStartingWith, writeOwnedFile } from '../../output/owned-file.js';
import { resultOutput } from '../result-output.js';
import { FORCE_OPTION } from '../command.js';
import { stringOption, type Command, type OptionValues } from '../command.js';
import { DATA_OPTIONS, dataFlags, loadModelsFromOptions, MODELS_DIR_OPTION, modelRefs } from '../model-options.js';

function optionalInt(options: OptionValues, name: string, min: number): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new InputError(`--${name} must be a whole number >= ${min}, found '${text}'`);
  return Number(text);
}

/** A per-model cache entry as this command writes it: {"key": ..., "result": ...}. */
const ACCURACY_CACHE_FILE = jsonStartingWith('"key":', 'accuracy cache entry');

export const accuracyCommand: Command = {
  path: ['accuracy'],
  summary: 'Accuracy and memory footprint of models (bundled or a model card): float32 vs fixed point 16/8/6/4 bits, ternary, pow2-ternary, exponential, binary',
  options: [
    { name: 'model', type: 'string', multiple: true, description: 'a bundled model name or a model card path (.json/.yaml) (default: every bundled model)' },
    MODELS_DIR_OPTION,
    ...DATA_OPTIONS,
    { name: 'out', type: 'string', description: 'result folder (accuracy.md, accuracy.json), written atomically', default: 'results/accuracy' },
    FORCE_OPTION,
    { name: 'cache', type: 'string', description: 'folder of per-model results reused by --resume', default: 'results/accuracy-cache' },
    { name: 'test-limit', type: 'string', unit: 'examples or characters', description: 'evaluate N evenly spread test examples (or the first N characters of a text data set); default all examples, 20000 characters' },
    { name: 'validation-limit', type: 'string', unit: 'examples or characters', description: 'validation subset (evenly spread examples / first characters) for the format choice and calibration ranges; default 200 examples, 5000 characters' },
    { name: 'resume', type: 'boolean', description: 'reuse per-model results in --cache made with the same options and model file (e.g. from parallel --model runs)' },
    { name: 'fine-tune-updates', type: 'string', unit: 'updates', description: 'Ott QAT fine-tuning updates per model and scheme (0 = post-training only)', default: String(DEFAULT_FINE_TUNE.updates) },
  ],
  async run(options) {
    const out = resultOutput(options, 'accuracy')!;
    const cacheDir = stringOption(options, 'cache') ?? 'results/accuracy-cache';
    const requested = modelRefs(options, { allByDefault: false });
    const testLimit = optionalInt(options, 'test-limit', 2);
    const validationLimit = optionalInt(options, 'validation-limit', 2);
    const loaded = loadModelsFromOptions(options, { allByDefault: true });
    const updates = optionalInt(options, 'fine-tune-updates', 0) ?? DEFAULT_FINE_TUNE.updates;
    const fineTune = updates > 0 ? { ...DEFAULT_FINE_TUNE, updates } : null;

    const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: '{task} [{bar}] {value}/{total}' }, cliProgress.Presets.shades_classic) : undefined;
    let currentTask = '';
    const results: ModelAccuracy[] = [];
    const t0 = performance.now();
    try {
      for (const model of loaded) {
        const name = model.name;
        const key = JSON.stringify({ testLimit: testLimit ?? defaultTestLimit(model), validationLimit: validationLimit ?? defaultValidationLimit(model), fineTune, sha256: model.sha256, ...(model.bundled ? {} : { card: model.cardFile, data: model.data.fingerprint() }) });
        const cachePath = join(cacheDir, `${name}.json`);
        if (options['resume'] === true && existsSync(cachePath)) {
          const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as { key: string; result: ModelAccuracy };
          if (cached.key === key) {
            process.stderr.write(`accuracy: ${name}: reusing ${cachePath}\n`);
            results.push(cached.result);
            continue;
          }
        }
        const r = await accuracyForModel(model, {
          testLimit: (m) => testLimit ?? defaultTestLimit(m),
          validationLimit: (m) => validationLimit ?? defaultValidationLimit(m),
          fineTune,
          log: (msg) => {
            if (bar) bar.stop();
            currentTask = '';
            process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${msg}\n`);
          },
          progress: (task, done, total) => {
            if (!bar) return;
            if (task !== currentTask) {
              bar.stop();
              bar.start(total, done, { task });
              currentTask = task;
            } else bar.update(done);
          },
        });
        results.push(r);
        writeOwnedFile(cachePath, `${JSON.stringify({ key, result: r })}\n`, ACCURACY_CACHE_FILE);
      }
    } finally {
      bar?.stop();
    }
    const argv = ['rnnsim accuracy', ...(requested.length ? requested.map((m) => `--model ${m}`) : [])];
    const flags = dataFlagsText(dataFlags(options)).trim();
    if (flags) argv.push(flags);
    if (testLimit !== undefined) argv.push(`--test-limit ${testLimit}`);
    if (validationLimit !== undefined) argv.push(`--validation-limit ${validationLimit}`);
    if (updates !== DEFAULT_FINE_TUNE.updates) argv.push(`--fine-tune-updates ${updates}`);
    const allBundled = loaded.every((m) => m.bundled);
    const report: AccuracyReport = { command: argv.join(' '), ...(allBundled ? {} : { title: 'Accuracy under quantization' }), fineTune, models: results };
    out.write(new Map([['accuracy.md', renderAccuracyMarkdown(report)], ['accuracy.json', accuracyJson(report)]]));
    process.stdout.write(renderAccuracyText(report));
    process.stdout.write(`wrote ${join(out.dir, 'accuracy.md')} and ${join(out.dir, 'accuracy.json')} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
    return 0;
  },
};
