/** `rnnsim train --model <name>`: retrain a bundled model and write models/<name>/. */
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { bundledModels } from '../../training/bundled/registry.js';
import { stringOption, type Command } from '../command.js';

export const trainCommand: Command = {
  path: ['train'],
  summary: 'Train a bundled model (weights to models/<name>/model.safetensors, card to model.json)',
  options: [
    { name: 'model', type: 'string', description: `bundled model: ${bundledModels.map((m) => m.name).join(', ')}`, required: true },
    { name: 'out', type: 'string', description: 'output directory (default models/<name>)' },
    { name: 'step-scale', type: 'string', description: 'fraction of the training steps to run (1 reproduces the bundled model; e.g. 0.05 for a smoke run)', default: '1' },
  ],
  async run(options) {
    const name = stringOption(options, 'model');
    const recipe = bundledModels.find((m) => m.name === name);
    if (!recipe) throw new InputError(`--model must be one of ${bundledModels.map((m) => m.name).join(', ')}, got '${String(name)}'`);
    const scale = Number(stringOption(options, 'step-scale') ?? '1');
    if (!(scale > 0 && scale <= 1)) throw new InputError(`--step-scale must be in (0, 1], got '${String(options['step-scale'])}'`);
    const outDir = stringOption(options, 'out') ?? join('models', recipe.name);
    const r = recipe.train({ outDir, stepScale: scale });
    process.stdout.write(
      `${recipe.name}: validation ${r.validation.toFixed(4)}, test ${r.test.toFixed(4)}, trivial baseline ${r.baseline.toFixed(4)}; ` +
        `${r.minutes.toFixed(1)} min at ${r.gflopsPerSecond.toFixed(2)} GFLOP/s; wrote ${outDir}\n`,
    );
    return 0;
  },
};
