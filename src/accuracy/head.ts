/**
 * The float32 head of a bundled model on the recurrent core's output, and the per-prediction
 * loss: shared by the sequential evaluator (evaluate.ts) and the batched one (design-chunk.ts) so
 * both compute every logit with the same operations in the same order.
 */
import type { InferenceParts } from './bundled.js';

/**
 * out[c] = head.bias[c] + sum_j head.weight[c, j] * h[offset + j]: double sums over float32
 * operands, each class's terms added in order j = 0, 1, ... (floating-point sums depend on the
 * order; this one is fixed). Four classes share a pass over h; each keeps its own order.
 */
export function headRow(parts: InferenceParts, h: Float32Array, offset: number, hLen: number, out: Float64Array): void {
  const w = parts.headWeight;
  const b = parts.headBias;
  const classes = parts.classes;
  let c = 0;
  for (; c + 4 <= classes; c += 4) {
    let s0 = b[c];
    let s1 = b[c + 1];
    let s2 = b[c + 2];
    let s3 = b[c + 3];
    const w0 = c * hLen;
    const w1 = w0 + hLen;
    const w2 = w1 + hLen;
    const w3 = w2 + hLen;
    for (let j = 0; j < hLen; j++) {
      const x = h[offset + j];
      s0 += w[w0 + j] * x;
      s1 += w[w1 + j] * x;
      s2 += w[w2 + j] * x;
      s3 += w[w3 + j] * x;
    }
    out[c] = s0;
    out[c + 1] = s1;
    out[c + 2] = s2;
    out[c + 3] = s3;
  }
  for (; c < classes; c++) {
    let s = b[c];
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
