/**
 * `rnnsim sweep slurm` for real: a two-task job array on a one-node Slurm cluster on this machine
 * (scripts/slurm-local.sh start: Debian's slurm-wlm and munge), over the bundled example, merged,
 * byte-identical to the same sweep run locally in one go. Opt-in: RNNSIM_TEST_SLURM=1 (.ci/run
 * starts the cluster and sets it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModule } from '../helpers/built.js';
import { REPO, tempDir } from '../helpers/context.js';

const enabled = process.env.RNNSIM_TEST_SLURM === '1';
const SPEC = join(REPO, 'examples', 'epur-width-buffer.yaml');

let dir = '';
let cleanup = (): void => undefined;
let cli = '';
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-slurm-'));
  cli = builtModule('cli/run.js');
});
afterAll(() => cleanup());

function rnnsim(args: readonly string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rnnsim ${args.join(' ')} exited ${String(r.status)}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!enabled)('a sweep as a Slurm job array', () => {
  it('two array tasks, merged: the same points.csv and points.json as a local run', () => {
    rnnsim(['sweep', SPEC, '--out', 'local', '--workers', '2']);
    rnnsim(['sweep', 'slurm', SPEC, '--out', 'cluster', '--tasks', '2', '--cpus-per-task', '1', '--script', 'job.sbatch']);
    const script = readFileSync(join(dir, 'job.sbatch'), 'utf8');
    expect(script).toMatch(/^#SBATCH --array=1-2$/m);
    // --wait: sbatch returns when every array task has ended, with the array's exit status.
    execFileSync('sbatch', ['--wait', 'job.sbatch'], { cwd: dir, stdio: 'pipe', timeout: 540_000 });
    const logs = readdirSync(dir).filter((f) => /^slurm-\d+_[12]\.out$/.test(f));
    expect(logs).toHaveLength(2);
    expect(readdirSync(join(dir, 'cluster.shards')).sort()).toEqual(['1-of-2', '2-of-2']);
    rnnsim(['sweep', 'merge', '--out', 'cluster', join(dir, 'cluster.shards', '1-of-2'), join(dir, 'cluster.shards', '2-of-2')]);
    for (const f of ['points.csv', 'points.json']) expect(readFileSync(join(dir, 'cluster', f), 'utf8')).toBe(readFileSync(join(dir, 'local', f), 'utf8'));
    expect(readFileSync(join(dir, 'cluster', 'points.csv'), 'utf8').trim().split('\n')).toHaveLength(17);
  }, 600_000);
});
