/**
 * The per-prediction loss of a language model, shared by the sequential evaluator (evaluate.ts)
 * and the batched one (design-chunk.ts) so both compute it with the same operations in the same
 * order. The head's rows themselves come from src/models/readout.ts (forEachReadout).
 */

/** log-sum-exp cross-entropy of one row, in nats. */
export function crossEntropy(logits: Float64Array, target: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return Math.log(sum) + max - logits[target];
}
