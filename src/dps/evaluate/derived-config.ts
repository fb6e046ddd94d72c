/**
 * A shipped config with a few values changed, written into rnnsim's cache folder: how an
 * evaluation runs a design on the same hardware with, say, the precision-select unit following
 * a recorded schedule. The patch is deep-merged into the parsed YAML and the result goes through
 * the same loading and validation as any config.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export type ConfigPatch = { readonly [key: string]: string | number | boolean | ConfigPatch };

function merge(target: Record<string, unknown>, patch: ConfigPatch): void {
  for (const [k, v] of Object.entries(patch)) {
    if (typeof v === 'object' && typeof target[k] === 'object' && target[k] !== null) merge(target[k] as Record<string, unknown>, v);
    else target[k] = v;
  }
}

/** Write `base` with `patch` applied as `dir/<name>.yaml` (config name `name`); returns its path. */
export function writeDerivedConfig(base: string, patch: ConfigPatch, dir: string, name: string): string {
  const data = parse(readFileSync(base, 'utf8')) as Record<string, unknown>;
  merge(data, { ...patch, name });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `# ${base} with ${JSON.stringify(patch)} (written by rnnsim dps evaluate)\n${stringify(data)}`);
  return file;
}
