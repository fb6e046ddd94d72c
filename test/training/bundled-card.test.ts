/**
 * A retrained bundled model keeps naming its weights by SHA-256: saveBundledModel writes the
 * weights, hashes the file and puts weights_sha256 right after "weights" in the card.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SequenceModel } from '../../src/training/sequence-model.js';
import { BUNDLED_CARD_SCHEMA, coreCardFields, saveBundledModel } from '../../src/training/model-card.js';
import { loadModel } from '../../src/models/load-model.js';
import { tempDir } from '../helpers/context.js';

const { dir, cleanup } = tempDir('rnnsim-bundled-card-');
afterAll(() => cleanup());

describe('saveBundledModel', () => {
  it('writes weights_sha256 of the file it wrote, after weights, and the model loads', () => {
    const model = new SequenceModel({ cell: 'lstm', vocabSize: 5, inputSize: 4, hiddenSize: 6, numLayers: 1, outputSize: 5, readout: 'every-step', seed: 1 });
    const out = join(dir, 'tiny');
    saveBundledModel(out, model, {
      $schema: BUNDLED_CARD_SCHEMA,
      format_version: 1,
      name: 'tiny',
      ...coreCardFields(model.topology()),
      embedding: { num_embeddings: 5, embedding_dim: 4 },
      head: { type: 'language_model', vocabulary: 5 },
      weights: 'model.safetensors',
      dtype: 'float32',
    });
    const text = readFileSync(join(out, 'model.json'), 'utf8');
    const card = JSON.parse(text) as Record<string, unknown>;
    expect(card.weights_sha256).toBe(createHash('sha256').update(readFileSync(join(out, 'model.safetensors'))).digest('hex'));
    const keys = Object.keys(card);
    expect(keys[keys.indexOf('weights') + 1]).toBe('weights_sha256');
    expect(loadModel(join(out, 'model.json')).tensors.size).toBeGreaterThan(0);
  });
});
