/**
 * Locating the data files of the installed dataset packages. The packages are CommonJS and
 * would load everything through their own APIs (with deep copies); reading their JSON files
 * directly is faster and does not depend on their runtime code.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Directory of an installed package's entry point, e.g. .../mnist/src. */
export function packageEntryDir(packageName: string): string {
  return dirname(require.resolve(packageName));
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export { join };
