/**
 * What a model outputs for one sequence, from the recurrent core's output [steps, D * H_out]:
 *   classification   one row of logits, the head on the readout step (last_step: output row
 *                    steps - 1; final_state: forward half of row steps - 1 and reverse half of
 *                    row 0, i.e. torch's h_n of the last layer);
 *   language model   one row of logits per step;
 *   sequence output  the core's output rows themselves (no head).
 * The head runs in float64 accumulation over float32 weights, bias first then j = 0..H-1.
 */
import { directionCount, outputSize } from '../functional/rnn-model.js';
import type { EvalTask } from './eval-data.js';
import type { InferenceParts } from './inference.js';

/**
 * out[c] = head.bias[c] + sum_j head.weight[c, j] * h[offset + j]: double sums over float32
 * operands, each class's terms added in order j = 0, 1, ... (floating-point sums depend on the
 * order; this one is fixed). Four classes share a pass over h; each keeps its own order.
 */
export function headRow(parts: InferenceParts, h: Float32Array, offset: number, hLen: number, out: Float64Array): void {
  const w = parts.headWeight;
  if (!w) throw new Error('internal: head rows of a model without a head');
  const b = parts.headBias;
  const classes = parts.classes;
  let c = 0;
  for (; c + 4 <= classes; c += 4) {
    let s0 = b ? b[c] : 0;
    let s1 = b ? b[c + 1] : 0;
    let s2 = b ? b[c + 2] : 0;
    let s3 = b ? b[c + 3] : 0;
    const w0 = c * hLen;
    const w1 = w0 + hLen;
    const w2 = w1 + hLen;
    const w3 = w2 + hLen;
    for (let j = 0; j < hLen; j++) {
      const x = h[offset + j];
      s0 += w[w0 + j] * x;
      s1 += w[w1 + j] * x;
      s2 += w[w2 + j] * x;
      s3 += w[w3 + j] * x;
    }
    out[c] = s0;
    out[c + 1] = s1;
    out[c + 2] = s2;
    out[c + 3] = s3;
  }
  for (; c < classes; c++) {
    let s = b ? b[c] : 0;
    const base = c * hLen;
    for (let j = 0; j < hLen; j++) s += w[base + j] * h[offset + j];
    out[c] = s;
  }
}

/** Reusable buffers of forEachReadout for one model. */
export interface ReadoutScratch {
  readonly row: Float64Array;
  readonly state: Float32Array;
}

export function makeReadoutScratch(parts: InferenceParts): ReadoutScratch {
  const t = parts.rnn.topology;
  return { row: new Float64Array(parts.classes), state: new Float32Array(directionCount(t) * outputSize(t)) };
}

/** Rows visit() receives per sequence: 1 for a classifier, else `steps`. */
export function readoutRows(task: EvalTask, steps: number): number {
  return task === 'classification' ? 1 : steps;
}

/** Calls visit(row, index) for each output row of one sequence (row is reused: copy to keep). */
export function forEachReadout(
  parts: InferenceParts,
  task: EvalTask,
  output: Float32Array,
  steps: number,
  scratch: ReadoutScratch,
  visit: (row: Float64Array, index: number) => void,
): void {
  const t = parts.rnn.topology;
  const hOut = outputSize(t);
  const hLen = directionCount(t) * hOut;
  const row = scratch.row;
  if (task === 'classification') {
    if (parts.readout === 'final_state' && t.bidirectional) {
      const s = scratch.state;
      s.set(output.subarray((steps - 1) * hLen, (steps - 1) * hLen + hOut), 0);
      s.set(output.subarray(hOut, 2 * hOut), hOut);
      headRow(parts, s, 0, hLen, row);
    } else {
      headRow(parts, output, (steps - 1) * hLen, hLen, row);
    }
    visit(row, 0);
    return;
  }
  for (let s = 0; s < steps; s++) {
    if (parts.headWeight) headRow(parts, output, s * hLen, hLen, row);
    else for (let j = 0; j < hLen; j++) row[j] = output[s * hLen + j];
    visit(row, s);
  }
}

/** Index of the largest value (the first on ties). */
export function argmax(row: Float64Array): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
}
