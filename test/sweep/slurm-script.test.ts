/**
 * The sbatch script of `rnnsim sweep slurm` carries the command's --set-limit flags to every task:
 * a sweep that needed a raised limit on the submit host needs it on the nodes too (each task is a
 * fresh process, back at the defaults).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../helpers/context.js';

const { dir, cleanup } = tempDir('rnnsim-slurm-script-');
afterAll(() => cleanup());
const SPEC = join(REPO, 'examples', 'epur-width-buffer-fed.yaml');

function taskLine(script: string): string {
  const line = script.split('\n').find((l) => l.startsWith('exec '));
  if (line === undefined) throw new Error('no exec line in the script');
  return line;
}

describe('sweep slurm passes the limits on', () => {
  it('each --set-limit becomes a --set-limit of the task command, in the order given', async () => {
    const script = join(dir, 'limits.sbatch');
    const r = await runCli(['sweep', 'slurm', SPEC, '--out', join(dir, 'out'), '--script', script, '--set-limit', 'macs=1000000000000000', '--set-limit', 'tiles=6000000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(taskLine(readFileSync(script, 'utf8'))).toMatch(/ --workers "\$\{SLURM_CPUS_PER_TASK:-1\}" --set-limit macs=1000000000000000 --set-limit tiles=6000000$/);
  });

  it('without --set-limit the task runs at the defaults (no flag)', async () => {
    const script = join(dir, 'plain.sbatch');
    expect((await runCli(['sweep', 'slurm', SPEC, '--out', join(dir, 'out2'), '--script', script])).code).toBe(0);
    expect(taskLine(readFileSync(script, 'utf8'))).not.toMatch(/--set-limit/);
  });
});
