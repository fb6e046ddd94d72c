/**
 * Where the shipped configs and schemas live. Resolved from this module's own location, not
 * the working directory, so `rnnsim` works from anywhere. This file is compiled from
 * src/energy/ to dist/energy/: both are two levels below the package root.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const packageRootDir = fileURLToPath(new URL('../../', import.meta.url));

export function configsDir(): string {
  return path.join(packageRootDir, 'configs');
}

export function schemasDir(): string {
  return path.join(packageRootDir, 'schemas');
}

/** `relative` names a path inside the folder it was taken from (not '..' or above, not on another drive). */
function inside(relative: string): boolean {
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * How a file is written into results: relative to the package root when inside it (stable across
 * checkouts), else relative to the working directory when inside it, else absolute. The same file
 * is written the same way however its path was given (configs/x.yaml, ./configs/x.yaml or
 * /abs/configs/x.yaml), so results do not depend on the spelling.
 */
export function displayPath(file: string): string {
  const absolute = path.resolve(file);
  const fromPackage = path.relative(packageRootDir, absolute);
  if (inside(fromPackage)) return fromPackage.split(path.sep).join('/');
  const fromCwd = path.relative(process.cwd(), absolute);
  if (inside(fromCwd)) return fromCwd.split(path.sep).join('/');
  return absolute;
}
