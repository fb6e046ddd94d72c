/**
 * Result folders (--out): rnnsim never destroys what it did not write.
 *
 * Every result folder carries a manifest, rnnsim-result.json, naming the command that wrote it
 * and every file in it. An existing --out is replaced only when it is such a folder holding
 * nothing but the files its manifest lists (and, when another command wrote it, only with
 * --force); an empty folder is used; anything else (a folder of the user's, a file, a link) is
 * refused with exit 1 before any work starts.
 *
 * A result appears whole or not at all: files are written into a hidden staging folder beside
 * the target, which is renamed into place once complete; a previous result is renamed aside
 * first and removed only after the new one is in place. A process killed in between leaves a
 * staging or superseded folder named after its pid; the next write to the same target cleans
 * it up (restoring the previous result if the new one never made it), touching only folders
 * that carry rnnsim's name pattern and manifest and whose process is gone.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, parse, posix, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { existingOutFolder } from './out-target.js';
import { makeDirectory, removeOwn, rename, writeFile } from './file-operations.js';

export const RESULT_MANIFEST = 'rnnsim-result.json';
const MANIFEST_FORMAT = 'rnnsim-result/1';
/** A folder with more entries than this is not a result rnnsim wrote; stop listing it. */
const MAX_LISTED_ENTRIES = 100_000;

interface Manifest {
  readonly format: string;
  readonly command: string;
  readonly files: readonly string[];
}

export interface ResultFolderOptions {
  /** The command writing the folder, as typed after `rnnsim` (e.g. "run", "dps calibrate"). */
  readonly command: string;
  /** Replace an rnnsim result written by a different command. */
  readonly force?: boolean;
}

type TargetState = { readonly kind: 'absent' } | { readonly kind: 'empty' } | { readonly kind: 'result' };

/**
 * Refuse an --out that must not be written, before any work starts. writeResultFolder checks
 * again when it writes; this only lets a command fail in a second instead of after a long run.
 */
export function checkResultTarget(dir: string, options: ResultFolderOptions): void {
  inspectTarget(resolveTarget(dir), dir, options);
}

/** Write `files` (relative path -> contents) as the result folder `dir`, replacing only an rnnsim result. */
export function writeResultFolder(dir: string, files: ReadonlyMap<string, string | Uint8Array>, options: ResultFolderOptions): void {
  const target = resolveTarget(dir);
  const names = [...files.keys()].map((name) => checkRelativeName(name));
  if (names.includes(RESULT_MANIFEST)) throw new Error(`internal: a result may not contain a file named ${RESULT_MANIFEST}`);
  const parent = dirname(target);
  if (existsSync(parent)) cleanStaleSiblings(target);
  const state = inspectTarget(target, dir, options);
  makeDirectory(parent);
  const staging = siblingPath(target, 'staging', process.pid);
  removeOwn(staging);
  makeDirectory(staging);
  // The manifest goes first: it is what marks the staging folder as rnnsim's own.
  const manifest: Manifest = { format: MANIFEST_FORMAT, command: options.command, files: [...names].sort() };
  writeFile(join(staging, RESULT_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  const made = new Set<string>();
  for (const [name, data] of files) {
    const folder = posix.dirname(name);
    if (folder !== '.' && !made.has(folder)) {
      makeDirectory(join(staging, folder));
      made.add(folder);
    }
    writeFile(join(staging, name), data);
  }
  if (state.kind === 'result') {
    const old = siblingPath(target, 'old', process.pid);
    rename(target, old);
    rename(staging, target);
    removeOwn(old, { lastFile: RESULT_MANIFEST });
  } else {
    // rename(2) replaces an empty folder atomically.
    rename(staging, target);
  }
}

function resolveTarget(dir: string): string {
  if (dir.trim() === '') throw new InputError('--out is empty: give a folder for the results');
  const target = resolve(dir);
  if (target === parse(target).root) throw new InputError(`--out '${dir}' is the root of the file system: give a folder of its own for the results`);
  return target;
}

/** A relative path inside the result, with no way out of it. */
function checkRelativeName(name: string): string {
  const parts = name.split('/');
  if (name.startsWith('/') || name.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.'))) {
    throw new InputError(`refusing to write '${name}' into a result folder: every part of a result path must be a plain name (no '..', '.', leading dots or absolute paths)`);
  }
  return name;
}

function siblingPath(target: string, role: 'staging' | 'old', pid: number): string {
  return join(dirname(target), `.${basename(target)}.rnnsim-${role}-${pid}`);
}

function inspectTarget(target: string, given: string, options: ResultFolderOptions): TargetState {
  if (!existingOutFolder(target, given, 'result folder')) return { kind: 'absent' };
  const entries = listEntries(target, given);
  if (entries.length === 0) return { kind: 'empty' };
  const manifest = readManifest(target);
  if (!manifest) {
    throw new InputError(
      `--out is an existing folder that rnnsim did not write (no ${RESULT_MANIFEST}; it holds ${describeEntries(entries)}): rnnsim will not replace it. Give a new or empty folder, or move it away yourself`,
      given,
    );
  }
  const expected = new Set<string>();
  for (const f of manifest.files) {
    const parts = f.split('/');
    for (let i = 1; i <= parts.length; i++) expected.add(parts.slice(0, i).join('/'));
  }
  expected.add(RESULT_MANIFEST);
  const foreign = entries.filter((e) => !expected.has(e));
  if (foreign.length > 0) {
    throw new InputError(`--out is an rnnsim result folder that also holds files rnnsim did not write (${describeEntries(foreign)}): rnnsim will not delete them. Move them away, or give another --out`, given);
  }
  if (manifest.command !== options.command && !options.force) {
    throw new InputError(`--out holds the result of \`rnnsim ${manifest.command}\`; pass --force to replace it with the result of \`rnnsim ${options.command}\`, or give another --out`, given);
  }
  return { kind: 'result' };
}

function describeEntries(entries: readonly string[]): string {
  const shown = entries.slice(0, 5).join(', ');
  return entries.length > 5 ? `${shown} and ${entries.length - 5} more` : shown;
}

/** Every file and folder under `root`, as relative paths with '/' separators. */
function listEntries(root: string, given: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      throw new InputError(`cannot list --out: ${(err as Error).message}`, given);
    }
    for (const name of names) {
      if (out.length >= MAX_LISTED_ENTRIES) return;
      const rel = prefix === '' ? name : `${prefix}/${name}`;
      out.push(rel);
      const full = join(dir, name);
      if (lstatSync(full).isDirectory()) walk(full, rel);
    }
  };
  walk(root, '');
  return out;
}

function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, RESULT_MANIFEST);
  try {
    if (!lstatSync(path).isFile()) return undefined;
    const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    if (m.format !== MANIFEST_FORMAT || typeof m.command !== 'string' || !Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string')) return undefined;
    return m as Manifest;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Clean up after killed writers of `target`: their staging folders are removed, and a previous
 * result one of them had moved aside is put back if no result took its place (else removed).
 * Only folders with rnnsim's sibling name pattern whose process is gone, holding a manifest (or,
 * for a staging folder killed before its manifest was complete, nothing but that one file), are
 * touched.
 */
function cleanStaleSiblings(target: string): void {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.rnnsim-`;
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(prefix)).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^(staging|old)-(\d+)$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    const path = join(parent, name);
    if (!lstatSync(path).isDirectory() || lstatSync(path).isSymbolicLink()) continue;
    const ours = readManifest(path) !== undefined;
    if (m[1] === 'staging') {
      // The manifest is the first file written: a staging folder holding nothing else was killed
      // before or while writing it (an empty or cut manifest does not parse, yet is ours).
      const entries = readdirSync(path);
      const killedAtManifest = entries.length === 0 || (entries.length === 1 && entries[0] === RESULT_MANIFEST && lstatSync(join(path, RESULT_MANIFEST)).isFile());
      if (ours || killedAtManifest) removeOwn(path, { lastFile: RESULT_MANIFEST });
    } else if (ours) {
      if (existsSync(target)) removeOwn(path, { lastFile: RESULT_MANIFEST });
      else rename(path, target);
    }
  }
}
