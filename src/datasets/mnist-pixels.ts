/**
 * Sequential MNIST: each image read pixel by pixel in row-major order (784 steps of one grey
 * level in [0, 1]), the long-memory benchmark of Le et al. 2015 and later RNN papers. Images and
 * split rule are those of mnist.ts (the `mnist` package's 10,000 digits, stratified 80/10/10);
 * only the reading order differs from the column-by-column encoding.
 */
import { MNIST_SIDE, type DigitSet } from './mnist.js';

export const MNIST_PIXEL_STEPS = MNIST_SIDE * MNIST_SIDE;

export interface PixelSequences {
  /** [count, 784, 1]: step t = row floor(t / 28), column t % 28. */
  readonly inputs: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** Re-read a digit set (stored column by column) as row-major pixel sequences. */
export function mnistPixelSequences(set: DigitSet): PixelSequences {
  const S = MNIST_SIDE;
  const P = MNIST_PIXEL_STEPS;
  const inputs = new Float32Array(set.count * P);
  for (let i = 0; i < set.count; i++) {
    const base = i * P;
    // set.columns holds image i as [column][row]; step r * S + c is row r, column c.
    for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) inputs[base + r * S + c] = set.columns[base + c * S + r];
  }
  return { inputs, labels: set.labels.slice(), count: set.count };
}
