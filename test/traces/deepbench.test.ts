import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deepBenchKernels, deepBenchReadme, deepBenchTraceHeader, writeDeepBenchTraces } from '../../src/traces/deepbench.js';
import { headerToJson } from '../../src/traces/header.js';
import { readTrace } from '../../src/traces/reader.js';
import { traceMacs } from '../../src/traces/work.js';
import { findJsonSyntaxError } from '../../src/traces/json-text.js';
import { tempDir } from './helpers.js';

const BUNDLED = new URL('../../traces/deepbench/', import.meta.url);

describe('DeepBench traces', () => {
  it('lists every LSTM/GRU inference kernel: 5 server LSTM + 6 server GRU shapes x 3 batches = 33', () => {
    const kernels = deepBenchKernels();
    expect(kernels).toHaveLength(33);
    expect(kernels.filter((k) => k.cell === 'lstm')).toHaveLength(15);
    expect(kernels.filter((k) => k.suites.includes('device')).map((k) => [k.hidden_size, k.batch_size, k.timesteps])).toEqual([[256, 1, 150]]);
    expect(new Set(kernels.map((k) => deepBenchTraceHeader(k).name)).size).toBe(33);
  });

  it('the committed files are exactly what the generator writes', () => {
    const dir = tempDir();
    writeDeepBenchTraces(dir);
    const generated = readdirSync(dir).sort();
    expect(readdirSync(BUNDLED).sort()).toEqual(generated);
    for (const f of generated) expect(readFileSync(new URL(f, BUNDLED), 'utf8'), f).toBe(readFileSync(join(dir, f), 'utf8'));
    expect(readFileSync(new URL('README.md', BUNDLED), 'utf8')).toBe(deepBenchReadme(deepBenchKernels()));
  });

  it('every bundled trace reads back valid and shape-only', async () => {
    for (const k of deepBenchKernels()) {
      const h = deepBenchTraceHeader(k);
      const t = await readTrace(new URL(`${h.name}.json`, BUNDLED).pathname);
      expect(t.header).toEqual(h);
      expect(t.payloadPath).toBeUndefined();
      expect(findJsonSyntaxError(headerToJson(h))).toBeUndefined();
    }
  });

  it('states the input = hidden assumption and the sizes', async () => {
    const t = await readTrace(new URL('lstm-h1024-b1-t25.json', BUNDLED).pathname);
    expect(t.header.model).toEqual({ cell: 'lstm', num_layers: 1, input_size: 1024, hidden_size: 1024, projection_size: 0, bidirectional: false });
    expect(t.header.workload).toEqual({ batch_size: 1, sequence_lengths_timesteps: [25] });
    expect(t.header.provenance.assumptions.join('\n')).toMatch(/input_size = hidden_size/);
    // 4 * 1024 * 2048 * 25 = 209,715,200
    expect(traceMacs(t.header)).toBe(209_715_200);
  });

  it('MACs are twice DeepBench FLOP/2 (DeepBench leaves out W x_t): GRU 512 x 4 x 1', async () => {
    const t = await readTrace(new URL('gru-h512-b4-t1.json', BUNDLED).pathname);
    // rnnsim: 3 * 512 * (512 + 512) * 1 * 4 = 6,291,456; DeepBench: 6 * 512^2 FLOP = 3 * 512^2 MACs per step, * 4
    expect(traceMacs(t.header)).toBe(6_291_456);
    expect(traceMacs(t.header)).toBe(2 * 3 * 512 * 512 * 4);
  });
});
