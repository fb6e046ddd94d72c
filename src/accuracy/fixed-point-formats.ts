/**
 * Post-training fixed-point formats at a given word length, in the way of Rapuano et al. (2022):
 * integer bits of every quantity from the range observed by the float model on calibration data
 * (the validation split), the rest of the word fractional.
 *
 * - weights and activations (the matrix-vector operands): `wordBits` bits, the scheme's width;
 * - gate pre-activations and the LSTM cell state: `INTERMEDIATE_WORD_BITS` (16) bits whatever the
 *   scheme, integer bits from their ranges (accumulators and the cell state are wider than the
 *   operands in every accelerator modelled here: FINN-L and ESE keep them at ap_fixed<16,8>).
 *
 * The one choice the range rule leaves open at short words is whether to spend the top integer
 * bit on the few largest values (no saturation) or on resolution (saturating them). `searchFixedFormats`
 * makes it on validation data: weights with m or m-1 integer bits, activations with m or m-1,
 * the best validation metric wins, ties going to more integer bits (the pure range rule).
 */
import { DEFAULT_SIGMOID_SPEC, DEFAULT_TANH_SPEC } from '../functional/activation-tables.js';
import type { FixedFormat } from '../functional/fixed-point.js';
import { integerBitsFor } from '../functional/post-training.js';
import type { LayerQuantization, QuantizationConfig } from '../functional/quantization-config.js';
import type { LayerRanges } from '../functional/range-observer.js';

export const INTERMEDIATE_WORD_BITS = 16;

export interface IntBitsChoice {
  /** Integer bits removed from the range-derived weight / activation integer bits (0 = pure range rule). */
  readonly weightDrop: number;
  readonly activationDrop: number;
}

function word(intBits: number, wordBits: number): FixedFormat {
  const m = Math.max(1, Math.min(intBits, wordBits - 1));
  return { intBits: m, fracBits: wordBits - m };
}

/** Range-derived integer bits of each layer's weights and activations (activations cover sigmoid/tanh outputs up to 1). */
export function rangeIntBits(r: LayerRanges): { weight: number; activation: number; gate: number; cell: number } {
  return {
    weight: integerBitsFor(r.weight),
    activation: integerBitsFor(Math.max(r.activation, 1)),
    gate: integerBitsFor(r.gate),
    cell: integerBitsFor(r.cell),
  };
}

/** The formats at `wordBits`-bit weights and activations. */
export function fixedPointConfig(ranges: readonly LayerRanges[], wordBits: number, choice: IntBitsChoice = { weightDrop: 0, activationDrop: 0 }): QuantizationConfig {
  return {
    layers: ranges.map((r): LayerQuantization => {
      const m = rangeIntBits(r);
      return {
        weight: word(m.weight - choice.weightDrop, wordBits),
        activation: word(m.activation - choice.activationDrop, wordBits),
        gate: word(m.gate, INTERMEDIATE_WORD_BITS),
        cell: word(m.cell, INTERMEDIATE_WORD_BITS),
        sigmoid: DEFAULT_SIGMOID_SPEC,
        tanh: DEFAULT_TANH_SPEC,
      };
    }),
  };
}

export interface FormatTrial {
  readonly choice: IntBitsChoice;
  readonly metric: number;
}

/** Candidate choices, pure range rule first. */
export function intBitsCandidates(): IntBitsChoice[] {
  const out: IntBitsChoice[] = [];
  for (const weightDrop of [0, 1]) for (const activationDrop of [0, 1]) out.push({ weightDrop, activationDrop });
  return out;
}

/** Evaluates every candidate on validation data; returns the best (first on ties) and all trials. */
export async function searchFixedFormats(
  ranges: readonly LayerRanges[],
  wordBits: number,
  evaluate: (config: QuantizationConfig) => Promise<number>,
  higherIsBetter: boolean,
): Promise<{ best: IntBitsChoice; config: QuantizationConfig; trials: FormatTrial[] }> {
  const trials: FormatTrial[] = [];
  let best: FormatTrial | undefined;
  const seen = new Set<string>();
  for (const choice of intBitsCandidates()) {
    const config = fixedPointConfig(ranges, wordBits, choice);
    const key = JSON.stringify(config.layers.map((l) => [l.weight, l.activation]));
    if (seen.has(key)) continue; // clamped to the same formats
    seen.add(key);
    const metric = await evaluate(config);
    const trial = { choice, metric };
    trials.push(trial);
    if (!best || (higherIsBetter ? metric > best.metric : metric < best.metric)) best = trial;
  }
  const chosen = (best as FormatTrial).choice;
  return { best: chosen, config: fixedPointConfig(ranges, wordBits, chosen), trials };
}
