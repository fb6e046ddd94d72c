/**
 * How multi-precision weights (and activations) sit in SRAM and DRAM.
 *
 * 'bit_sliced': a P-bit weight is stored as slices, most significant first, so that reading the
 * first k slices gives the weight at precisions[k-1] with nothing else read. The first slice IS
 * the lowest-precision code the functional model uses (round-half-even of the P-bit code,
 * saturated: src/functional/quantized-params.ts reduceParams), not a truncation of it; each
 * further slice holds the signed residual up to the next precision. A residual of a rounded code
 * spans one value more than its width (ties rounded down to even give +2^(w-1), saturation at
 * the top code up to 2^w - 1), so each residual slice carries `guardBits` extra bits (1 covers
 * both). Reading at precisions[k] reads precisions[k] + k * guardBits bits; storing all slices
 * costs P + (levels - 1) * guardBits bits per weight. A high-precision step merges the slices
 * with one add per weight in the dot-product unit's operand path (counted as compose work).
 *
 * 'msb_first': each weight is stored once at P bits, most significant bit first (bit planes), and a
 * step at b < P bits reads its top b + 1 bits: the kept ones and the first dropped one, from which
 * the dot-product unit's operand path rounds half up (operand_rounding: increment). Storage is
 * the static word, so residency is E-PUR's; the low-precision codes are round-half-up, not
 * half-even (the functional model runs them so: reductionRoundingOf).
 *
 * 'packed': each weight is stored once at P bits; a lower precision still reads the P-bit word
 * (the unit drops the low bits), so SRAM and DRAM traffic do not shrink.
 */
import type { Rounding } from '../functional/fixed-point.js';

export type WeightLayout = 'bit_sliced' | 'msb_first' | 'packed';

/** The rounding a layout's reduced codes have (what the functional model must run: QuantizationConfig.reductionRounding). */
export function reductionRoundingOf(layout: WeightLayout): Rounding {
  return layout === 'msb_first' ? 'half_up' : 'half_even';
}

export interface SliceLayout {
  readonly layout: WeightLayout;
  /** Ascending precisions of the policy. */
  readonly precisions: readonly number[];
  readonly guardBits: number;
}

/** Bits stored per element (all slices). */
export function storedBits(s: SliceLayout): number {
  const top = s.precisions[s.precisions.length - 1];
  return s.layout === 'bit_sliced' ? top + (s.precisions.length - 1) * s.guardBits : top;
}

/** Bits read per element for a step at `bits` (must be one of the precisions). */
export function readBits(s: SliceLayout, bits: number): number {
  if (s.layout === 'packed') return storedBits(s);
  const k = s.precisions.indexOf(bits);
  if (k < 0) throw new Error(`precision ${bits} bits is not one of the stored slices (${s.precisions.join(', ')})`);
  if (s.layout === 'msb_first') return k === s.precisions.length - 1 ? bits : bits + 1;
  return bits + k * s.guardBits;
}
