/**
 * LSTM layer with PyTorch's equations and gate order (i, f, g, o):
 *   [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh;  i, f, o = sigmoid; g = tanh
 *   c' = f * c + i * g;  h' = o * tanh(c')
 */
import { gemmABt, transpose } from './gemm.js';
import type { Parameter } from './parameter.js';
import { addColumnSums, createGateParameters, Scratch, sigmoid, type RecurrentLayer } from './recurrent-layer.js';

export class LstmLayer implements RecurrentLayer {
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
    ({ weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh, params: this.params } = createGateParameters(4, inputSize, h, layerIndex, rand));
    // Forget-gate bias starts at +1 (Jozefowicz et al. 2015) so gradients flow early in training.
    for (let j = h; j < 2 * h; j++) this.biasIh.value[j] += 1;
  }

  flopsPerStep(): number {
    return 2 * 4 * this.hiddenSize * (this.inputSize + this.hiddenSize);
  }

  forward(x: Float32Array, steps: number, batch: number, initial?: readonly Float32Array[]): Float32Array {
    const H = this.hiddenSize;
    const G = 4 * H;
    const I = this.inputSize;
    const R = steps * batch;
    const BH = batch * H;
    this.steps = steps;
    this.batch = batch;
    this.x = x;
    const gates = this.scratch.get('gates', R * G);
    const hs = this.scratch.get('hs', (steps + 1) * BH);
    const cs = this.scratch.get('cs', (steps + 1) * BH);
    const tc = this.scratch.get('tanhC', R * H);
    if (initial) {
      hs.set(initial[0], 0);
      cs.set(initial[1], 0);
    } else {
      hs.fill(0, 0, BH);
      cs.fill(0, 0, BH);
    }
    // The input projection of all steps at once: one large, efficient product.
    gemmABt(gates, 0, x, 0, this.weightIh.effective, 0, R, G, I, false);
    const bih = this.biasIh.effective;
    const bhh = this.biasHh.effective;
    const whh = this.weightHh.effective;
    for (let t = 0; t < steps; t++) {
      const gOff = t * batch * G;
      for (let b = 0; b < batch; b++) {
        const o = gOff + b * G;
        for (let j = 0; j < G; j++) gates[o + j] += bih[j] + bhh[j];
      }
      gemmABt(gates, gOff, hs, t * BH, whh, 0, batch, G, H, true);
      for (let b = 0; b < batch; b++) {
        const o = gOff + b * G;
        const cPrev = t * BH + b * H;
        const cNext = cPrev + BH;
        const tcOff = t * BH + b * H;
        for (let j = 0; j < H; j++) {
          const ig = sigmoid(gates[o + j]);
          const fg = sigmoid(gates[o + H + j]);
          const gg = Math.tanh(gates[o + 2 * H + j]);
          const og = sigmoid(gates[o + 3 * H + j]);
          gates[o + j] = ig;
          gates[o + H + j] = fg;
          gates[o + 2 * H + j] = gg;
          gates[o + 3 * H + j] = og;
          const c = fg * cs[cPrev + j] + ig * gg;
          cs[cNext + j] = c;
          const th = Math.tanh(c);
          tc[tcOff + j] = th;
          hs[cNext + j] = og * th;
        }
      }
    }
    return hs.subarray(BH, (steps + 1) * BH);
  }

  finalState(): Float32Array[] {
    const BH = this.batch * this.hiddenSize;
    const hs = this.scratch.get('hs', (this.steps + 1) * BH);
    const cs = this.scratch.get('cs', (this.steps + 1) * BH);
    return [hs.slice(this.steps * BH), cs.slice(this.steps * BH)];
  }

  backward(dh: Float32Array): Float32Array {
    const H = this.hiddenSize;
    const G = 4 * H;
    const I = this.inputSize;
    const steps = this.steps;
    const batch = this.batch;
    const R = steps * batch;
    const BH = batch * H;
    const gates = this.scratch.get('gates', R * G);
    const hs = this.scratch.get('hs', (steps + 1) * BH);
    const cs = this.scratch.get('cs', (steps + 1) * BH);
    const tc = this.scratch.get('tanhC', R * H);
    const dpre = this.scratch.get('dpre', R * G);
    const whhT = this.scratch.get('whhT', H * G);
    transpose(whhT, 0, this.weightHh.effective, 0, G, H);
    let dhNext = this.scratch.get('dhNextA', BH);
    let dhNew = this.scratch.get('dhNextB', BH);
    const dcNext = this.scratch.get('dcNext', BH);
    dhNext.fill(0);
    dcNext.fill(0);
    for (let t = steps - 1; t >= 0; t--) {
      const gOff = t * batch * G;
      for (let b = 0; b < batch; b++) {
        const o = gOff + b * G;
        const s = t * BH + b * H;
        const sb = b * H;
        for (let j = 0; j < H; j++) {
          const ig = gates[o + j];
          const fg = gates[o + H + j];
          const gg = gates[o + 2 * H + j];
          const og = gates[o + 3 * H + j];
          const th = tc[s + j];
          const dhv = dh[s + j] + dhNext[sb + j];
          const dc = dhv * og * (1 - th * th) + dcNext[sb + j];
          dpre[o + j] = dc * gg * ig * (1 - ig);
          dpre[o + H + j] = dc * cs[s + j] * fg * (1 - fg);
          dpre[o + 2 * H + j] = dc * ig * (1 - gg * gg);
          dpre[o + 3 * H + j] = dhv * th * og * (1 - og);
          dcNext[sb + j] = dc * fg;
        }
      }
      gemmABt(dhNew, 0, dpre, gOff, whhT, 0, batch, H, G, false);
      const tmp = dhNext;
      dhNext = dhNew;
      dhNew = tmp;
    }
    // Weight gradients over all steps at once: dW = dpre^T [G, R] x input^T.
    const dpreT = this.scratch.get('dpreT', G * R);
    transpose(dpreT, 0, dpre, 0, R, G);
    const hPrevT = this.scratch.get('hPrevT', H * R);
    transpose(hPrevT, 0, hs, 0, R, H);
    gemmABt(this.weightHh.grad, 0, dpreT, 0, hPrevT, 0, G, H, R, true);
    const xT = this.scratch.get('xT', I * R);
    transpose(xT, 0, this.x, 0, R, I);
    gemmABt(this.weightIh.grad, 0, dpreT, 0, xT, 0, G, I, R, true);
    addColumnSums(this.biasIh.grad, dpre, R, G);
    addColumnSums(this.biasHh.grad, dpre, R, G);
    const wihT = this.scratch.get('wihT', I * G);
    transpose(wihT, 0, this.weightIh.effective, 0, G, I);
    const dx = this.scratch.get('dx', R * I);
    gemmABt(dx, 0, dpre, 0, wihT, 0, R, I, G, false);
    return dx;
  }
}
