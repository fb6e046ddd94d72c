/**
 * Tests that run rnnsim as a separate process (to kill it, or to time start-up) use the
 * compiled dist/. `npm ci` builds it (the prepare script); after an edit of src/ without a
 * rebuild it would be stale, so it is rebuilt here (tsc, then scripts/build.mjs: compiled
 * validators and the command table) when any source is newer than it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

/** Path of a compiled module under dist/ (e.g. "output/result-folder.js"), building dist/ first if stale. */
export function builtModule(relative: string): string {
  const entry = join(REPO, 'dist', 'cli', 'run.js');
  if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource(join(REPO, 'src'))) {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json')], { stdio: 'inherit' });
    execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  }
  return join(REPO, 'dist', relative);
}
