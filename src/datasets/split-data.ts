/**
 * The generic form of one split of a data set, whatever produced it (a bundled data set's
 * encoder, a user's .npy files, a JSON Lines file): N sequences of up to T steps, either dense
 * inputs [N, T, I] or integer token ids [N, T], with optional valid lengths [N] and class labels
 * [N]. What a model does with it (classify, predict the next token, ...) is the model card's
 * business (src/models/eval-data.ts).
 */
import type { SplitName } from './split-rule.js';

export type SplitInputs =
  | { readonly kind: 'dense'; readonly values: Float32Array; readonly features: number }
  | { readonly kind: 'tokens'; readonly ids: Int32Array };

export interface SplitData {
  readonly split: SplitName;
  readonly inputs: SplitInputs;
  /** N. */
  readonly count: number;
  /** T: steps of the longest sequence (the row length of inputs). */
  readonly steps: number;
  /** Valid steps of each sequence, 1..T; absent = every sequence has T steps. */
  readonly lengths?: Int32Array;
  /** Class of each sequence; absent = unlabelled. */
  readonly labels?: Int32Array;
  /** What was taken, for reports (e.g. "200 of 1003 validation images (every 5.02th: ...)"). */
  readonly description: string;
  /** Examples (or characters, for a text data set) in the whole split. */
  readonly splitSize: number;
}

/**
 * Indices of an evenly spread subset of n of count examples: floor(i * count / n), i = 0..n-1.
 * (Splits are often ordered, e.g. MNIST by digit: a prefix would not be representative.)
 */
export function subsetIndices(count: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n));
}

/** "all 625 test messages" or "200 of 1003 validation images (every 5.02th: index floor(i * 1003 / 200))". */
export function subsetText(n: number, count: number, what: string): string {
  return n === count ? `all ${count} ${what}` : `${n} of ${count} ${what} (every ${(count / n).toFixed(2)}th: index floor(i * ${count} / ${n}))`;
}

/** Rows `indices` of a split (copies), with a new description. */
export function takeRows(data: SplitData, indices: readonly number[], description: string): SplitData {
  const T = data.steps;
  let inputs: SplitInputs;
  if (data.inputs.kind === 'dense') {
    const F = data.inputs.features;
    const src = data.inputs.values;
    const values = new Float32Array(indices.length * T * F);
    indices.forEach((i, k) => values.set(src.subarray(i * T * F, (i + 1) * T * F), k * T * F));
    inputs = { kind: 'dense', values, features: F };
  } else {
    const src = data.inputs.ids;
    const ids = new Int32Array(indices.length * T);
    indices.forEach((i, k) => ids.set(src.subarray(i * T, (i + 1) * T), k * T));
    inputs = { kind: 'tokens', ids };
  }
  return {
    split: data.split,
    inputs,
    count: indices.length,
    steps: T,
    ...(data.lengths ? { lengths: Int32Array.from(indices, (i) => (data.lengths as Int32Array)[i]) } : {}),
    ...(data.labels ? { labels: Int32Array.from(indices, (i) => (data.labels as Int32Array)[i]) } : {}),
    description,
    splitSize: data.splitSize,
  };
}

/** `limit` evenly spread examples of a split (all when limit is undefined or >= count). */
export function limitExamples(data: SplitData, limit: number | undefined, what: string): SplitData {
  const n = Math.min(limit ?? data.count, data.count);
  return takeRows(data, subsetIndices(data.count, n), subsetText(n, data.count, what));
}
