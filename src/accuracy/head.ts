/**
 * The float32 head of a bundled model on the recurrent core's output, and the per-prediction
 * loss: shared by the sequential evaluator (evaluate.ts) and the batched one (design-chunk.ts) so
 * both compute every logit with the same operations in the same order.
 */
import type { InferenceParts } from './bundled.js';

/** out[c] = head.bias[c] + sum_j head.weight[c, j] * h[offset + j] (double sums, float32 operands). */
export function headRow(parts: InferenceParts, h: Float32Array, offset: number, hLen: number, out: Float64Array): void {
  const w = parts.headWeight;
  for (let c = 0; c < parts.classes; c++) {
    let s = parts.headBias[c];
    const base = c * hLen;
    for (let j = 0; j < hLen; j++) s += w[base + j] * h[offset + j];
    out[c] = s;
  }
}

/** Index of the largest logit (the first on ties). */
export function argmax(logits: Float64Array): number {
  let best = 0;
  for (let c = 1; c < logits.length; c++) if (logits[c] > logits[best]) best = c;
  return best;
}

/** log-sum-exp cross-entropy of one row, in nats. */
export function crossEntropy(logits: Float64Array, target: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return Math.log(sum) + max - logits[target];
}
