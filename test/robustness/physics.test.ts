/**
 * Plausible physics (issue 12): a clock, a supply voltage or a run whose counts leave what the
 * models and doubles can represent is refused with exit 1 naming the config file and the key,
 * instead of a report of 2.6e302 us or infinite energy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gemmTraceHeader } from '../../src/traces/gemm.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EPUR_YAML, REPO, runCli, tempDir, writeEpurText, writeTrace } from '../helpers/context.js';

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

describe('a datapath narrower than the trace (issue 12: a 1-bit multiplier ran a 16-bit trace, exit 0)', () => {
  const STATIC8 = join(REPO, 'configs', 'epur-static8.yaml');
  const ESE = join(REPO, 'configs', 'ese.yaml');
  // Same shape at 16 and at 8 bits: the requantized run must be the 8-bit trace's run.
  const shape = { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: 3 } as const;
  const wide = writeTrace(dir, { ...shape, name: 'wide', weight_bits: 16, activation_bits: 16 }, 'wide.json');
  const narrow = writeTrace(dir, { ...shape, name: 'narrow', weight_bits: 8, activation_bits: 8 }, 'narrow.json');

  it('a 1-bit dot-product unit on a 16-bit trace is refused at the key, naming the trace, its fields and the way out', async () => {
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', wide, '--set', 'components.dot_product_unit.precision_bits=1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /epur\.yaml: components\.dot_product_unit\.precision_bits \(set by --set components\.dot_product_unit\.precision_bits=1\): precision_bits = 1 bits is narrower than the trace .*wide\.json, which has weights at 16 bits \(precision\.weight_bits\) and activations at 16 bits \(precision\.activation_bits\)\..*narrow_datapath: requantize/,
    );
  });

  it('configs/epur-static8.yaml (8-bit multipliers) refuses a 16-bit trace at its precision_bits line, in run and in check', async () => {
    const run = await runCli(['run', '--config', STATIC8, '--trace', wide]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/epur-static8\.yaml: line 36, column \d+ \(at components\.dot_product_unit\.precision_bits\): precision_bits = 8 bits is narrower/);
    const check = await runCli(['check', STATIC8, '--trace', wide]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/line 36, column \d+ \(at components\.dot_product_unit\.precision_bits\)/);
  });

  it('an ESE PE with 8-bit activations refuses the 16-bit activations of a trace; 12-bit weights are not its to judge', async () => {
    const r = await runCli(['run', '--config', ESE, '--trace', wide, '--set', 'components.pe.activation_bits=8']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ese\.yaml: components\.pe\.activation_bits .*: activation_bits = 8 bits is narrower than the trace .*wide\.json, which has activations at 16 bits \(precision\.activation_bits\)\./);
    expect(r.stderr).not.toMatch(/weights at/);
  });

  it('narrow_datapath: requantize runs the 16-bit trace exactly as the same shape at 8 bits, and says so in summary.json', async () => {
    const out = (name: string): string => join(dir, name);
    const a = await runCli(['run', '--config', STATIC8, '--trace', wide, '--set', 'narrow_datapath=requantize', '--out', out('requantized')]);
    expect(a.stderr).toBe('');
    const b = await runCli(['run', '--config', STATIC8, '--trace', narrow, '--out', out('native8')]);
    expect(b.code).toBe(0);
    const ra = JSON.parse(readFileSync(join(out('requantized'), 'summary.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    const rb = JSON.parse(readFileSync(join(out('native8'), 'summary.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(ra.trace.requantized_to).toEqual({ weight_bits: 8, activation_bits: 8 });
    expect(rb.trace.requantized_to).toBeUndefined();
    for (const key of ['cycles', 'dram_bytes', 'energy_pj', 'stall_cycles', 'components'] as const) expect(ra[key], key).toEqual(rb[key]);
    // 8-bit weights: 4 gates x 64 rows x 128 columns x 1 byte fetched once (MWL, resident) = 32768 bytes, plus 3 x 64 input bytes.
    expect((rb.dram_bytes as { read: number }).read).toBe(32768 + 3 * 64);
  });

  it('a dataflow that replays recorded values (DPS) cannot requantize: refused naming the reason', async () => {
    const dps = join(REPO, 'configs', 'epur-dps.yaml');
    const trace = join(REPO, 'traces', 'dps', 'mnist-columns-dps.json');
    const r = await runCli(['run', '--config', dps, '--trace', trace, '--set', 'components.dot_product_unit.precision_bits=8', '--set', 'narrow_datapath=requantize']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/precision_bits = 8 bits is narrower than the trace .*mnist-columns-dps\.json.*and the epur_dps dataflow replays the values the trace recorded at that width, so narrow_datapath: requantize cannot apply/);
  });

  it('an E-PUR technique checks its own unit: the delta unit compares elements at element_bits', async () => {
    const delta = join(REPO, 'configs', 'epur-delta.yaml');
    const trace = join(REPO, 'traces', 'delta', 'mnist-columns-delta.json');
    const r = await runCli(['run', '--config', delta, '--trace', trace, '--set', 'components.delta_unit.element_bits=8']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/epur-delta\.yaml: components\.delta_unit\.element_bits .*: element_bits = 8 bits is narrower than the trace .*mnist-columns-delta\.json, which has activations at 16 bits/);
  });

  it('a 16-bit plain GEMM on the 8-bit TPU is refused with the GEMM generator named; requantized it runs as the 8-bit GEMM', async () => {
    const tpu = join(REPO, 'configs', 'tpu-v1.yaml');
    const g16 = join(dir, 'g16.json');
    const g8 = join(dir, 'g8.json');
    writeFileSync(g16, JSON.stringify(gemmTraceHeader({ m: 8, n: 8, k: 8, name: 'g' }, 'test')));
    writeFileSync(g8, JSON.stringify(gemmTraceHeader({ m: 8, n: 8, k: 8, name: 'g', weight_bits: 8, activation_bits: 8 }, 'test')));
    const refused = await runCli(['run', '--config', tpu, '--trace', g16]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/tpu-v1\.yaml: line \d+, column \d+ \(at components\.systolic_array\.precision_bits\): precision_bits = 8 bits is narrower .*\(rnnsim trace gemm --weight-bits\/--activation-bits\)/);
    const a = await runCli(['run', '--config', tpu, '--trace', g16, '--set', 'narrow_datapath=requantize', '--out', join(dir, 'g16-out')]);
    expect(a.stderr).toBe('');
    expect((await runCli(['run', '--config', tpu, '--trace', g8, '--out', join(dir, 'g8-out')])).code).toBe(0);
    const sa = JSON.parse(readFileSync(join(dir, 'g16-out', 'summary.json'), 'utf8')) as Record<string, unknown>;
    const sb = JSON.parse(readFileSync(join(dir, 'g8-out', 'summary.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['cycles', 'dram_bytes', 'energy_pj']) expect(sa[key], key).toEqual(sb[key]);
  });

  it('bench takes --set too, so an 8-bit design can be timed on the 16-bit DeepBench traces; the output records it', async () => {
    const tpu = join(REPO, 'configs', 'tpu-v1.yaml');
    const args = ['bench', '--config', tpu, '--traces', join(REPO, 'traces', 'deepbench'), '--pattern', '^lstm-h512-b1-t25\\.json$', '--cases', 'none', '--repeat', '1'];
    expect((await runCli(args)).code).toBe(1);
    const r = await runCli([...args, '--set', 'narrow_datapath=requantize']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { overrides: string[]; traces: { trace: string }[] };
    expect(out.overrides).toEqual(['narrow_datapath=requantize']);
    expect(out.traces.map((t) => t.trace)).toEqual(['lstm-h512-b1-t25.json']);
  });

  it('check --trace diagnoses at the requantized width', async () => {
    const refused = await runCli(['check', STATIC8, '--trace', wide]);
    expect(refused.code).toBe(1);
    const r = await runCli(['check', STATIC8, '--trace', wide, '--set', 'narrow_datapath=requantize']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a datapath as wide as the trace, or wider, runs without the key', async () => {
    expect((await runCli(['run', '--config', STATIC8, '--trace', narrow])).code).toBe(0);
    expect((await runCli(['run', '--config', EPUR_YAML, '--trace', narrow])).code).toBe(0);
  });
});

describe('ESE balanced layouts when rows do not divide over the PEs (an internal error, exit 2, before)', () => {
  const ese = join(REPO, 'configs', 'ese.yaml');

  it('a dense GRU of 16 units: 48 rows over 32 PEs run, the 1-row PEs holding all 16 of their weights', async () => {
    const trace = writeTrace(dir, { cell: 'gru', input_size: 16, hidden_size: 16, timesteps: 3, weight_bits: 12, activation_bits: 16 }, 'gru16.json');
    const r = await runCli(['run', '--config', ese, '--trace', trace]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('an LSTM with an 8-unit projection: 8 rows over 32 PEs run', async () => {
    const trace = writeTrace(dir, { cell: 'lstm', input_size: 16, hidden_size: 16, projection_size: 8, timesteps: 3, weight_density: 0.5 }, 'proj8.json');
    const r = await runCli(['run', '--config', ese, '--trace', trace]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
