/**
 * The functional model with the delta rule in the loop (DeltaLSTM on rnnsim's bit-exact integer
 * datapath): the matrix-vector products of every step see x_hat_t and h_hat_(t-1), the values
 * last propagated by the delta rule (replay.ts, deltaStep), instead of x_t and h_(t-1). With
 * exact integer accumulation, M_t = M_(t-1) + W dx_t + W dh_(t-1) equals W x_hat_t + W h_hat_(t-1)
 * + b, which is what this computes; the cell state and the element-wise work use the true
 * values, as in DeltaRNN. Theta = 0 gives exactly the dense model (a zero change multiplies 0).
 *
 * The layer loop follows QuantizedRnn.forward (src/functional/quantized-network.ts): inputs
 * quantized into layer 0's activation format, each layer's output requantized into the next
 * layer's, static precision. LSTM only: the integer GRU step uses its recurrent input also in
 * the element-wise update (h_t = (1 - z) n + z h_(t-1)), which the delta rule must not change.
 */
import { IntegerActivation } from '../../functional/activation-tables.js';
import { dequantizeArray, quantizeArray, requantizeArray, type FixedFormat } from '../../functional/fixed-point.js';
import { lstmStepInteger, makeIntegerLstmScratch, type IntegerLstmUnits } from '../../functional/integer-lstm-cell.js';
import { formatsAtPrecision, staticPrecision, validateQuantization, type QuantizationConfig } from '../../functional/quantization-config.js';
import { IntegerParamsCache } from '../../functional/quantized-params.js';
import { directionCount, layerInputSize, outputSize, type RnnModel } from '../../functional/rnn-model.js';
import { deltaStep, type DeltaThresholds } from './replay.js';

/** What one sequence's run leaves for the trace: each layer's input codes and each direction's h codes, per timestep. */
export interface DeltaForwardResult {
  /** Last layer's output [seqLen, D*H_out] as reals. */
  readonly output: Float32Array;
  /** Per layer: its input codes [seqLen, I_l] and their fractional bits. */
  readonly layerInputs: ReadonlyArray<{ readonly codes: Int32Array; readonly fracBits: number }>;
  /** Per layer: its output codes [seqLen, D*H_out] (direction d at offset d*H_out) and fractional bits. */
  readonly layerOutputs: ReadonlyArray<{ readonly codes: Int32Array; readonly fracBits: number }>;
}

export class DeltaLstm {
  private readonly units: IntegerLstmUnits[];
  private readonly params: IntegerParamsCache[][];

  constructor(
    readonly model: RnnModel,
    readonly config: QuantizationConfig,
    readonly thresholds: DeltaThresholds,
  ) {
    if (model.topology.cell !== 'lstm') throw new RangeError(`the delta rule in the loop is modelled for LSTMs (this model is a ${model.topology.cell})`);
    if (model.topology.proj_size > 0) throw new RangeError('the delta unit supports layers without projection');
    validateQuantization(config, model.topology);
    this.units = config.layers.map((lq) => ({
      sigmoid: new IntegerActivation('sigmoid', lq.sigmoid, lq.gate, lq.activation),
      tanhGate: new IntegerActivation('tanh', lq.tanh, lq.gate, lq.activation),
      tanhCell: new IntegerActivation('tanh', lq.tanh, lq.cell, lq.activation),
      activation: lq.activation,
      gate: lq.gate,
      cell: lq.cell,
    }));
    this.params = config.layers.map((lq, l) => model.layers[l].map((p) => new IntegerParamsCache(p, lq.weight)));
  }

  forward(input: Float32Array, seqLen: number): DeltaForwardResult {
    const t = this.model.topology;
    const H = t.hidden_size;
    const hOut = outputSize(t);
    const dirs = directionCount(t);
    let layerInput = quantizeArray(input, this.config.layers[0].activation);
    let inputFormat: FixedFormat = this.config.layers[0].activation;
    const layerInputs: Array<{ codes: Int32Array; fracBits: number }> = [];
    const layerOutputs: Array<{ codes: Int32Array; fracBits: number }> = [];
    for (let l = 0; l < t.num_layers; l++) {
      const lq = this.config.layers[l];
      const inSize = layerInputSize(t, l);
      if (inputFormat !== lq.activation) layerInput = requantizeArray(layerInput, inputFormat.fracBits, lq.activation);
      layerInputs.push({ codes: layerInput, fracBits: lq.activation.fracBits });
      const scratch = makeIntegerLstmScratch(inSize, H, hOut);
      const formats = formatsAtPrecision(lq, staticPrecision(lq));
      const output = new Int32Array(seqLen * dirs * hOut);
      const scale = 2 ** -lq.activation.fracBits;
      for (let d = 0; d < dirs; d++) {
        const params = this.params[l][d].get(formats.weight);
        // Last propagated values (reals) and the codes the products see.
        const xHat = new Float64Array(inSize);
        const hHat = new Float64Array(hOut);
        const xCodes = new Int32Array(inSize);
        const h = new Int32Array(hOut);
        const hTrue = new Int32Array(hOut);
        const c = new Int32Array(H);
        const mask = new Uint8Array(Math.max(inSize, hOut));
        for (let s = 0; s < seqLen; s++) {
          const step = d === 0 ? s : seqLen - 1 - s;
          deltaStep({ values: layerInput.subarray(step * inSize, (step + 1) * inSize), fractionalBits: lq.activation.fracBits }, xHat, this.thresholds.input, mask);
          deltaStep({ values: hTrue, fractionalBits: lq.activation.fracBits }, hHat, this.thresholds.hidden, mask);
          for (let j = 0; j < inSize; j++) xCodes[j] = Math.round(xHat[j] / scale);
          for (let j = 0; j < hOut; j++) h[j] = Math.round(hHat[j] / scale);
          lstmStepInteger({ params, activation: formats.activation, inputParams: params, inputActivation: formats.activation, rounding: 'half_even' }, this.units[l], inSize, H, hOut, xCodes, 0, h, c, scratch);
          hTrue.set(h);
          output.set(h, step * dirs * hOut + d * hOut);
        }
      }
      layerOutputs.push({ codes: output, fracBits: lq.activation.fracBits });
      layerInput = output;
      inputFormat = lq.activation;
    }
    return { output: dequantizeArray(layerInput, inputFormat), layerInputs, layerOutputs };
  }
}
