/**
 * The sweep folder (--out): rnnsim's own, marked by a manifest (rnnsim-sweep.json) naming the
 * spec it belongs to, and growing point by point, so that a killed sweep resumes where it
 * stopped. The rules of every rnnsim output hold (src/output/result-folder.ts):
 *
 *  - A new folder appears whole: staged beside the target with its manifest, renamed into place.
 *  - An existing --out is used only when it is empty or a sweep folder of the same spec (and
 *    shard); a sweep folder of another spec is replaced only with --force, and only when it holds
 *    nothing but what rnnsim writes there; a folder or file rnnsim did not write, or another
 *    command's result, is refused with exit 1 before any work starts.
 *  - Each point's outputs are a result folder of their own, points/<key>/, written whole
 *    (writeResultFolder); points.csv and points.json are written to a temporary file and renamed
 *    over the old ones. A kill at any moment leaves finished points whole and a table that is the
 *    old one or the new one, never half a row.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { existingOutFolder } from '../output/out-target.js';
import { makeDirectory, removeOwn, rename, writeFile } from '../output/file-operations.js';
import { RESULT_MANIFEST } from '../output/result-folder.js';

export const SWEEP_MANIFEST = 'rnnsim-sweep.json';
const SWEEP_FORMAT = 'rnnsim-sweep/1';
export const POINTS_DIR = 'points';
/** Files rnnsim writes at the top of a sweep folder (besides the manifest and points/). */
export const SWEEP_FILES = ['points.csv', 'points.json', 'report.html'] as const;
/** The command name in each point folder's manifest. */
export const POINT_COMMAND = 'sweep point';

export interface SweepIdentity {
  /** sha256 of the spec's data (canonical JSON): comments and layout do not count. */
  readonly specSha256: string;
  readonly name: string;
  /** "1/2" for a shard, "" for the whole sweep. */
  readonly shard: string;
}

export interface SweepManifest extends SweepIdentity {
  readonly format: string;
  /** The spec as written (its data), so that `sweep merge` and `report` need nothing else. */
  readonly spec: unknown;
  readonly specFile: string;
}

export function readSweepManifest(dir: string): SweepManifest | undefined {
  const path = join(dir, SWEEP_MANIFEST);
  try {
    if (!lstatSync(path).isFile()) return undefined;
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<SweepManifest>;
    if (m.format !== SWEEP_FORMAT || typeof m.specSha256 !== 'string' || typeof m.shard !== 'string' || typeof m.name !== 'string') return undefined;
    return m as SweepManifest;
  } catch {
    return undefined;
  }
}

function resolveTarget(dir: string): string {
  if (dir.trim() === '') throw new InputError('--out is empty: give a folder for the sweep');
  const target = resolve(dir);
  if (target === parse(target).root) throw new InputError(`--out '${dir}' is the root of the file system: give a folder of its own for the sweep`);
  return target;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What an existing --out is, or why it must not be used. */
type TargetState = { kind: 'absent' } | { kind: 'empty' } | { kind: 'same' } | { kind: 'other-spec'; manifest: SweepManifest };

const describeShard = (s: string): string => (s === '' ? 'the whole sweep' : `shard ${s}`);

function inspect(target: string, given: string, identity: SweepIdentity): TargetState {
  if (!existingOutFolder(target, given, 'sweep folder')) return { kind: 'absent' };
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (err) {
    throw new InputError(`cannot list --out: ${(err as Error).message}`, given);
  }
  if (entries.length === 0) return { kind: 'empty' };
  const manifest = readSweepManifest(target);
  if (!manifest) {
    if (existsSync(join(target, RESULT_MANIFEST))) {
      throw new InputError(`--out holds the result of another rnnsim command, not a sweep: a sweep never replaces it (not even with --force). Give another --out`, given);
    }
    throw new InputError(`--out is an existing folder that rnnsim did not write (no ${SWEEP_MANIFEST}; it holds ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ` and ${entries.length - 5} more` : ''}): rnnsim will not write into it. Give a new or empty folder`, given);
  }
  if (manifest.specSha256 === identity.specSha256 && manifest.shard === identity.shard) return { kind: 'same' };
  return { kind: 'other-spec', manifest };
}

/** Refuse an --out that must not be written, before any point is validated or run. */
export function checkSweepTarget(dir: string, identity: SweepIdentity, options: { readonly force: boolean }): void {
  const state = inspect(resolveTarget(dir), dir, identity);
  if (state.kind === 'other-spec') refuseOrAllowReplace(resolveTarget(dir), dir, state.manifest, identity, options);
}

function refuseOrAllowReplace(target: string, given: string, manifest: SweepManifest, identity: SweepIdentity, options: { readonly force: boolean }): void {
  const what = manifest.specSha256 === identity.specSha256 ? `${describeShard(manifest.shard)} of this spec, not ${describeShard(identity.shard)}` : `the sweep '${manifest.name}' of another spec (${manifest.specFile})`;
  if (!options.force) throw new InputError(`--out holds ${what}; pass --force to replace it, or give another --out`, given);
  const foreign = readdirSync(target).filter((e) => !isOwnEntry(e));
  if (foreign.length > 0) throw new InputError(`--out is an rnnsim sweep folder that also holds files rnnsim did not write (${foreign.slice(0, 5).join(', ')}): rnnsim will not delete them, even with --force. Move them away, or give another --out`, given);
}

const TMP_PATTERN = /^\.(points\.csv|points\.json|report\.html|rnnsim-sweep\.json)\.rnnsim-tmp-(\d+)$/;

function isOwnEntry(name: string): boolean {
  return name === SWEEP_MANIFEST || name === POINTS_DIR || (SWEEP_FILES as readonly string[]).includes(name) || TMP_PATTERN.test(name);
}

function siblingPath(target: string, role: 'staging' | 'old'): string {
  return join(dirname(target), `.${basename(target)}.rnnsim-sweep-${role}-${process.pid}`);
}

/** Remove what killed sweeps left beside and inside the folder (their pids are gone). */
function cleanLeftovers(target: string): void {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.rnnsim-sweep-`;
  if (existsSync(parent)) {
    for (const name of readdirSync(parent).filter((n) => n.startsWith(prefix)).sort()) {
      const m = /^(staging|old)-(\d+)$/.exec(name.slice(prefix.length));
      if (!m || processAlive(Number(m[2]))) continue;
      const path = join(parent, name);
      if (!lstatSync(path).isDirectory()) continue;
      const ours = readSweepManifest(path) !== undefined || readdirSync(path).length === 0;
      if (!ours) continue;
      // A superseded sweep whose replacement never arrived goes back in place.
      if (m[1] === 'old' && !existsSync(target)) rename(path, target);
      else removeOwn(path);
    }
  }
  if (existsSync(target) && readSweepManifest(target)) {
    for (const name of readdirSync(target)) {
      const m = TMP_PATTERN.exec(name);
      if (m && !processAlive(Number(m[2]))) removeOwn(join(target, name));
    }
  }
}

/**
 * Make `dir` a sweep folder of `manifest`'s spec, or check that it is one (then the sweep
 * resumes). Returns whether finished points may be there.
 */
export function openSweepFolder(dir: string, manifest: SweepManifest, options: { readonly force: boolean }): { resumed: boolean } {
  const target = resolveTarget(dir);
  cleanLeftovers(target);
  const state = inspect(target, dir, manifest);
  if (state.kind === 'same') {
    makeDirectory(join(target, POINTS_DIR));
    return { resumed: true };
  }
  if (state.kind === 'other-spec') refuseOrAllowReplace(target, dir, state.manifest, manifest, options);
  makeDirectory(dirname(target));
  const staging = siblingPath(target, 'staging');
  removeOwn(staging);
  makeDirectory(staging);
  writeFile(join(staging, SWEEP_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  makeDirectory(join(staging, POINTS_DIR));
  if (state.kind === 'other-spec') {
    const old = siblingPath(target, 'old');
    rename(target, old);
    rename(staging, target);
    removeOwn(old);
  } else {
    // rename(2) replaces an empty folder atomically.
    rename(staging, target);
  }
  return { resumed: false };
}

/** Write `name` (one of SWEEP_FILES) in the sweep folder: a temporary file renamed over the old one. */
export function writeSweepFile(dir: string, name: (typeof SWEEP_FILES)[number], data: string): void {
  const tmp = join(dir, `.${name}.rnnsim-tmp-${process.pid}`);
  removeOwn(tmp);
  writeFile(tmp, data);
  rename(tmp, join(dir, name));
}

export function pointDir(dir: string, key: string): string {
  return join(dir, POINTS_DIR, key);
}

/** Keys of the point folders present (finished: each was renamed into place whole). */
export function pointKeysPresent(dir: string): string[] {
  const points = join(dir, POINTS_DIR);
  if (!existsSync(points)) return [];
  return readdirSync(points).filter((n) => /^[0-9a-f]{20}$/.test(n) && existsSync(join(points, n, RESULT_MANIFEST)));
}
