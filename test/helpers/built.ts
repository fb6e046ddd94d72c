/**
 * Tests that run rnnsim as a separate process (to kill it, or to time start-up) use the
 * compiled dist/. `npm ci` builds it (the prepare script); after an edit of src/ without a
 * rebuild it would be stale, so it is rebuilt here (tsc, then scripts/build.mjs: compiled
 * validators and the command table) when any source is newer than it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './context.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function stale(entry: string): boolean {
  return !existsSync(entry) || statSync(entry).mtimeMs < newestSource(join(REPO, 'src'));
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Path of a compiled module under dist/ (e.g. "output/result-folder.js"), building dist/ first if
 * stale. Test files run in parallel processes: one builds (holding a lock file) while the others
 * wait, so nobody imports a half-written dist/.
 */
export function builtModule(relative: string): string {
  const entry = join(REPO, 'dist', 'cli', 'run.js');
  const lock = join(REPO, '.dist-build.lock');
  while (stale(entry)) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch {
      // Another test process is building; a lock older than two minutes is a killed builder's.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { force: true });
      sleepMs(200);
      continue;
    }
    try {
      if (stale(entry)) {
        execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json')], { stdio: 'inherit' });
        execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
      }
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }
  return join(REPO, 'dist', relative);
}
