/**
 * The batched integer datapath (QuantizedRnn.forwardBatch: sequences in lockstep, grouped by
 * their step's precision) against the one-sequence reference path (ReferenceQuantizedRnn) and
 * the independent BigInt scalar model, on the torch reference cases (LSTM, bidirectional LSTM,
 * LSTMP, GRU, bidirectional GRU): sequences of different lengths in one batch, per-sequence
 * choosers, the input side at its own precision; every output code, state and precision. Plus
 * the input-side precision worked out by hand on a one-unit LSTM, and the kernels.
 */
import { describe, expect, it } from 'vitest';
import { gemmRows, Requantizer } from '../../src/functional/batch-kernels.js';
import { WasmGemm } from '../../src/functional/wasm-gemm.js';
import { q, requantize, saturateAccumulator, type FixedFormat } from '../../src/functional/fixed-point.js';
import { uniformQuantization, type LayerQuantization } from '../../src/functional/quantization-config.js';
import { QuantizedRnn, type BatchSequence, type PrecisionChooser, type QuantizedStepRecord } from '../../src/functional/quantized-network.js';
import { ReferenceQuantizedRnn } from '../../src/functional/reference-quantized-network.js';
import { loadRnnModel } from '../../src/functional/rnn-model.js';
import type { TensorMap } from '../../src/functional/tensor.js';
import { batchItem, loadReferenceCase, REFERENCE_CASES, tensor } from './reference-cases.js';
import { scalarQuantizedForward } from './scalar-reference.js';

/** 12-bit static words, 8-bit gates and cell (saturation happens), 256-entry tables. */
const WIDE: LayerQuantization = {
  weight: q(2, 10),
  activation: q(3, 9),
  gate: q(4, 4),
  cell: q(4, 4),
  sigmoid: { kind: 'lut', entries: 256, range: 8 },
  tanh: { kind: 'lut', entries: 256, range: 4 },
};

/** A precision per (sequence, layer, direction, timestep) that mixes 12, 6, 8 and 10 bits within every step of a batch. */
function mixedPrecision(k: number): (layer: number, direction: number, timestep: number) => number {
  return (layer, direction, timestep) => [12, 6, 8, 10][(k + 2 * layer + direction + timestep) % 4];
}

const LENGTHS = [6, 4, 6, 1, 5, 0, 3];

/** Seven sequences of the case's two inputs, scaled (some saturate) and cut to LENGTHS. */
function sequencesOf(name: string): { input: Float32Array; seqLen: number }[] {
  const ref = loadReferenceCase(name);
  const input = tensor(ref.io, 'input');
  const size = input.shape[2];
  return LENGTHS.map((len, k) => {
    const x = batchItem(input, k % 2).map((v) => (1 + k) * v);
    return { input: x.slice(0, len * size), seqLen: len };
  });
}

function recordKey(r: QuantizedStepRecord): string {
  return `${r.sequence}/${r.layer}/${r.direction}/${r.timestep}`;
}

describe('batched datapath = one-sequence reference = BigInt scalar model (torch reference cases)', () => {
  for (const name of REFERENCE_CASES) {
    for (const [inputSideBits, kernel] of [[undefined, 'wasm'], [12, 'wasm'], [8, 'wasm'], [undefined, 'js'], [8, 'js']] as const) {
      it(`${name}, ragged batch, per-sequence precisions, input side ${inputSideBits ?? 'at the step precision'}, ${kernel} kernel`, () => {
        const ref = loadReferenceCase(name);
        const model = loadRnnModel(ref.weights);
        const config = uniformQuantization(model.topology.num_layers, WIDE);
        const seqs = sequencesOf(name);
        const chooser = (k: number): PrecisionChooser => {
          const at = mixedPrecision(k);
          return (ctx) => at(ctx.layer, ctx.direction, ctx.timestep);
        };
        const batch: BatchSequence[] = seqs.map((s, k) => ({ ...s, sequence: k, choosePrecision: chooser(k) }));
        const batchedSteps = new Map<string, QuantizedStepRecord>();
        const qrnn = new QuantizedRnn(model, config, { kernel });
        expect(qrnn.gemmKernel).toBe(kernel);
        const batched = qrnn.forwardBatch(batch, { inputSideBits, onStep: (r) => batchedSteps.set(recordKey(r), r) });
        const reference = new ReferenceQuantizedRnn(model, config);
        seqs.forEach((s, k) => {
          const refSteps: QuantizedStepRecord[] = [];
          const r = reference.forward(s.input, s.seqLen, { sequence: k, choosePrecision: chooser(k), inputSideBits, onStep: (rec) => refSteps.push(rec) });
          const b = batched[k];
          expect(Array.from(b.outputCodes)).toEqual(Array.from(r.outputCodes));
          expect(Array.from(b.hNCodes)).toEqual(Array.from(r.hNCodes));
          expect(b.cNCodes === null ? null : Array.from(b.cNCodes)).toEqual(r.cNCodes === null ? null : Array.from(r.cNCodes));
          expect(Array.from(b.stepPrecisions)).toEqual(Array.from(r.stepPrecisions));
          for (const rec of refSteps) {
            const got = batchedSteps.get(recordKey(rec));
            expect(got && [Array.from(got.cellState), Array.from(got.hidden), got.precisionBits]).toEqual([Array.from(rec.cellState), Array.from(rec.hidden), rec.precisionBits]);
          }
          // Independent BigInt model (zero initial state).
          const sc = scalarQuantizedForward(model, config.layers, s.input, s.seqLen, { precisionAt: mixedPrecision(k), inputSideBits });
          expect(Array.from(b.outputCodes, BigInt)).toEqual(sc.output);
          expect(refSteps.map((rec) => [rec.layer, rec.direction, rec.timestep, Array.from(rec.cellState, BigInt)])).toEqual(
            sc.steps.map((st) => [st.layer, st.direction, st.timestep, st.state]),
          );
        });
        // Every step of every sequence was observed once.
        expect(batchedSteps.size).toBe(seqs.reduce((a, s) => a + s.seqLen, 0) * model.topology.num_layers * (model.topology.bidirectional ? 2 : 1));
      });
    }
  }

  it('with half-up reductions (msb-first storage), batched = reference on every case, and differs from half-even where ties occur', () => {
    let differing = 0;
    for (const name of REFERENCE_CASES) {
      const ref = loadReferenceCase(name);
      const model = loadRnnModel(ref.weights);
      const even = uniformQuantization(model.topology.num_layers, WIDE);
      const up = { ...even, reductionRounding: 'half_up' as const };
      const seqs = sequencesOf(name);
      const chooser = (k: number): PrecisionChooser => {
        const at = mixedPrecision(k);
        return (ctx) => at(ctx.layer, ctx.direction, ctx.timestep);
      };
      const batch: BatchSequence[] = seqs.map((s, k) => ({ ...s, sequence: k, choosePrecision: chooser(k) }));
      const batched = new QuantizedRnn(model, up).forwardBatch(batch, { inputSideBits: 8 });
      const evenBatched = new QuantizedRnn(model, even).forwardBatch(batch, { inputSideBits: 8 });
      const reference = new ReferenceQuantizedRnn(model, up);
      seqs.forEach((s, k) => {
        const r = reference.forward(s.input, s.seqLen, { sequence: k, choosePrecision: chooser(k), inputSideBits: 8 });
        expect(Array.from(batched[k].outputCodes)).toEqual(Array.from(r.outputCodes));
        expect(Array.from(batched[k].hNCodes)).toEqual(Array.from(r.hNCodes));
        if (Array.from(batched[k].outputCodes).some((v, i) => v !== evenBatched[k].outputCodes[i])) differing++;
      });
    }
    // The rounding reaches the outputs: some sequence somewhere gives other codes (ties are common in 12 -> 6/8/10-bit reductions).
    expect(differing).toBeGreaterThan(0);
  });

  it('a batch gives the same codes as its sequences one at a time, with initial states', () => {
    const ref = loadReferenceCase('lstmp_bidir_2layer');
    const model = loadRnnModel(ref.weights);
    const qrnn = new QuantizedRnn(model, uniformQuantization(2, WIDE));
    const h0 = tensor(ref.io, 'input').data.slice(0, 2 * 2 * 3).map((v) => 2 * v);
    const c0 = tensor(ref.io, 'input').data.slice(0, 2 * 2 * 7).map((v) => -3 * v);
    const seqs: BatchSequence[] = sequencesOf('lstmp_bidir_2layer').map((s, k) => ({ ...s, sequence: k, h0: k % 2 ? h0 : undefined, c0: k % 3 ? c0 : undefined }));
    const together = qrnn.forwardBatch(seqs);
    seqs.forEach((s, k) => {
      const alone = qrnn.forward(s.input, s.seqLen, { sequence: k, h0: s.h0, c0: s.c0 });
      expect(Array.from(together[k].outputCodes)).toEqual(Array.from(alone.outputCodes));
      expect(Array.from(together[k].cNCodes ?? [])).toEqual(Array.from(alone.cNCodes ?? []));
    });
  });

  it('rejects a chooser result above the static precision and an input side outside a layer\'s range', () => {
    const ref = loadReferenceCase('lstm_1layer');
    const model = loadRnnModel(ref.weights);
    const qrnn = new QuantizedRnn(model, uniformQuantization(1, WIDE));
    const x = batchItem(tensor(ref.io, 'input'), 0);
    expect(() => qrnn.forwardBatch([{ input: x, seqLen: 6 }, { input: x, seqLen: 6, choosePrecision: () => 13 }])).toThrow(/expected an integer <= 12/);
    expect(() => qrnn.forward(x, 6, { inputSideBits: 13 })).toThrow(/input-side precision 13 bits for layer 0: expected an integer in \[3, 12\]/);
    expect(() => qrnn.forward(x, 6, { inputSideBits: 2 })).toThrow(/input-side precision 2 bits/);
  });
});

describe('input side at its own precision, worked out by hand on a one-unit LSTM', () => {
  // input 1, hidden 1; weights and activations Q2.14 (16-bit static precision), gates and cell
  // Q4.12, error-free activation units; one step from h0 = 31/128, c0 = 0.25.
  const tensors: TensorMap = new Map([
    ['weight_ih_l0', { shape: [4, 1], data: new Float32Array([65 / 128, -0.25, 1, 0.1]) }],
    ['weight_hh_l0', { shape: [4, 1], data: new Float32Array([0.75, 0.3, -0.5, 5 / 128]) }],
    ['bias_ih_l0', { shape: [4], data: new Float32Array([0.125, 0, 0.01, 0]) }],
    ['bias_hh_l0', { shape: [4], data: new Float32Array([0, 0.5, 0, -9 / 128]) }],
  ]);
  const model = loadRnnModel(tensors);
  const lq: LayerQuantization = { weight: q(2, 14), activation: q(2, 14), gate: q(4, 12), cell: q(4, 12), sigmoid: { kind: 'ideal' }, tanh: { kind: 'ideal' } };
  const x = new Float32Array([77 / 256]);
  const h0 = new Float32Array([31 / 128]);
  const c0 = new Float32Array([0.25]);

  /** c and h of one step whose gate pre-activations (Q4.12 codes, i f g o) are `gates`: the ideal units and the cell update written out. */
  function stepFromGates(gates: [number, number, number, number]): { c: number; h: number } {
    const rhe = (v: number): number => {
      const f = Math.floor(v);
      return v - f > 0.5 ? f + 1 : v - f < 0.5 ? f : f % 2 === 0 ? f : f + 1;
    };
    const sig = (code: number): number => rhe(16384 / (1 + Math.exp(-code / 4096)));
    const [i, f, g, o] = [sig(gates[0]), sig(gates[1]), rhe(Math.tanh(gates[2] / 4096) * 16384), sig(gates[3])];
    // c = (f * c0 * 2^2 + i * g) / 2^16 (fractional bits 28 -> 12); c0 = 0.25 = 1024 in Q4.12.
    const c = rhe((f * 1024 * 4 + i * g) / 65536);
    // h = o * tanh(c) / 2^14 (fractional bits 28 -> 14).
    const h = rhe((o * rhe(Math.tanh(c / 4096) * 16384)) / 16384);
    return { c, h };
  }

  it('8-bit recurrent side with a 16-bit input side', () => {
    // Codes. x: 77/256 = 4928 in Q2.14 (input side keeps 16 bits). h0 = 31/128 = 3968 in Q2.14,
    // 15.5 -> 16 in Q2.6 (half to even). Input-side weights Q2.14: W_ih = [8320, -4096, 16384,
    // round(1638.4) = 1638], b_ih = [2048, 0, round(163.84) = 164, 0]. Recurrent side Q2.6:
    // W_hh = 12288/256, round(4915.2)/256 = 4915/256 -> [48, 19.199 -> 19, -32, 640/256 = 2.5 -> 2],
    // b_hh = [0, 32, 0, -1152/256 = -4.5 -> -4].
    // Input-side sums (frac 14 + 14 = 28): W_ih * 4928 + b_ih * 2^14
    //   = [41000960 + 33554432, -20185088, 80740352 + 2686976, 8072064]
    //   = [74555392, -20185088, 83427328, 8072064].
    // Recurrent sums (frac 6 + 6 = 12): W_hh * 16 + b_hh * 2^6 = [768, 304 + 2048, -512, 32 - 256]
    //   = [768, 2352, -512, -224]; aligned to frac 28: x 2^16 = [50331648, 154140672, -33554432, -14680064].
    // Accumulator = [124887040, 133955584, 49872896, -6608000]; to Q4.12 (/ 2^16, half even):
    //   [1905.625 -> 1906, 2044, 761, -100.83 -> -101].
    const gates: [number, number, number, number] = [1906, 2044, 761, -101];
    const expected = stepFromGates(gates);
    expect(expected).toEqual({ c: 1099, h: 2120 });
    const steps: QuantizedStepRecord[] = [];
    const config = uniformQuantization(1, lq);
    const r = new QuantizedRnn(model, config).forward(x, 1, { h0, c0, choosePrecision: () => 8, inputSideBits: 16, onStep: (s) => steps.push(s) });
    expect([steps[0].cellState[0], r.outputCodes[0], steps[0].precisionBits]).toEqual([expected.c, expected.h, 8]);
    const ref = new ReferenceQuantizedRnn(model, config).forward(x, 1, { h0, c0, choosePrecision: () => 8, inputSideBits: 16 });
    expect(ref.outputCodes[0]).toBe(expected.h);
  });

  it('both sides at 8 bits give other codes', () => {
    // x -> 4928 / 2^8 = 19.25 -> 19 in Q2.6; W_ih in Q2.6 = [32.5 -> 32, -16, 64, 6.398 -> 6],
    // b_ih = [8, 0, 0.64 -> 1, 0]. Input side (frac 12): [32*19 + 8*64, -16*19, 64*19 + 64, 6*19]
    // = [1120, -304, 1280, 114]; plus the recurrent sums [768, 2352, -512, -224]
    // = [1888, 2048, 768, -110], already Q4.12.
    const expected = stepFromGates([1888, 2048, 768, -110]);
    expect(expected).toEqual({ c: 1103, h: 2125 });
    const r = new QuantizedRnn(model, uniformQuantization(1, lq)).forward(x, 1, { h0, c0, choosePrecision: () => 8 });
    expect(r.outputCodes[0]).toBe(expected.h);
    // An input side at the step's own precision is the same run.
    const same = new QuantizedRnn(model, uniformQuantization(1, lq)).forward(x, 1, { h0, c0, choosePrecision: () => 8, inputSideBits: 8 });
    expect(same.outputCodes[0]).toBe(expected.h);
  });
});

describe('kernels', () => {
  it('gemmRows: blocked product with bias, scale, accumulation and a column slice, against plain loops', () => {
    const rows = 7;
    const cols = 5;
    const n = 6;
    const stride = 9;
    const w = Float64Array.from({ length: rows * cols }, (_, i) => ((i * 37) % 23) - 11);
    const x = Float64Array.from({ length: n * stride }, (_, i) => ((i * 53) % 31) - 15);
    const bias = Float64Array.from({ length: rows }, (_, i) => 3 * i - 8);
    const out = new Float64Array(n * rows).fill(5);
    gemmRows(w, rows, cols, x, n, out, { bias, biasScale: 4, sumScale: 2, accumulate: true, xStride: stride, xOffset: 3 });
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += w[r * cols + k] * x[i * stride + 3 + k];
        expect(out[i * rows + r]).toBe(5 + bias[r] * 4 + 2 * s);
      }
    }
  });

  it('WebAssembly kernel: exact, every block shape (odd rows and columns, short batches, row blocks, column slices)', () => {
    const g = new WasmGemm();
    for (const [rows, cols, n, stride, offset] of [[7, 5, 6, 9, 3], [4, 1, 3, 2, 1], [3, 28, 1, 28, 0], [70, 1000, 9, 1003, 2], [2, 2, 4, 2, 0]]) {
      const w = g.copyOf(Float64Array.from({ length: rows * cols }, (_, i) => ((i * 7919) % 65536) - 32768));
      const x = g.copyOf(Float64Array.from({ length: n * stride }, (_, i) => ((i * 104729) % 65536) - 32768));
      const out = g.alloc(n * rows);
      g.gemm(w, rows, cols, x, offset, stride, n, out);
      const [wv, xv, ov] = [g.f64(w), g.f64(x), g.f64(out)];
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let k = 0; k < cols; k++) s += wv[r * cols + k] * xv[i * stride + offset + k];
          expect([rows, cols, n, i, r, ov[i * rows + r]]).toEqual([rows, cols, n, i, r, s]);
        }
      }
    }
  });

  it('Requantizer equals fixed-point requantize, ties and values near 2^53 included', () => {
    const cases: [number, number, FixedFormat][] = [
      [12, 4, q(4, 4)],
      [20, 6, q(3, 6)],
      [6, 6, q(2, 6)],
      [4, 8, q(6, 8)],
      [40, 1, q(31, 1)],
    ];
    const values = [0, 1, -1, 8, -8, 24, -24, 40, -40, 2 ** 11 + 2 ** 3, -(2 ** 11) - 2 ** 3, 2 ** 52 + 2 ** 40, -(2 ** 53) + 2 ** 39, 2 ** 53 - 1, 2 ** 47 - 1, -(2 ** 47)];
    for (let i = 0; i < 2000; i++) values.push(Math.round(Math.sin(i) * 2 ** (i % 50)));
    for (const [[from, toFrac, to], rounding] of cases.flatMap((c) => (['half_even', 'half_up'] as const).map((r) => [c, r] as const))) {
      const rq = new Requantizer(from, toFrac, -(2 ** (to.intBits + to.fracBits - 1)), 2 ** (to.intBits + to.fracBits - 1) - 1, rounding);
      // + 0: -0 and 0 are the same code.
      for (const v of values) expect([v, rq.apply(v) + 0]).toEqual([v, requantize(v, from, to, rounding) + 0]);
      // The block form: 48-bit saturation of (value + addend) first.
      const src = Float64Array.from(values);
      const add = Float64Array.from(values, (_, i) => (i % 3) - 1);
      const block = new Int32Array(values.length);
      rq.applyAccumulators(src, 0, add, values.length, block, 0);
      expect(Array.from(block)).toEqual(values.map((v, i) => requantize(saturateAccumulator(v + add[i]), from, to, rounding) | 0));
    }
  });
});
