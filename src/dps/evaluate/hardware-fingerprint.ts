/**
 * What a cached hardware cost depends on besides its design and schedule: the simulator's own
 * code and every config and technology table it may read. A change to any of them (a new energy
 * table, a timing fix) gives a new fingerprint, so `rnnsim dps evaluate` re-simulates instead of
 * reporting costs computed by an older simulator. Functional runs are not keyed on it: they depend
 * on the model, the data and the integer datapath, which their own keys cover.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled (or, under the test runner, source) tree of rnnsim this module belongs to. */
const CODE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function addTree(hash: ReturnType<typeof createHash>, root: string, keep: (name: string) => boolean): void {
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return; // a missing folder contributes nothing
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (keep(name)) hash.update(`${relative(root, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(root);
}

/** sha256 (first 16 hex digits) of the simulator's code and of configs/ (relative to the working folder). */
export function hardwareFingerprint(configsDir = 'configs'): string {
  const hash = createHash('sha256');
  addTree(hash, CODE_ROOT, (n) => n.endsWith('.js') || n.endsWith('.ts') || n.endsWith('.json'));
  addTree(hash, configsDir, (n) => n.endsWith('.yaml') || n.endsWith('.yml') || n.endsWith('.json'));
  return hash.digest('hex').slice(0, 16);
}
