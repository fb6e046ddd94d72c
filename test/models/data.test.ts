/**
 * A user's data: .npy directories, single .npy files and JSON Lines; the held-out validation
 * split; limits; and every kind of bad data as an InputError naming the file and what is wrong.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { encodeNpy, writeNpy } from '../../src/datasets/npy.js';
import { loadModel, type LoadedModel } from '../../src/models/load-model.js';
import { coreFields, tempModelDir, tinyTensors, writeModel } from '../helpers/model-cards.js';

const dense = { cell: 'lstm' as const, input_size: 3, hidden_size: 4, proj_size: 0, num_layers: 1, bidirectional: false };

/** A dense 3-class classifier (input 3) and a token model (vocabulary 6), each with a data directory. */
function denseModel(dataPatch: Record<string, unknown> = {}): { dir: string; card: string } {
  const dir = tempModelDir();
  const card = writeModel(dir, { name: 'dense', ...coreFields(dense), head: { type: 'classifier', classes: ['a', 'b', 'c'] }, ...dataPatch }, tinyTensors({ topology: dense, headRows: 3 }));
  return { dir, card };
}

function tokenModel(head: Record<string, unknown> = { type: 'classifier', classes: 2 }): { dir: string; card: string } {
  const dir = tempModelDir();
  const card = writeModel(dir, { name: 'tok', ...coreFields(dense), embedding: { num_embeddings: 6, embedding_dim: 3 }, head }, tinyTensors({ topology: dense, vocabulary: 6, headRows: head.type === 'language_model' ? 6 : 2 }));
  return { dir, card };
}

function values(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i));
}

function npyDir(dir: string, x: { data: Float32Array | Int32Array; shape: number[] }, extra: { lengths?: number[]; labels?: number[] } = {}): string {
  mkdirSync(dir, { recursive: true });
  writeNpy(join(dir, 'inputs.npy'), x.data, x.shape);
  if (extra.lengths) writeNpy(join(dir, 'lengths.npy'), Int32Array.from(extra.lengths), [extra.lengths.length]);
  if (extra.labels) writeNpy(join(dir, 'labels.npy'), Int32Array.from(extra.labels), [extra.labels.length]);
  return dir;
}

function loadError(card: string, data: { data?: string; validationData?: string }, split: 'test' | 'validation' = 'test'): string {
  try {
    const m: LoadedModel = loadModel(card, { data });
    m.data.load(split);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('user data from .npy files', () => {
  it('a directory with inputs, lengths and labels: sequences cut to their lengths, labels kept', () => {
    const { dir, card } = denseModel();
    const test = npyDir(join(dir, 'test'), { data: values(4 * 5 * 3), shape: [4, 5, 3] }, { lengths: [5, 2, 3, 1], labels: [0, 2, 1, 1] });
    const val = npyDir(join(dir, 'val'), { data: values(2 * 5 * 3), shape: [2, 5, 3] }, { labels: [1, 0] });
    const m = loadModel(card, { data: { data: test, validationData: val } });
    const d = m.data.load('test');
    expect(d.task).toBe('classification');
    expect(d.sequences.map((s) => s.steps)).toEqual([5, 2, 3, 1]);
    expect(d.sequences.map((s) => s.label)).toEqual([0, 2, 1, 1]);
    expect(Array.from(d.sequences[1].values!)).toEqual(Array.from(values(60).subarray(15, 21)));
    expect(d.description).toBe(`all 4 test sequences from ${test}`);
    expect(m.data.load('validation').sequences.length).toBe(2);
    // Limits take evenly spread sequences.
    expect(m.data.load('test', 2).sequences.map((s) => s.label)).toEqual([0, 1]);
  });

  it('test data alone: every 5th sequence is held out for validation, the rest is the test split', () => {
    const { dir, card } = denseModel();
    const test = npyDir(join(dir, 'test'), { data: values(11 * 2 * 3), shape: [11, 2, 3] }, { labels: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1] });
    const m = loadModel(card, { data: { data: test } });
    expect(m.data.load('validation').sequences.map((s) => s.label)).toEqual([0, 2, 1]); // indices 0, 5, 10
    expect(m.data.load('test').sequences.map((s) => s.label)).toEqual([1, 2, 0, 1, 0, 1, 2, 0]); // indices 1-4, 6-9
    expect(m.data.load('validation').description).toMatch(/every 5th of .*held out/);
  });

  it('a directory of train/validation/test splits, and data paths in the card (relative to it)', () => {
    const { dir, card } = denseModel({ data: { validation: 'splits/validation', test: 'splits/test' } });
    npyDir(join(dir, 'splits', 'validation'), { data: values(3 * 2 * 3), shape: [3, 2, 3] });
    npyDir(join(dir, 'splits', 'test'), { data: values(5 * 2 * 3), shape: [5, 2, 3] });
    expect(loadModel(card).data.load('test').sequences.length).toBe(5);
    const byFlag = loadModel(card, { data: { data: join(dir, 'splits') } });
    expect(byFlag.data.load('validation').sequences.length).toBe(3);
    // No labels: a classifier is scored by agreement with float32.
    expect(byFlag.data.load('test').sequences.every((s) => s.label === undefined)).toBe(true);
  });

  it('token ids [N, T] of any integer dtype (numpy int64 included)', () => {
    const { dir, card } = tokenModel();
    mkdirSync(join(dir, 'd'));
    // int64 little-endian, as np.save writes token ids by default.
    const ids = [1, 2, 3, 5, 0, 4];
    const bytes = encodeNpy(Int32Array.from(ids), [2, 3]);
    const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + new DataView(bytes.buffer).getUint16(8, true))).replace("'<i4'", "'<i8'");
    const data = new Uint8Array(ids.length * 8);
    ids.forEach((v, i) => new DataView(data.buffer).setBigInt64(8 * i, BigInt(v), true));
    const out = new Uint8Array(10 + header.length + data.length);
    out.set(bytes.subarray(0, 10));
    for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
    out.set(data, 10 + header.length);
    writeFileSync(join(dir, 'd', 'inputs.npy'), out);
    const d = loadModel(card, { data: { data: join(dir, 'd', 'inputs.npy') } }).data.load('test');
    expect(d.sequences.map((s) => Array.from(s.tokens!))).toEqual([[5, 0, 4]]); // index 0 held out for validation
  });

  it('bad .npy data: rank, width, dtype, token range, labels, lengths, emptiness, missing inputs', () => {
    const { dir, card } = denseModel();
    const rank = npyDir(join(dir, 'rank'), { data: values(8), shape: [2, 2, 2, 1] });
    expect(loadError(card, { data: rank })).toMatch(/inputs\.npy: inputs must be float32 \[N, T, I\] or integer token ids \[N, T\]; found rank 4, shape \[2, 2, 2, 1\]/);
    const width = npyDir(join(dir, 'width'), { data: values(2 * 3 * 4), shape: [2, 3, 4] });
    expect(loadError(card, { data: width })).toMatch(new RegExp(`${width}: inputs have 4 features per step, the model's input_size is 3`));
    const floats2d = npyDir(join(dir, 'f2'), { data: values(6), shape: [2, 3] });
    expect(loadError(card, { data: floats2d })).toMatch(/are read as token ids \[N, T\] and must hold integers; found dtype '<f4'/);
    const ints = npyDir(join(dir, 'ints'), { data: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] });
    expect(loadError(card, { data: ints })).toMatch(/inputs are integer token ids \[N, T\], but the model has no embedding/);
    const labels = npyDir(join(dir, 'labels'), { data: values(2 * 2 * 3), shape: [2, 2, 3] }, { labels: [0, 3] });
    expect(loadError(card, { data: labels, validationData: labels })).toMatch(/label 3 of sequence 1 is outside the 3 classes \(0\.\.2\)/);
    const count = npyDir(join(dir, 'count'), { data: values(2 * 2 * 3), shape: [2, 2, 3] }, { labels: [0] });
    expect(loadError(card, { data: count })).toMatch(/labels\.npy: has 1 labels, inputs\.npy has 2 sequences/);
    const lengths = npyDir(join(dir, 'lengths'), { data: values(2 * 2 * 3), shape: [2, 2, 3] }, { lengths: [2, 3] });
    expect(loadError(card, { data: lengths, validationData: lengths })).toMatch(/length 3 of sequence 1 is outside 1\.\.2/);
    const empty = npyDir(join(dir, 'empty'), { data: new Float32Array(0), shape: [0, 4, 3] });
    expect(loadError(card, { data: empty, validationData: empty })).toMatch(/the test data set is empty \(0 sequences of 4 steps\)/);
    const nan = npyDir(join(dir, 'nan'), { data: Float32Array.from([0, 0, 0, 0, NaN, 0]), shape: [1, 2, 3] });
    expect(loadError(card, { data: nan, validationData: nan })).toMatch(/input value NaN at \[0, 1, 1\] is not finite/);
    mkdirSync(join(dir, 'none'));
    expect(loadError(card, { data: join(dir, 'none') })).toMatch(/a data directory must hold inputs\.npy/);
    expect(loadError(card, { data: join(dir, 'missing') })).toMatch(/missing: data not found/);
    const { card: tok } = tokenModel();
    const range = npyDir(join(dir, 'range'), { data: Int32Array.from([1, 2, 6, 0]), shape: [2, 2] });
    expect(loadError(tok, { data: range, validationData: range })).toMatch(/token id 6 at \[1, 0\] is outside the vocabulary \(0\.\.5, num_embeddings 6\)/);
    const negative = npyDir(join(dir, 'neg'), { data: Int32Array.from([1, -1]), shape: [1, 2] });
    expect(loadError(tok, { data: negative, validationData: negative })).toMatch(/token id -1 at \[0, 1\] is outside the vocabulary/);
    const densed = npyDir(join(dir, 'densed'), { data: values(6), shape: [1, 2, 3] });
    expect(loadError(tok, { data: densed, validationData: densed })).toMatch(/inputs are dense \[N, T, 3\], but the model has an embedding/);
    const { card: lm } = tokenModel({ type: 'language_model', vocabulary: 6 });
    const lmLabels = npyDir(join(dir, 'lml'), { data: Int32Array.from([1, 2, 3, 4]), shape: [2, 2] }, { labels: [0, 1] });
    expect(loadError(lm, { data: lmLabels, validationData: lmLabels })).toMatch(/labels given for a language model: its targets are the next tokens/);
    const short = npyDir(join(dir, 'short'), { data: Int32Array.from([1, 2]), shape: [2, 1] });
    expect(loadError(lm, { data: short, validationData: short })).toMatch(/a language model needs 2 tokens to predict one/);
  });

  it('no data at all is an error that says how to give some', () => {
    const { card } = denseModel();
    expect(loadError(card, {})).toMatch(/no test data for model dense: give --data PATH/);
  });
});

describe('user data from JSON Lines', () => {
  it('tokens of different lengths with class names as labels', () => {
    const { dir, card } = tokenModel({ type: 'classifier', classes: ['ham', 'spam'] });
    const file = join(dir, 'test.jsonl');
    writeFileSync(file, '{"tokens": [1, 2, 3], "label": "spam"}\n\n{"tokens": [4], "label": 0}\n');
    const d = loadModel(card, { data: { data: file, validationData: file } }).data.load('test');
    expect(d.sequences.map((s) => [Array.from(s.tokens!), s.label])).toEqual([
      [[1, 2, 3], 1],
      [[4], 0],
    ]);
  });

  it('dense inputs', () => {
    const { dir, card } = denseModel();
    const file = join(dir, 'v.jsonl');
    writeFileSync(file, `${JSON.stringify({ inputs: [[1, 2, 3], [4, 5, 6]] })}\n${JSON.stringify({ inputs: [[7, 8, 9]] })}\n`);
    const d = loadModel(card, { data: { data: file, validationData: file } }).data.load('test');
    expect(d.sequences.map((s) => Array.from(s.values!))).toEqual([[1, 2, 3, 4, 5, 6], [7, 8, 9]]);
  });

  it('bad lines name the file and the line', () => {
    const { dir, card } = tokenModel({ type: 'classifier', classes: ['ham', 'spam'] });
    const bad = (text: string): string => {
      const file = join(dir, `bad${Math.random()}.jsonl`);
      writeFileSync(file, text);
      const m = loadError(card, { data: file, validationData: file });
      expect(m).toContain(file);
      return m;
    };
    expect(bad('{"tokens": [1]}\n{"tokens": [1], "labl": 1}\n')).toMatch(/line 2: unknown key 'labl'/);
    expect(bad('{"tokens": [1, 2.5]}\n')).toMatch(/line 1: "tokens" must be a non-empty array of integers/);
    expect(bad('{"tokens": [1], "label": "eggs"}\n')).toMatch(/line 1: label "eggs" is not one of the card's classes \(ham, spam\)/);
    expect(bad('{"tokens": [1], "label": 1}\n{"tokens": [2]}\n')).toMatch(/some lines have a "label" and some not/);
    expect(bad('{"tokens": [1]\n')).toMatch(/line 1: not JSON/);
    expect(bad('\n\n')).toMatch(/the data set is empty/);
    expect(bad('{"tokens": [9]}\n')).toMatch(/token id 9 at \[0, 0\] is outside the vocabulary/);
  });
});

describe('bundled data sets by name', () => {
  it('--dataset resolves a registry entry; an unknown name lists the known ones', () => {
    const { card } = denseModel();
    expect(() => loadModel(card, { data: { dataset: 'imagenet' } })).toThrow(/unknown bundled data set 'imagenet': expected one of mnist-columns, spam-words, sotu-chars/);
  });

  it('a model whose input does not fit the data set fails with the data set named', () => {
    const { card } = denseModel();
    expect(() => loadModel(card, { data: { dataset: 'mnist-columns' } }).data.load('test', 2)).toThrow(/bundled data set mnist-columns \(test split\).*inputs have 28 features per step, the model's input_size is 3/);
  });
});
