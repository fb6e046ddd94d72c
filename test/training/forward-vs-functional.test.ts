/**
 * The trainer's batched forward pass equals the project's reference float inference
 * (src/functional/network.ts, itself tested against torch.nn.LSTM/GRU) on the weights it
 * exports: same equations, gate order and parameter names, so trained models load unchanged.
 */
import { describe, expect, it } from 'vitest';
import { forwardFloat } from '../../src/functional/network.js';
import { loadRnnModel } from '../../src/functional/rnn-model.js';
import { Prng } from '../../src/training/prng.js';
import { SequenceModel } from '../../src/training/sequence-model.js';

describe('trainer forward matches the functional float reference', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}, 2 layers`, () => {
      const I = 5;
      const H = 7;
      const T = 6;
      const B = 3;
      const model = new SequenceModel({ cell, vocabSize: 0, inputSize: I, hiddenSize: H, numLayers: 2, outputSize: 4, readout: 'every-step', seed: 9 });
      const rng = new Prng(1);
      const x = Float32Array.from({ length: T * B * I }, () => rng.normal());
      let h: Float32Array = x;
      for (const layer of model.layers) h = layer.forward(h, T, B);
      const reference = loadRnnModel(model.toTensorMap(), { topology: model.topology() });
      for (let b = 0; b < B; b++) {
        const seq = new Float32Array(T * I);
        for (let t = 0; t < T; t++) seq.set(x.subarray((t * B + b) * I, (t * B + b + 1) * I), t * I);
        const out = forwardFloat(reference, seq, T).output;
        for (let t = 0; t < T; t++) {
          for (let j = 0; j < H; j++) expect(h[(t * B + b) * H + j]).toBeCloseTo(out[t * H + j], 5);
        }
      }
    });
  }
});
