/**
 * The trainable model: optional embedding -> stacked unidirectional LSTM/GRU layers -> linear
 * head, read out at every step (character language model) or on the last hidden state
 * (sequence classification). Parameter names follow PyTorch (embedding.weight,
 * weight_ih_l0, ..., head.weight, head.bias).
 */
import type { CellType, RnnTopology, Tensor, TensorMap } from '../functional/tensor.js';
import { gemmABt, transpose } from './gemm.js';
import { GruLayer } from './gru-layer.js';
import { LstmLayer } from './lstm-layer.js';
import { Parameter, fillUniform } from './parameter.js';
import { Prng } from './prng.js';
import { Scratch, type RecurrentLayer } from './recurrent-layer.js';

export type Readout = 'every-step' | 'last-step';

export interface SequenceModelSpec {
  readonly cell: CellType;
  /** Token vocabulary size; 0 for dense (real-valued) inputs. */
  readonly vocabSize: number;
  /** Embedding width for token inputs; for dense inputs, the input width. */
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly outputSize: number;
  readonly readout: Readout;
  readonly seed: number;
}

/** A batch of inputs, time-major: tokens [steps * batch] or values [steps * batch * inputSize]. */
export type SequenceInput = { readonly tokens: Int32Array } | { readonly values: Float32Array };

export class SequenceModel {
  readonly embedding: Parameter | undefined;
  readonly layers: RecurrentLayer[] = [];
  readonly headWeight: Parameter;
  readonly headBias: Parameter;
  readonly params: Parameter[];
  private readonly scratch = new Scratch();
  private steps = 0;
  private batch = 0;
  private tokens: Int32Array | undefined;
  private top: Float32Array = new Float32Array(0);

  constructor(readonly spec: SequenceModelSpec) {
    const rng = new Prng(spec.seed);
    const rand = (): number => rng.uniform();
    if (spec.vocabSize > 0) {
      this.embedding = Parameter.zeros('embedding.weight', [spec.vocabSize, spec.inputSize]);
      // N(0, 1) as torch.nn.Embedding, scaled down so the first gates are not saturated.
      const e = this.embedding.value;
      for (let i = 0; i < e.length; i++) e[i] = 0.3 * rng.normal();
    }
    for (let l = 0; l < spec.numLayers; l++) {
      const inSize = l === 0 ? spec.inputSize : spec.hiddenSize;
      this.layers.push(spec.cell === 'lstm' ? new LstmLayer(inSize, spec.hiddenSize, l, rand) : new GruLayer(inSize, spec.hiddenSize, l, rand));
    }
    this.headWeight = Parameter.zeros('head.weight', [spec.outputSize, spec.hiddenSize]);
    this.headBias = Parameter.zeros('head.bias', [spec.outputSize]);
    fillUniform(this.headWeight, 1 / Math.sqrt(spec.hiddenSize), rand);
    this.params = [...(this.embedding ? [this.embedding] : []), ...this.layers.flatMap((l) => [...l.params]), this.headWeight, this.headBias];
  }

  topology(): RnnTopology {
    return {
      cell: this.spec.cell,
      input_size: this.spec.inputSize,
      hidden_size: this.spec.hiddenSize,
      proj_size: 0,
      num_layers: this.spec.numLayers,
      bidirectional: false,
    };
  }

  /** Rows of logits the last forward produced: steps*batch (every-step) or batch (last-step). */
  outputRows(steps: number, batch: number): number {
    return this.spec.readout === 'every-step' ? steps * batch : batch;
  }

  /**
   * Logits [rows, outputSize] (see outputRows). `initial` holds one state per layer (truncated
   * BPTT); the returned array is reused by the next call.
   */
  forward(input: SequenceInput, steps: number, batch: number, initial?: readonly (readonly Float32Array[])[]): Float32Array {
    this.steps = steps;
    this.batch = batch;
    const R = steps * batch;
    const E = this.spec.inputSize;
    let x: Float32Array;
    if ('tokens' in input) {
      if (!this.embedding) throw new Error('token input given to a dense-input model');
      this.tokens = input.tokens;
      x = this.scratch.get('embedded', R * E);
      const table = this.embedding.effective;
      for (let r = 0; r < R; r++) x.set(table.subarray(input.tokens[r] * E, input.tokens[r] * E + E), r * E);
    } else {
      this.tokens = undefined;
      x = input.values;
    }
    for (let l = 0; l < this.layers.length; l++) x = this.layers[l].forward(x, steps, batch, initial?.[l]);
    const H = this.spec.hiddenSize;
    const C = this.spec.outputSize;
    const rows = this.outputRows(steps, batch);
    this.top = this.spec.readout === 'every-step' ? x : x.subarray((steps - 1) * batch * H, R * H);
    const logits = this.scratch.get('logits', rows * C);
    gemmABt(logits, 0, this.top, 0, this.headWeight.effective, 0, rows, C, H, false);
    const bias = this.headBias.effective;
    for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) logits[r * C + c] += bias[c];
    return logits;
  }

  /** States after the last forward, one array of state tensors per layer. */
  finalStates(): Float32Array[][] {
    return this.layers.map((l) => l.finalState());
  }

  /** Accumulates gradients of all parameters given dLoss/dlogits of the last forward. */
  backward(dlogits: Float32Array): void {
    const H = this.spec.hiddenSize;
    const C = this.spec.outputSize;
    const steps = this.steps;
    const batch = this.batch;
    const R = steps * batch;
    const rows = this.outputRows(steps, batch);
    const dT = this.scratch.get('dlogitsT', C * rows);
    transpose(dT, 0, dlogits, 0, rows, C);
    const topT = this.scratch.get('topT', H * rows);
    transpose(topT, 0, this.top, 0, rows, H);
    gemmABt(this.headWeight.grad, 0, dT, 0, topT, 0, C, H, rows, true);
    for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) this.headBias.grad[c] += dlogits[r * C + c];
    const wT = this.scratch.get('headT', H * C);
    transpose(wT, 0, this.headWeight.effective, 0, C, H);
    let dh = this.scratch.get('dTop', R * H);
    if (this.spec.readout === 'every-step') {
      gemmABt(dh, 0, dlogits, 0, wT, 0, rows, H, C, false);
    } else {
      dh.fill(0);
      gemmABt(dh, (steps - 1) * batch * H, dlogits, 0, wT, 0, rows, H, C, false);
    }
    for (let l = this.layers.length - 1; l >= 0; l--) dh = this.layers[l].backward(dh);
    if (this.tokens && this.embedding) {
      const E = this.spec.inputSize;
      const g = this.embedding.grad;
      for (let r = 0; r < R; r++) {
        const base = this.tokens[r] * E;
        for (let e = 0; e < E; e++) g[base + e] += dh[r * E + e];
      }
    }
  }

  /** FLOPs of one forward step of one sequence through the recurrent core and head. */
  flopsPerStep(): number {
    const head = 2 * this.spec.hiddenSize * this.spec.outputSize;
    return this.layers.reduce((s, l) => s + l.flopsPerStep(), 0) + (this.spec.readout === 'every-step' ? head : 0);
  }

  /** Parameters as named tensors (the full-precision values), for safetensors. */
  toTensorMap(): TensorMap {
    const m: TensorMap = new Map<string, Tensor>();
    for (const p of this.params) m.set(p.name, { shape: [...p.shape], data: p.value.slice() });
    return m;
  }

  /** Load values from named tensors (shapes must match). */
  loadTensorMap(tensors: TensorMap): void {
    for (const p of this.params) {
      const t = tensors.get(p.name);
      if (!t) throw new Error(`missing tensor ${p.name}`);
      if (t.data.length !== p.value.length) throw new Error(`${p.name}: ${t.data.length} values, expected ${p.value.length}`);
      p.value.set(t.data);
    }
  }
}
