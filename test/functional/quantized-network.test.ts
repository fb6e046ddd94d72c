import { describe, expect, it } from 'vitest';
import { q } from '../../src/functional/fixed-point.js';
import { forwardFloat } from '../../src/functional/network.js';
import { uniformQuantization, type LayerQuantization } from '../../src/functional/quantization-config.js';
import { QuantizedRnn, forwardQuantized, type QuantizedStepRecord } from '../../src/functional/quantized-network.js';
import { loadRnnModel } from '../../src/functional/rnn-model.js';
import { batchItem, loadReferenceCase, maxAbsDiff, tensor } from './reference-cases.js';
import { scalarQuantizedForward } from './scalar-reference.js';

/** High precision: 24-bit weights/activations, 28-bit gates and cell, an error-free activation unit. */
const HIGH: LayerQuantization = {
  weight: q(4, 20),
  activation: q(4, 20),
  gate: q(8, 20),
  cell: q(8, 20),
  sigmoid: { kind: 'ideal' },
  tanh: { kind: 'ideal' },
};
/** Stated bound of the high-precision integer pass against float: ~2^-20 per rounding, accumulated. */
const HIGH_PRECISION_BOUND = 2e-5;

/** Low precision, 8-bit words and 256-entry tables: where rounding and saturation really happen. */
const LOW: LayerQuantization = {
  weight: q(2, 6),
  activation: q(3, 5),
  gate: q(4, 4),
  cell: q(4, 4),
  sigmoid: { kind: 'lut', entries: 256, range: 8 },
  tanh: { kind: 'lut', entries: 256, range: 4 },
};
const LOW_PWL: LayerQuantization = { ...LOW, activation: q(2, 8), gate: q(5, 7), sigmoid: { kind: 'pwl', segments: 16, range: 8 }, tanh: { kind: 'pwl', segments: 8, range: 4 } };

const CASES = ['lstm_bidir_2layer', 'gru_bidir_2layer', 'lstmp_bidir_2layer', 'gru_2layer'] as const;

describe('integer LSTM/GRU at high precision agrees with float', () => {
  for (const name of CASES) {
    it(`${name}: max |quantized - float| < ${HIGH_PRECISION_BOUND}`, () => {
      const ref = loadReferenceCase(name);
      const model = loadRnnModel(ref.weights);
      const input = tensor(ref.io, 'input');
      const seqLen = input.shape[1];
      const x = batchItem(input, 0);
      const f = forwardFloat(model, x, seqLen);
      const r = forwardQuantized(model, uniformQuantization(2, HIGH), x, seqLen);
      const err = maxAbsDiff(r.output, f.output);
      expect(err).toBeLessThan(HIGH_PRECISION_BOUND);
    });
  }

  it('at 8 bits the error is far larger than at high precision (the bound is not vacuous)', () => {
    const ref = loadReferenceCase('lstm_bidir_2layer');
    const model = loadRnnModel(ref.weights);
    const x = batchItem(tensor(ref.io, 'input'), 0);
    const f = forwardFloat(model, x, 6);
    const r = forwardQuantized(model, uniformQuantization(2, LOW), x, 6);
    expect(maxAbsDiff(r.output, f.output)).toBeGreaterThan(0.01);
  });
});

describe('integer LSTM/GRU at low precision is bit-exact with the scalar BigInt reference', () => {
  for (const name of CASES) {
    for (const [label, lq] of [['LUT', LOW], ['PWL', LOW_PWL]] as const) {
      it(`${name}, ${label}: outputs and every step's state`, () => {
        const ref = loadReferenceCase(name);
        const model = loadRnnModel(ref.weights);
        const input = tensor(ref.io, 'input');
        const seqLen = input.shape[1];
        for (let b = 0; b < input.shape[0]; b++) {
          // Scale the input up so some gate sums and cell states saturate the 8-bit formats.
          const x = batchItem(input, b).map((v) => 3 * v);
          const records: QuantizedStepRecord[] = [];
          const r = forwardQuantized(model, uniformQuantization(2, lq), x, seqLen, { sequence: b, onStep: (rec) => records.push(rec) });
          const s = scalarQuantizedForward(model, [lq, lq], x, seqLen);
          expect(Array.from(r.outputCodes, BigInt)).toEqual(s.output);
          expect(records.map((rec) => [rec.layer, rec.direction, rec.timestep, Array.from(rec.cellState, BigInt)])).toEqual(
            s.steps.map((st) => [st.layer, st.direction, st.timestep, st.state]),
          );
          const staticBits = Math.max(lq.weight.intBits + lq.weight.fracBits, lq.activation.intBits + lq.activation.fracBits);
          expect(records.every((rec) => rec.sequence === b && rec.precisionBits === staticBits)).toBe(true);
        }
      });
    }
  }

  it('with narrow cell and gate formats, saturation happens and stays bit-exact', () => {
    const ref = loadReferenceCase('lstm_bidir_2layer');
    const model = loadRnnModel(ref.weights);
    const x = batchItem(tensor(ref.io, 'input'), 0).map((v) => 3 * v);
    const narrow: LayerQuantization = { ...LOW, cell: q(1, 4), gate: q(2, 4) };
    const cells: number[] = [];
    const r = forwardQuantized(model, uniformQuantization(2, narrow), x, 6, { onStep: (rec) => cells.push(...rec.cellState) });
    // Q1.4 spans codes [-16, 15]: the cell state of this model reaches the limits.
    expect(cells.some((v) => v === 15 || v === -16)).toBe(true);
    const s = scalarQuantizedForward(model, [narrow, narrow], x, 6);
    expect(Array.from(r.outputCodes, BigInt)).toEqual(s.output);
    expect(cells.map(BigInt)).toEqual(s.steps.flatMap((st) => st.state));
  });
});

describe('per-timestep precision chooser', () => {
  const wide: LayerQuantization = { ...LOW, weight: q(2, 10), activation: q(3, 9) }; // static precision 12

  it('runs each step at the chosen precision, bit-exact with the scalar reference', () => {
    const ref = loadReferenceCase('lstmp_bidir_2layer');
    const model = loadRnnModel(ref.weights);
    const x = batchItem(tensor(ref.io, 'input'), 1);
    const precisionAt = (layer: number, direction: number, timestep: number): number => [12, 6, 8][(layer + direction + timestep) % 3];
    const records: QuantizedStepRecord[] = [];
    const contexts: string[] = [];
    const r = forwardQuantized(model, uniformQuantization(2, wide), x, 6, {
      choosePrecision: (ctx) => {
        contexts.push(`${ctx.layer}/${ctx.direction}/${ctx.timestep}/${ctx.stepIndex}/${ctx.staticPrecision}`);
        return precisionAt(ctx.layer, ctx.direction, ctx.timestep);
      },
      onStep: (rec) => records.push(rec),
    });
    const s = scalarQuantizedForward(model, [wide, wide], x, 6, { precisionAt });
    expect(Array.from(r.outputCodes, BigInt)).toEqual(s.output);
    expect(records.map((rec) => rec.precisionBits)).toEqual(records.map((rec) => precisionAt(rec.layer, rec.direction, rec.timestep)));
    expect(contexts.slice(0, 7)).toEqual(['0/0/0/0/12', '0/0/1/1/12', '0/0/2/2/12', '0/0/3/3/12', '0/0/4/4/12', '0/0/5/5/12', '0/1/5/0/12']);
    // And lower precision changes the result (else the chooser would be a no-op).
    const full = forwardQuantized(model, uniformQuantization(2, wide), x, 6);
    expect(Array.from(full.outputCodes)).not.toEqual(Array.from(r.outputCodes));
  });

  it('the default is the static precision and the chooser sees the previous cell state', () => {
    const ref = loadReferenceCase('lstm_1layer');
    const model = loadRnnModel(ref.weights);
    const x = batchItem(tensor(ref.io, 'input'), 0);
    const qrnn = new QuantizedRnn(model, uniformQuantization(1, wide));
    const states: number[][] = [];
    const seen: number[][] = [];
    qrnn.forward(x, 6, { onStep: (r) => states.push([...r.cellState]), choosePrecision: (ctx) => (seen.push([...ctx.previousCellState]), 12) });
    expect(seen[0].every((v) => v === 0)).toBe(true);
    expect(seen.slice(1)).toEqual(states.slice(0, 5));
    const precisions: number[] = [];
    qrnn.forward(x, 6, { onStep: (r) => precisions.push(r.precisionBits) });
    expect(precisions).toEqual([12, 12, 12, 12, 12, 12]);
  });

  it('rejects a precision above the static one', () => {
    const ref = loadReferenceCase('lstm_1layer');
    const model = loadRnnModel(ref.weights);
    expect(() => forwardQuantized(model, uniformQuantization(1, wide), new Float32Array(30), 6, { choosePrecision: () => 13 })).toThrow(/expected an integer <= 12/);
  });
});

describe('datapath exactness check', () => {
  it('refuses formats whose products would not be exact in a double', () => {
    const ref = loadReferenceCase('lstm_1layer');
    const model = loadRnnModel(ref.weights);
    expect(() => new QuantizedRnn(model, uniformQuantization(1, { ...HIGH, weight: q(4, 28), activation: q(4, 28) }))).toThrow(/gate dot product: needs 66 bits/);
  });
});
