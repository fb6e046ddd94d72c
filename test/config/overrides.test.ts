/** --set overrides: parsed as YAML scalars, applied before validation, errors naming the key and the --set. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSetOption } from '../../src/config/overrides.js';
import { loadArchitecture } from '../../src/config/load-architecture.js';
import { EPUR_YAML, runCli, tempDir, writeTrace } from '../helpers/context.js';

let dir = '';
let cleanup = (): void => undefined;
let trace = '';
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  trace = writeTrace(dir, { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: 2 });
});
afterAll(() => cleanup());

describe('parseSetOption', () => {
  it('reads the key path and the value as a YAML scalar', () => {
    expect(parseSetOption('components.weight_buffer.size_kib=1024')).toMatchObject({ path: ['components', 'weight_buffer', 'size_kib'], value: 1024 });
    expect(parseSetOption('a.b=0.5').value).toBe(0.5);
    expect(parseSetOption('a.b=true').value).toBe(true);
    expect(parseSetOption('a.b=mwl').value).toBe('mwl');
    expect(parseSetOption('a.b="8,16"').value).toBe('8,16');
    expect(parseSetOption('a.b=8,16').value).toBe('8,16');
  });

  it('refuses what is not KEY=VALUE with one value', () => {
    expect(() => parseSetOption('a.b')).toThrow(/--set a\.b: expected KEY=VALUE/);
    expect(() => parseSetOption('a..b=1')).toThrow(/not a dotted key path/);
    expect(() => parseSetOption('a.b=[1, 2]')).toThrow(/not a single value/);
    expect(() => parseSetOption('a.__proto__.b=1')).toThrow(/cannot be a config key/);
  });
});

describe('loadArchitecture with overrides', () => {
  it('sets the value, validated like the file, and changes the config hash', () => {
    const plain = loadArchitecture(EPUR_YAML);
    const set = loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('components.dot_product_unit.multipliers=32')] });
    expect(plain.roles.dot_product_unit.params.multipliers).toBe(16);
    expect(set.roles.dot_product_unit.params.multipliers).toBe(32);
    expect(set.sha256).not.toBe(plain.sha256);
    expect(plain.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(set.overrides).toEqual(['components.dot_product_unit.multipliers=32']);
  });

  it('an explicit DRAM value wins over the preset, a new preset fills the rest', () => {
    const c = loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('components.dram.bandwidth_gb_per_s=12.8')] });
    expect(c.roles.dram.params.bandwidth_gb_per_s).toBe(12.8);
    const hbm = loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('components.dram.preset=hbm2')] });
    expect(hbm.roles.dram.params.preset).toBe('hbm2');
    expect(hbm.roles.dram.params.bandwidth_gb_per_s).not.toBe(c.roles.dram.params.bandwidth_gb_per_s);
  });

  it('a bad value is reported at the key, naming the --set it came from', () => {
    expect(() => loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('components.dot_product_unit.multipliers=0')] })).toThrow(
      /components\.dot_product_unit\.multipliers \(set by --set components\.dot_product_unit\.multipliers=0\): must be >= 1; found 0/,
    );
    expect(() => loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('components.weight_buffer.size_kb=64')] })).toThrow(/components\.weight_buffer\.size_kb \(set by --set components\.weight_buffer\.size_kb=64\): unknown key 'size_kb'/);
    expect(() => loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('components.dram=lpddr4')] })).toThrow(/--set components\.dram=lpddr4: 'components\.dram' is a mapping in the file/);
    expect(() => loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('clock_mhz.x=1')] })).toThrow(/'clock_mhz' is a single value \(500\)/);
  });

  it('keys the file set keep their line and column', () => {
    // The kind comes from --set, the DPU's keys from the file (configs/epur.yaml line 27).
    expect(() => loadArchitecture(EPUR_YAML, { overrides: [parseSetOption('components.dot_product_unit.kind=dram')] })).toThrow(/line 27, column 18 \(at components\.dot_product_unit\.multipliers\): unknown key 'multipliers'/);
  });
});

describe('CLI --set', () => {
  it('run: the summary records the override and the cycles change', async () => {
    const base = await runCli(['run', '--config', EPUR_YAML, '--trace', trace, '--json']);
    const wide = await runCli(['run', '--config', EPUR_YAML, '--trace', trace, '--json', '--set', 'components.dot_product_unit.multipliers=8', '--set', 'components.weight_buffer.size_kib=1024']);
    expect(base.code).toBe(0);
    expect(wide.code).toBe(0);
    const b = JSON.parse(base.stdout) as { cycles: number; config: { overrides?: string[] } };
    const w = JSON.parse(wide.stdout) as { cycles: number; config: { overrides?: string[] } };
    expect(b.config.overrides).toBeUndefined();
    expect(w.config.overrides).toEqual(['components.dot_product_unit.multipliers=8', 'components.weight_buffer.size_kib=1024']);
    // Half the multipliers: at least the MAC-bound part doubles (64 x 128 MACs per gate and step at 8 per cycle).
    expect(w.cycles).toBeGreaterThan(b.cycles);
  });

  it('check: a bad --set exits 1 with the key', async () => {
    const r = await runCli(['check', EPUR_YAML, '--set', 'components.input_buffer.word_bits=7']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/components\.input_buffer\.word_bits \(set by --set components\.input_buffer\.word_bits=7\): must be >= 8/);
  });

  it('compare: the override applies to every config', async () => {
    const out = `${dir}/cmp`;
    const r = await runCli(['compare', '--config', EPUR_YAML, '--trace', trace, '--out', out, '--set', 'clock_mhz=250']);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(`${out}/compare.json`, 'utf8')) as { rows: Array<{ latency_us: number }> };
    const plain = await runCli(['run', '--config', EPUR_YAML, '--trace', trace, '--json']);
    // Same cycles at half the clock (the DRAM latency in cycles halves too, so not exactly twice): slower.
    expect(j.rows[0].latency_us).toBeGreaterThan((JSON.parse(plain.stdout) as { latency_us: number }).latency_us);
  });
});
