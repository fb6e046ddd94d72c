/**
 * What a bundled model ships with: models/<name>/model.safetensors (torch parameter names) and
 * models/<name>/model.json, a model card in the one format every model uses
 * (schemas/model-card.schema.json, src/models/card.ts): topology in torch's terms, embedding,
 * head, metric, the bundled data set it is evaluated on, and provenance (seed, the command that
 * reproduces it, metrics next to a trivial baseline, training time and FLOP/s).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
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

export function saveBundledModel(dir: string, model: SequenceModel, card: ModelCard): void {
  const file = join(dir, 'model.json');
  checkModelCard(JSON.parse(JSON.stringify(card)) as unknown, file);
  mkdirSync(dir, { recursive: true });
  writeSafetensors(join(dir, 'model.safetensors'), model.toTensorMap(), { format: 'pt', model: card.name ?? '' });
  writeFileSync(file, JSON.stringify(card, null, 2) + '\n');
}
