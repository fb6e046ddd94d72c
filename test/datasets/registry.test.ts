/**
 * The bundled data sets of the registry produce, from the installed packages, exactly the
 * sequences the training recipes encode: evenly spread images, left-padded word ids from the
 * card's vocabulary, and 32 contiguous character segments.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledDataset, bundledDatasetNames } from '../../src/datasets/registry.js';
import { loadMnistSplits, MNIST_SIDE } from '../../src/datasets/mnist.js';
import { loadSpamSplits } from '../../src/datasets/spam-assassin.js';
import { CharVocabulary, joinDocuments } from '../../src/datasets/char-vocabulary.js';
import { loadSotuSplits } from '../../src/datasets/sotu.js';
import { tokenize, WordVocabulary } from '../../src/datasets/word-vocabulary.js';
import { toEvalData } from '../../src/models/eval-data.js';
import { readModelCard } from '../../src/models/card.js';
import { REPO } from '../helpers/context.js';

const card = (m: string) => readModelCard(join(REPO, 'models', m, 'model.json'));

describe('bundled data sets', () => {
  it('are registered by name', () => {
    expect(bundledDatasetNames()).toEqual(['mnist-columns', 'spam-words', 'sotu-chars', 'mnist-pixels', 'mnist-pixels-4', 'sotu-chars-256']);
    expect(() => bundledDataset('nope', 'x.json')).toThrow(/x\.json: unknown bundled data set 'nope'/);
  });

  it('mnist-columns: evenly spread test images as 28 columns of 28 pixels, with their digits', () => {
    const c = card('mnist-columns');
    const d = bundledDataset('mnist-columns').encode('test', { limit: 3, card: c.card, cardFile: c.file });
    const set = loadMnistSplits().test;
    const S = MNIST_SIDE * MNIST_SIDE;
    expect(d.description).toBe('3 of 1005 test images (every 335.00th: index floor(i * 1005 / 3))');
    expect(d.inputs.kind).toBe('dense');
    const idx = [0, 335, 670];
    expect(Array.from(d.labels!)).toEqual(idx.map((i) => set.labels[i]));
    if (d.inputs.kind === 'dense') expect(Array.from(d.inputs.values.subarray(S, 2 * S))).toEqual(Array.from(set.columns.subarray(335 * S, 336 * S)));
  });

  it('spam-words: the first 64 body tokens, left-padded, as ids of the card\'s vocabulary', () => {
    const c = card('spam-words');
    const d = bundledDataset('spam-words').encode('validation', { limit: 2, card: c.card, cardFile: c.file });
    const emails = loadSpamSplits().validation;
    const vocab = new WordVocabulary(c.card.embedding!.vocabulary!);
    const expected = new Int32Array(64);
    const k = Math.floor(627 / 2);
    vocab.encodeLeftPadded(tokenize(emails[k].body, 64), 64, expected, 0);
    expect(d.inputs.kind === 'tokens' && Array.from(d.inputs.ids.subarray(64, 128))).toEqual(Array.from(expected));
    expect(Array.from(d.labels!)).toEqual([emails[0].label, emails[k].label]);
    expect(d.description).toBe(`2 of 627 validation messages (every 313.50th: index floor(i * 627 / 2))`);
  });

  it('sotu-chars: the first N characters in 32 contiguous segments', () => {
    const c = card('sotu-char');
    const d = bundledDataset('sotu-chars').encode('test', { limit: 3200, card: c.card, cardFile: c.file });
    const text = new CharVocabulary(c.card.head.type === 'language_model' ? (c.card.head.vocabulary as string[]) : []).encode(joinDocuments(loadSotuSplits().test.map((s) => s.text)));
    expect(d.count).toBe(32);
    expect(d.steps).toBe(100);
    expect(d.inputs.kind === 'tokens' && Array.from(d.inputs.ids)).toEqual(Array.from(text.subarray(0, 3200)));
    expect(d.description).toBe(`first 3200 of ${text.length} test characters, 32 segments of 100, 3168 predictions`);
  });

  it('mnist-pixels-4: images read row by row, 4 pixels a step (step t = row floor(4t/28), columns 4t%28 .. +3)', () => {
    const c = card('mnist-columns');
    const d = bundledDataset('mnist-pixels-4').encode('test', { limit: 3, card: c.card, cardFile: c.file });
    const set = loadMnistSplits().test;
    const S = MNIST_SIDE * MNIST_SIDE;
    expect([d.count, d.steps, d.inputs.kind === 'dense' && d.inputs.features]).toEqual([3, 196, 4]);
    expect(d.description).toBe('3 of 1005 test images (every 335.00th: index floor(i * 1005 / 3))');
    expect(Array.from(d.labels!)).toEqual([0, 335, 670].map((i) => set.labels[i]));
    // Image 670 (the third), step 102: pixels 408..411 = row 14, columns 16..19; set.columns holds [column][row].
    const img = 670 * S;
    const want = [16, 17, 18, 19].map((col) => set.columns[img + col * MNIST_SIDE + 14]);
    expect(want.filter((v) => v > 0).length).toBeGreaterThan(0); // ink there, so the comparison can tell orders apart
    if (d.inputs.kind === 'dense') expect(Array.from(d.inputs.values.subarray(2 * S + 102 * 4, 2 * S + 102 * 4 + 4))).toEqual(want);
  });

  it('mnist-pixels: one pixel a step, 784 steps; step 29 is row 1, column 1', () => {
    const c = card('mnist-columns');
    const d = bundledDataset('mnist-pixels').encode('validation', { limit: 1, card: c.card, cardFile: c.file });
    const set = loadMnistSplits().validation;
    expect([d.count, d.steps, d.inputs.kind === 'dense' && d.inputs.features, d.splitSize]).toEqual([1, 784, 1, 1003]);
    if (d.inputs.kind !== 'dense') throw new Error('dense expected');
    expect(d.inputs.values[29]).toBe(set.columns[1 * MNIST_SIDE + 1]);
    expect(d.inputs.values[28 * 14 + 3]).toBe(set.columns[3 * MNIST_SIDE + 14]); // row 14, column 3
    // Row-major order: the 784 values are the image transposed, so their multiset is the image's.
    expect(Array.from(d.inputs.values).sort()).toEqual(Array.from(set.columns.subarray(0, 784)).sort());
  });

  it('sotu-chars-256: independent 257-character rows, read as 256 predictions each, evenly spread', () => {
    const c = card('sotu-char');
    const vocab = c.card.head.type === 'language_model' ? (c.card.head.vocabulary as string[]) : [];
    const text = new CharVocabulary(vocab).encode(joinDocuments(loadSotuSplits().test.map((s) => s.text)));
    const N = Math.floor((text.length - 1) / 256);
    const d = bundledDataset('sotu-chars-256').encode('test', { limit: 2, card: c.card, cardFile: c.file });
    const k = Math.floor(N / 2);
    expect([d.count, d.steps, d.splitSize]).toEqual([2, 257, N]);
    expect(d.description).toBe(`2 of ${N} test segments of 257 characters (256 predictions each) (every ${(N / 2).toFixed(2)}th: index floor(i * ${N} / 2))`);
    const e = toEvalData(d, { head: c.card.head, inputSize: c.card.embedding!.embedding_dim, vocabularySize: c.card.embedding!.num_embeddings }, 'test');
    expect(e.sequences.map((s) => s.steps)).toEqual([256, 256]);
    // Segment k reads characters 256k .. 256k+255 and predicts 256k+1 .. 256k+256.
    expect(Array.from(e.sequences[1].tokens!)).toEqual(Array.from(text.subarray(256 * k, 256 * k + 256)));
    expect(Array.from(e.sequences[1].targets!)).toEqual(Array.from(text.subarray(256 * k + 1, 256 * k + 257)));
    expect(Array.from(e.sequences[0].targets!.subarray(250))).toEqual(Array.from(text.subarray(251, 257)));
    expect(bundledDataset('sotu-chars-256').defaultLimits).toEqual({ choice: 20, evaluation: 80, 'dps-test': 80, 'dps-trace': 20, 'dps-evaluate-validation': 20, 'dps-evaluate-test': 80 });
    expect(() => bundledDataset('sotu-chars-256').encode('test', { limit: 1, card: { ...c.card, head: { type: 'language_model', vocabulary: 3 }, embedding: { num_embeddings: 3, embedding_dim: 2 } }, cardFile: 'c.json' })).toThrow(/c\.json.*card has none/);
  });
});
