/**
 * Bad input, one test per class: exit code 1 through main(argv), and a message on stderr that
 * names the file and the place (line and column, key path) where it applies.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EPUR_YAML, runCli, tempDir, writeEpurConfig, writeEpurText, writeTrace } from '../helpers/context.js';

let dir = '';
let trace = '';
let cleanup = (): void => undefined;

beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-bad-input-'));
  trace = writeTrace(dir, { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: 2, weight_bits: 16, activation_bits: 16 });
});
afterAll(() => cleanup());

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`test setup: '${needle}' not found`);
  return i + 1;
}

let edited = '';
/** Write epur.yaml with one line's `from` replaced by `to`; remember the text for lineOf. */
function variant(name: string, from: string, to: string): string {
  return writeEpurText(dir, name, (t) => {
    edited = t.replace(from, to);
    return edited;
  });
}

async function runBad(config: string, tracePath = trace): Promise<string> {
  const r = await runCli(['run', '--config', config, '--trace', tracePath]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^rnnsim: error: /);
  return r.stderr;
}

describe('rnnsim run: bad input exits 1 and names the file and the place', () => {
  it('invalid YAML: file, line and column', async () => {
    // An unterminated flow sequence: the parser notices on the next line, at its first key (column 3).
    const file = variant('invalid.yaml', '  tile_rows: 16 ', '  tile_rows: [16 ');
    const line = lineOf(edited, 'tile_rows: [16') + 1;
    const err = await runBad(file);
    expect(err).toContain(`${file}: line ${line}, column 3: invalid YAML`);
  });

  it('schema violation, wrong type: key path, expected type, unit and the value found', async () => {
    const file = variant('type.yaml', 'multipliers: 16 ', 'multipliers: "sixteen" ');
    const line = lineOf(edited, 'multipliers: "sixteen"');
    const err = await runBad(file);
    expect(err).toContain(file);
    // value starts at column 18: 4 spaces + 'multipliers: ' (13 characters) + 1
    expect(err).toContain(`line ${line}, column 18 (at components.dot_product_unit.multipliers): must be integer; found "sixteen"`);
    expect(err).toContain('[count]');
  });

  it('schema violation, out of range: the bound and the value found', async () => {
    const file = variant('range.yaml', 'pipeline_latency_cycles: 5 ', 'pipeline_latency_cycles: 65 ');
    const line = lineOf(edited, 'pipeline_latency_cycles: 65');
    const err = await runBad(file);
    expect(err).toContain(file);
    expect(err).toMatch(new RegExp(`line ${line}, column \\d+ \\(at components\\.dot_product_unit\\.pipeline_latency_cycles\\): must be <= 64; found 65 .*\\[cycles\\]`));
  });

  it('unknown key', async () => {
    const file = variant('key.yaml', '    lanes: 1 ', '    lanez: 1 ');
    const line = lineOf(edited, 'lanez: 1');
    const err = await runBad(file);
    expect(err).toContain(file);
    expect(err).toMatch(new RegExp(`line ${line}, column \\d+ \\(at components\\.multifunction_unit\\.lanez\\): unknown key 'lanez'`));
  });

  it('unknown component kind', async () => {
    const file = variant('kind.yaml', 'kind: multifunction_unit', 'kind: tensor_core');
    const err = await runBad(file);
    expect(err).toContain(file);
    // reported at the component block (the line after 'multifunction_unit:')
    const line = lineOf(edited, 'kind: tensor_core');
    // Placed at the kind key, with the kinds that exist.
    expect(err).toMatch(new RegExp(`line ${line}, column 11 \\(at components\\.multifunction_unit\\.kind\\): unknown kind 'tensor_core'; known kinds: dot_product_unit, multifunction_unit, `));
  });

  it('a role filled by the wrong kind', async () => {
    // A valid dot_product_unit block in the multifunction_unit role.
    const file = writeEpurConfig(dir, 'role-kind.yaml', {
      components: { multifunction_unit: { kind: 'dot_product_unit', lanes: undefined, lut_entries: undefined, latency_cycles: undefined, precision_bits: 16 } },
    });
    const err = await runBad(file);
    expect(err).toContain(file);
    expect(err).toMatch(/line \d+, column \d+ \(at components\.multifunction_unit\.kind\): role 'multifunction_unit' needs a component implementing multifunction_unit \(multifunction_unit\), found dot_product_unit, which implements dot_product_unit/);
  });

  it('a missing role', async () => {
    const file = writeEpurConfig(dir, 'role-missing.yaml', { components: { input_buffer: undefined } });
    const err = await runBad(file);
    expect(err).toContain(file);
    expect(err).toMatch(/line \d+, column \d+ \(at components\): the epur dataflow needs a component 'input_buffer' implementing sram_buffer \(.*; kinds: sram_buffer\)/);
  });

  it.each([
    ['zero', '0'],
    ['negative', '-3'],
  ])('%s bandwidth', async (label, value) => {
    const file = variant(`bw-${label}.yaml`, '    preset: lpddr4 ', `    bandwidth_gb_per_s: ${value}\n    preset: lpddr4 `);
    const line = lineOf(edited, 'bandwidth_gb_per_s:');
    const err = await runBad(file);
    expect(err).toContain(file);
    // value column: 4 spaces + 'bandwidth_gb_per_s: ' (20) + 1 = 25
    expect(err).toContain(`line ${line}, column 25 (at components.dram.bandwidth_gb_per_s): must be > 0; found ${value}`);
    expect(err).toContain('[GB/s]');
  });

  it('an unknown DRAM preset', async () => {
    const file = variant('preset.yaml', 'preset: lpddr4 ', 'preset: lpddr9 ');
    const line = lineOf(edited, 'preset: lpddr9');
    const err = await runBad(file);
    expect(err).toContain(`${file}: line ${line}, column 13 (at components.dram.preset): no DRAM preset 'lpddr9'`);
  });

  it('a weight buffer smaller than the staging tiles: exit 1 with the reason', async () => {
    // 2 staging tiles x 16 rows x (64 + 64) weights x 16 bits = 65536 bits = 8 KiB > 4 KiB
    const file = variant('small-wb.yaml', 'size_kib: 2048 ', 'size_kib: 4 ');
    const err = await runBad(file);
    expect(err).toContain('the weight buffer (4 KiB per compute unit) cannot hold 2 staging tiles of 16 rows x 128 weights at 16 bits (8 KiB)');
  });

  // The dataflow raises the problem with its key path; simulate() adds the file and line.
  it('a weight buffer smaller than the staging tiles: the message names the file and the key', async () => {
    const file = variant('small-wb2.yaml', 'size_kib: 2048 ', 'size_kib: 4 ');
    const err = await runBad(file);
    expect(err).toContain(file);
    expect(err).toContain('components.weight_buffer.size_kib');
  });

  it('a missing trace file', async () => {
    const missing = join(dir, 'no-such-trace.json');
    const err = await runBad(EPUR_YAML, missing);
    expect(err).toContain(missing);
    expect(err).toMatch(/ENOENT|not found/);
  });

  it('a missing config file', async () => {
    const missing = join(dir, 'no-such-config.yaml');
    const err = await runBad(missing);
    expect(err).toContain(`${missing}: cannot read YAML file: file not found`);
  });

  it('run --out leaves nothing in the out dir when the run fails', async () => {
    const out = join(dir, 'results-new');
    const existing = join(dir, 'results-existing');
    mkdirSync(existing);
    const bad = variant('small-wb3.yaml', 'size_kib: 2048 ', 'size_kib: 4 '); // fails inside the simulation
    for (const o of [out, existing]) {
      const r = await runCli(['run', '--config', bad, '--trace', trace, '--out', o]);
      expect(r.code).toBe(1);
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(existing)).toEqual([]);
    // and no stray temporary siblings next to them
    expect(readdirSync(dir).filter((n) => n.startsWith('results'))).toEqual(['results-existing']);
  });
});
