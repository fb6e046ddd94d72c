/**
 * Observed value ranges (max |x|) per layer, from the float model: weights from the parameters,
 * activations / gate pre-activations / cell states from float inference on calibration data.
 * These fix the integer bits of each fixed-point format (post-training.ts).
 */
import { forwardFloat, type FloatStepRecord } from './network.js';
import type { RnnModel } from './rnn-model.js';

export interface LayerRanges {
  /** All parameters of the layer (both directions). */
  weight: number;
  /** Layer inputs and hidden states (sigmoid/tanh outputs are within 1 and not tracked). */
  activation: number;
  /** Gate pre-activations. */
  gate: number;
  /** LSTM cell state (0 for GRU). */
  cell: number;
}

function maxAbs(a: ArrayLike<number>, start: number): number {
  let m = start;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

export class RangeObserver {
  readonly ranges: LayerRanges[];

  constructor(readonly model: RnnModel) {
    this.ranges = model.layers.map((dirs) => {
      let w = 0;
      for (const p of dirs) {
        w = maxAbs(p.wIh, w);
        w = maxAbs(p.wHh, w);
        w = maxAbs(p.bIh, w);
        w = maxAbs(p.bHh, w);
        if (p.wHr) w = maxAbs(p.wHr, w);
      }
      return { weight: w, activation: 0, gate: 0, cell: 0 };
    });
  }

  /** Pass as forwardFloat's observer. */
  readonly observe = (r: FloatStepRecord): void => {
    const lr = this.ranges[r.layer];
    lr.activation = maxAbs(r.input, maxAbs(r.hidden, lr.activation));
    lr.gate = maxAbs(r.gates, lr.gate);
    if (r.cell) lr.cell = maxAbs(r.cell, lr.cell);
  };

  /** Runs float inference on one sequence, recording ranges. */
  run(input: Float32Array, seqLen: number): void {
    forwardFloat(this.model, input, seqLen, { observer: this.observe });
  }
}

/** Ranges over a set of calibration sequences. */
export function observeRanges(model: RnnModel, sequences: Iterable<{ readonly input: Float32Array; readonly seqLen: number }>): LayerRanges[] {
  const o = new RangeObserver(model);
  for (const s of sequences) o.run(s.input, s.seqLen);
  return o.ranges;
}
