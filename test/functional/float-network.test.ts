import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { forwardFloat } from '../../src/functional/network.js';
import { inferTopology, loadRnnModel } from '../../src/functional/rnn-model.js';
import { REFERENCE_CASES, batchItem, loadReferenceCase, maxAbsDiff, stateItem, tensor } from './reference-cases.js';

/** Stated tolerance of the float forward pass against torch (float32 vs our double accumulation). */
const TOLERANCE = 1e-5;

describe('float forward pass against torch.nn.LSTM / torch.nn.GRU', () => {
  for (const name of REFERENCE_CASES) {
    it(`${name}: output, h_n and c_n within ${TOLERANCE}`, () => {
      const ref = loadReferenceCase(name);
      // Topology inferred from names/shapes must equal what torch was built with.
      expect(inferTopology(ref.weights)).toEqual(ref.topology);
      const model = loadRnnModel(ref.weights, { topology: ref.topology });
      const input = tensor(ref.io, 'input');
      const [batch, seqLen] = input.shape;
      for (let b = 0; b < batch; b++) {
        const h0 = stateItem(tensor(ref.io, 'h0'), b);
        const c0 = ref.topology.cell === 'lstm' ? stateItem(tensor(ref.io, 'c0'), b) : undefined;
        const r = forwardFloat(model, batchItem(input, b), seqLen, { h0, c0 });
        expect(maxAbsDiff(r.output, batchItem(tensor(ref.io, 'output'), b))).toBeLessThan(TOLERANCE);
        expect(maxAbsDiff(r.hN, stateItem(tensor(ref.io, 'h_n'), b))).toBeLessThan(TOLERANCE);
        if (ref.topology.cell === 'lstm') {
          expect(r.cN).not.toBeNull();
          expect(maxAbsDiff(r.cN as Float32Array, stateItem(tensor(ref.io, 'c_n'), b))).toBeLessThan(TOLERANCE);
        }
      }
    });
  }

  it('the reference outputs are not trivially small (so the tolerance means something)', () => {
    const ref = loadReferenceCase('lstm_bidir_2layer');
    const out = tensor(ref.io, 'output').data;
    expect(Math.max(...out.map(Math.abs))).toBeGreaterThan(0.05);
  });

  it('observer sees every (layer, direction, timestep) once, reverse direction descending', () => {
    const ref = loadReferenceCase('lstm_bidir_2layer');
    const model = loadRnnModel(ref.weights);
    const seen: string[] = [];
    forwardFloat(model, new Float32Array(3 * 5).fill(0.1), 3, {
      observer: (r) => seen.push(`${r.layer}/${r.direction}/${r.timestep}`),
    });
    expect(seen).toEqual(['0/0/0', '0/0/1', '0/0/2', '0/1/2', '0/1/1', '0/1/0', '1/0/0', '1/0/1', '1/0/2', '1/1/2', '1/1/1', '1/1/0']);
  });

  it('rejects a tensor with the wrong shape, naming it', () => {
    const ref = loadReferenceCase('gru_2layer');
    const bad = new Map(ref.weights);
    bad.set('weight_hh_l1', { shape: [21, 6], data: new Float32Array(126) });
    expect(() => loadRnnModel(bad, { source: 'm.safetensors' })).toThrow(InputError);
    expect(() => loadRnnModel(bad, { source: 'm.safetensors' })).toThrow(/m\.safetensors: tensor "weight_hh_l1" has shape \[21, 6\], expected \[21, 7\]/);
    const missing = new Map(ref.weights);
    missing.delete('weight_ih_l1');
    expect(() => loadRnnModel(missing, { topology: ref.topology })).toThrow(/missing tensor "weight_ih_l1"/);
  });
});
