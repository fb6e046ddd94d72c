/**
 * What the evaluation needs from the functional model: run one model on one split under a
 * design (a static precision, per-layer precisions, a policy in the loop, or a fixed schedule),
 * bit-exactly in the integer datapath, and return every example's outcome (so losses against the
 * reference are paired, example by example) and the precision of every step it ran.
 */
import type { RnnTopology } from '../../functional/tensor.js';
import type { DpsPolicySpec } from '../policy-spec.js';
import type { Schedule } from './schedules.js';

export type EvalSplit = 'validation' | 'test';

/** A design as the functional model runs it. */
export type FunctionalRunSpec =
  | { readonly kind: 'static'; readonly bits: number }
  | { readonly kind: 'static-per-layer'; readonly bitsPerLayer: readonly number[] }
  | { readonly kind: 'policy'; readonly spec: DpsPolicySpec; readonly inputSideBits?: number }
  | { readonly kind: 'schedule'; readonly schedule: Schedule; readonly inputSideBits?: number };

export interface FunctionalRun {
  /** The metric over the split (accuracy as a fraction, or bits per character). */
  readonly metric: number;
  /**
   * Every example's outcome in the metric's own terms: 1/0 correct (classification), or the bits
   * of one prediction (language model); the metric is their mean.
   */
  readonly perExample: Float64Array;
  /** The sequence each example belongs to (an oracle picks per sequence). */
  readonly exampleSequence: Int32Array;
  /** Steps (sequence x layer x direction x timestep) at each precision. */
  readonly stepsByBits: Readonly<Record<number, number>>;
  /** Every step's precision. */
  readonly schedule: Schedule;
  readonly seconds: number;
}

export interface FunctionalBackend {
  readonly model: string;
  /** SHA-256 of the model's weights (part of every cache key). */
  readonly modelSha256: string;
  readonly metricName: string;
  readonly higherIsBetter: boolean;
  readonly topology: RnnTopology;
  /** What each split evaluates, for the report (e.g. "all 1005 test images"). */
  describe(split: EvalSplit): string;
  /** Lengths of the split's sequences (the hardware traces' shape). */
  sequenceLengths(split: EvalSplit): readonly number[];
  run(spec: FunctionalRunSpec, split: EvalSplit): Promise<FunctionalRun>;
}
