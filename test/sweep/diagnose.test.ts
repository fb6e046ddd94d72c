/** E-PUR's starved-design diagnostics, with hand-worked numbers, checked against what the simulator does. */
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../../src/config/load-architecture.js';
import { parseSetOption } from '../../src/config/overrides.js';
import { readTrace } from '../../src/traces/reader.js';
import { workloadFromTrace } from '../../src/dataflows/workload.js';
import { simulate } from '../../src/simulate.js';
import { EPUR_YAML, REPO } from '../helpers/context.js';

const H1024 = `${REPO}traces/deepbench/lstm-h1024-b1-t25.json`;
const H512 = `${REPO}traces/deepbench/lstm-h512-b1-t25.json`;

async function diagnose(sets: string[], trace?: string) {
  const config = loadArchitecture(EPUR_YAML, { overrides: sets.map(parseSetOption) });
  const workload = trace ? workloadFromTrace((await readTrace(trace)).header) : undefined;
  return config.dataflow.diagnose!({ clockMhz: config.clockMhz, dataflowParams: config.dataflowParams, roles: config.roles, workload });
}

describe('E-PUR diagnose', () => {
  it('the shipped config starves nothing on lstm-h1024 and lstm-h512', async () => {
    expect(await diagnose([], H1024)).toEqual([]);
    expect(await diagnose([], H512)).toEqual([]);
  });

  it('64 multipliers on one dual-ported bank of 256-bit words: 1024 bits of activations needed, 512 delivered, at most 50%', async () => {
    // One bank x 2 ports x 256 bits = 512 bits = 32 products at 16 bits: width 32 is fed, 64 is not.
    expect(await diagnose(['components.dot_product_unit.multipliers=32'])).toEqual([]);
    const d = await diagnose(['components.dot_product_unit.multipliers=64']);
    expect(d.map((x) => x.code)).toEqual(['input_buffer_bandwidth']);
    expect(d[0].message).toMatch(/components\.input_buffer delivers 512 bits of activations per cycle .*dot_product_unit\.multipliers = 64 at 16 bits need 1024 bits per cycle: only 32 of the 64 products .* at most 50% .*input_buffer\.word_bits to 512 /);
    expect(d[0].keys).toContain('components.input_buffer.word_bits');
    expect(await diagnose(['components.dot_product_unit.multipliers=32', 'components.input_buffer.ports_per_bank=1'])).toHaveLength(1);
    expect(await diagnose(['components.dot_product_unit.multipliers=64', 'components.input_buffer.banks=2'])).toEqual([]);
    expect(await diagnose(['components.dot_product_unit.multipliers=64', 'components.input_buffer.word_bits=512'])).toEqual([]);
    const w = await diagnose(['components.dot_product_unit.multipliers=256', 'components.input_buffer.word_bits=4096']);
    // 256 x 16 = 4096 bits of weights per cycle; 8 banks x 256 = 2048.
    expect(w.map((x) => x.code)).toEqual(['weight_buffer_bandwidth']);
    expect(w[0].message).toMatch(/delivers 2048 bits of weights .* need 4096 bits per cycle/);
  });

  it('the warning matches the simulation: width 64 runs at most half the time, charged to SRAM bandwidth; width 32 does not', async () => {
    const run = async (sets: string[]) => (await simulate(EPUR_YAML, H512, { overrides: sets.map(parseSetOption) })).summary;
    const w64 = await run(['components.dot_product_unit.multipliers=64']);
    expect(w64.utilization.pe).toBeLessThanOrEqual(0.5);
    expect(w64.stall_cycles.by_cause.sram_bandwidth).toBeGreaterThan(0.3 * w64.cycles * w64.compute.units);
    const w32 = await run(['components.dot_product_unit.multipliers=32']);
    expect(w32.utilization.pe).toBeGreaterThan(0.75);
    // Fed by wider words, width 64 is no longer starved.
    const fed = await run(['components.dot_product_unit.multipliers=64', 'components.input_buffer.word_bits=512']);
    expect(fed.utilization.pe).toBeGreaterThan(0.7);
  });

  it('a 1 MiB weight buffer on lstm-h1024: W_h (1024 x 1024 x 16 bits = 2 MiB per unit) streams; 128 B/cycle needed, 38.4 given', async () => {
    const d = await diagnose(['components.weight_buffer.size_kib=1024'], H1024);
    expect(d.map((x) => x.code)).toEqual(['weights_stream', 'dram_bandwidth']);
    expect(d[0].message).toMatch(/layer 0 W_h \(recurrent\): each of 4 unit\(s\) holds a 1024 x 1024 weight slice at 16 bits \(2048 KiB\), which does not fit in components\.weight_buffer\.size_kib = 1024 KiB next to 2 staging tiles of 16 rows \(64 KiB\)/);
    // A 16-row tile of 1024 16-bit weights is 32 KiB, computed in 16 x 1024/16 = 1024 cycles: 4 x 32768 / 1024 = 128 bytes per cycle.
    // LPDDR4 preset: 19.2 GB/s at 500 MHz = 38.4 bytes per cycle, so the units are busy at most 30% of the pass.
    expect(d[1].message).toMatch(/need 128 bytes per cycle \(64 GB\/s at 500 MHz\), but components\.dram\.bandwidth_gb_per_s gives 19\.2 GB\/s \(38\.4 bytes per cycle\): the units can be busy at most 30% of that pass/);
  });

  it('the streaming warning matches the simulation: DRAM reads every W_h every step', async () => {
    const r = await simulate(EPUR_YAML, H1024, { overrides: [parseSetOption('components.weight_buffer.size_kib=1024')] });
    // W_x once (4 x 1024 x 1024 x 2 bytes = 8 MiB) plus W_h at each of 25 steps (8 MiB each), plus the inputs.
    expect(r.summary.dram_bytes.read).toBeGreaterThanOrEqual(26 * 8 * 2 ** 20);
  });
});
