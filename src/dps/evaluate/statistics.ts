/**
 * The statistics of an evaluation: confidence intervals of a metric and of a design's loss
 * against the reference (paired, example by example, so the interval is that of the difference,
 * not of two independent estimates), the budget test, the "reduces to static" flag and the
 * Pareto front of cost against quality.
 */

/** 1.96: the two-sided 95% quantile of the standard normal. */
const Z95 = 1.959963984540054;

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** Wilson score interval of a proportion `successes / n` (95%). */
export function wilsonCi95(successes: number, n: number): Interval {
  if (n === 0) return { lo: 0, hi: 1 };
  const p = successes / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { lo: centre - half, hi: centre + half };
}

export interface MeanEstimate {
  readonly mean: number;
  /** Standard error of the mean (sample standard deviation / sqrt(n)). */
  readonly se: number;
  readonly ci95: Interval;
}

/** Mean with its standard error and normal 95% interval. */
export function meanCi95(values: ArrayLike<number>): MeanEstimate {
  const n = values.length;
  if (n === 0) return { mean: NaN, se: NaN, ci95: { lo: NaN, hi: NaN } };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
  return { mean, se, ci95: { lo: mean - Z95 * se, hi: mean + Z95 * se } };
}

/**
 * Loss of a design against the reference, example by example, in the metric's reporting unit:
 * accuracy points (per-example correctness 0/1, loss = 100 x (reference - design)) or bits per
 * character (per-prediction bits, loss = design - reference). Positive = worse.
 */
export function pairedLoss(design: ArrayLike<number>, reference: ArrayLike<number>, higherIsBetter: boolean): MeanEstimate {
  if (design.length !== reference.length) throw new Error(`internal: paired loss over ${design.length} and ${reference.length} examples`);
  const d = new Float64Array(design.length);
  const scale = higherIsBetter ? 100 : 1;
  for (let i = 0; i < d.length; i++) d[i] = higherIsBetter ? scale * (reference[i] - design[i]) : design[i] - reference[i];
  return meanCi95(d);
}

/** Shares of steps at each precision, from counts. */
export function shares(stepsByBits: Readonly<Record<number, number>>): Record<string, number> {
  const total = Object.values(stepsByBits).reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const b of Object.keys(stepsByBits).map(Number).sort((a, c) => a - c)) out[String(b)] = total === 0 ? 0 : stepsByBits[b] / total;
  return out;
}

/** Mean bits per step. */
export function meanBits(stepsByBits: Readonly<Record<number, number>>): number {
  let steps = 0;
  let bits = 0;
  for (const [b, n] of Object.entries(stepsByBits)) {
    steps += n;
    bits += Number(b) * n;
  }
  return steps === 0 ? NaN : bits / steps;
}

/** A dynamic policy that runs 99% or more of its steps at one precision is a static design in disguise. */
export const REDUCES_TO_STATIC_SHARE = 0.99;

export function reducesToStatic(stepsByBits: Readonly<Record<number, number>>): boolean {
  return Object.values(shares(stepsByBits)).some((s) => s >= REDUCES_TO_STATIC_SHARE);
}

export interface ParetoPoint {
  readonly id: string;
  /** Lower is better (energy, latency, mean bits). */
  readonly cost: number;
  /** Higher is better (accuracy; use -bpc for a language model). */
  readonly quality: number;
}

/**
 * The points no other point dominates (another is at least as good in both and strictly better
 * in one), sorted by cost. Exact ties are all kept.
 */
export function paretoFront(points: readonly ParetoPoint[]): ParetoPoint[] {
  const front = points.filter((p) => !points.some((q) => q !== p && q.cost <= p.cost && q.quality >= p.quality && (q.cost < p.cost || q.quality > p.quality)));
  return [...front].sort((a, b) => a.cost - b.cost || b.quality - a.quality || a.id.localeCompare(b.id));
}
