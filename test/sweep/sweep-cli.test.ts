/**
 * `rnnsim sweep` end to end (the compiled CLI, worker threads): the tables are byte-identical
 * whether the sweep ran in one go, was killed (kill -9 at file operations of the main thread and
 * of the workers) and resumed, or ran as two shards merged; a re-run skips finished points; and
 * --out never writes into or replaces what rnnsim did not write.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModule } from '../helpers/built.js';
import { EPUR_YAML, tempDir, writeTrace } from '../helpers/context.js';

let dir = '';
let cleanup = (): void => undefined;
let cli = '';
let specFile = '';

function rnnsim(args: readonly string[], env: Record<string, string> = {}): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const read = (p: string): string => readFileSync(p, 'utf8');

beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-sweep-'));
  cli = builtModule('cli/run.js');
  writeTrace(dir, { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: 3 }, 'small.json');
  writeTrace(dir, { cell: 'gru', input_size: 32, hidden_size: 96, timesteps: 2 }, 'gru.json');
  specFile = join(dir, 'spec.yaml');
  writeFileSync(
    specFile,
    `name: cli-test
configs: [${JSON.stringify(EPUR_YAML)}]
traces: [small.json, gru.json]
axes:
  - { key: components.dot_product_unit.multipliers, name: width, values: [8, 16, 64] }
  - { key: components.weight_buffer.size_kib, values: [64, 2048] }
`,
  );
});
afterAll(() => cleanup());

let oneGo = { csv: '', json: '', stdout: '', stderr: '', status: null as number | null };

/** The reference: the whole sweep in one go (every other test compares with it). */
function runOneGo(): void {
  const r = rnnsim(['sweep', specFile, '--out', 'reference', '--workers', '2']);
  oneGo = { csv: read(join(dir, 'reference', 'points.csv')), json: read(join(dir, 'reference', 'points.json')), stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('rnnsim sweep', () => {
  beforeAll(() => runOneGo(), 120_000);

  it('runs every point on worker threads and writes the tables and a folder per point', () => {
    const r = rnnsim(['sweep', specFile, '--out', 'one', '--workers', '2']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/12 points, 0 already done, 12 to run on 2 worker thread\(s\)/);
    expect(oneGo.status).toBe(0);
    expect(read(join(dir, 'one', 'points.csv'))).toBe(oneGo.csv);
    const lines = oneGo.csv.trim().split('\n');
    expect(lines).toHaveLength(13);
    const header = lines[0].split(',');
    expect(header.slice(0, 7)).toEqual(['point', 'key', 'config', 'trace', 'components.dot_product_unit.multipliers', 'components.weight_buffer.size_kib', 'status']);
    expect(header).toContain('latency_us');
    expect(header).toContain('energy_total_uj');
    expect(header).toContain('stall_sram_bandwidth_cycles');
    expect(lines[1].split(',').slice(2, 7)).toEqual([EPUR_YAML.split('\\').join('/'), 'small.json', '8', '64', 'ok'].map((v, i) => (i === 0 ? lines[1].split(',')[2] : v)));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    // Width 64 on one dual-ported bank of 256-bit input-buffer words is starved, and says so; 8 and 16 are not.
    const starved = lines.slice(1).filter((l) => l.includes('input_buffer_bandwidth')).map((l) => l.split(',')[4]);
    expect(starved).toEqual(['64', '64', '64', '64']);
    expect(readdirSync(join(dir, 'one', 'points'))).toHaveLength(12);
    const key = lines[1].split(',')[1];
    expect(readdirSync(join(dir, 'one', 'points', key)).sort()).toEqual(['area.csv', 'energy.csv', 'layers.csv', 'point.json', 'rnnsim-result.json', 'summary.json', 'tech-resolved.json', 'timesteps.csv']);
    const summary = JSON.parse(read(join(dir, 'one', 'points', key, 'summary.json'))) as { cycles: number; config: { overrides: string[] } };
    expect(summary.config.overrides).toEqual(['components.dot_product_unit.multipliers=8', 'components.weight_buffer.size_kib=64']);
    expect(lines[1].split(',')[7]).toBe(String(summary.cycles));
  });

  it('the same point through `run --set` gives the same cycles', () => {
    const r = rnnsim(['run', '--config', EPUR_YAML, '--trace', 'small.json', '--json', '--set', 'components.dot_product_unit.multipliers=8', '--set', 'components.weight_buffer.size_kib=64']);
    expect(r.status).toBe(0);
    const cycles = (JSON.parse(r.stdout) as { cycles: number }).cycles;
    expect(oneGo.csv.split('\n')[1].split(',')[7]).toBe(String(cycles));
  });

  it('a re-run skips every finished point and writes the same tables', () => {
    const r = rnnsim(['sweep', specFile, '--out', 'reference']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/12 already done, 0 to run/);
    expect(read(join(dir, 'reference', 'points.csv'))).toBe(oneGo.csv);
    expect(read(join(dir, 'reference', 'points.json'))).toBe(oneGo.json);
  });

  it('killed with -9 at file operations of the main thread and the workers, then resumed: the same bytes', () => {
    // 2: the folder's staging (main thread); 9 and 21: inside the workers' point folders (each thread counts its own operations).
    for (const killAt of [2, 9, 21]) {
      const out = `killed-${killAt}`;
      const killed = rnnsim(['sweep', specFile, '--out', out, '--workers', '2'], { RNNSIM_TEST_KILL_AT_FILE_OP: String(killAt) });
      expect(killed.signal).toBe('SIGKILL');
      const csv = join(dir, out, 'points.csv');
      if (existsSync(csv)) {
        // Never half a row: every line of whatever table is there has the header's cells.
        const lines = read(csv).split('\n');
        expect(lines.pop()).toBe('');
        const width = lines[0].split(',').length;
        for (const l of lines) expect(l.split(',').length).toBe(width);
      }
      const resumed = rnnsim(['sweep', specFile, '--out', out, '--workers', '2']);
      expect(resumed.stderr).toBe('');
      expect(resumed.status).toBe(0);
      expect(read(csv)).toBe(oneGo.csv);
      expect(read(join(dir, out, 'points.json'))).toBe(oneGo.json);
      // Nothing of the killed run is left beside or inside the folder.
      expect(readdirSync(dir).filter((n) => n.startsWith(`.${out}`))).toEqual([]);
      expect(readdirSync(join(dir, out)).filter((n) => n.startsWith('.'))).toEqual([]);
      expect(readdirSync(join(dir, out, 'points')).filter((n) => n.startsWith('.'))).toEqual([]);
    }
  }, 300_000);

  it('two shards (one from --shard, one from the Slurm array environment) merged: the same bytes', { timeout: 180_000 }, () => {
    const a = rnnsim(['sweep', specFile, '--out', 'shards/1-of-2', '--shard', '1/2']);
    const b = rnnsim(['sweep', specFile, '--out', 'shards/2-of-2'], { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '2' });
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    expect(a.stdout).toMatch(/\(shard 1\/2\): 6 points/);
    expect(b.stdout).toMatch(/\(shard 2\/2\): 6 points/);
    const early = rnnsim(['sweep', 'merge', '--out', 'merged', 'shards/1-of-2']);
    expect(early.status).toBe(1);
    expect(early.stderr).toMatch(/shard\(s\) 2\/2 missing/);
    const m = rnnsim(['sweep', 'merge', '--out', 'merged', 'shards/1-of-2', 'shards/2-of-2']);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(read(join(dir, 'merged', 'points.csv'))).toBe(oneGo.csv);
    expect(read(join(dir, 'merged', 'points.json'))).toBe(oneGo.json);
    // The merged folder is the same sweep: running the spec on it finds every point done.
    expect(rnnsim(['sweep', specFile, '--out', 'merged']).stdout).toMatch(/12 already done/);
  });

  it('--out never writes into or replaces a folder rnnsim did not write', () => {
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'thesis.tex'), 'keep me');
    const r = rnnsim(['sweep', specFile, '--out', 'mine']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/existing folder that rnnsim did not write/);
    expect(read(join(dir, 'mine', 'thesis.tex'))).toBe('keep me');
    writeFileSync(join(dir, 'afile'), 'x');
    expect(rnnsim(['sweep', specFile, '--out', 'afile']).stderr).toMatch(/names an existing file/);
    expect(rnnsim(['run', '--config', EPUR_YAML, '--trace', 'small.json', '--out', 'runres']).status).toBe(0);
    const onRun = rnnsim(['sweep', specFile, '--out', 'runres', '--force']);
    expect(onRun.status).toBe(1);
    expect(onRun.stderr).toMatch(/result of another rnnsim command/);
  });

  it('a sweep folder of another spec is replaced only with --force, and not when it holds foreign files', { timeout: 180_000 }, () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(other, read(specFile).replace('values: [8, 16, 64]', 'values: [16]'));
    rnnsim(['sweep', specFile, '--out', 'to-replace', '--workers', '2']);
    const refused = rnnsim(['sweep', other, '--out', 'to-replace']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/holds the sweep 'cli-test' of another spec .*pass --force/);
    writeFileSync(join(dir, 'to-replace', 'notes.txt'), 'mine');
    const foreign = rnnsim(['sweep', other, '--out', 'to-replace', '--force']);
    expect(foreign.status).toBe(1);
    expect(foreign.stderr).toMatch(/also holds files rnnsim did not write \(notes\.txt\)/);
    expect(read(join(dir, 'to-replace', 'notes.txt'))).toBe('mine');
    expect(rnnsim(['sweep', 'merge', '--out', 'shards-absent', 'nowhere']).status).toBe(1);
    rnnsim(['sweep', specFile, '--out', 'to-replace-2', '--shard', '1/4']);
    const forced = rnnsim(['sweep', other, '--out', 'to-replace-2', '--force']);
    expect(forced.status).toBe(0);
    expect(read(join(dir, 'to-replace-2', 'points.csv')).trim().split('\n')).toHaveLength(5);
  });
});
