import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, partsOf } from '../../src/models/load-model.js';
import { evaluateParts } from '../../src/accuracy/evaluate.js';
import { writeModelTrace } from '../../src/accuracy/trace-model.js';
import { QuantizedRnn, type QuantizedStepRecord } from '../../src/functional/quantized-network.js';
import { DEFAULT_LAYER_QUANTIZATION, type QuantizationConfig } from '../../src/functional/quantization-config.js';
import { writeSafetensors } from '../../src/functional/safetensors.js';
import type { TensorMap } from '../../src/functional/tensor.js';
import { readPayloadRecords, readTrace } from '../../src/traces/reader.js';
import type { CellStateRecord, PayloadRecord } from '../../src/traces/payload-format.js';

function values(n: number, seed: number, a: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * a;
  }
  return out;
}

/** A tiny LSTM (28 inputs, 4 hidden, 10 classes) saved as models/mnist-columns in a temp dir. */
function tinyMnistModelDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rnnsim-acc-'));
  const H = 4;
  const t: TensorMap = new Map();
  t.set('weight_ih_l0', { shape: [4 * H, 28], data: values(4 * H * 28, 11, 0.5) });
  t.set('weight_hh_l0', { shape: [4 * H, H], data: values(4 * H * H, 12, 0.5) });
  t.set('bias_ih_l0', { shape: [4 * H], data: values(4 * H, 13, 0.2) });
  t.set('bias_hh_l0', { shape: [4 * H], data: values(4 * H, 14, 0.2) });
  t.set('head.weight', { shape: [10, H], data: values(10 * H, 15, 1) });
  t.set('head.bias', { shape: [10], data: values(10, 16, 0.1) });
  mkdirSync(join(dir, 'mnist-columns'));
  writeSafetensors(join(dir, 'mnist-columns', 'model.safetensors'), t);
  const card = {
    name: 'mnist-columns',
    cell: 'lstm',
    input_size: 28,
    hidden_size: H,
    head: { type: 'classifier', classes: 10 },
    weights: 'model.safetensors',
    data: { dataset: 'mnist-columns' },
    command: 'test fixture',
  };
  writeFileSync(join(dir, 'mnist-columns', 'model.json'), JSON.stringify(card));
  return dir;
}

const config: QuantizationConfig = {
  layers: [{ ...DEFAULT_LAYER_QUANTIZATION, weight: { intBits: 2, fracBits: 6 }, activation: { intBits: 2, fracBits: 6 } }],
};

async function records(headerPath: string): Promise<PayloadRecord[]> {
  const trace = await readTrace(headerPath);
  const out: PayloadRecord[] = [];
  for await (const r of readPayloadRecords(trace)) out.push(r);
  return out;
}

describe('rnnsim trace model', () => {
  const modelsDir = tinyMnistModelDir();

  it('writes a trace that reads back with the cell states QuantizedRnn produced, the precision and the accuracy of the run', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rnnsim-acc-trace-')), 'tiny-fixed8.json');
    const observed: QuantizedStepRecord[] = [];
    const r = await writeModelTrace({ model: 'mnist-columns', modelsDir, split: 'test', scheme: 'fixed8', output: out, limit: 3, quantization: config, onStep: (s) => observed.push(s) });

    // Independent rerun of the integer datapath on the same three images.
    const model = loadModel('mnist-columns', { modelsDir });
    const data = model.data.load('test', 3);
    const parts = partsOf(model);
    const q = new QuantizedRnn(parts.rnn, config);
    const expected: Int32Array[] = [];
    data.sequences.forEach((s, k) => q.forward(s.values as Float32Array, s.steps, { sequence: k, onStep: (rec) => expected.push(rec.cellState) }));
    expect(expected.length).toBe(3 * 28);
    expect(observed.map((o) => o.cellState)).toEqual(expected);

    const all = await records(out);
    const cells = all.filter((x): x is CellStateRecord => x.kind === 'cell_state');
    expect(cells.length).toBe(3 * 28);
    cells.forEach((c, i) => {
      expect(c.sequence_index).toBe(Math.floor(i / 28));
      expect(c.timestep).toBe(i % 28);
      expect(c.layer_index).toBe(0);
      expect(c.fractional_bits).toBe(8); // DEFAULT cell Q8.8
      expect(Array.from(c.values)).toEqual(Array.from(expected[i]));
    });
    const precisions = all.filter((x) => x.kind === 'precision');
    expect(precisions.length).toBe(3 * 28);
    expect(precisions.every((p) => p.kind === 'precision' && p.weight_bits === 8 && p.activation_bits === 8)).toBe(true);
    expect(all.some((x) => x.kind === 'sparsity_mask')).toBe(false);

    const h = (await readTrace(out)).header;
    expect(h.workload.sequence_lengths_timesteps).toEqual([28, 28, 28]);
    expect(h.precision).toEqual({ weight_bits: 8, activation_bits: 8 });
    expect(h.quantization?.layers[0].weight).toEqual({ int_bits: 2, frac_bits: 6 });
    expect(h.provenance.data_split).toBe('test');
    expect(h.provenance.model_sha256).toBe(model.sha256);
    const acc = await evaluateParts(parts, data, { quantization: config });
    expect(h.accuracy?.value).toBe(acc.metric);
    expect(h.accuracy?.count).toBe(3);
    expect(r.header.payload?.record_counts).toEqual({ cell_state: 84, precision: 84, sparsity_mask: 0 });
  });

  it('a pruned model gets one sparsity mask per weight matrix and its density in the header', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rnnsim-acc-trace-')), 'tiny-pruned.json');
    await writeModelTrace({ model: 'mnist-columns', modelsDir, split: 'test', scheme: 'fixed8', output: out, limit: 2, quantization: config, density: 0.25 });
    const masks = (await records(out)).filter((x) => x.kind === 'sparsity_mask');
    expect(masks.map((m) => (m.kind === 'sparsity_mask' ? [m.matrix, m.rows, m.cols, m.nonzero_count] : []))).toEqual([
      ['input', 16, 28, 112], // round(0.25 * 448)
      ['recurrent', 16, 4, 16], // round(0.25 * 64)
    ]);
    expect((await readTrace(out)).header.sparsity.weight_density).toBeCloseTo(128 / 512, 12);
  });
});
