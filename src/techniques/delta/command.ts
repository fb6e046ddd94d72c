/**
 * `rnnsim delta trace --model <bundled> --theta-input X --theta-hidden Y -o FILE`: a functional
 * trace for the delta unit (trace.ts), with the delta rule in the loop and its accuracy.
 */
import cliProgress from 'cli-progress';
import { InputError } from '../../errors.js';
import { stringOption, type Command, type OptionValues } from '../../cli/command.js';
import { writeDeltaTrace } from './trace.js';

function nonNegative(options: OptionValues, name: string): number {
  const text = stringOption(options, name) ?? '0';
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new InputError(`--${name} must be a number >= 0, found '${text}'`);
  return v;
}

export const deltaTraceCommand: Command = {
  path: ['delta', 'trace'],
  summary: 'Run a bundled LSTM model with the delta rule in the loop (integer datapath) and write a trace of its layer inputs and hidden states for the delta unit, with the accuracy of that run',
  options: [
    { name: 'model', type: 'string', description: 'a bundled LSTM model name or a model card path', required: true },
    { name: 'models-dir', type: 'string', description: 'directory of the bundled models', default: 'models' },
    { name: 'split', type: 'string', description: 'data split: train, validation or test', default: 'test' },
    { name: 'bits', type: 'string', unit: 'bits', description: 'weight and activation bits (16, 8, 6 or 4; formats chosen on the validation split)', default: '16' },
    { name: 'theta-input', type: 'string', unit: 'activation units', description: 'delta threshold of input elements (0 = lossless)', default: '0' },
    { name: 'theta-hidden', type: 'string', unit: 'activation units', description: 'delta threshold of recurrent elements (0 = lossless)', default: '0' },
    { name: 'limit', type: 'string', unit: 'examples or characters', description: 'evenly spread examples (classifiers) or first characters (language model); default the whole split' },
    { name: 'output', short: 'o', type: 'string', description: 'header file <name>.json (payload <name>.bin next to it)', required: true },
  ],
  async run(options) {
    const model = stringOption(options, 'model') ?? '';
    const split = stringOption(options, 'split') ?? 'test';
    if (split !== 'train' && split !== 'validation' && split !== 'test') throw new InputError(`--split must be train, validation or test, found '${split}'`);
    const bitsText = stringOption(options, 'bits') ?? '16';
    if (!['16', '8', '6', '4'].includes(bitsText)) throw new InputError(`--bits must be 16, 8, 6 or 4, found '${bitsText}'`);
    const limitText = stringOption(options, 'limit');
    if (limitText !== undefined && (!/^\d+$/.test(limitText) || Number(limitText) < 2)) throw new InputError(`--limit must be a whole number >= 2, found '${limitText}'`);
    const output = stringOption(options, 'output') ?? '';
    if (!output.endsWith('.json')) throw new InputError(`--output must name a .json file, found '${output}'`);
    const thresholds = { input: nonNegative(options, 'theta-input'), hidden: nonNegative(options, 'theta-hidden') };
    const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: `delta trace ${model} [{bar}] {value}/{total} sequences` }, cliProgress.Presets.shades_classic) : undefined;
    let started = false;
    let r;
    try {
      r = await writeDeltaTrace({
        model,
        modelsDir: stringOption(options, 'models-dir') ?? 'models',
        split,
        bits: Number(bitsText),
        thresholds,
        output,
        limit: limitText === undefined ? undefined : Number(limitText),
        progress: (done, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, done);
            started = true;
          } else bar.update(done);
        },
      });
    } catch (err) {
      if (err instanceof RangeError) throw new InputError(err.message);
      throw err;
    } finally {
      if (started) bar?.stop();
    }
    const a = r.header.accuracy;
    process.stdout.write(`wrote ${output}: ${r.header.workload.sequence_lengths_timesteps.length} sequences, ${r.header.payload?.size_bytes ?? 0} payload bytes; ${a?.metric} ${r.metric.toFixed(4)} with the delta rule (float32 ${r.floatMetric.toFixed(4)})\n`);
    return 0;
  },
};
