/**
 * The State of the Union character encoding of the bundled sotu-char model, as a token stream
 * per split: speeches of the split (sotu.ts order and split rule) joined by joinDocuments, ids
 * from the vocabulary of the training text (CharVocabulary.fromText), so every split uses the
 * same ids and characters absent from the training text map to id 0 (unknown).
 */
import { CharVocabulary, joinDocuments } from './char-vocabulary.js';
import { loadSotuSplits, type SotuSplits } from './sotu.js';
import type { SplitName } from './split-rule.js';

export interface SotuCharStreams {
  readonly vocabulary: CharVocabulary;
  readonly tokens: Record<SplitName, Int32Array>;
}

export function sotuCharStreams(splits: SotuSplits = loadSotuSplits()): SotuCharStreams {
  const text = (split: SplitName): string => joinDocuments(splits[split].map((s) => s.text));
  const trainText = text('train');
  const vocabulary = CharVocabulary.fromText(trainText);
  return {
    vocabulary,
    tokens: { train: vocabulary.encode(trainText), validation: vocabulary.encode(text('validation')), test: vocabulary.encode(text('test')) },
  };
}
