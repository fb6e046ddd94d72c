/**
 * The bundled data sets by name: each an encoder from an installed data package to the generic
 * split data (split-data.ts) a model card's `data.dataset` (or `--dataset`) refers to. A new data
 * set is one encoder file in this folder plus one line here.
 */
import { InputError } from '../errors.js';
import type { ModelCard } from '../models/card.js';
import { mnistColumnsDataset } from './bundled-mnist-columns.js';
import { mnistPixelsDataset } from './bundled-mnist-pixels.js';
import { sotuCharsDataset } from './bundled-sotu-chars.js';
import { sotuSegmentsDataset } from './bundled-sotu-segments.js';
import { spamWordsDataset } from './bundled-spam-words.js';
import type { SplitData } from './split-data.js';
import type { SplitName } from './split-rule.js';

export interface EncodeOptions {
  /** Evenly spread examples, or the first characters of a text data set; undefined = the encoder's default (usually all). */
  readonly limit?: number;
  /** The model's card: vocabularies for text data sets. */
  readonly card: ModelCard;
  /** The card file, for error messages. */
  readonly cardFile: string;
}

/** Default subset sizes by purpose (src/models/model-data.ts LimitPurpose), in the data set's unit. */
export interface LimitDefaults {
  readonly choice: number | undefined;
  readonly evaluation: number | undefined;
  readonly 'dps-test': number | undefined;
  readonly 'dps-trace': number | undefined;
  readonly 'dps-evaluate-validation': number | undefined;
  readonly 'dps-evaluate-test': number | undefined;
}

export interface BundledDataset {
  readonly name: string;
  readonly summary: string;
  /** What a limit counts: evenly spread examples, or the first characters of the split's text. */
  readonly unit: 'examples' | 'characters';
  /** Default subsets when the unit's defaults (model-data.ts) would be far too long or short for this data set. */
  readonly defaultLimits?: LimitDefaults;
  encode(split: SplitName, options: EncodeOptions): SplitData;
}

const DATASETS: readonly BundledDataset[] = [
  mnistColumnsDataset,
  spamWordsDataset,
  sotuCharsDataset,
  mnistPixelsDataset(1), // 784 steps of one pixel, row-major (the PyTorch recipes' data, tools/train/)
  mnistPixelsDataset(4), // 196 steps of 4 pixels, row-major
  sotuSegmentsDataset, // independent 256-prediction character segments (the PyTorch recipes' data)
];

export function bundledDatasetNames(): string[] {
  return DATASETS.map((d) => d.name);
}

/** The bundled data set `name`; InputError listing the known ones otherwise. */
export function bundledDataset(name: string, file?: string): BundledDataset {
  const d = DATASETS.find((x) => x.name === name);
  if (!d) throw new InputError(`unknown bundled data set '${name}': expected one of ${bundledDatasetNames().join(', ')}`, file);
  return d;
}
