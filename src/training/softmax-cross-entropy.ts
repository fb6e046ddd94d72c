/**
 * Softmax cross-entropy over rows of logits. Returns the summed loss in nats and, if asked,
 * writes dLoss/dlogits for the loss divided by `scale` (the mean over rows when scale = rows).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  targets: Int32Array,
  rows: number,
  classes: number,
  dlogits?: Float32Array,
  scale = rows,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if (logits[o + c] > max) max = logits[o + c];
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c] - max);
    const logSum = Math.log(sum) + max;
    const y = targets[r];
    total += logSum - logits[o + y];
    if (dlogits) {
      for (let c = 0; c < classes; c++) dlogits[o + c] = Math.exp(logits[o + c] - logSum) / scale;
      dlogits[o + y] -= 1 / scale;
    }
  }
  return total;
}

/** Index of the largest logit of each row. */
export function argmaxRows(logits: Float32Array, rows: number, classes: number, out: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[r * classes + c] > logits[r * classes + best]) best = c;
    out[r] = best;
  }
}
