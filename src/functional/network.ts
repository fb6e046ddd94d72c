/**
 * Float32 reference inference of a multi-layer, optionally bidirectional, optionally projected
 * LSTM or GRU, with exactly torch.nn.LSTM / torch.nn.GRU semantics.
 *
 * Layouts (one sequence; loop over a batch):
 *   input   [seqLen, input_size]
 *   output  [seqLen, D * H_out]  last layer, forward then reverse halves (torch's output)
 *   hN      [num_layers * D, H_out]  index layer * D + direction (torch's h_n)
 *   cN      [num_layers * D, hidden_size]  (LSTM only)
 * h0 / c0, when given, have the layouts of hN / cN; otherwise zeros.
 * The reverse direction reads the sequence from t = seqLen - 1 down to 0.
 */
import { gruStepFloat, makeGruScratch } from './gru-cell.js';
import { lstmStepFloat, makeLstmScratch } from './lstm-cell.js';
import { matVecBias } from './matvec.js';
import { directionCount, outputSize, type RnnModel } from './rnn-model.js';

/** What the float pass exposes per step, for range observation (arrays valid during the call only). */
export interface FloatStepRecord {
  readonly layer: number;
  readonly direction: number;
  /** Position in the sequence (descending for the reverse direction). */
  readonly timestep: number;
  /** Layer input x_t. */
  readonly input: Float32Array;
  /** Gate pre-activations (LSTM i,f,g,o; GRU r,z,n with n's including r*(W_hn h + b_hn)). */
  readonly gates: Float64Array;
  /** LSTM cell state c_t; null for GRU. */
  readonly cell: Float32Array | null;
  /** h_t. */
  readonly hidden: Float32Array;
}

export type FloatStepObserver = (record: FloatStepRecord) => void;

export interface FloatForwardOptions {
  readonly h0?: Float32Array;
  readonly c0?: Float32Array;
  readonly observer?: FloatStepObserver;
}

export interface FloatForwardResult {
  readonly output: Float32Array;
  readonly hN: Float32Array;
  readonly cN: Float32Array | null;
}

export function forwardFloat(model: RnnModel, input: Float32Array, seqLen: number, options: FloatForwardOptions = {}): FloatForwardResult {
  const t = model.topology;
  const hidden = t.hidden_size;
  const hOut = outputSize(t);
  const dirs = directionCount(t);
  const isLstm = t.cell === 'lstm';
  if (input.length !== seqLen * t.input_size) {
    throw new Error(`forwardFloat: input has ${input.length} values, expected seqLen ${seqLen} x input_size ${t.input_size}`);
  }
  const states = t.num_layers * dirs;
  if (options.h0 && options.h0.length !== states * hOut) throw new Error(`forwardFloat: h0 must have ${states * hOut} values`);
  if (options.c0 && options.c0.length !== states * hidden) throw new Error(`forwardFloat: c0 must have ${states * hidden} values`);
  const hN = new Float32Array(states * hOut);
  const cN = isLstm ? new Float32Array(states * hidden) : null;
  const lstmScratch = makeLstmScratch(hidden);
  const gruScratch = makeGruScratch(hidden);
  const gateRows = (isLstm ? 4 : 3) * hidden;
  const xProj = new Float32Array(seqLen * gateRows);
  const h = new Float32Array(hOut);
  const c = new Float32Array(hidden);
  const observer = options.observer;

  let layerInput = input;
  let inSize = t.input_size;
  for (let l = 0; l < t.num_layers; l++) {
    const layerOutput = new Float32Array(seqLen * dirs * hOut);
    for (let d = 0; d < dirs; d++) {
      const p = model.layers[l][d];
      // The input projection does not depend on the recurrence: do it for all steps up front.
      for (let s = 0; s < seqLen; s++) matVecBias(p.wIh, gateRows, inSize, layerInput, s * inSize, p.bIh, xProj, s * gateRows);
      const stateIndex = l * dirs + d;
      if (options.h0) h.set(options.h0.subarray(stateIndex * hOut, (stateIndex + 1) * hOut));
      else h.fill(0);
      if (options.c0) c.set(options.c0.subarray(stateIndex * hidden, (stateIndex + 1) * hidden));
      else c.fill(0);
      for (let s = 0; s < seqLen; s++) {
        const step = d === 0 ? s : seqLen - 1 - s;
        if (isLstm) lstmStepFloat(p, hidden, hOut, xProj, step * gateRows, h, c, lstmScratch);
        else gruStepFloat(p, hidden, xProj, step * gateRows, h, gruScratch);
        layerOutput.set(h, step * dirs * hOut + d * hOut);
        if (observer) {
          observer({
            layer: l,
            direction: d,
            timestep: step,
            input: layerInput.subarray(step * inSize, (step + 1) * inSize),
            gates: isLstm ? lstmScratch.gates : gruScratch.gates,
            cell: isLstm ? c : null,
            hidden: h,
          });
        }
      }
      hN.set(h, stateIndex * hOut);
      if (cN) cN.set(c, stateIndex * hidden);
    }
    layerInput = layerOutput;
    inSize = dirs * hOut;
  }
  return { output: layerInput, hN, cN };
}
