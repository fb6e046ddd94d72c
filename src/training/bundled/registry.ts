/** The bundled models by name, each reproducible by `rnnsim train --model <name>`. */
import type { BundledResult, BundledTrainOptions } from './common.js';
import { MNIST_MODEL, trainMnistColumns } from './mnist-columns.js';
import { SOTU_MODEL, trainSotuChar } from './sotu-char.js';
import { SPAM_MODEL, trainSpamWords } from './spam-words.js';

export interface BundledModelRecipe {
  readonly name: string;
  readonly summary: string;
  train(options: BundledTrainOptions): BundledResult;
}

export const bundledModels: readonly BundledModelRecipe[] = [
  { name: SOTU_MODEL, summary: 'State of the Union character LM, LSTM 1x128, bits per character', train: trainSotuChar },
  { name: SPAM_MODEL, summary: 'SpamAssassin spam/ham from 64 body words, LSTM 1x128, accuracy', train: trainSpamWords },
  { name: MNIST_MODEL, summary: 'MNIST read column by column, LSTM 1x128, accuracy', train: trainMnistColumns },
];
