/**
 * Plausible physics (issue 12): a clock, a supply voltage or a run whose counts leave what the
 * models and doubles can represent is refused with exit 1 naming the config file and the key,
 * instead of a report of 2.6e302 us or infinite energy.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EPUR_YAML, runCli, tempDir, writeEpurText, writeTrace } from '../helpers/context.js';

const { dir, cleanup } = tempDir('rnnsim-physics-');
afterAll(() => cleanup());
const trace = writeTrace(dir, { cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 2, name: 'tiny' }, 'tiny.json');

describe('implausible physics is refused', () => {
  it('clock_mhz 1e-300 (latency 1e302 us before): exit 1 at the key, with the bounds', async () => {
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', trace, '--set', 'clock_mhz=1e-300']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/clock_mhz \(set by --set clock_mhz=1e-300\): must be >= 1; found 1e-300 \(accelerator clock \[MHz\]; 1 MHz to 100 GHz \(plausibility bounds, assumed\)\)/);
  });

  it('voltage_v 1e300 (infinite energy before): exit 1 naming the file, the technology block and the range', async () => {
    const file = writeEpurText(dir, 'volts.yaml', (t) => t.replace(/^technology:\n/m, 'technology:\n  voltage_v: 1e300\n'));
    const r = await runCli(['run', '--config', file, '--trace', trace]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/volts\.yaml: line \d+, column \d+ \(at technology\): voltage_v 1e\+300 V is outside 0\.\d+\.\.\d\.\d+ V, the range \(0\.5x to 1\.5x the table's nominal \d\.?\d* V, assumed\)/);
  });

  it('a voltage inside the range runs', async () => {
    const file = writeEpurText(dir, 'volts-ok.yaml', (t) => t.replace(/^technology:\n/m, 'technology:\n  voltage_v: 0.8\n'));
    expect((await runCli(['run', '--config', file, '--trace', trace])).code).toBe(0);
  });

  it('an unknown node_nm names the file and the key (it named neither)', async () => {
    const r = await runCli(['check', EPUR_YAML, '--set', 'technology.node_nm=1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/epur\.yaml: technology\.node_nm \(set by --set technology\.node_nm=1\): no technology table for 1 nm \(expected configs\/tech\/1nm\.yaml\); available: 7 nm/);
  });
});

describe('reserved names', () => {
  it('a role named toString under components is refused as a role the dataflow does not have (it ran, exit 0)', async () => {
    const file = writeEpurText(dir, 'tostring.yaml', (t) => t.replace(/^  dram:\n/m, '  toString:\n    kind: dram\n    preset: lpddr4\n  dram:\n'));
    const r = await runCli(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tostring\.yaml: line \d+, column \d+ \(at components\.toString\): the epur dataflow has no role 'toString'; its roles are /);
  });
});

describe('sizes the energy models cannot price', () => {
  it('a weight buffer of 1.0001220703125 KiB over 8 banks (128.015625 bytes a bank) names the file and the key (found by fuzzing: no place)', async () => {
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', trace, '--set', 'components.weight_buffer.size_kib=1.0001220703125']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/epur\.yaml: components\.weight_buffer\.size_kib \(set by --set components\.weight_buffer\.size_kib=1\.0001220703125\): size_kib 1\.0001220703125 KiB over 8 banks gives 128\.015625 bytes per bank/);
  });
});
