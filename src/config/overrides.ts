/**
 * Config overrides: `--set dotted.path=value` on the command line, and every point of a sweep.
 *
 * An override is applied to the parsed YAML data of a config *before* DRAM presets are merged
 * and the schema is checked, so an overridden value is validated exactly like one written in
 * the file. Error positions are kept honest: a key an override set (or an object it had to
 * create) is reported as coming from that override ("--set a.b=3", "axis width = 3"), every
 * other key with its line and column in the file.
 *
 * Values are YAML scalars (`16`, `0.5`, `true`, `mwl`, `"8,16"`), parsed by the yaml library
 * exactly as the same text would be in the file.
 */
import { isScalar, parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import { formatKeyPath, type KeyPath, type LoadedYaml } from '../energy/yaml-loader.js';

export type OverrideValue = string | number | boolean | null;

export interface Override {
  /** Key path into the config, e.g. ['components', 'weight_buffer', 'size_kib']. */
  readonly path: readonly string[];
  readonly value: OverrideValue;
  /** Where the override came from, for messages: "--set a.b=3", "axis 'width' = 32". */
  readonly source: string;
}

/** Names a key path may not use (they would reach an object's prototype, not a config key). */
const RESERVED_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** Split and check a dotted key ("components.weight_buffer.size_kib"). */
export function parseKeyPath(key: string, source: string): string[] {
  const parts = key.split('.');
  if (key.trim() === '' || parts.some((p) => p.trim() === '' || p !== p.trim())) {
    throw new InputError(`${source}: '${key}' is not a dotted key path (expected names separated by dots, e.g. components.weight_buffer.size_kib)`);
  }
  const reserved = parts.find((p) => RESERVED_SEGMENTS.has(p));
  if (reserved !== undefined) throw new InputError(`${source}: '${reserved}' cannot be a config key`);
  return parts;
}

/** Parse a YAML scalar as the config file would read it; anything else is refused. */
export function parseScalar(text: string, source: string): OverrideValue {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new InputError(`${source}: the value '${text}' is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  if (doc.contents === null) return text === '' ? '' : null;
  if (!isScalar(doc.contents)) throw new InputError(`${source}: the value '${text}' is not a single value (a number, a word, true/false or a quoted string); set one key at a time`);
  const value = doc.contents.value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  throw new InputError(`${source}: the value '${text}' is not a number, string or boolean`);
}

/** Parse one `--set KEY=VALUE` argument. */
export function parseSetOption(text: string): Override {
  const source = `--set ${text}`;
  const eq = text.indexOf('=');
  if (eq < 0) throw new InputError(`${source}: expected KEY=VALUE, e.g. --set components.weight_buffer.size_kib=1024`);
  return { path: parseKeyPath(text.slice(0, eq), source), value: parseScalar(text.slice(eq + 1), source), source };
}

/** Every --set of a command's options, in order. */
export function setOptions(values: unknown): Override[] {
  if (values === undefined) return [];
  const list = Array.isArray(values) ? values : [values];
  return list.map((v) => {
    if (typeof v !== 'string') throw new InputError('--set takes KEY=VALUE');
    return parseSetOption(v);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function startsWith(path: KeyPath, prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => String(path[i]) === p);
}

/**
 * The loaded file with `overrides` applied to a copy of its data; `where` names the override
 * for the keys it set or created. Refuses an override that would have to replace a whole
 * mapping or list of the file with a single value, or step into a value as if it were a mapping.
 */
export function applyOverrides(loaded: LoadedYaml, overrides: readonly Override[]): LoadedYaml {
  if (overrides.length === 0) return loaded;
  const data: unknown = structuredClone(loaded.data);
  if (!isObject(data)) throw new InputError(`${loaded.where([])}: the config is not a mapping, so ${overrides[0].source} cannot set a key in it`, loaded.file);
  /** Key paths set or created by an override, with the override's source. */
  const owned: Array<{ path: readonly string[]; source: string }> = [];
  for (const o of overrides) {
    let node: Record<string, unknown> = data;
    for (let i = 0; i < o.path.length - 1; i++) {
      const key = o.path[i];
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined || next === null) {
        node[key] = {};
        owned.push({ path: o.path.slice(0, i + 1), source: o.source });
      } else if (!isObject(next)) {
        throw new InputError(`${loaded.where(o.path.slice(0, i + 1))}: ${o.source}: '${o.path.slice(0, i + 1).join('.')}' is a single value (${JSON.stringify(next)}), not a mapping with a key '${o.path[i + 1]}'`, loaded.file);
      }
      node = node[key] as Record<string, unknown>;
    }
    const leaf = o.path[o.path.length - 1];
    const current = Object.hasOwn(node, leaf) ? node[leaf] : undefined;
    if (current !== undefined && current !== null && typeof current === 'object') {
      throw new InputError(`${loaded.where(o.path)}: ${o.source}: '${o.path.join('.')}' is a ${Array.isArray(current) ? 'list' : 'mapping'} in the file; an override sets one value at a time (name a key inside it)`, loaded.file);
    }
    node[leaf] = o.value;
    owned.push({ path: o.path, source: o.source });
  }
  return {
    file: loaded.file,
    data,
    where(keyPath) {
      // The latest override that set this key or created an object above it.
      for (let i = owned.length - 1; i >= 0; i--) {
        if (startsWith(keyPath, owned[i].path)) return `${formatKeyPath(keyPath)} (set by ${owned[i].source})`;
      }
      return loaded.where(keyPath);
    },
  };
}

/** The overrides as text, one per line, for hashing and for the record of a run. */
export function overridesText(overrides: readonly Override[]): string {
  return overrides.map((o) => `${o.path.join('.')}=${JSON.stringify(o.value)}`).join('\n');
}
