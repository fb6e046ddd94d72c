/**
 * Output-stationary systolic arrays and plain GEMM traces. An output-stationary fold is an R x C
 * block of the result and takes K + R + C - 2 cycles (SCALE-Sim's systolic_compute_os); its
 * weights arrive as tiles of up to R k-indices (src/dataflows/systolic/mapping.ts). Expected
 * values are worked by hand; the SCALE-Sim figures quoted were produced by its own compute
 * modules (docs/baselines.md, "Plain GEMMs").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { OutputStationarySchedule } from '../../src/dataflows/systolic/output-stationary-schedule.js';
import { FoldSchedule } from '../../src/dataflows/systolic/fold-schedule.js';
import { plainGemmMapping } from '../../src/dataflows/systolic/mapping.js';
import { outputStationaryTiming, weightStationaryTiming } from '../../src/components/systolic-array.js';
import { gemmTraceHeader } from '../../src/traces/gemm.js';
import { writeShapeTrace } from '../../src/traces/writer.js';
import { validateAnyTraceHeader, validateTraceHeader } from '../../src/traces/validate-header.js';
import { simulate } from '../../src/simulate.js';
import { InputError } from '../../src/errors.js';
import { REPO, runCli, tempDir } from '../helpers/context.js';
import { DRAM_NO_PRESET } from '../helpers/small-configs.js';

let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-os-'));
});
afterAll(() => cleanup());

/** Run a GEMM's tiles through the output-stationary schedule with given arrivals (default 0). */
function runOs(m: number, k: number, n: number, R: number, C: number, arrive: (i: number) => number = () => 0, inputsReady = 0) {
  const s = new OutputStationarySchedule(R, C);
  const stalls: Record<string, number> = {};
  let end = 0;
  plainGemmMapping({ name: 'g', m, n, k, weightBits: 8, activationBits: 8 }, R, C, 'output').folds.forEach((f, i) => {
    const g = s.next({ k: f.rows, weightsArrive: arrive(i), inputsReady, firstOfFold: f.firstOfFold, lastOfFold: f.lastOfFold });
    for (const [c, x] of g.stalls) stalls[c] = (stalls[c] ?? 0) + x;
    if (g.foldEnd !== undefined) end = g.foldEnd;
  });
  return { end, stalls, busy: s.busyCycles };
}

describe('output-stationary fold schedule, operands available at cycle 0', () => {
  it('4x4, GEMM (6 x 8) . (8 x 4): 2 folds of 8 + 4 + 4 - 2 = 14 cycles = 28 (SCALE-Sim: 28)', () => {
    // Folds: ceil(6/4) row blocks x ceil(4/4) column blocks = 2; each streams k = 8 in 2 tiles of 4.
    const r = runOs(6, 8, 4, 4, 4);
    expect(r.end).toBe(28);
    expect(r.stalls).toEqual({});
    expect(r.busy).toBe(28);
    expect(outputStationaryTiming(6, 8, 4, 4, 4)).toEqual({ folds: 2, cycles: 28, exposedWeightLoadCycles: 0 });
  });

  it('matches outputStationaryTiming cycle for cycle over a spread of shapes', () => {
    for (const [m, k, n, R, C] of [
      [1, 1, 1, 1, 1],
      [64, 128, 256, 16, 16],
      [5, 17, 9, 4, 8],
      [1, 2048, 8192, 256, 256],
      [300, 7, 2, 128, 2],
      [1024, 1024, 1024, 128, 128],
    ]) {
      expect(runOs(m, k, n, R, C).end, `${m}x${k}x${n} on ${R}x${C}`).toBe(outputStationaryTiming(m, k, n, R, C).cycles);
    }
  });

  it('SCALE-Sim v2 cycle counts, produced by its systolic_compute_os / _ws (demand-matrix rows)', () => {
    // (m, n, k, R, C) -> SCALE-Sim os, ws (single-buffered weights)
    const scalesim: Array<[number, number, number, number, number, number, number]> = [
      [6, 4, 8, 4, 4, 28, 32],
      [64, 256, 128, 16, 16, 10112, 14080],
    ];
    for (const [m, n, k, R, C, os, ws] of scalesim) {
      expect(outputStationaryTiming(m, k, n, R, C).cycles).toBe(os);
      expect(weightStationaryTiming(m, k, n, R, C, false).cycles).toBe(ws);
    }
  });

  it('the weight-stationary mapping of a plain GEMM runs weightStationaryTiming through FoldSchedule', () => {
    for (const db of [false, true]) {
      const s = new FoldSchedule(4, 4, db);
      let end = 0;
      for (const f of plainGemmMapping({ name: 'g', m: 6, n: 4, k: 8, weightBits: 8, activationBits: 8 }, 4, 4, 'weight').folds) end = s.next({ m: f.m, weightsArrive: 0, inputsReady: 0 }).streamEnd;
      expect(end).toBe(weightStationaryTiming(6, 8, 4, 4, 4, db).cycles);
    }
  });
});

describe('output-stationary fold schedule, weights and inputs arriving late', () => {
  it('a tile arriving late holds its chunk: 6 cycles of weight fetch inside the fold', () => {
    // Fold 0: chunk 0 (tile 0) 0-4; tile 1 arrives at 10: chunk 1 10-14 (stall 6); drain to 20.
    // Fold 1: chunk 0 20-24, chunk 1 24-28, drain to 34.
    const r = runOs(6, 8, 4, 4, 4, (i) => (i === 1 ? 10 : 0));
    expect(r.end).toBe(34);
    expect(r.stalls).toEqual({ weight_fetch: 6 });
    expect(r.busy + 6).toBe(34);
  });

  it('rows of A ready at 30 (h_(t-1)): the first fold waits 30 cycles of recurrent dependency', () => {
    const r = runOs(4, 8, 4, 4, 4, () => 0, 30);
    // One fold: 30 + 8 + 6 = 44.
    expect(r.end).toBe(44);
    expect(r.stalls).toEqual({ recurrent_dependency: 30 });
  });
});

/** A systolic config from configs/tpu-v1.yaml: 4 x 4 array, 1 GHz, a 1-cycle-per-burst DRAM with no latency. */
function smallSystolic(name: string, stationary: 'weight' | 'output'): string {
  const c = parse(readFileSync(join(REPO, 'configs', 'tpu-v1.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  const components = c.components as Record<string, Record<string, unknown>>;
  const file = join(dir, name);
  const config = {
    ...c,
    clock_mhz: 1000,
    components: {
      ...components,
      systolic_array: { kind: 'systolic_array', rows: 4, cols: 4, precision_bits: 8, accumulator_bits: 32, double_buffered_weights: false, stationary },
      weight_fifo: { kind: 'sram_buffer', size_kib: 1, word_bits: 128, banks: 1 },
      dram: { kind: 'dram', ...DRAM_NO_PRESET, channels: 1, bandwidth_gb_per_s: 4096, access_latency_ns: 0, burst_bytes: 64 },
    },
  };
  writeFileSync(file, stringify(config));
  return file;
}

describe('plain GEMM traces end to end on the systolic dataflow', () => {
  it('(6 x 8) . (8 x 4) on a 4 x 4 array: the first tile arrives at cycle 1, then 28 (OS) or 32 (WS) cycles', async () => {
    const trace = join(dir, 'g6x8x4.json');
    writeShapeTrace(trace, gemmTraceHeader({ name: 'g6x8x4', m: 6, n: 4, k: 8, weight_bits: 8, activation_bits: 8 }, 'test'));
    // A 4 x 4 tile of 8-bit weights is 16 bytes, one 64-byte burst: 1 cycle at 4096 bytes/cycle.
    const os = await simulate(smallSystolic('os.yaml', 'output'), trace);
    expect(os.summary.cycles).toBe(1 + 28);
    expect(os.summary.macs).toBe(6 * 8 * 4);
    expect(os.summary.stall_cycles.by_cause.weight_fetch).toBe(1);
    expect(os.summary.components.systolic_array.folds).toBe(2);
    expect(os.summary.components.systolic_array.weight_load_cycles).toBe(0);
    const ws = await simulate(smallSystolic('ws.yaml', 'weight'), trace);
    expect(ws.summary.cycles).toBe(1 + 32);
    expect(ws.summary.stall_cycles.by_cause.weight_load).toBe(8);
    // One step record for the GEMM; no element-wise work.
    expect(os.steps).toEqual([{ sequence: 0, layer: 0, direction: 0, timestep: 0, startCycle: 1, endCycle: 29, macs: 192 }]);
    expect(os.summary.element_ops).toEqual({ sigmoid: 0, tanh: 0, multiply: 0, add: 0 });
  });

  it('other dataflows refuse a GEMM trace naming the ones that run it', async () => {
    const trace = join(dir, 'g-refused.json');
    writeShapeTrace(trace, gemmTraceHeader({ name: 'g-refused', m: 2, n: 2, k: 2 }, 'test'));
    await expect(simulate(join(REPO, 'configs', 'epur.yaml'), trace)).rejects.toThrow(/dataflow 'epur' .* runs LSTM\/GRU traces only\. Dataflows that run plain GEMMs: systolic/);
    await expect(simulate(join(REPO, 'configs', 'ese.yaml'), trace)).rejects.toBeInstanceOf(InputError);
  });

  it('a GEMM header has its shape only; LSTM/GRU readers refuse it', () => {
    const h = gemmTraceHeader({ name: 'g', m: 2, n: 3, k: 4 }, 'test');
    expect(validateAnyTraceHeader(JSON.parse(JSON.stringify(h)), 'g.json')).toEqual(h);
    expect(() => validateTraceHeader(JSON.parse(JSON.stringify(h)), 'g.json')).toThrow(/a plain GEMM trace \(workload_kind gemm\); this needs an LSTM\/GRU trace/);
    const withModel = { ...h, model: { cell: 'lstm', num_layers: 1, input_size: 1, hidden_size: 1, projection_size: 0, bidirectional: false } };
    expect(() => validateAnyTraceHeader(withModel, 'g.json')).toThrow(/at \/model: a gemm trace \(workload_kind gemm\) has no model/);
    const noShape = { ...h, gemm: undefined };
    expect(() => validateAnyTraceHeader(JSON.parse(JSON.stringify(noShape)), 'g.json')).toThrow(/must have required property 'gemm'/);
  });
});

describe('rnnsim trace gemm', () => {
  it('writes a gemm trace that trace check reads, and refuses bad sizes by flag', async () => {
    const out = join(dir, 'cli-g.json');
    const w = await runCli(['trace', 'gemm', '--m', '3', '--n', '5', '--k', '7', '-o', out]);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('105 MACs');
    const c = await runCli(['trace', 'check', out]);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('plain GEMM (3 x 7) . (7 x 5); 105 MACs');
    const bad = await runCli(['trace', 'gemm', '--m', '0', '--n', '5', '--k', '7', '-o', join(dir, 'bad-g.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--m must be a whole number >= 1, found '0'");
  });
});
