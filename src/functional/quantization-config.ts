/**
 * Fixed-point formats of a quantized RNN, per layer. Every format is Qm.n with m including the
 * sign bit (see fixed-point.ts). Per layer:
 *   weight      all parameters of the layer: W_ih, W_hh, b_ih, b_hh, W_hr (both directions)
 *   activation  layer input x_t, hidden state h_t, sigmoid/tanh outputs and o * tanh(c)
 *   gate        gate pre-activations, i.e. the input of the sigmoid/tanh units
 *   cell        LSTM cell state c_t (ignored by GRU), also the input of tanh(c)
 *   sigmoid/tanh  how the nonlinearities are computed (LUT / PWL / ideal)
 *
 * Precision per timestep: a step runs at `precision` bits, which caps the WORD LENGTH of the
 * weights and of the activations fed to the matrix-vector products (x_t, h_{t-1}, and the
 * projection input) at that many bits by dropping fractional bits (integer bits are kept). The
 * static precision is max(weight word, activation word), i.e. nothing dropped.
 *
 * Input side at its own precision: a run may fix the precision of the input-side products
 * W_ih x_t (+ b_ih) at `inputSideBits` for every step while the recurrent side W_hh h_{t-1}
 * (+ b_hh, and the projection) runs at each step's precision. This is what E-PUR's Maximizing
 * Weight Locality schedule computes under dynamic precision (src/techniques/dps: input_side_bits):
 * it forms W_x x_t for a window of steps before their precisions are decided. The two partial
 * sums are aligned to the finer of their fractional bits (an exact left shift) in one accumulator.
 */
import { DEFAULT_SIGMOID_SPEC, DEFAULT_TANH_SPEC, type ActivationSpec } from './activation-tables.js';
import { assertExact, formatName, q, validateFormat, wordBits, type FixedFormat, type Rounding } from './fixed-point.js';
import type { RnnTopology } from './tensor.js';

export interface LayerQuantization {
  readonly weight: FixedFormat;
  readonly activation: FixedFormat;
  readonly gate: FixedFormat;
  readonly cell: FixedFormat;
  readonly sigmoid: ActivationSpec;
  readonly tanh: ActivationSpec;
}

export interface QuantizationConfig {
  /** One entry per layer. */
  readonly layers: readonly LayerQuantization[];
  /**
   * How weights and matrix-vector inputs are rounded when a step runs below the static precision
   * (default 'half_even'). 'half_up' is what hardware storing the full word most significant bit
   * first computes from the kept bits and the first dropped one (src/dps/storage.ts 'msb_first').
   */
  readonly reductionRounding?: Rounding;
}

/**
 * A 16-bit datapath in the style of FINN-L / ESE: weights Q2.14, activations Q4.12, gate sums and
 * cell state Q8.8 (ap_fixed<16,8>), 256-entry sigmoid/tanh tables.
 */
export const DEFAULT_LAYER_QUANTIZATION: LayerQuantization = {
  weight: q(2, 14),
  activation: q(4, 12),
  gate: q(8, 8),
  cell: q(8, 8),
  sigmoid: DEFAULT_SIGMOID_SPEC,
  tanh: DEFAULT_TANH_SPEC,
};

/** The same formats for every layer. */
export function uniformQuantization(numLayers: number, layer: LayerQuantization = DEFAULT_LAYER_QUANTIZATION): QuantizationConfig {
  return { layers: Array.from({ length: numLayers }, () => layer) };
}

/** Static precision of a layer: the larger of the weight and activation word lengths. */
export function staticPrecision(lq: LayerQuantization): number {
  return Math.max(wordBits(lq.weight), wordBits(lq.activation));
}

/** The weight / activation formats at `precision` bits: word length capped, integer bits kept. */
export function formatsAtPrecision(lq: LayerQuantization, precision: number): { weight: FixedFormat; activation: FixedFormat } {
  if (!Number.isInteger(precision) || precision < Math.max(lq.weight.intBits, lq.activation.intBits)) {
    throw new Error(
      `precision ${precision} bits is below the integer bits of the weights (${formatName(lq.weight)}) or activations (${formatName(lq.activation)})`,
    );
  }
  return {
    weight: { intBits: lq.weight.intBits, fracBits: Math.min(lq.weight.fracBits, precision - lq.weight.intBits) },
    activation: { intBits: lq.activation.intBits, fracBits: Math.min(lq.activation.fracBits, precision - lq.activation.intBits) },
  };
}

/**
 * Checks that every layer can run its input side at `bits`: an integer between the layer's
 * weight / activation integer bits and its static precision. Throws Error naming the layer.
 */
export function checkInputSideBits(config: QuantizationConfig, bits: number): void {
  config.layers.forEach((lq, l) => {
    const top = staticPrecision(lq);
    const low = Math.max(lq.weight.intBits, lq.activation.intBits);
    if (!Number.isInteger(bits) || bits > top || bits < low) {
      throw new Error(`input-side precision ${bits} bits for layer ${l}: expected an integer in [${low}, ${top}] (integer bits of ${formatName(lq.weight)} / ${formatName(lq.activation)} up to the static precision)`);
    }
  });
}

/**
 * Checks formats and that every intermediate of the integer datapath is exact in a double
 * (magnitudes below 2^53), for the given topology. Throws Error naming the layer and the product.
 */
export function validateQuantization(config: QuantizationConfig, t: RnnTopology): void {
  if (config.layers.length !== t.num_layers) {
    throw new Error(`quantization config has ${config.layers.length} layers, the model ${t.num_layers}`);
  }
  const hOut = t.proj_size > 0 ? t.proj_size : t.hidden_size;
  config.layers.forEach((lq, l) => {
    const where = `layer ${l}`;
    validateFormat(lq.weight, `${where} weight`);
    validateFormat(lq.activation, `${where} activation`);
    validateFormat(lq.gate, `${where} gate`);
    validateFormat(lq.cell, `${where} cell`);
    const ww = wordBits(lq.weight);
    const wa = wordBits(lq.activation);
    const wc = wordBits(lq.cell);
    const wg = wordBits(lq.gate);
    const na = lq.activation.fracBits;
    const nc = lq.cell.fracBits;
    const inSize = l === 0 ? t.input_size : (t.bidirectional ? 2 : 1) * hOut;
    // Dot product of K terms plus two biases shifted left by the activation's fractional bits.
    const terms = inSize + hOut + 2;
    assertExact(ww + wa - 2 + Math.ceil(Math.log2(terms)), `${where} gate dot product`);
    if (t.proj_size > 0) assertExact(ww + wa - 2 + Math.ceil(Math.log2(t.hidden_size)), `${where} projection`);
    if (t.cell === 'lstm') {
      const f = Math.max(na + nc, 2 * na);
      assertExact(Math.max(wa + wc - 2 + f - na - nc, 2 * wa - 2 + f - 2 * na) + 1, `${where} cell update f*c + i*g`);
    } else {
      assertExact(wa + wg - 2, `${where} r * (W_hn h + b_hn)`);
      assertExact(2 * wa + 1, `${where} h' = n + z * (h - n)`);
    }
  });
}
