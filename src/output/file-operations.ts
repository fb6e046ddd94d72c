/**
 * The file operations results are written with, each a numbered step, so a test can kill the
 * process at any one of them (RNNSIM_TEST_KILL_AT_FILE_OP=n sends SIGKILL to this process just
 * before operation n, counted from 1) and check that what is left is the whole old result or the
 * whole new one. Errors a user can act on (permissions, a full disk, a read-only file system)
 * become InputErrors naming the path.
 */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';

let operations = 0;
const killAt = Number(process.env.RNNSIM_TEST_KILL_AT_FILE_OP ?? '0');

function step(): void {
  operations++;
  if (killAt > 0 && operations === killAt) process.kill(process.pid, 'SIGKILL');
}

/** Codes of file-system errors caused by the user's environment rather than by rnnsim. */
const USER_FS_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG', 'ELOOP', 'EBUSY', 'ENOTEMPTY', 'EXDEV']);

function userError(err: unknown, what: string, path: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && USER_FS_ERRORS.has(code)) return new InputError(`cannot ${what}: ${code} (${(err as Error).message})`, path);
  return err as Error;
}

export function makeDirectory(path: string): void {
  step();
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw userError(err, 'create the folder', path);
  }
}

export function writeFile(path: string, data: string | Uint8Array): void {
  step();
  try {
    writeFileSync(path, data, { flag: 'wx' });
  } catch (err) {
    throw userError(err, 'write the file', path);
  }
}

export function rename(from: string, to: string): void {
  step();
  try {
    renameSync(from, to);
  } catch (err) {
    throw userError(err, `move ${from} into place`, to);
  }
}

/** Remove a path rnnsim itself created (a staging folder, a superseded result). */
export function removeOwn(path: string, options: { readonly lastFile?: string } = {}): void {
  step();
  // A folder recognised by one file (a result's manifest) loses that file last, so a removal
  // killed half way leaves a folder the next write still recognises and finishes removing.
  const last = options.lastFile;
  if (last !== undefined && lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    for (const entry of readdirSync(path)) if (entry !== last) rmSync(join(path, entry), { recursive: true, force: true });
  }
  rmSync(path, { recursive: true, force: true });
}
