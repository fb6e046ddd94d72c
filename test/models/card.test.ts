/**
 * Model cards: every shipped card matches schemas/model-card.schema.json and loads; YAML and
 * JSON give the same card; every kind of bad card is an InputError naming the file and the field.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { checkModelCard, readModelCard } from '../../src/models/card.js';
import { listBundledModels, loadModel } from '../../src/models/load-model.js';
import { REPO } from '../helpers/context.js';
import { coreFields, FIXTURES, tempModelDir, tinyTensors, writeModel } from '../helpers/model-cards.js';

const schema = JSON.parse(readFileSync(join(REPO, 'schemas', 'model-card.schema.json'), 'utf8')) as Record<string, unknown>;

function shippedCards(): string[] {
  const bundled = listBundledModels(join(REPO, 'models')).map((m) => join(REPO, 'models', m, 'model.json'));
  const fixtures = readdirSync(FIXTURES).map((m) => join(FIXTURES, m, 'model.json'));
  return [...bundled, ...fixtures];
}

describe('the model card schema', () => {
  it('has a real $id and is valid draft-07 for ajv in strict mode', () => {
    expect(schema['$id']).toBe('urn:rnnsim:schema:model-card:1');
    expect(() => new Ajv({ strict: true, discriminator: true }).compile(schema)).not.toThrow();
  });

  it('accepts every shipped card (bundled models and test fixtures), and each loads with its weights', () => {
    const validate = new Ajv({ strict: true, discriminator: true, allErrors: true }).compile(schema);
    const cards = shippedCards();
    expect(cards.length).toBeGreaterThanOrEqual(7);
    for (const file of cards) {
      const ok = validate(JSON.parse(readFileSync(file, 'utf8')));
      expect(ok ? [] : validate.errors, file).toEqual([]);
      expect(loadModel(file).name.length).toBeGreaterThan(0);
    }
  });

  it('the cards shown in docs/your-model.md are valid', () => {
    const doc = readFileSync(join(REPO, 'docs', 'your-model.md'), 'utf8');
    const json = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);
    const yaml = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as unknown);
    expect(json.length + yaml.length).toBeGreaterThanOrEqual(2);
    for (const card of [...json, ...yaml]) expect(() => checkModelCard(card, 'docs/your-model.md')).not.toThrow();
  });

  it('bundled cards keep their provenance and resolve their data set', () => {
    const m = loadModel('spam-words', { modelsDir: join(REPO, 'models') });
    expect(m.bundled).toBe(true);
    expect(m.card.embedding?.vocabulary?.length).toBe(4000);
    expect(m.card.metrics?.['test']).toBe(0.968);
    expect(m.card.command).toBe('rnnsim train --model spam-words');
    expect(m.data.origin).toBe('bundled data set spam-words');
    expect(m.metric).toBe('accuracy');
    const s = loadModel('sotu-char', { modelsDir: join(REPO, 'models') });
    expect(s.metric).toBe('bits_per_char');
    expect(s.data.unit).toBe('characters');
  });
});

describe('reading a card', () => {
  const t = { cell: 'lstm' as const, input_size: 3, hidden_size: 4, proj_size: 0, num_layers: 1, bidirectional: false };

  it('YAML and JSON cards give the same model; defaults are torch\'s', () => {
    const dir = tempModelDir();
    const card = { name: 'tiny', cell: 'lstm', input_size: 3, hidden_size: 4, head: { type: 'classifier', classes: 3 } };
    writeModel(dir, card, tinyTensors({ topology: t, headRows: 3 }));
    writeFileSync(join(dir, 'tiny.yaml'), stringify({ weights: 'model.safetensors', ...card }));
    const a = readModelCard(join(dir, 'model.json'));
    const b = readModelCard(join(dir, 'tiny.yaml'));
    expect(b.card).toEqual(a.card);
    expect(a.topology).toEqual(t);
    expect(a.bias).toBe(true);
    expect(a.metric).toBe('accuracy');
    expect(a.dtype).toBe('float32');
  });

  it('the name defaults to the directory of a model.json and to the base name of any other card', () => {
    const dir = join(tempModelDir(), 'my-model');
    const file = writeModel(dir, { cell: 'gru', input_size: 3, hidden_size: 4, head: { type: 'none' } }, tinyTensors({ topology: { ...t, cell: 'gru' } }));
    expect(readModelCard(file).name).toBe('my-model');
    writeFileSync(join(dir, 'other.json'), readFileSync(file));
    expect(readModelCard(join(dir, 'other.json')).name).toBe('other');
  });

  /** Writes a card with `patch` applied and returns the error message of reading it. */
  function cardError(patch: Record<string, unknown>, file = 'model.json'): string {
    const dir = tempModelDir();
    const base: Record<string, unknown> = { name: 'bad', ...coreFields(t), head: { type: 'classifier', classes: 3 }, weights: 'model.safetensors' };
    const card = { ...base, ...patch };
    for (const [k, v] of Object.entries(card)) if (v === undefined) delete card[k];
    writeFileSync(join(dir, file), file.endsWith('.json') ? JSON.stringify(card, null, 2) : stringify(card));
    try {
      readModelCard(join(dir, file));
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      const m = (err as Error).message;
      expect(m).toContain(join(dir, file));
      return m;
    }
    throw new Error('expected an InputError');
  }

  it('unknown keys, at the top and inside the head, name the key and its line', () => {
    expect(cardError({ hiden_size: 4 })).toMatch(/line \d+, column \d+ \(at hiden_size\): unknown key 'hiden_size'/);
    expect(cardError({ head: { type: 'classifier', classes: 3, labels: [] } })).toMatch(/\(at head\.labels\): unknown key 'labels'/);
  });

  it('wrong types and values name the field and what was found', () => {
    expect(cardError({ hidden_size: '128' })).toMatch(/\(at hidden_size\): must be integer; found "128"/);
    expect(cardError({ cell: 'rnn' })).toMatch(/\(at cell\): must be one of \["lstm","gru"\]; found "rnn"/);
    expect(cardError({ num_layers: 0 })).toMatch(/\(at num_layers\): must be >= 1/);
    expect(cardError({ head: { type: 'regressor' } })).toMatch(/\(at head\.type\).*must be one of/);
    expect(cardError({ head: { type: 'classifier' } })).toMatch(/\(at head\): missing required key 'classes'/);
    expect(cardError({ weights: undefined })).toMatch(/missing required key 'weights'/);
    expect(cardError({ format_version: 2 })).toMatch(/\(at format_version\): must be 1/);
    expect(cardError({ hidden_size: 4.5 }, 'card.yaml')).toMatch(/line \d+, column \d+ \(at hidden_size\): must be integer/);
  });

  it('rules a schema cannot say', () => {
    expect(cardError({ cell: 'gru', proj_size: 2 })).toMatch(/\(at proj_size\): proj_size is defined for an LSTM only/);
    expect(cardError({ proj_size: 4 })).toMatch(/proj_size must be smaller than hidden_size 4/);
    expect(cardError({ embedding: { num_embeddings: 5, embedding_dim: 7 } })).toMatch(/\(at embedding\.embedding_dim\): embedding_dim 7 must equal input_size 3/);
    expect(cardError({ embedding: { num_embeddings: 3, embedding_dim: 3, vocabulary: ['a', 'b'] } })).toMatch(/has 2 tokens, num_embeddings is 3/);
    expect(cardError({ head: { type: 'language_model', vocabulary: 5 } })).toMatch(/a language model reads token ids: the card needs an embedding/);
    expect(cardError({ embedding: { num_embeddings: 6, embedding_dim: 3 }, head: { type: 'language_model', vocabulary: 5 } })).toMatch(/5 head outputs, but the embedding has num_embeddings 6/);
    expect(cardError({ metric: 'perplexity' })).toMatch(/\(at metric\): metric perplexity needs a language_model head; the head is classifier/);
    expect(cardError({ data: { dataset: 'mnist-columns', test: 'x' } })).toMatch(/give either a bundled data set \(dataset\) or data files/);
  });

  it('not a mapping, or not YAML at all', () => {
    const dir = tempModelDir();
    writeFileSync(join(dir, 'a.json'), '[1, 2]');
    expect(() => readModelCard(join(dir, 'a.json'))).toThrow(/a model card must be a JSON or YAML object/);
    writeFileSync(join(dir, 'b.json'), '{"cell": "lstm",, }');
    expect(() => readModelCard(join(dir, 'b.json'))).toThrow(InputError);
  });

  it('an unknown model name lists the bundled models', () => {
    expect(() => loadModel('no-such-model', { modelsDir: join(REPO, 'models') })).toThrow(/unknown model 'no-such-model': not a bundled model in .*models\/ \(mnist-columns, mnist-pixels-gru-128, sotu-char, sotu-char-lstm-2x256, spam-words\)/);
    expect(() => loadModel('missing/card.json')).toThrow(/model card not found: missing\/card\.json/);
  });
});
