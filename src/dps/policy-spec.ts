/**
 * A precision policy as a user writes it (real units, fractions), and its resolution into the
 * integer policy (codes, element counts) that the functional model and the hardware both run.
 * The resolution is what gets written into the precision-select unit's threshold registers.
 */
import { assertPolicy, type DpsPolicy, type DpsStatistic } from './policy.js';
import type { TracePrecisionPolicy } from '../traces/header.js';

export interface DpsPolicySpec {
  /** Ascending precisions in bits, e.g. [8, 16]. */
  readonly precisions: readonly number[];
  readonly statistic: DpsStatistic;
  /** count_above: an element counts as changed when |c_t - c_(t-1)| > delta (cell-state units). */
  readonly delta: number;
  /**
   * Ascending, one fewer than precisions. count_above: fractions of the cell-state elements
   * (0..1); max_abs: largest change in cell-state units.
   */
  readonly thresholds: readonly number[];
  readonly hysteresisSteps: number;
  /** Precision of each sequence's first step (must be one of precisions); default the highest. */
  readonly initialBits?: number;
}

/** Integer policy for a layer of `hiddenSize` cell-state elements with `cellFracBits` fractional bits. */
export function resolvePolicy(spec: DpsPolicySpec, hiddenSize: number, cellFracBits: number): DpsPolicy {
  const scale = 2 ** cellFracBits;
  const initialBits = spec.initialBits ?? spec.precisions[spec.precisions.length - 1];
  const initialLevel = spec.precisions.indexOf(initialBits);
  if (initialLevel < 0) throw new Error(`initial precision ${initialBits} bits is not one of the precisions ${spec.precisions.join(', ')}`);
  const thresholds = spec.thresholds.map((t) => {
    if (!(t >= 0)) throw new Error(`threshold ${t} must be >= 0`);
    if (spec.statistic === 'count_above') {
      if (t > 1) throw new Error(`count_above thresholds are fractions of the cell state in 0..1, found ${t}`);
      // An exact product keeps fractions such as 0.25 * 128 = 32 exact; floor otherwise.
      return Math.floor(t * hiddenSize + 1e-9);
    }
    return Math.round(t * scale);
  });
  const policy: DpsPolicy = {
    precisions: [...spec.precisions],
    statistic: spec.statistic,
    deltaCodes: Math.round(spec.delta * scale),
    thresholds,
    hysteresisSteps: spec.hysteresisSteps,
    initialLevel,
  };
  assertPolicy(policy);
  return policy;
}

export function describeSpec(spec: DpsPolicySpec): string {
  const th = spec.thresholds.join('/');
  const stat = spec.statistic === 'count_above' ? `share of |dc| > ${spec.delta} above ${th}` : `max |dc| above ${th}`;
  return `{${spec.precisions.join(',')}} bits, ${stat}, hysteresis ${spec.hysteresisSteps}`;
}

/** The trace-header form of a policy (schemas/trace.schema.json `precision_policy`). */
export function specToHeader(spec: DpsPolicySpec, chosenBy?: string): TracePrecisionPolicy {
  return {
    precisions: [...spec.precisions],
    statistic: spec.statistic,
    delta: spec.delta,
    thresholds: [...spec.thresholds],
    hysteresis_steps: spec.hysteresisSteps,
    ...(spec.initialBits !== undefined ? { initial_bits: spec.initialBits } : {}),
    ...(chosenBy !== undefined ? { chosen_by: chosenBy } : {}),
  };
}

export function specFromHeader(p: TracePrecisionPolicy): DpsPolicySpec {
  return {
    precisions: [...p.precisions],
    statistic: p.statistic,
    delta: p.delta,
    thresholds: [...p.thresholds],
    hysteresisSteps: p.hysteresis_steps,
    ...(p.initial_bits !== undefined ? { initialBits: p.initial_bits } : {}),
  };
}

export type RegisterSource = 'trace' | 'config';

/**
 * The policy a precision-select unit runs on a trace. The unit's hardware (precision set, hence
 * the number of threshold registers) comes from its config; the register contents (statistic
 * mode, delta, thresholds, hysteresis, initial precision) come from the trace's recorded
 * `precision_policy` when `source` is 'trace' and the trace has one, else from the config
 * (the fallback, or the override when `source` is 'config').
 */
export function registerContents(config: DpsPolicySpec, recorded: TracePrecisionPolicy | undefined, source: RegisterSource, where: string): { spec: DpsPolicySpec; from: 'trace' | 'config' } {
  if (source === 'config' || recorded === undefined) return { spec: config, from: 'config' };
  const spec = specFromHeader(recorded);
  if (spec.precisions.join(',') !== config.precisions.join(',')) {
    throw new Error(
      `${where}: the trace's precision policy uses precisions {${spec.precisions.join(', ')}} bits, the unit is built for {${config.precisions.join(', ')}} (precision set and threshold registers are hardware; use a matching config, or threshold_source: config to run the config's policy)`,
    );
  }
  return { spec, from: 'trace' };
}
