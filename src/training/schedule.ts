/** Learning rate at step `step` of `total`: cosine decay from `peak` to `peak * floor`. */
export function cosineLearningRate(step: number, total: number, peak: number, floor = 0.1): number {
  const progress = Math.min(1, step / Math.max(1, total));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
