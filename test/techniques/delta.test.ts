/**
 * The delta unit (src/techniques/delta) on the compute-bound small config (test/helpers/
 * small-configs.ts: clock 1 GHz, 4 compute units, tiles of 16 rows) with a 4-wide dot-product
 * unit, on hand-written traces of a 1-layer LSTM with I = H = 16 whose propagated columns are
 * known by construction. Every expected number is worked out in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { simulate } from '../../src/simulate.js';
import { TRACE_FORMAT_VERSION, rnnHeader } from '../../src/traces/header.js';
import { TraceWriter } from '../../src/traces/writer.js';
import { readTrace, collectPayloadRecords } from '../../src/traces/reader.js';
import { traceMacs } from '../../src/traces/work.js';
import { deltaStep, replayDeltas } from '../../src/techniques/delta/replay.js';
import { DeltaLstm } from '../../src/techniques/delta/functional.js';
import { QuantizedRnn } from '../../src/functional/quantized-network.js';
import { uniformQuantization } from '../../src/functional/quantization-config.js';
import { loadModel, partsOf } from '../../src/models/load-model.js';
import { sequenceInput } from '../../src/models/inference.js';
import { REPO, tempDir, writeEpurConfig } from '../helpers/context.js';
import { computeBoundPatch } from '../helpers/small-configs.js';

const N = 16;
let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-delta-'));
});
afterAll(() => cleanup());

/** A 4-wide DPU on the compute-bound config, as epur_delta with a 4-lane delta unit. */
function deltaConfig(name: string, schedule: 'step_by_step' | 'mwl', unit: Record<string, unknown> = {}): string {
  const patch = computeBoundPatch(schedule);
  const components = patch.components as Record<string, Record<string, unknown>>;
  components.dot_product_unit = { ...components.dot_product_unit, multipliers: 4 };
  components.delta_unit = { kind: 'delta_unit', threshold_source: 'config', theta_input: 0.25, theta_hidden: 0.25, lanes: 4, element_bits: 16, index_bits: 12, accumulator_bits: 32, encode_latency_cycles: 2, ...unit };
  components.delta_memory = { kind: 'sram_buffer', size_kib: 4, word_bits: 256, banks: 2, ports_per_bank: 1, read_latency_cycles: 1, write_latency_cycles: 1 };
  return writeEpurConfig(dir, name, { ...patch, name: 'delta-test', dataflow: { ...(patch.dataflow as Record<string, unknown>), kind: 'epur_delta' } });
}

function denseConfig(name: string, schedule: 'step_by_step' | 'mwl'): string {
  const patch = computeBoundPatch(schedule);
  const components = patch.components as Record<string, Record<string, unknown>>;
  components.dot_product_unit = { ...components.dot_product_unit, multipliers: 4 };
  return writeEpurConfig(dir, name, patch);
}

/** Activation records of a 1-layer LSTM, I = H = 16, 8 fractional bits: x(k, t) and h(k, t) as reals. */
async function writeActivationTrace(name: string, lengths: number[], batch: number, x: (k: number, t: number) => number[], h: (k: number, t: number) => number[]): Promise<string> {
  const file = join(dir, name);
  const w = await TraceWriter.create(file, {
    format_version: TRACE_FORMAT_VERSION,
    name: name.replace(/\.json$/, ''),
    model: { cell: 'lstm', num_layers: 1, input_size: N, hidden_size: N, projection_size: 0, bidirectional: false },
    workload: { batch_size: batch, sequence_lengths_timesteps: lengths },
    precision: { weight_bits: 16, activation_bits: 16 },
    sparsity: { weight_density: 1 },
    provenance: { generator: 'test', source: 'hand-written', assumptions: [] },
  });
  const codes = (v: number[]): number[] => v.map((r) => Math.round(r * 256));
  for (let k = 0; k < lengths.length; k++) {
    for (let t = 0; t < lengths[k]; t++) await w.appendActivation({ sequence_index: k, timestep: t, layer_index: 0, direction: 0, vector: 'input', fractional_bits: 8, values: codes(x(k, t)) });
    for (let t = 0; t < lengths[k]; t++) await w.appendActivation({ sequence_index: k, timestep: t, layer_index: 0, direction: 0, vector: 'hidden', fractional_bits: 8, values: codes(h(k, t)) });
  }
  await w.finish();
  return file;
}

const ones = (n: number, v: number): number[] => new Array<number>(n).fill(v);

/**
 * Three steps, theta 0.25:
 *   x_0 = 1 everywhere (all 16 change from x_hat = 0), x_1 = x_0 (none), x_2 = x_1 with elements
 *   0..3 raised by 0.5 (4 propagate) and elements 4..7 by 0.125 (below theta: skipped);
 *   h_0 = 0.5 everywhere (16 propagate at step 1), h_1 = h_0 (none at step 2); step 0 sees
 *   h_(-1) = 0 = h_hat (none).
 * Columns per step (input + recurrent): 16 + 0, 0 + 16, 4 + 0.
 */
const x3 = (_k: number, t: number): number[] => (t < 2 ? ones(N, 1) : [...ones(4, 1.5), ...ones(4, 1.125), ...ones(8, 1)]);
const h3 = (): number[] => ones(N, 0.5);

describe('delta rule', () => {
  it('propagates a change of at least theta, never a zero change, and remembers the propagated value', () => {
    const last = new Float64Array([0, 0, 0, 1]);
    const mask = new Uint8Array(4);
    // codes / 4 (2 fractional bits): 1, 0.25, 0.5, 1 -> changes 1, 0.25, 0.5, 0 against theta 0.5
    const n = deltaStep({ values: Int32Array.from([4, 1, 2, 4]), fractionalBits: 2 }, last, 0.5, mask);
    expect(n).toBe(2);
    expect([...mask]).toEqual([1, 0, 1, 0]);
    expect([...last]).toEqual([1, 0, 0.5, 1]);
    // Theta 0: every non-zero change; the skipped 0.25 of element 1 is now a change of 0.5 from 0.
    const n0 = deltaStep({ values: Int32Array.from([4, 2, 2, 4]), fractionalBits: 2 }, last, 0, new Uint8Array(4));
    expect(n0).toBe(1);
  });
});

describe('delta unit on E-PUR, step by step, 1-layer LSTM I = H = 16', () => {
  it('computes only the propagated columns: DPU cycles, MACs and skipped MACs by hand', async () => {
    const trace = await writeActivationTrace('three.json', [3], 1, x3, h3);
    const r = await simulate(deltaConfig('d-sbs.yaml', 'step_by_step'), trace);
    const dense = await simulate(denseConfig('e-sbs.yaml', 'step_by_step'), trace);
    // Each unit holds one gate: one tile of 16 rows. A 4-wide DPU takes 16 x ceil(len / 4) cycles:
    // delta 16 x 4 + 16 x 4 + 16 x 1 = 144; dense 3 x 16 x ceil(32 / 4) = 384.
    expect(r.summary.components['cu0.dot_product_unit'].busy_cycles).toBe(144);
    expect(dense.summary.components['cu0.dot_product_unit'].busy_cycles).toBe(384);
    // MACs: 4 gates x 16 rows x (16 + 16 + 4) columns = 2304; dense 64 x 32 x 3 = 6144; skipped 3840.
    expect(r.summary.macs).toBe(2304);
    expect(r.summary.macs_skipped).toBe(3840);
    expect(r.summary.macs + r.summary.macs_skipped).toBe(traceMacs(rnnHeader(r.header)));
    expect(dense.summary.macs).toBe(6144);
    expect(r.summary.cycles).toBeLessThan(dense.summary.cycles);
  });

  it("the delta unit's lanes, elements and delta-memory traffic by hand", async () => {
    const trace = await writeActivationTrace('three-unit.json', [3], 1, x3, h3);
    const r = await simulate(deltaConfig('d-unit.yaml', 'step_by_step'), trace);
    const u = r.summary.components.delta_unit;
    // Inputs: 3 steps x 16 elements; hidden: h_0 and h_1 (h_2 feeds no step) = 2 x 16.
    expect(u.input_elements).toBe(48);
    expect(u.hidden_elements).toBe(32);
    expect(u.input_propagated).toBe(16 + 0 + 4);
    expect(u.hidden_propagated).toBe(16 + 0);
    // 4 lanes: inputs 3 steps x ceil(16 / 4) = 12 cycles; the new h elements of steps 0 and 1 leave
    // the multifunction unit in one cell update of 16 elements each: 2 x ceil(16 / 4) = 8. Total 20.
    expect(u.busy_cycles).toBe(20);
    expect(u.steps).toBe(3);
    const m = r.summary.components.delta_memory;
    // Reads (256-bit words): x_hat 1 per step (16 x 16 b) = 3; M_(t-1) 4 x 16 x 32 b = 8 per step = 24;
    // h_hat 1 after steps 0 and 1 = 2. Total 29.
    expect(m.reads).toBe(29);
    // Writes: x_hat 16 (1 word) + 0 + 4 (1 word) = 2; M_t after steps 0, 1: 2 x 8 = 16; h_hat 16 at step 1 = 1. Total 19.
    expect(m.writes).toBe(19);
  });

  it('MWL gives the same MACs and skipped MACs, the input side per timestep of the window', async () => {
    const trace = await writeActivationTrace('three-mwl.json', [3], 1, x3, h3);
    const r = await simulate(deltaConfig('d-mwl.yaml', 'mwl'), trace);
    expect(r.summary.macs).toBe(2304);
    expect(r.summary.macs_skipped).toBe(3840);
    // Input side: 16 x ceil(16/4) + 0 + 16 x ceil(4/4) = 80; recurrent 0 + 16 x 4 + 0 = 64.
    expect(r.summary.components['cu0.dot_product_unit'].busy_cycles).toBe(144);
  });
});

describe('configuration checks', () => {
  it('a delta memory too small for a layer is refused at its place in the config', async () => {
    const trace = await writeActivationTrace('small-mem.json', [3], 1, x3, h3);
    const config = deltaConfig('d-small.yaml', 'step_by_step');
    // x_hat + h_hat: 32 x 16 b = 512 b; M: 4 x 16 x 32 b = 2048 b: 2560 b > 2048 b (0.25 KiB).
    const small = join(dir, 'd-small-mem.yaml');
    writeFileSync(small, readFileSync(config, 'utf8').replace(/size_kib: 4\n/, 'size_kib: 0.25\n'));
    await expect(simulate(small, trace)).rejects.toThrow(/components\.delta_memory\.size_kib.*delta_memory \(0\.25 KiB\) cannot hold layer 0's .* 1 KiB needed/s);
  });
});

describe('lockstep groups compute the union of their sequences\' columns', () => {
  it('batch 2: skipped MACs by hand', async () => {
    // Two sequences of 2 steps. x_0 = 1 for both (16 columns). At step 1 sequence 0 changes
    // elements 0..3 and sequence 1 elements 2..5: the group computes 6 input columns. h_0 of
    // sequence 0 changes elements 0..1 only, of sequence 1 nothing: 2 recurrent columns at step 1.
    const x = (k: number, t: number): number[] => {
      if (t === 0) return ones(N, 1);
      return Array.from({ length: N }, (_, j) => ((k === 0 ? j < 4 : j >= 2 && j < 6) ? 2 : 1));
    };
    const h = (k: number): number[] => Array.from({ length: N }, (_, j) => (k === 0 && j < 2 ? 0.5 : 0));
    const trace = await writeActivationTrace('batch2.json', [2, 2], 2, x, h);
    const schedule = await replayDeltas(await readTrace(trace), { input: 0.25, hidden: 0.25 }, 'test');
    expect(schedule.inputColumns(0, 0, 0, 0)).toBe(16);
    expect(schedule.recurrentColumns(0, 0, 0, 0)).toBe(0);
    expect(schedule.inputColumns(0, 0, 0, 1)).toBe(6);
    expect(schedule.recurrentColumns(0, 0, 0, 1)).toBe(2);
    // Skipped per sample: step 0: 64 x (0 + 16); step 1: 64 x (10 + 14); two samples each.
    const skipped = 2 * 64 * 16 + 2 * 64 * (10 + 14);
    expect(schedule.skippedMacs).toBe(skipped);
    const r = await simulate(deltaConfig('d-b2.yaml', 'step_by_step'), trace);
    expect(r.summary.macs_skipped).toBe(skipped);
    // Performed: 2 samples x 64 rows x (16 + 8) columns.
    expect(r.summary.macs).toBe(2 * 64 * (16 + 8));
    expect(r.summary.macs + r.summary.macs_skipped).toBe(traceMacs(rnnHeader(r.header)));
  });
});

describe('a bidirectional GRU: each direction in its own processing order', () => {
  it('skipped MACs by hand, the backward direction starting from the last timestep', async () => {
    // x_0 = x_1 = 1. Forward: step 0 (t 0) 16 input columns; step 1 (t 1) no input change, h_0 = 0.5
    // everywhere: 16 recurrent columns. Backward: step 0 (t 1) 16 input columns; step 1 (t 0) x_0 =
    // x_hat: none; its h (at t 1) is 0 = h_hat: none. GRU: 3 gates x 16 rows = 48 rows per direction.
    const file = join(dir, 'bigru.json');
    const w = await TraceWriter.create(file, {
      format_version: TRACE_FORMAT_VERSION,
      name: 'bigru',
      model: { cell: 'gru', num_layers: 1, input_size: N, hidden_size: N, projection_size: 0, bidirectional: true },
      workload: { batch_size: 1, sequence_lengths_timesteps: [2] },
      precision: { weight_bits: 16, activation_bits: 16 },
      sparsity: { weight_density: 1 },
      provenance: { generator: 'test', source: 'hand-written', assumptions: [] },
    });
    for (let t = 0; t < 2; t++) await w.appendActivation({ sequence_index: 0, timestep: t, layer_index: 0, direction: 0, vector: 'input', fractional_bits: 8, values: ones(N, 256) });
    for (let t = 0; t < 2; t++) await w.appendActivation({ sequence_index: 0, timestep: t, layer_index: 0, direction: 0, vector: 'hidden', fractional_bits: 8, values: ones(N, 128) });
    for (let t = 0; t < 2; t++) await w.appendActivation({ sequence_index: 0, timestep: t, layer_index: 0, direction: 1, vector: 'hidden', fractional_bits: 8, values: ones(N, 0) });
    await w.finish();
    const schedule = await replayDeltas(await readTrace(file), { input: 0.25, hidden: 0.25 }, 'test');
    expect([0, 1].map((s) => [schedule.inputColumns(0, 0, 0, s), schedule.recurrentColumns(0, 0, 0, s)])).toEqual([[16, 0], [0, 16]]);
    expect([0, 1].map((s) => [schedule.inputColumns(0, 0, 1, s), schedule.recurrentColumns(0, 0, 1, s)])).toEqual([[16, 0], [0, 0]]);
    const r = await simulate(deltaConfig('d-bigru.yaml', 'step_by_step'), file);
    // Performed: 48 rows x (16 + 16 + 16 + 0) = 2304; dense 2 directions x 2 steps x 48 x 32 = 6144.
    expect(r.summary.macs).toBe(2304);
    expect(r.summary.macs_skipped).toBe(6144 - 2304);
    expect(r.summary.components.delta_unit.steps).toBe(4);
    // GRU: 4 accumulators per hidden unit (n's input and recurrent parts apart): M_(t-1) reads
    // 4 x 16 x 32 b = 8 words per step. Per direction: x_hat 2 x 1 + M 2 x 8 + h_hat 1 (after step 0) = 19.
    expect(r.summary.components.delta_memory.reads).toBe(2 * 19);
  });
});

describe('traces', () => {
  it('activation records round-trip and are checked against the header', async () => {
    const trace = await writeActivationTrace('rt.json', [3], 1, x3, h3);
    const records = await collectPayloadRecords(await readTrace(trace));
    expect(records.length).toBe(6);
    const first = records[0];
    expect(first.kind).toBe('activation');
    if (first.kind === 'activation') {
      expect(first.vector).toBe('input');
      expect([...first.values]).toEqual(ones(N, 256));
    }
    const w = await TraceWriter.create(join(dir, 'bad.json'), {
      format_version: TRACE_FORMAT_VERSION,
      name: 'bad',
      model: { cell: 'lstm', num_layers: 1, input_size: N, hidden_size: N, projection_size: 0, bidirectional: false },
      workload: { batch_size: 1, sequence_lengths_timesteps: [1] },
      precision: { weight_bits: 16, activation_bits: 16 },
      sparsity: { weight_density: 1 },
      provenance: { generator: 'test', source: 'hand-written', assumptions: [] },
    });
    await expect(w.appendActivation({ sequence_index: 0, timestep: 0, layer_index: 0, direction: 0, vector: 'input', fractional_bits: 8, values: ones(N - 1, 0) })).rejects.toThrow(/has 15 elements; the header says 16/);
    await w.abort();
  });

  it('a trace without activation records is refused with a message naming the command that writes one', async () => {
    const file = join(dir, 'no-act.json');
    const w = await TraceWriter.create(file, {
      format_version: TRACE_FORMAT_VERSION,
      name: 'no-act',
      model: { cell: 'lstm', num_layers: 1, input_size: N, hidden_size: N, projection_size: 0, bidirectional: false },
      workload: { batch_size: 1, sequence_lengths_timesteps: [1] },
      precision: { weight_bits: 16, activation_bits: 16 },
      sparsity: { weight_density: 1 },
      provenance: { generator: 'test', source: 'hand-written', assumptions: [] },
    });
    await w.appendCellState({ sequence_index: 0, timestep: 0, layer_index: 0, direction: 0, fractional_bits: 8, values: ones(N, 0) });
    await w.finish();
    await expect(simulate(deltaConfig('d-none.yaml', 'mwl'), file)).rejects.toThrow(/no activation records \(write one with `rnnsim delta trace`\)/);
  });
});

describe('the delta rule in the loop', () => {
  it('theta 0 computes exactly what the dense integer datapath computes', () => {
    const model = loadModel('mnist-columns');
    const parts = partsOf(model);
    const config = uniformQuantization(model.topology.num_layers);
    const data = model.data.load('test', 3);
    const delta = new DeltaLstm(parts.rnn, config, { input: 0, hidden: 0 });
    const dense = new QuantizedRnn(parts.rnn, config);
    for (const seq of data.sequences) {
      const input = sequenceInput(seq, parts);
      expect([...delta.forward(input, seq.steps).layerOutputs[0].codes]).toEqual([...dense.forward(input, seq.steps).outputCodes]);
    }
  });

  it('a threshold changes the computation (the products see the last propagated values)', () => {
    const model = loadModel('mnist-columns');
    const parts = partsOf(model);
    const config = uniformQuantization(model.topology.num_layers);
    const seq = model.data.load('test', 2).sequences[0];
    const input = sequenceInput(seq, parts);
    const a = new DeltaLstm(parts.rnn, config, { input: 0.25, hidden: 0.25 }).forward(input, seq.steps).layerOutputs[0].codes;
    const b = new QuantizedRnn(parts.rnn, config).forward(input, seq.steps).outputCodes;
    expect([...a]).not.toEqual([...b]);
  });
});

describe('the bundled delta trace (traces/delta/mnist-columns-delta.json, theta 1/32 in the loop)', () => {
  it('skipped MACs equal an independent recount of the propagated columns from the records', async () => {
    const file = join(REPO, 'traces', 'delta', 'mnist-columns-delta.json');
    const trace = await readTrace(file);
    // Recount with integer codes: a column propagates when |code - last| >= theta * 2^frac and code != last.
    const theta = 1 / 32;
    const H = 128;
    const I = 28;
    let skipped = 0;
    const byKey = new Map<string, Int32Array>();
    // Every record of this trace is in the layer's activation format (frac bits from the header's quantization).
    const frac = trace.header.quantization?.layers[0].activation.frac_bits ?? NaN;
    for (const r of await collectPayloadRecords(trace)) {
      if (r.kind !== 'activation') continue;
      expect(r.fractional_bits).toBe(frac);
      byKey.set(`${r.sequence_index}.${r.vector}.${r.timestep}`, r.values);
    }
    const step = theta * 2 ** frac;
    trace.header.workload.sequence_lengths_timesteps.forEach((len, k) => {
      const xLast = new Int32Array(I);
      const hLast = new Int32Array(H);
      for (let t = 0; t < len; t++) {
        const x = byKey.get(`${k}.input.${t}`) as Int32Array;
        let cols = 0;
        for (let j = 0; j < I; j++) {
          if (x[j] !== xLast[j] && Math.abs(x[j] - xLast[j]) >= step) {
            xLast[j] = x[j];
            cols++;
          }
        }
        if (t > 0) {
          const h = byKey.get(`${k}.hidden.${t - 1}`) as Int32Array;
          for (let j = 0; j < H; j++) {
            if (h[j] !== hLast[j] && Math.abs(h[j] - hLast[j]) >= step) {
              hLast[j] = h[j];
              cols++;
            }
          }
        }
        skipped += 4 * H * (I + H - cols);
      }
    });
    const r = await simulate(join(REPO, 'configs', 'epur-delta.yaml'), file);
    expect(r.summary.components.delta_unit.thresholds_from_trace).toBe(1);
    expect(r.summary.components.delta_unit.theta_hidden).toBe(theta);
    expect(r.summary.macs_skipped).toBe(skipped);
    expect(r.summary.macs + r.summary.macs_skipped).toBe(traceMacs(rnnHeader(r.header)));
  });
});
