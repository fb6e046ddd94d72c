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

/** A path relative to the package root when inside it (stable across checkouts), else as is. */
export function displayPath(file: string): string {
  const relative = path.relative(packageRootDir, path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
