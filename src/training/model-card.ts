/**
 * What a bundled model ships with: models/<name>/model.safetensors (torch parameter names) and
 * models/<name>/model.json, a model card in the one format every model uses
 * (schemas/model-card.schema.json, src/models/card.ts): topology in torch's terms, embedding,
 * head, metric, the bundled data set it is evaluated on, and provenance (seed, the command that
 * reproduces it, metrics next to a trivial baseline, training time and FLOP/s).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RnnTopology } from '../functional/tensor.js';
import { writeSafetensors } from '../functional/safetensors.js';
import { checkModelCard, type ModelCard } from '../models/card.js';
import type { SequenceModel } from './sequence-model.js';

/** The card fields of a recurrent core, in torch.nn.LSTM / GRU constructor terms. */
export function coreCardFields(t: RnnTopology): Pick<ModelCard, 'cell' | 'input_size' | 'hidden_size' | 'num_layers' | 'bias' | 'bidirectional' | 'proj_size'> {
  return { cell: t.cell, input_size: t.input_size, hidden_size: t.hidden_size, num_layers: t.num_layers, bias: true, bidirectional: t.bidirectional, proj_size: t.proj_size };
}

/** The schema reference of a bundled card (models/<name>/model.json). */
export const BUNDLED_CARD_SCHEMA = '../../schemas/model-card.schema.json';

/** Card keys in the order they are written, with weights_sha256 placed right after weights. */
function withWeightsSha256(card: ModelCard, sha256: string): ModelCard {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(card)) {
    if (key === 'weights_sha256') continue;
    out[key] = value;
    if (key === 'weights') out.weights_sha256 = sha256;
  }
  return out as unknown as ModelCard;
}

/** Writes the weights, then the card naming them by SHA-256 (checked by every later load). */
export function saveBundledModel(dir: string, model: SequenceModel, card: ModelCard): void {
  const file = join(dir, 'model.json');
  checkModelCard(JSON.parse(JSON.stringify(card)) as unknown, file);
  mkdirSync(dir, { recursive: true });
  const weightsFile = join(dir, 'model.safetensors');
  writeSafetensors(weightsFile, model.toTensorMap(), { format: 'pt', model: card.name ?? '' });
  const sha256 = createHash('sha256').update(readFileSync(weightsFile)).digest('hex');
  writeFileSync(file, JSON.stringify(withWeightsSha256(card, sha256), null, 2) + '\n');
}
