/**
 * `rnnsim trace model --model <name|card> --split test --quant fixed8 -o traces/<name>.json`: run
 * a model (bundled, or a user's model card with its data) in fixed point through the integer datapath and write a trace (header with
 * topology, quantization, the accuracy of this run and provenance; payload with the quantized
 * cell states, the precision of every step and, for a pruned model, the sparsity masks).
 * Streaming: one sequence at a time is held in memory. Progress bar when stdout is a terminal.
 */
import cliProgress from 'cli-progress';
import { InputError } from '../../errors.js';
import { TRACE_SCHEMES, writeModelTrace, type TraceScheme } from '../../accuracy/trace-model.js';
import { resolveModelCard } from '../../models/load-model.js';
import { readModelCard } from '../../models/card.js';
import { stringOption, type Command } from '../command.js';
import { DATA_OPTIONS, dataFlags, MODELS_DIR_OPTION } from '../model-options.js';

export const traceModelCommand: Command = {
  path: ['trace', 'model'],
  summary: 'Run a model (bundled or a model card) in fixed point (integer datapath) and write a trace: quantized cell states, precision per step, accuracy, provenance',
  options: [
    { name: 'model', type: 'string', description: 'a bundled model name or a model card path (.json/.yaml)', required: true },
    MODELS_DIR_OPTION,
    ...DATA_OPTIONS,
    { name: 'split', type: 'string', description: 'data split: train, validation or test', default: 'test' },
    { name: 'quant', type: 'string', description: `quantization scheme: ${TRACE_SCHEMES.join(', ')} (bits of weights and activations)`, default: 'fixed8' },
    { name: 'limit', type: 'string', unit: 'examples or characters', description: 'evenly spread examples, or the first characters of a text data set; default the whole split (text: 50000 characters)' },
    { name: 'density', type: 'string', unit: 'fraction', description: 'magnitude-prune every weight matrix to this fraction of non-zeros before quantization (sparsity masks go in the payload)', default: '1' },
    { name: 'output', short: 'o', type: 'string', description: 'header file <name>.json (payload <name>.bin next to it); a directory-like path without .json gets <model name>-<quant>.json appended', required: true },
  ],
  async run(options) {
    const model = stringOption(options, 'model') ?? '';
    const modelsDir = stringOption(options, 'models-dir') ?? 'models';
    const split = stringOption(options, 'split') ?? 'test';
    if (split !== 'train' && split !== 'validation' && split !== 'test') throw new InputError(`--split must be train, validation or test, found '${split}'`);
    const quant = stringOption(options, 'quant') ?? 'fixed8';
    if (!(TRACE_SCHEMES as readonly string[]).includes(quant)) throw new InputError(`--quant must be one of ${TRACE_SCHEMES.join(', ')}, found '${quant}'`);
    const limitText = stringOption(options, 'limit');
    let limit: number | undefined;
    if (limitText !== undefined) {
      if (!/^\d+$/.test(limitText) || Number(limitText) < 2) throw new InputError(`--limit must be a whole number >= 2, found '${limitText}'`);
      limit = Number(limitText);
    }
    const densityText = stringOption(options, 'density') ?? '1';
    const density = Number(densityText);
    if (!(density > 0 && density <= 1)) throw new InputError(`--density must be in (0, 1], found '${densityText}'`);
    let output = stringOption(options, 'output') ?? '';
    const name = readModelCard(resolveModelCard(model, modelsDir).file).name;
    if (!output.endsWith('.json')) output = `${output.replace(/\/+$/, '')}/${name}-${quant}.json`;
    const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: `trace ${name} ${quant} [{bar}] {value}/{total} sequences` }, cliProgress.Presets.shades_classic) : undefined;
    let started = false;
    const t0 = performance.now();
    let r;
    try {
      r = await writeModelTrace({
        model,
        modelsDir,
        data: dataFlags(options),
        split,
        scheme: quant as TraceScheme,
        output,
        limit,
        density,
        progress: (done, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, done);
            started = true;
          } else bar.update(done);
        },
      });
    } finally {
      bar?.stop();
    }
    const a = r.header.accuracy;
    const fmt = (v: number): string => (r.quantized.higherIsBetter ? `${(100 * v).toFixed(2)}%` : v.toFixed(4));
    process.stdout.write(
      `wrote ${output}: ${r.header.workload.sequence_lengths_timesteps.length} sequences, ${r.quantized.timesteps} timesteps, ` +
        `${r.header.payload?.size_bytes ?? 0} payload bytes; ${a?.metric} ${fmt(r.quantized.metric)} (float32 ${fmt(r.float.metric)}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  },
};
