/**
 * One way in for every model: `--model NAME` is a bundled model (models/NAME/model.json),
 * `--model path/to/card.json|yaml` (or a directory holding model.json) a user's. loadModel reads
 * and checks the card, reads the weights and checks them against it, and binds the data, so
 * every command (accuracy, trace model, dps calibrate, dps trace, ...) is written once for all
 * models.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { RnnTopology, TensorMap } from '../functional/tensor.js';
import { readModelCard, type LoadedCard, type MetricName, type ModelCard } from './card.js';
import { inferenceParts, type InferenceParts } from './inference.js';
import { modelData, type DataFlags, type ModelData } from './model-data.js';
import { loadCheckedWeights } from './weights.js';

export const DEFAULT_MODELS_DIR = 'models';
const CARD_FILES = ['model.json', 'model.yaml', 'model.yml'];

export interface LoadedModel {
  readonly name: string;
  /** True for a model found by name in the models directory. */
  readonly bundled: boolean;
  readonly card: ModelCard;
  readonly cardInfo: LoadedCard;
  readonly cardFile: string;
  readonly topology: RnnTopology;
  /** The card's metric (what evaluations report). */
  readonly metric: MetricName;
  /** All tensors (embedding.weight, weight_ih_l0, ..., head.weight, head.bias). */
  readonly tensors: TensorMap;
  /** SHA-256 of the weights file (hex). */
  readonly sha256: string;
  readonly safetensorsPath: string;
  readonly data: ModelData;
}

export interface LoadModelOptions {
  readonly modelsDir?: string;
  readonly data?: DataFlags;
}

function cardIn(dir: string): string | undefined {
  return CARD_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Names of the bundled models: directories of `modelsDir` holding a model card, sorted. */
export function listBundledModels(modelsDir = DEFAULT_MODELS_DIR): string[] {
  if (!existsSync(modelsDir)) return [];
  if (!statSync(modelsDir).isDirectory()) throw new InputError(`the models directory is not a directory (--models-dir names a folder of model folders)`, modelsDir);
  // statSync throws on a dangling link: such an entry is not a model folder.
  const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return readdirSync(modelsDir)
    .filter((n) => isDir(join(modelsDir, n)) && cardIn(join(modelsDir, n)) !== undefined)
    .sort();
}

/** The card file `ref` names and whether it is a bundled model. */
export function resolveModelCard(ref: string, modelsDir = DEFAULT_MODELS_DIR): { file: string; bundled: boolean } {
  const looksLikePath = /[\\/]/.test(ref) || /\.(json|ya?ml)$/i.test(ref);
  if (!looksLikePath) {
    const bundled = cardIn(join(modelsDir, ref));
    if (bundled) return { file: bundled, bundled: true };
  }
  if (existsSync(ref)) {
    if (statSync(ref).isDirectory()) {
      const inside = cardIn(ref);
      if (!inside) throw new InputError(`no model card (${CARD_FILES.join(', ')}) in this directory`, ref);
      return { file: inside, bundled: false };
    }
    return { file: ref, bundled: false };
  }
  const names = listBundledModels(modelsDir);
  throw new InputError(
    looksLikePath
      ? `model card not found: ${ref}`
      : `unknown model '${ref}': not a bundled model in ${modelsDir}/ (${names.length ? names.join(', ') : 'none found'}) nor a card file; give a bundled name or the path of a model card (.json, .yaml)`,
  );
}

/** Reads a model (bundled name or card path), checks its weights against its card, binds its data. */
export function loadModel(ref: string, options: LoadModelOptions = {}): LoadedModel {
  const { file, bundled } = resolveModelCard(ref, options.modelsDir);
  const info = readModelCard(file);
  const weights = loadCheckedWeights(info);
  return {
    name: info.name,
    bundled,
    card: info.card,
    cardInfo: info,
    cardFile: file,
    topology: info.topology,
    metric: info.metric,
    tensors: weights.tensors,
    sha256: weights.sha256,
    safetensorsPath: info.weightsFile,
    data: modelData(info, options.data),
  };
}

/** The inference parts of a model, with its own weights or replacements (e.g. quantized ones). */
export function partsOf(model: LoadedModel, tensors: TensorMap = model.tensors): InferenceParts {
  const head = model.card.head;
  return inferenceParts(tensors, model.topology, { source: model.safetensorsPath, readout: head.type === 'classifier' ? (head.readout ?? 'last_step') : 'last_step' });
}
