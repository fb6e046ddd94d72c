/**
 * GRU layer with PyTorch's equations and gate order (r, z, n):
 *   r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr),  z likewise,
 *   n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),  h' = (1 - z) * n + z * h
 */
import { gemmABt, transpose } from './gemm.js';
import type { Parameter } from './parameter.js';
import { addColumnSums, createGateParameters, Scratch, sigmoid, type RecurrentLayer } from './recurrent-layer.js';

export class GruLayer implements RecurrentLayer {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter;
  readonly biasHh: Parameter;
  readonly params: readonly Parameter[];
  private readonly scratch = new Scratch();
  private steps = 0;
  private batch = 0;
  private x: Float32Array = new Float32Array(0);

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    layerIndex: number,
    rand: () => number,
  ) {
    const h = hiddenSize;
    ({ weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh, params: this.params } = createGateParameters(3, inputSize, h, layerIndex, rand));
  }

  flopsPerStep(): number {
    return 2 * 3 * this.hiddenSize * (this.inputSize + this.hiddenSize);
  }

  forward(x: Float32Array, steps: number, batch: number, initial?: readonly Float32Array[]): Float32Array {
    const H = this.hiddenSize;
    const G = 3 * H;
    const I = this.inputSize;
    const R = steps * batch;
    const BH = batch * H;
    this.steps = steps;
    this.batch = batch;
    this.x = x;
    const gi = this.scratch.get('gi', R * G); // input projections, then activated (r, z, n)
    const gh = this.scratch.get('gh', R * G); // recurrent projections (gh_n is kept for backward)
    const hs = this.scratch.get('hs', (steps + 1) * BH);
    if (initial) hs.set(initial[0], 0);
    else hs.fill(0, 0, BH);
    gemmABt(gi, 0, x, 0, this.weightIh.effective, 0, R, G, I, false);
    const bih = this.biasIh.effective;
    const bhh = this.biasHh.effective;
    for (let t = 0; t < steps; t++) {
      const gOff = t * batch * G;
      for (let b = 0; b < batch; b++) {
        const o = gOff + b * G;
        for (let j = 0; j < G; j++) gh[o + j] = bhh[j];
      }
      gemmABt(gh, gOff, hs, t * BH, this.weightHh.effective, 0, batch, G, H, true);
      for (let b = 0; b < batch; b++) {
        const o = gOff + b * G;
        const hPrev = t * BH + b * H;
        const hNext = hPrev + BH;
        for (let j = 0; j < H; j++) {
          const r = sigmoid(gi[o + j] + bih[j] + gh[o + j]);
          const z = sigmoid(gi[o + H + j] + bih[H + j] + gh[o + H + j]);
          const n = Math.tanh(gi[o + 2 * H + j] + bih[2 * H + j] + r * gh[o + 2 * H + j]);
          gi[o + j] = r;
          gi[o + H + j] = z;
          gi[o + 2 * H + j] = n;
          hs[hNext + j] = (1 - z) * n + z * hs[hPrev + j];
        }
      }
    }
    return hs.subarray(BH, (steps + 1) * BH);
  }

  finalState(): Float32Array[] {
    const BH = this.batch * this.hiddenSize;
    const hs = this.scratch.get('hs', (this.steps + 1) * BH);
    return [hs.slice(this.steps * BH)];
  }

  backward(dh: Float32Array): Float32Array {
    const H = this.hiddenSize;
    const G = 3 * H;
    const I = this.inputSize;
    const steps = this.steps;
    const batch = this.batch;
    const R = steps * batch;
    const BH = batch * H;
    const act = this.scratch.get('gi', R * G);
    const gh = this.scratch.get('gh', R * G);
    const hs = this.scratch.get('hs', (steps + 1) * BH);
    const dgi = this.scratch.get('dgi', R * G);
    const dgh = this.scratch.get('dgh', R * G);
    const whhT = this.scratch.get('whhT', H * G);
    transpose(whhT, 0, this.weightHh.effective, 0, G, H);
    let dhNext = this.scratch.get('dhNextA', BH);
    let dhNew = this.scratch.get('dhNextB', BH);
    dhNext.fill(0);
    for (let t = steps - 1; t >= 0; t--) {
      const gOff = t * batch * G;
      for (let b = 0; b < batch; b++) {
        const o = gOff + b * G;
        const s = t * BH + b * H;
        const sb = b * H;
        for (let j = 0; j < H; j++) {
          const r = act[o + j];
          const z = act[o + H + j];
          const n = act[o + 2 * H + j];
          const hp = hs[s + j];
          const dhv = dh[s + j] + dhNext[sb + j];
          const dnp = dhv * (1 - z) * (1 - n * n);
          const drp = dnp * gh[o + 2 * H + j] * r * (1 - r);
          const dzp = dhv * (hp - n) * z * (1 - z);
          dgi[o + j] = drp;
          dgi[o + H + j] = dzp;
          dgi[o + 2 * H + j] = dnp;
          dgh[o + j] = drp;
          dgh[o + H + j] = dzp;
          dgh[o + 2 * H + j] = dnp * r;
          dhNew[sb + j] = dhv * z;
        }
      }
      gemmABt(dhNew, 0, dgh, gOff, whhT, 0, batch, H, G, true);
      const tmp = dhNext;
      dhNext = dhNew;
      dhNew = tmp;
    }
    const dT = this.scratch.get('dT', G * R);
    transpose(dT, 0, dgh, 0, R, G);
    const hPrevT = this.scratch.get('hPrevT', H * R);
    transpose(hPrevT, 0, hs, 0, R, H);
    gemmABt(this.weightHh.grad, 0, dT, 0, hPrevT, 0, G, H, R, true);
    transpose(dT, 0, dgi, 0, R, G);
    const xT = this.scratch.get('xT', I * R);
    transpose(xT, 0, this.x, 0, R, I);
    gemmABt(this.weightIh.grad, 0, dT, 0, xT, 0, G, I, R, true);
    addColumnSums(this.biasIh.grad, dgi, R, G);
    addColumnSums(this.biasHh.grad, dgh, R, G);
    const wihT = this.scratch.get('wihT', I * G);
    transpose(wihT, 0, this.weightIh.effective, 0, G, I);
    const dx = this.scratch.get('dx', R * I);
    gemmABt(dx, 0, dgi, 0, wihT, 0, R, I, G, false);
    return dx;
  }
}
