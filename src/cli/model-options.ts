/**
 * The options every command that runs a model shares: --model (a bundled model's name or a
 * model card's path), --models-dir, and the data flags (--data, --validation-data, --dataset).
 */
import { InputError } from '../errors.js';
import { bundledDatasetNames } from '../datasets/registry.js';
import { DEFAULT_MODELS_DIR, listBundledModels, loadModel, type LoadedModel } from '../models/load-model.js';
import type { DataFlags } from '../models/model-data.js';
import { stringOption, type CommandOption, type OptionValues } from './command.js';

export const MODELS_DIR_OPTION: CommandOption = { name: 'models-dir', type: 'string', description: 'directory of the bundled models (models/<name>/model.json)', default: DEFAULT_MODELS_DIR };

export const DATA_OPTIONS: readonly CommandOption[] = [
  {
    name: 'data',
    type: 'string',
    description:
      "the model's test data: a directory with inputs.npy (float32 [N, T, I] or integer token ids [N, T]) and optional lengths.npy, labels.npy; an .npy file; or a .jsonl file; or a directory holding train/validation/test splits of those (default: the card's data)",
  },
  { name: 'validation-data', type: 'string', description: 'validation data (same forms as --data); without it every 5th test sequence is held out for validation' },
  { name: 'dataset', type: 'string', description: `a bundled data set instead: ${bundledDatasetNames().join(', ')}` },
];

export function dataFlags(options: OptionValues): DataFlags | undefined {
  const data = stringOption(options, 'data');
  const validationData = stringOption(options, 'validation-data');
  const dataset = stringOption(options, 'dataset');
  if (data === undefined && validationData === undefined && dataset === undefined) return undefined;
  return { ...(data !== undefined ? { data } : {}), ...(validationData !== undefined ? { validationData } : {}), ...(dataset !== undefined ? { dataset } : {}) };
}

/** The --model values (repeatable), or every bundled model when none is given and `allByDefault`. */
export function modelRefs(options: OptionValues, o: { allByDefault: boolean }): string[] {
  const given = options['model'];
  const refs = (Array.isArray(given) ? given : given === undefined ? [] : [given]).map((v) => {
    if (typeof v !== 'string') throw new InputError('--model takes a value: a bundled model name or a model card path');
    return v;
  });
  if (refs.length > 0 || !o.allByDefault) return refs;
  const modelsDir = stringOption(options, 'models-dir') ?? DEFAULT_MODELS_DIR;
  const all = listBundledModels(modelsDir);
  if (all.length === 0) throw new InputError(`no bundled models found in ${modelsDir}/ (and no --model given)`);
  return all;
}

/** Loads the models the options name (data flags apply to a single model only). */
export function loadModelsFromOptions(options: OptionValues, o: { allByDefault: boolean }): LoadedModel[] {
  const refs = modelRefs(options, o);
  const data = dataFlags(options);
  if (data && refs.length !== 1) throw new InputError('--data, --validation-data and --dataset apply to one model: give exactly one --model');
  const modelsDir = stringOption(options, 'models-dir') ?? DEFAULT_MODELS_DIR;
  return refs.map((ref) => loadModel(ref, { modelsDir, data }));
}
