/**
 * `rnnsim dps evaluate` end to end on a bundled model with small splits and a two-candidate
 * grid: the evaluation.json shape the issue asks for, every design present, the controls at the
 * policy's counts, the reduces-to-static flag, and a rerun served from the cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/context.js';

let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-dps-evaluate-'));
});
afterAll(() => cleanup());

const ARGS = ['--model', 'mnist-columns', '--test-limit', '40', '--validation-limit', '40', '--hardware-sequences', '2', '--skip-size-sweep', '--seeds', '1,2', '--grid-deltas', '1/16', '--grid-shares', '0.5', '--grid-max-abs', '', '--workers', '0'];

interface Design {
  design: string;
  kind: string;
  accuracy: number;
  accuracy_ci95: [number, number];
  meets_budget: boolean;
  mean_bits: number;
  share_by_bits: Record<string, number>;
  latency_us: number;
  energy_uj: number;
  area_mm2: number;
  reduces_to_static: boolean;
}

describe('rnnsim dps evaluate', () => {
  it('writes every design with the fields of the issue, and a rerun comes from the cache', async () => {
    const out = join(dir, 'eval');
    const cache = join(dir, 'cache');
    const r = await runCli(['dps', 'evaluate', ...ARGS, '--out', out, '--cache', cache]);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8')) as { command: string; models: Array<{ model: string; metric: string; budget: number; test_examples: number; designs: Design[] }> };
    // The command that reproduces it: every option that changes the results, none that says where files go.
    expect(e.command).toBe("rnnsim dps evaluate --model mnist-columns --seeds 1,2 --hardware-sequences 2 --validation-limit 40 --test-limit 40 --grid-deltas 1/16 --grid-shares 0.5 --grid-max-abs '' --skip-size-sweep");
    const m = e.models[0];
    expect(m.model).toBe('mnist-columns');
    expect(m.metric).toBe('accuracy');
    expect(m.test_examples).toBe(40);
    const names = m.designs.map((d) => d.design);
    for (const n of ['static-16', 'static-8', 'static-4', 'static-min', 'dps-8-16', 'random-dps-8-16', 'periodic-dps-8-16', 'oracle-dps-8-16']) expect(names).toContain(n);
    for (const d of m.designs) {
      expect(d.accuracy_ci95[0]).toBeLessThanOrEqual(d.accuracy);
      expect(d.accuracy_ci95[1]).toBeGreaterThanOrEqual(d.accuracy);
      expect(Object.values(d.share_by_bits).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(d.latency_us).toBeGreaterThan(0);
      expect(d.area_mm2).toBeGreaterThan(0);
    }
    const byName = new Map(m.designs.map((d) => [d.design, d]));
    // Static designs run one precision: they reduce to static by definition; static-16 is the reference.
    expect(byName.get('static-8')?.share_by_bits).toEqual({ 8: 1 });
    expect(byName.get('static-8')?.reduces_to_static).toBe(true);
    expect(byName.get('static-16')?.accuracy_ci95).toBeDefined();
    // The controls keep the policy's shares exactly.
    const dps = byName.get('dps-8-16') as Design;
    for (const c of ['random-dps-8-16', 'periodic-dps-8-16', 'oracle-dps-8-16']) expect(byName.get(c)?.share_by_bits).toEqual(dps.share_by_bits);
    // The oracle is never worse than the policy on its own data.
    expect((byName.get('oracle-dps-8-16') as Design).accuracy).toBeGreaterThanOrEqual(dps.accuracy);
    for (const f of ['evaluation.csv', 'evaluation.md', 'pareto.svg', 'accuracy-vs-bits.svg']) expect(existsSync(join(out, f))).toBe(true);

    const again = await runCli(['dps', 'evaluate', ...ARGS, '--out', out, '--cache', cache]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(out, 'evaluation.json'), 'utf8')).toBe(JSON.stringify(e, null, 1) + '\n');
  });
});
