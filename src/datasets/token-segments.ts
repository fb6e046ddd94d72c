/**
 * Next-token segments for language models exported as fixed-length sequences: a token stream
 * t_0 t_1 ... t_(L-1) is cut into N = floor((L - 1) / T) segments; segment k has inputs
 * t_(kT) ... t_(kT+T-1) and targets (labels) t_(kT+1) ... t_(kT+T), i.e. every step predicts the
 * next token and every token after the first is predicted exactly once (the tail of fewer than
 * T + 1 tokens is dropped). Each segment is an independent sequence: a model reads it from a
 * zero initial state.
 */
export interface TokenSegments {
  /** [count, length] token ids. */
  readonly inputs: Int32Array;
  /** [count, length] next-token ids. */
  readonly labels: Int32Array;
  readonly count: number;
  readonly length: number;
  /** Tokens of the stream that are in no segment's inputs (the tail). */
  readonly droppedTokens: number;
}

export function nextTokenSegments(tokens: Int32Array, length: number): TokenSegments {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`segment length must be a positive integer, got ${length}`);
  const count = tokens.length > 0 ? Math.floor((tokens.length - 1) / length) : 0;
  const inputs = new Int32Array(count * length);
  const labels = new Int32Array(count * length);
  for (let k = 0; k < count; k++) {
    inputs.set(tokens.subarray(k * length, k * length + length), k * length);
    labels.set(tokens.subarray(k * length + 1, k * length + length + 1), k * length);
  }
  return { inputs, labels, count, length, droppedTokens: tokens.length - count * length };
}
