/**
 * The dynamic-precision-selection policy: the ONE implementation used by the functional model's
 * precision hook (src/dps/chooser.ts) and by the simulator's precision-select unit
 * (src/components/precision-select-unit.ts), so both reach the same decision at every step.
 *
 * Everything is integer arithmetic on cell-state codes (value = code * 2^-fracBits), exactly
 * what the hardware sees: no floating point enters a decision.
 *
 * At every step of one layer-direction of one sequence, after the cell state c_t is known, the
 * policy looks at the change d_j = c_t[j] - c_(t-1)[j] of each element and computes a statistic:
 *   - 'count_above': how many elements have |d_j| > delta (delta = the element threshold, in
 *     codes); compared with count thresholds K_1 < K_2 < ... (elements);
 *   - 'max_abs': max_j |d_j| (codes); compared with thresholds T_1 < T_2 < ... (codes).
 * The level is the number of thresholds the statistic exceeds (strictly), and the candidate
 * precision is precisions[level] (ascending set, e.g. [8, 16]): a calm step gets the lowest.
 *
 * Hysteresis: going up is immediate (a change needs precision now); going down waits until the
 * candidate has been below the current precision for `hysteresisSteps + 1` consecutive
 * decisions, and then drops to the highest candidate seen during that wait (0 = drop at once).
 *
 * The first step of a sequence has no change to look at yet (only c_(-1), the initial state, is
 * known): it runs at `initialLevel` (default the highest precision). The decision for step k
 * (k >= 1) uses c_(k-1) - c_(k-2), with c_(-1) the initial state.
 */

export type DpsStatistic = 'count_above' | 'max_abs';

export interface DpsPolicy {
  /** Ascending precisions in bits; the last is the model's static precision. */
  readonly precisions: readonly number[];
  readonly statistic: DpsStatistic;
  /** count_above: element change threshold in codes of the cell state (|d| > delta counts). Ignored by max_abs. */
  readonly deltaCodes: number;
  /**
   * Ascending thresholds, one fewer than precisions: elements (count_above) or codes (max_abs).
   * The statistic exceeding thresholds[k] (strictly) lifts the candidate above precisions[k].
   */
  readonly thresholds: readonly number[];
  readonly hysteresisSteps: number;
  /** Index into precisions of the first step of each sequence. */
  readonly initialLevel: number;
}

/** Problems with a policy, or an empty list. */
export function policyProblems(p: DpsPolicy): string[] {
  const out: string[] = [];
  if (p.precisions.length < 1) out.push('precisions: at least one precision is needed');
  p.precisions.forEach((b, i) => {
    if (!Number.isInteger(b) || b < 1 || b > 32) out.push(`precisions[${i}] = ${b}: expected an integer number of bits in 1..32`);
    if (i > 0 && b <= p.precisions[i - 1]) out.push(`precisions must be strictly ascending: ${p.precisions.join(', ')}`);
  });
  if (p.thresholds.length !== p.precisions.length - 1) {
    out.push(`thresholds: expected ${p.precisions.length - 1} (one fewer than the ${p.precisions.length} precisions), found ${p.thresholds.length}`);
  }
  p.thresholds.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0) out.push(`thresholds[${i}] = ${t}: expected a non-negative integer (elements or codes)`);
    if (i > 0 && t < p.thresholds[i - 1]) out.push(`thresholds must be ascending: ${p.thresholds.join(', ')}`);
  });
  if (!Number.isInteger(p.deltaCodes) || p.deltaCodes < 0) out.push(`deltaCodes = ${p.deltaCodes}: expected a non-negative integer`);
  if (!Number.isInteger(p.hysteresisSteps) || p.hysteresisSteps < 0) out.push(`hysteresisSteps = ${p.hysteresisSteps}: expected a non-negative integer`);
  if (!Number.isInteger(p.initialLevel) || p.initialLevel < 0 || p.initialLevel >= p.precisions.length) {
    out.push(`initialLevel = ${p.initialLevel}: expected 0..${p.precisions.length - 1}`);
  }
  return out;
}

export function assertPolicy(p: DpsPolicy): void {
  const problems = policyProblems(p);
  if (problems.length > 0) throw new Error(`invalid precision policy: ${problems.join('; ')}`);
}

/** The statistic of one change (c_t - c_(t-1)), in integer codes or element counts. */
export function changeStatistic(p: DpsPolicy, current: ArrayLike<number>, previous: ArrayLike<number>): number {
  if (current.length !== previous.length) throw new Error(`cell states of ${current.length} and ${previous.length} elements`);
  let s = 0;
  if (p.statistic === 'count_above') {
    for (let j = 0; j < current.length; j++) if (Math.abs(current[j] - previous[j]) > p.deltaCodes) s++;
  } else {
    for (let j = 0; j < current.length; j++) {
      const d = Math.abs(current[j] - previous[j]);
      if (d > s) s = d;
    }
  }
  return s;
}

/** Level (index into precisions) the statistic asks for: the number of thresholds it exceeds. */
export function candidateLevel(p: DpsPolicy, statistic: number): number {
  let level = 0;
  for (const t of p.thresholds) if (statistic > t) level++;
  return level;
}

/**
 * The decision state of one layer-direction of one sequence: the previous cell state, the
 * current level and the hysteresis counter. Hardware equivalent: the cell state already held
 * for the cell update, a precision register and a small down-counter.
 */
export class PrecisionTracker {
  private previous: Int32Array | null = null;
  private level: number;
  private below = 0;
  private waitMax = 0;
  private decisions = 0;

  constructor(private readonly policy: DpsPolicy) {
    this.level = policy.initialLevel;
  }

  /** Start a sequence from the initial cell state c_(-1); returns the first step's precision. */
  start(initialState: ArrayLike<number>): number {
    this.previous = Int32Array.from(initialState);
    this.level = this.policy.initialLevel;
    this.below = 0;
    this.waitMax = 0;
    this.decisions = 0;
    return this.policy.precisions[this.level];
  }

  /** c_t of the step just finished; returns the precision of the next step. */
  next(cellState: ArrayLike<number>): number {
    if (this.previous === null) throw new Error('PrecisionTracker.next before start');
    const stat = changeStatistic(this.policy, cellState, this.previous);
    this.previous.set(cellState as ArrayLike<number>);
    return this.policy.precisions[this.applyLevel(candidateLevel(this.policy, stat))];
  }

  /** Hysteresis on a candidate level; returns the new level. */
  private applyLevel(candidate: number): number {
    this.decisions++;
    if (candidate >= this.level) {
      this.level = candidate;
      this.below = 0;
      this.waitMax = 0;
      return this.level;
    }
    this.waitMax = this.below === 0 ? candidate : Math.max(this.waitMax, candidate);
    this.below++;
    if (this.below > this.policy.hysteresisSteps) {
      this.level = this.waitMax;
      this.below = 0;
      this.waitMax = 0;
    }
    return this.level;
  }

  get currentPrecision(): number {
    return this.policy.precisions[this.level];
  }

  get decisionCount(): number {
    return this.decisions;
  }
}

/** Precision sequence of one run of cell states c_0, c_1, ... from initial state c_(-1): one precision per step. */
export function precisionSequence(p: DpsPolicy, initialState: ArrayLike<number>, cellStates: ReadonlyArray<ArrayLike<number>>): number[] {
  const tracker = new PrecisionTracker(p);
  const out = [tracker.start(initialState)];
  for (let k = 0; k + 1 < cellStates.length; k++) out.push(tracker.next(cellStates[k]));
  return out;
}
