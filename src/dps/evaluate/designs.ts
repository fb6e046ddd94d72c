/**
 * The designs `rnnsim dps evaluate` compares, and the hardware each runs on. Every design has the
 * same accelerator resources as E-PUR (configs/epur.yaml): the same multiplier bits per cycle
 * (16 x 16 bits = 256), the same SRAM sizes, word widths and banks, the same DRAM. So:
 *   - static-b: E-PUR with Maximizing Weight Locality and floor(256 / b) b-bit multipliers per
 *     dot-product unit (static-16 is E-PUR itself, the paper's baseline; static-8 is
 *     configs/epur-static8.yaml); weights and matrix-vector inputs at b bits, element-wise work
 *     at 16 bits;
 *   - dynamic designs (dps-*, their controls, static-min-per-layer): E-PUR with composable 16-bit
 *     dot-product units whose bricks are the design's lowest precision (Bit Fusion-style:
 *     16/8 gives 32 products per cycle at 8 bits, 16/4 gives 64 at 4), weights stored once at 16
 *     bits most significant bit first (a step at b bits reads b + 1 and rounds half up, so
 *     storage and residency are E-PUR's: src/dps/storage.ts 'msb_first'; the functional model
 *     runs the same half-up reductions) and a precision-select unit that runs the schedule the functional model ran (decisions:
 *     recorded), on the step-by-step schedule (both sides of a step at its precision, the
 *     paper's semantics) or on MWL with the input side at a fixed width ('-mwl' designs).
 */
import type { ConfigPatch } from './derived-config.js';
import type { DpsPolicySpec } from '../policy-spec.js';
import { reductionRoundingOf, type WeightLayout } from '../storage.js';
import { widenFormats } from '../model-eval.js';
import type { QuantizationConfig } from '../../functional/quantization-config.js';

/** How the dynamic designs store weights (and so how their reduced codes are rounded). */
export const DYNAMIC_WEIGHT_LAYOUT: WeightLayout = 'msb_first';

/** The functional formats of a dynamic design whose lowest precision has the formats `low`: widened to 16 bits, reduced as the layout rounds. */
export function dynamicQuantization(low: QuantizationConfig): QuantizationConfig {
  return { ...widenFormats(low, 16), reductionRounding: reductionRoundingOf(DYNAMIC_WEIGHT_LAYOUT) };
}

/** Multiplier bits per cycle of every design (E-PUR's 16 x 16-bit multipliers). */
export const MULTIPLIER_BITS_PER_CYCLE = 256;

/** Static precisions the static-min search tries (cheapest first); each has a fixed-precision design. */
export const STATIC_CANDIDATES = [4, 5, 6, 8, 10, 12, 16] as const;

/** Precision sets of the dynamic designs (ascending). */
export const DYNAMIC_SETS: ReadonlyArray<readonly number[]> = [
  [8, 16],
  [4, 16],
  [4, 8, 16],
];

export type DesignKind = 'static' | 'static-per-layer' | 'policy' | 'control';

/** What the functional model runs for a design. */
export type FunctionalDesign =
  | { readonly kind: 'static'; readonly bits: number }
  | { readonly kind: 'static-per-layer'; readonly bitsPerLayer: readonly number[] }
  | { readonly kind: 'policy'; readonly spec: DpsPolicySpec; readonly inputSideBits?: number }
  /** A control: the steps of the named policy design's schedule, re-placed. */
  | { readonly kind: 'control'; readonly of: string; readonly placement: 'random' | 'periodic' | 'oracle'; readonly seeds?: readonly number[] };

export interface HardwareDesign {
  /** The shipped config the design's hardware derives from. */
  readonly base: string;
  /** What changes from it (written into rnnsim's cache as a derived config). */
  readonly patch: ConfigPatch;
  /** 'static': a shape-only trace at `bits`; 'schedule': a trace recording every step's precision. */
  readonly trace: { readonly kind: 'static'; readonly bits: number } | { readonly kind: 'schedule' };
}

export function designName(precisions: readonly number[], schedule: 'step_by_step' | 'mwl'): string {
  return `dps-${precisions.join('-')}${schedule === 'mwl' ? '-mwl' : ''}`;
}

/** The fixed-precision E-PUR at `bits` on the same multiplier bits per cycle. */
export function staticHardware(bits: number): HardwareDesign {
  if (bits === 16) return { base: 'configs/epur.yaml', patch: {}, trace: { kind: 'static', bits } };
  return {
    base: 'configs/epur.yaml',
    patch: {
      components: {
        dot_product_unit: { multipliers: Math.floor(MULTIPLIER_BITS_PER_CYCLE / bits), precision_bits: bits, pipeline_latency_cycles: 1 + Math.ceil(Math.log2(Math.floor(MULTIPLIER_BITS_PER_CYCLE / bits))) },
      },
    },
    trace: { kind: 'static', bits },
  };
}

/** The composable design for a precision set, running recorded schedules. */
export function dynamicHardware(precisions: readonly number[], options: { schedule: 'step_by_step' | 'mwl'; inputSideBits?: number }): HardwareDesign {
  const lowest = precisions[0];
  const top = precisions[precisions.length - 1];
  if (top !== 16) throw new RangeError(`dynamic designs top out at 16 bits (E-PUR's width), got ${precisions.join(',')}`);
  return {
    base: options.schedule === 'mwl' ? 'configs/epur-dps-mwl.yaml' : 'configs/epur-dps.yaml',
    patch: {
      dataflow: { weight_layout: DYNAMIC_WEIGHT_LAYOUT, ...(options.schedule === 'mwl' ? { input_side_bits: options.inputSideBits ?? 16 } : {}) },
      components: {
        dot_product_unit: { multi_precision: 'composable', min_precision_bits: lowest, operand_rounding: DYNAMIC_WEIGHT_LAYOUT === 'msb_first' ? 'increment' : 'none' },
        precision_select_unit: { precisions: precisions.join(','), decisions: 'recorded' },
      },
    },
    trace: { kind: 'schedule' },
  };
}
