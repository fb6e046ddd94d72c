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
import { readModelCard } from '../../src/models/card.js';
import { REPO } from '../helpers/context.js';

const card = (m: string) => readModelCard(join(REPO, 'models', m, 'model.json'));

describe('bundled data sets', () => {
  it('are registered by name', () => {
    expect(bundledDatasetNames()).toEqual(['mnist-columns', 'spam-words', 'sotu-chars']);
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
});
