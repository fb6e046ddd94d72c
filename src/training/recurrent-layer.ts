import { Parameter, fillUniform } from './parameter.js';

/**
 * One unidirectional recurrent layer trained by backpropagation through time. Sequences are
 * time-major: element (t, b, i) of a [steps, batch, width] array is at (t * batch + b) * width + i.
 * forward() keeps what backward() needs (the caches of the last call).
 */
export interface RecurrentLayer {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly params: readonly Parameter[];
  /** Returns the hidden states [steps, batch, hidden]; `initial` is the carried state (truncated BPTT) or zeros. */
  forward(x: Float32Array, steps: number, batch: number, initial?: readonly Float32Array[]): Float32Array;
  /** Given dLoss/dh for every step, accumulates parameter gradients and returns dLoss/dx. */
  backward(dh: Float32Array): Float32Array;
  /** State after the last step of the last forward() (copies), to carry into the next chunk. */
  finalState(): Float32Array[];
  /** Multiply-add FLOPs of one forward step for one sequence (for reports). */
  flopsPerStep(): number;
}

/** Grow-only scratch buffers, so the inner training loop allocates nothing. */
export class Scratch {
  private readonly buffers = new Map<string, Float32Array>();
  get(name: string, length: number): Float32Array {
    let b = this.buffers.get(name);
    if (!b || b.length < length) {
      b = new Float32Array(length);
      this.buffers.set(name, b);
    }
    return b.length === length ? b : b.subarray(0, length);
  }
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Sum of the rows of m [rows, cols] added into out [cols]. */
export function addColumnSums(out: Float32Array, m: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c] += m[base + c];
  }
}

/** The four torch-named parameters of a gated recurrent layer, initialised as torch does (U(-1/sqrt(H), 1/sqrt(H))). */
export interface GateParameters {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter;
  readonly biasHh: Parameter;
  readonly params: readonly Parameter[];
}

export function createGateParameters(gates: number, inputSize: number, hiddenSize: number, layerIndex: number, rand: () => number): GateParameters {
  const rows = gates * hiddenSize;
  const weightIh = Parameter.zeros(`weight_ih_l${layerIndex}`, [rows, inputSize]);
  const weightHh = Parameter.zeros(`weight_hh_l${layerIndex}`, [rows, hiddenSize]);
  const biasIh = Parameter.zeros(`bias_ih_l${layerIndex}`, [rows]);
  const biasHh = Parameter.zeros(`bias_hh_l${layerIndex}`, [rows]);
  const params = [weightIh, weightHh, biasIh, biasHh];
  const bound = 1 / Math.sqrt(hiddenSize);
  for (const p of params) fillUniform(p, bound, rand);
  return { weightIh, weightHh, biasIh, biasHh, params };
}
