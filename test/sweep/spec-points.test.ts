/** Sweep specs: ranges, zipped axes, samples, constraints and the errors of bad specs, with hand-worked values. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rangeValues } from '../../src/sweep/ranges.js';
import { loadSweepSpec } from '../../src/sweep/spec.js';
import { enumeratePoints } from '../../src/sweep/points.js';
import { planPoints } from '../../src/sweep/run-sweep.js';
import { EPUR_YAML, tempDir, writeTrace } from '../helpers/context.js';

let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  writeTrace(dir, { cell: 'lstm', input_size: 32, hidden_size: 32, timesteps: 2 }, 'a.json');
  writeTrace(dir, { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: 2 }, 'b.json');
});
afterAll(() => cleanup());

let n = 0;
function spec(body: string, traces = '[a.json]'): string {
  const file = join(dir, `spec${n++}.yaml`);
  writeFileSync(file, `name: t\nconfigs: [${JSON.stringify(EPUR_YAML)}]\ntraces: ${traces}\n${body}`);
  return file;
}

describe('ranges', () => {
  it('linear by step and by count, log by factor and by count', () => {
    expect(rangeValues({ from: 0, to: 0.3, step: 0.1 }, { integer: false })).toEqual([0, 0.1, 0.2, 0.3]);
    expect(rangeValues({ from: 1, to: 2, count: 5 }, { integer: false })).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(rangeValues({ from: 8, to: 64, scale: 'log', factor: 2 }, { integer: false })).toEqual([8, 16, 32, 64]);
    expect(rangeValues({ from: 8, to: 100, scale: 'log', factor: 2 }, { integer: false })).toEqual([8, 16, 32, 64]);
    expect(rangeValues({ from: 1, to: 100, scale: 'log', count: 3 }, { integer: false })).toEqual([1, 10, 100]);
    // 1, 1.78, 3.16, 5.62, 10 rounded: 1, 2, 3, 6, 10
    expect(rangeValues({ from: 1, to: 10, scale: 'log', count: 5 }, { integer: true })).toEqual([1, 2, 3, 6, 10]);
    expect(rangeValues({ from: 1, to: 2, count: 5 }, { integer: true })).toEqual([1, 2]);
  });

  it('refuses ambiguous or impossible ranges', () => {
    expect(() => rangeValues({ from: 1, to: 2 }, { integer: false })).toThrow(/exactly one of 'step' or 'count'/);
    expect(() => rangeValues({ from: 1, to: 2, step: 1, count: 2 }, { integer: false })).toThrow(/found step and count/);
    expect(() => rangeValues({ from: 0, to: 2, scale: 'log', factor: 2 }, { integer: false })).toThrow(/'from' > 0/);
    expect(() => rangeValues({ from: 3, to: 2, step: 1 }, { integer: false })).toThrow(/must not be below/);
  });
});

describe('enumeration', () => {
  it('grid order: configs, traces, then axes with the last fastest; zipped axes move together', () => {
    const s = loadSweepSpec(spec(`axes:
  - key: components.dot_product_unit.multipliers
    values: [8, 16]
  - zip:
      - { key: components.input_buffer.word_bits, values: [128, 256] }
      - { key: components.input_buffer.size_kib, name: ib_kib, values: [4, 8] }
`, '[a.json, b.json]'));
    const { points } = enumeratePoints(s);
    expect(points).toHaveLength(2 * 2 * 2);
    expect(points.map((p) => `${p.trace.label}:${[...p.values.values()].join('/')}`)).toEqual([
      'a.json:8/128/4', 'a.json:8/256/8', 'a.json:16/128/4', 'a.json:16/256/8',
      'b.json:8/128/4', 'b.json:8/256/8', 'b.json:16/128/4', 'b.json:16/256/8',
    ]);
    expect(s.parameters.map((p) => p.name)).toEqual(['multipliers', 'word_bits', 'ib_kib']);
  });

  it('constraints exclude points; they see parameter names and keys', () => {
    const s = loadSweepSpec(spec(`axes:
  - { key: components.dot_product_unit.multipliers, name: width, values: [8, 16, 32, 64] }
  - { key: components.input_buffer.word_bits, values: [128, 256, 512] }
constraints:
  - "width * 16 <= word_bits"
  - "components.input_buffer.word_bits != 512 or width >= 32"
`));
    const { points, excluded } = enumeratePoints(s);
    // width*16 <= word_bits: (8,128) (8,256) (8,512) (16,256) (16,512) (32,512); the second drops (8,512) and (16,512).
    expect(points.map((p) => [...p.values.values()].join('/'))).toEqual(['8/128', '8/256', '16/256', '32/512']);
    expect(excluded).toBe(12 - 4);
  });

  it('a constraint over an unknown name, or not true/false, is an error at its line', () => {
    expect(() => enumeratePoints(loadSweepSpec(spec(`axes:\n  - { key: clock_mhz, values: [100] }\nconstraints:\n  - "widht > 2"\n`)))).toThrow(/line 7, column 5 \(at constraints\[0\]\): the constraint "widht > 2" cannot be evaluated at \(clock_mhz=100\): .*widht.*names: clock_mhz, config, trace/);
    expect(() => enumeratePoints(loadSweepSpec(spec(`axes:\n  - { key: clock_mhz, values: [100] }\nconstraints:\n  - "clock_mhz * 2"\n`)))).toThrow(/must be true or false; it gives 200/);
    expect(() => enumeratePoints(loadSweepSpec(spec(`axes:\n  - { key: clock_mhz, values: [100] }\nconstraints:\n  - "clock_mhz >"\n`)))).toThrow(/not a valid expression/);
  });

  it('Latin hypercube: each parameter has exactly one draw in each of count strata; the seed repeats the draws', () => {
    const text = `samples:
  method: latin_hypercube
  count: 8
  seed: 42
  parameters:
    - { key: clock_mhz, range: { from: 100, to: 900 } }
    - { key: components.weight_buffer.size_kib, range: { from: 256, to: 4096, scale: log } }
`;
    const a = enumeratePoints(loadSweepSpec(spec(text))).points;
    const b = enumeratePoints(loadSweepSpec(spec(text))).points;
    expect(a.map((p) => [...p.values.values()])).toEqual(b.map((p) => [...p.values.values()]));
    const clock = a.map((p) => p.values.get('clock_mhz') as number);
    const kib = a.map((p) => p.values.get('components.weight_buffer.size_kib') as number);
    // Linear strata of width 100 MHz from 100; log strata of a factor 16^(1/8) = sqrt(2) from 256.
    expect(clock.map((c) => Math.floor((c - 100) / 100)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(kib.map((k) => Math.floor(Math.log(k / 256) / Math.log(Math.SQRT2))).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const other = enumeratePoints(loadSweepSpec(spec(text.replace('seed: 42', 'seed: 43')))).points;
    expect(other.map((p) => p.values.get('clock_mhz'))).not.toEqual(clock);
  });

  it('random samples of a list and of an integer range stay inside them', () => {
    const { points } = enumeratePoints(loadSweepSpec(spec(`samples:
  method: random
  count: 50
  seed: 1
  parameters:
    - { key: dataflow.schedule, values: [mwl, step_by_step] }
    - { key: dataflow.tile_rows, range: { from: 4, to: 8 }, integer: true }
`)));
    expect(new Set(points.map((p) => p.values.get('dataflow.schedule')))).toEqual(new Set(['mwl', 'step_by_step']));
    expect(new Set(points.map((p) => p.values.get('dataflow.tile_rows')))).toEqual(new Set([4, 5, 6, 7, 8]));
  });
});

describe('spec errors', () => {
  it('schema errors name the line and the key', () => {
    expect(() => loadSweepSpec(spec('axes:\n  - { key: clock_mhz, valuez: [1] }\n'))).toThrow(/line 5, column 5 \(at axes\[0\]\.valuez\)|axes\[0\]/);
    expect(() => loadSweepSpec(spec('axes:\n  - { key: clock_mhz }\n'))).toThrow(/give either 'values' or 'range' for clock_mhz/);
  });

  it('missing files, a trace pattern matching nothing, and a parameter swept twice are refused', () => {
    expect(() => loadSweepSpec(spec('').replace(/$/, ''))).not.toThrow();
    const missing = join(dir, 'missing.yaml');
    writeFileSync(missing, 'name: t\nconfigs: [nope.yaml]\ntraces: [a.json]\n');
    expect(() => loadSweepSpec(missing)).toThrow(/line 2, column 11 .*config 'nope\.yaml' not found/);
    const glob = join(dir, 'glob.yaml');
    writeFileSync(glob, `name: t\nconfigs: [${JSON.stringify(EPUR_YAML)}]\ntraces: ["zz*.json"]\n`);
    expect(() => loadSweepSpec(glob)).toThrow(/the pattern 'zz\*\.json' matches no file/);
    expect(() => loadSweepSpec(spec('axes:\n  - { key: clock_mhz, values: [1] }\n  - { key: clock_mhz, name: c2, values: [2] }\n'))).toThrow(/swept twice/);
    expect(() => loadSweepSpec(spec('axes:\n  - { key: a.size_kib, values: [1] }\n  - { key: b.size_kib, values: [2] }\n'))).toThrow(/both named 'size_kib'/);
  });

  it('trace globs expand in sorted order', () => {
    const s = loadSweepSpec(spec('', '["*.json"]'));
    expect(s.traces.map((t) => t.label)).toEqual(['a.json', 'b.json']);
  });

  it('every point is validated before any runs; a bad point is reported with its values', async () => {
    const s = loadSweepSpec(spec('axes:\n  - { key: components.dot_product_unit.multipliers, name: width, values: [16, 0, -1] }\n'));
    await expect(planPoints(s, enumeratePoints(s).points)).rejects.toThrow(/2 of 3 points are not valid configs; nothing was run:\n {2}point 1 \(width=0\) on .*epur\.yaml: [\s\S]*components\.dot_product_unit\.multipliers \(set by sweep parameter width=0\): must be >= 1/);
  });
});

describe('a datapath narrower than the trace, at plan time', () => {
  // a.json is at 16 bits (the shape trace's default).
  it('a point whose dot-product unit is narrower than the trace refuses the sweep, like any invalid config', async () => {
    const s = loadSweepSpec(spec(`axes:\n  - key: components.dot_product_unit.precision_bits\n    name: bits\n    values: [16, 8]\n`));
    await expect(planPoints(s, enumeratePoints(s).points)).rejects.toThrow(/1 of 2 points are not valid configs; nothing was run:\n {2}point 1 \(bits=8\) on .*epur\.yaml: .*precision_bits = 8 bits is narrower than the trace .*a\.json/);
  });

  it('with narrow_datapath: requantize the points plan, and the key of a point records it', async () => {
    const s = loadSweepSpec(
      spec(`axes:\n  - key: components.dot_product_unit.precision_bits\n    name: bits\n    values: [16, 8]\n  - key: narrow_datapath\n    name: narrow\n    values: [requantize]\n`),
    );
    const planned = await planPoints(s, enumeratePoints(s).points);
    expect(planned).toHaveLength(2);
    const plain = loadSweepSpec(spec(`axes:\n  - key: components.dot_product_unit.precision_bits\n    name: bits\n    values: [16]\n`));
    const [unset] = await planPoints(plain, enumeratePoints(plain).points);
    // Same design at 16 bits, once with narrow_datapath requantize and once without: two keys.
    expect(planned[0].key).not.toBe(unset.key);
  });
});
