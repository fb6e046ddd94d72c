/**
 * The one-sequence-at-a-time integer datapath, kept as the slow reference of the batched path
 * (quantized-network.ts): a plain loop over layers, directions and steps with the per-step cells
 * of integer-lstm-cell.ts / integer-gru-cell.ts (Int32 codes, one matrix-vector product per
 * step). It was rnnsim's only quantized path before the batched one; tests check that both give
 * the same codes, states and precisions, and the functional bench reports both speeds.
 */
import { dequantizeArray, quantizeArray, requantizeArray } from './fixed-point.js';
import { gruStepInteger, makeIntegerGruScratch } from './integer-gru-cell.js';
import { lstmStepInteger, makeIntegerLstmScratch, type StepOperands } from './integer-lstm-cell.js';
import { checkInputSideBits, formatsAtPrecision, staticPrecision, validateQuantization, type QuantizationConfig } from './quantization-config.js';
import type { QuantizedForwardOptions, QuantizedForwardResult } from './quantized-network.js';
import { buildLayerRuntimes, type LayerRuntime } from './quantized-runtime.js';
import { directionCount, layerInputSize, outputSize, type RnnModel } from './rnn-model.js';

export class ReferenceQuantizedRnn {
  private readonly runtime: LayerRuntime[];

  constructor(
    readonly model: RnnModel,
    readonly config: QuantizationConfig,
  ) {
    validateQuantization(config, model.topology);
    this.runtime = buildLayerRuntimes(model, config);
  }

  forward(input: Float32Array, seqLen: number, options: QuantizedForwardOptions = {}): QuantizedForwardResult {
    const t = this.model.topology;
    const hidden = t.hidden_size;
    const hOut = outputSize(t);
    const dirs = directionCount(t);
    const isLstm = t.cell === 'lstm';
    const sequence = options.sequence ?? 0;
    if (input.length !== seqLen * t.input_size) {
      throw new Error(`QuantizedRnn.forward: input has ${input.length} values, expected seqLen ${seqLen} x input_size ${t.input_size}`);
    }
    if (options.inputSideBits !== undefined) checkInputSideBits(this.config, options.inputSideBits);
    const states = t.num_layers * dirs;
    if (options.h0 && options.h0.length !== states * hOut) throw new Error(`QuantizedRnn.forward: h0 must have ${states * hOut} values`);
    if (options.c0 && options.c0.length !== states * hidden) throw new Error(`QuantizedRnn.forward: c0 must have ${states * hidden} values`);
    const hNCodes = new Int32Array(states * hOut);
    const cNCodes = isLstm ? new Int32Array(states * hidden) : null;
    const stepPrecisions = new Uint8Array(states * seqLen);
    const h = new Int32Array(hOut);
    const c = new Int32Array(hidden);

    let layerInput = quantizeArray(input, this.config.layers[0]?.activation ?? { intBits: 16, fracBits: 16 });
    let inputFormat = this.config.layers[0]?.activation;
    for (let l = 0; l < t.num_layers; l++) {
      const rt = this.runtime[l];
      const lq = rt.quantization;
      const inSize = layerInputSize(t, l);
      if (inputFormat !== undefined && inputFormat !== lq.activation) {
        layerInput = requantizeArray(layerInput, inputFormat.fracBits, lq.activation);
      }
      const lstmScratch = isLstm ? makeIntegerLstmScratch(inSize, hidden, hOut) : null;
      const gruScratch = isLstm ? null : makeIntegerGruScratch(inSize, hidden);
      const layerOutput = new Int32Array(seqLen * dirs * hOut);
      const maxPrecision = staticPrecision(lq);
      const state = isLstm ? c : h;
      const stateFrac = isLstm ? lq.cell.fracBits : lq.activation.fracBits;
      for (let d = 0; d < dirs; d++) {
        const si = l * dirs + d;
        if (options.h0) quantizeArray(options.h0.subarray(si * hOut, (si + 1) * hOut), lq.activation, h);
        else h.fill(0);
        if (options.c0) quantizeArray(options.c0.subarray(si * hidden, (si + 1) * hidden), lq.cell, c);
        else c.fill(0);
        let precision = maxPrecision;
        for (let s = 0; s < seqLen; s++) {
          const step = d === 0 ? s : seqLen - 1 - s;
          if (options.choosePrecision) {
            const chosen = options.choosePrecision({
              sequence,
              layer: l,
              direction: d,
              timestep: step,
              stepIndex: s,
              staticPrecision: maxPrecision,
              previousCellState: state,
              cellFracBits: stateFrac,
              previousPrecision: precision,
            });
            if (!Number.isInteger(chosen) || chosen > maxPrecision) {
              throw new Error(`precision chooser returned ${chosen} for layer ${l}: expected an integer <= ${maxPrecision}`);
            }
            precision = chosen;
          } else {
            precision = maxPrecision;
          }
          const formats = formatsAtPrecision(lq, precision);
          const inputFormats = options.inputSideBits === undefined ? formats : formatsAtPrecision(lq, options.inputSideBits);
          const ops: StepOperands = {
            params: rt.params[d].get(formats.weight),
            activation: formats.activation,
            inputParams: rt.params[d].get(inputFormats.weight),
            inputActivation: inputFormats.activation,
            rounding: rt.reductionRounding,
          };
          if (lstmScratch) {
            lstmStepInteger(ops, rt.lstmUnits, inSize, hidden, hOut, layerInput, step * inSize, h, c, lstmScratch);
          } else if (gruScratch) {
            gruStepInteger(ops, rt.gruUnits, inSize, hidden, layerInput, step * inSize, h, gruScratch);
          }
          layerOutput.set(h, step * dirs * hOut + d * hOut);
          stepPrecisions[si * seqLen + step] = precision;
          if (options.onStep) {
            options.onStep({
              sequence,
              layer: l,
              direction: d,
              timestep: step,
              cellState: state.slice(),
              cellFracBits: stateFrac,
              precisionBits: precision,
              hidden: h.slice(),
              hiddenFracBits: lq.activation.fracBits,
            });
          }
        }
        hNCodes.set(h, si * hOut);
        if (cNCodes) cNCodes.set(c, si * hidden);
      }
      layerInput = layerOutput;
      inputFormat = lq.activation;
    }
    const outputFormat = inputFormat ?? { intBits: 16, fracBits: 16 };
    return {
      outputCodes: layerInput,
      outputFormat,
      output: dequantizeArray(layerInput, outputFormat),
      hNCodes,
      cNCodes,
      stepPrecisions,
    };
  }
}
