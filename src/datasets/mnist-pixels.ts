/**
 * Sequential MNIST: each image read in row-major pixel order, `pixelsPerStep` consecutive pixels
 * per step: 1 gives the 784-step benchmark of Le et al. 2015 (one grey level per step), 4 gives
 * 196 steps of 4 pixels (a seventh of a row each). Images and split rule are those of mnist.ts
 * (the `mnist` package's 10,000 digits, stratified 80/10/10); only the reading order differs from
 * the column-by-column encoding.
 */
import { MNIST_SIDE, type DigitSet } from './mnist.js';

export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

export interface PixelSequences {
  /** [count, steps, pixelsPerStep]: step t holds pixels t*p .. t*p+p-1 in row-major order. */
  readonly inputs: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly steps: number;
  readonly pixelsPerStep: number;
}

/** Re-read a digit set (stored column by column) as row-major pixel sequences. */
export function mnistPixelSequences(set: DigitSet, pixelsPerStep = 1): PixelSequences {
  const S = MNIST_SIDE;
  const P = MNIST_PIXELS;
  if (!Number.isInteger(pixelsPerStep) || pixelsPerStep < 1 || P % pixelsPerStep !== 0) {
    throw new RangeError(`pixels per step must divide ${P}, got ${pixelsPerStep}`);
  }
  const inputs = new Float32Array(set.count * P);
  for (let i = 0; i < set.count; i++) {
    const base = i * P;
    // set.columns holds image i as [column][row]; row-major position r * S + c is row r, column c.
    for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) inputs[base + r * S + c] = set.columns[base + c * S + r];
  }
  return { inputs, labels: set.labels.slice(), count: set.count, steps: P / pixelsPerStep, pixelsPerStep };
}
