/**
 * Quantized (integer-datapath) inference of an LSTM / LSTMP / GRU network, layer by layer and
 * direction by direction as the float pass (network.ts), with the per-step arithmetic of
 * integer-lstm-cell.ts / integer-gru-cell.ts and per-layer formats from a QuantizationConfig.
 *
 * Per-timestep precision: an optional PrecisionChooser picks the precision (bits) of each step of
 * each layer-direction, seeing the state before the step; the step's weights and matrix-vector
 * inputs are used at that precision (quantization-config.ts). Default: the layer's static
 * precision. An optional StepObserver receives, after every step, the quantized cell state and the
 * precision used: exactly what traces record.
 *
 * Inputs are quantized into layer 0's activation format; a layer's output codes are requantized
 * into the next layer's activation format. Layouts are those of forwardFloat.
 */
import { IntegerActivation } from './activation-tables.js';
import { dequantizeArray, quantizeArray, requantizeArray, type FixedFormat } from './fixed-point.js';
import { gruStepInteger, makeIntegerGruScratch, type IntegerGruUnits } from './integer-gru-cell.js';
import { lstmStepInteger, makeIntegerLstmScratch, type IntegerLstmUnits } from './integer-lstm-cell.js';
import {
  formatsAtPrecision,
  staticPrecision,
  validateQuantization,
  type LayerQuantization,
  type QuantizationConfig,
} from './quantization-config.js';
import { IntegerParamsCache } from './quantized-params.js';
import { directionCount, layerInputSize, outputSize, type RnnModel } from './rnn-model.js';

/** One step's record for traces. Arrays are copies owned by the receiver. */
export interface QuantizedStepRecord {
  readonly sequence: number;
  readonly layer: number;
  readonly direction: number;
  /** Position in the sequence (the reverse direction visits seqLen-1 .. 0). */
  readonly timestep: number;
  /** c_t codes (LSTM; hidden_size) or h_t codes (GRU, whose state is h). */
  readonly cellState: Int32Array;
  /** Fractional bits of cellState (value = code * 2^-cellFracBits). */
  readonly cellFracBits: number;
  /** Precision the step ran at (bits of weights and matrix-vector inputs). */
  readonly precisionBits: number;
  /** h_t codes (H_out). */
  readonly hidden: Int32Array;
  readonly hiddenFracBits: number;
}

export type StepObserver = (record: QuantizedStepRecord) => void;

/** What a precision chooser sees before a step. Arrays are the live state: read, don't keep or write. */
export interface PrecisionContext {
  readonly sequence: number;
  readonly layer: number;
  readonly direction: number;
  readonly timestep: number;
  /** 0-based index of this step in processing order of this layer-direction. */
  readonly stepIndex: number;
  /** The layer's static precision (the maximum a chooser may return). */
  readonly staticPrecision: number;
  /** c_{t-1} (LSTM) or h_{t-1} (GRU) codes. */
  readonly previousCellState: Int32Array;
  readonly cellFracBits: number;
  /** Precision of the previous step of this layer-direction (staticPrecision before the first). */
  readonly previousPrecision: number;
}

/** Returns the precision in bits for the step: an integer in [max integer bits, static precision]. */
export type PrecisionChooser = (context: PrecisionContext) => number;

export interface QuantizedForwardOptions {
  /** Sequence index reported to observers and choosers. Default 0. */
  readonly sequence?: number;
  /** Initial h [L*D, H_out] and c [L*D, H] as floats; zeros when absent. */
  readonly h0?: Float32Array;
  readonly c0?: Float32Array;
  readonly onStep?: StepObserver;
  readonly choosePrecision?: PrecisionChooser;
}

export interface QuantizedForwardResult {
  /** Last layer's h codes [seqLen, D*H_out] in its activation format. */
  readonly outputCodes: Int32Array;
  readonly outputFormat: FixedFormat;
  /** outputCodes as reals. */
  readonly output: Float32Array;
  /** h_n codes [L*D, H_out], each in its layer's activation format. */
  readonly hNCodes: Int32Array;
  /** c_n codes [L*D, H] in each layer's cell format (LSTM), else null. */
  readonly cNCodes: Int32Array | null;
}

interface LayerRuntime {
  readonly quantization: LayerQuantization;
  readonly lstmUnits: IntegerLstmUnits;
  readonly gruUnits: IntegerGruUnits;
  readonly params: IntegerParamsCache[];
}

/** A model bound to a quantization config; caches integer weights per precision across calls. */
export class QuantizedRnn {
  private readonly runtime: LayerRuntime[];

  constructor(
    readonly model: RnnModel,
    readonly config: QuantizationConfig,
  ) {
    validateQuantization(config, model.topology);
    this.runtime = config.layers.map((lq, l) => {
      const sigmoid = new IntegerActivation('sigmoid', lq.sigmoid, lq.gate, lq.activation);
      const tanhGate = new IntegerActivation('tanh', lq.tanh, lq.gate, lq.activation);
      const tanhCell = new IntegerActivation('tanh', lq.tanh, lq.cell, lq.activation);
      return {
        quantization: lq,
        lstmUnits: { sigmoid, tanhGate, tanhCell, activation: lq.activation, gate: lq.gate, cell: lq.cell },
        gruUnits: { sigmoid, tanhGate, activation: lq.activation, gate: lq.gate },
        params: model.layers[l].map((p) => new IntegerParamsCache(p, lq.weight)),
      };
    });
  }

  /** Drops cached integer weights: call after changing the float parameters in place. */
  invalidateWeights(): void {
    for (const r of this.runtime) for (const c of r.params) c.clear();
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
    const states = t.num_layers * dirs;
    if (options.h0 && options.h0.length !== states * hOut) throw new Error(`QuantizedRnn.forward: h0 must have ${states * hOut} values`);
    if (options.c0 && options.c0.length !== states * hidden) throw new Error(`QuantizedRnn.forward: c0 must have ${states * hidden} values`);
    const hNCodes = new Int32Array(states * hOut);
    const cNCodes = isLstm ? new Int32Array(states * hidden) : null;
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
          const params = rt.params[d].get(formats.weight);
          if (lstmScratch) {
            lstmStepInteger(params, rt.lstmUnits, formats.activation, inSize, hidden, hOut, layerInput, step * inSize, h, c, lstmScratch);
          } else if (gruScratch) {
            gruStepInteger(params, rt.gruUnits, formats.activation, inSize, hidden, layerInput, step * inSize, h, gruScratch);
          }
          layerOutput.set(h, step * dirs * hOut + d * hOut);
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
    };
  }
}

/** One-shot convenience: new QuantizedRnn(model, config).forward(...). */
export function forwardQuantized(
  model: RnnModel,
  config: QuantizationConfig,
  input: Float32Array,
  seqLen: number,
  options?: QuantizedForwardOptions,
): QuantizedForwardResult {
  return new QuantizedRnn(model, config).forward(input, seqLen, options);
}
