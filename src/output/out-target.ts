/**
 * The first look at an --out path, shared by result folders and sweep folders: absent, or an
 * existing real folder. A symbolic link or a file is refused (rnnsim never writes through a link
 * or replaces a file); what the folder holds is for the caller to judge.
 */
import { lstatSync } from 'node:fs';
import { InputError } from '../errors.js';

/** false when nothing is at `target`; true for a folder; InputError (naming `given`) otherwise. */
export function existingOutFolder(target: string, given: string, what: 'result folder' | 'sweep folder'): boolean {
  let stat;
  try {
    stat = lstatSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new InputError(`cannot inspect --out: ${(err as Error).message}`, given);
  }
  const writes = what === 'result folder' ? 'results' : 'a sweep';
  if (stat.isSymbolicLink()) throw new InputError(`--out is a symbolic link; rnnsim does not write ${writes} through links: give the folder itself or a new path`, given);
  if (!stat.isDirectory()) throw new InputError(`--out names an existing file, not a ${what}: rnnsim will not replace it; give a new or empty folder`, given);
  return true;
}
