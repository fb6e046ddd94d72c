/**
 * A sweep spec (schemas/sweep.schema.json): read with line-and-column errors, checked against
 * its schema, and resolved: config and trace paths (relative to the spec; trace globs expanded,
 * sorted), axis names, and every axis's list of values.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { readYamlFile, validateAgainstSchema, type LoadedYaml } from '../energy/yaml-loader.js';
import { InputError } from '../errors.js';
import { parseKeyPath, type OverrideValue } from '../config/overrides.js';
import { rangeValues, type RangeSpec } from './ranges.js';

type Scalar = string | number | boolean;

interface RawAxis {
  key: string;
  name?: string;
  values?: Scalar[];
  range?: RangeSpec;
  integer?: boolean;
}

interface RawSampled {
  key: string;
  name?: string;
  values?: Scalar[];
  range?: { from: number; to: number; scale?: 'linear' | 'log' };
  integer?: boolean;
}

interface RawSpec {
  name: string;
  description?: string;
  configs: string[];
  traces: string[];
  set?: Record<string, Scalar>;
  axes?: Array<RawAxis | { zip: RawAxis[] }>;
  samples?: { method: 'random' | 'latin_hypercube'; count: number; seed: number; parameters: RawSampled[] };
  constraints?: string[];
}

/** One swept parameter: its column name, its config key, and (for grid axes) its values. */
export interface Parameter {
  /** Short name (constraints, plots). */
  readonly name: string;
  /** Dotted config key; also the column name in points.csv. */
  readonly key: string;
  readonly path: readonly string[];
}

export interface GridAxis {
  /** One parameter, or several zipped together (moving as one). */
  readonly parameters: readonly Parameter[];
  /** values[i][j]: the i-th value of parameter j. */
  readonly values: ReadonlyArray<readonly OverrideValue[]>;
  /** Where the axis is in the spec, for messages. */
  readonly where: string;
}

export interface SampledParameter extends Parameter {
  readonly values?: readonly OverrideValue[];
  readonly range?: { readonly from: number; readonly to: number; readonly scale: 'linear' | 'log' };
  readonly integer: boolean;
}

export interface SweepSpec {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  /** Config paths as written in the spec, and resolved. */
  readonly configs: ReadonlyArray<{ readonly label: string; readonly path: string }>;
  readonly traces: ReadonlyArray<{ readonly label: string; readonly path: string }>;
  readonly fixed: ReadonlyArray<{ readonly key: string; readonly path: readonly string[]; readonly value: OverrideValue }>;
  readonly axes: readonly GridAxis[];
  readonly samples?: { readonly method: 'random' | 'latin_hypercube'; readonly count: number; readonly seed: number; readonly parameters: readonly SampledParameter[] };
  readonly constraints: ReadonlyArray<{ readonly text: string; readonly where: string }>;
  /** Every swept parameter in column order (grid axes, zipped members, then sampled). */
  readonly parameters: readonly Parameter[];
  /** The spec's data as parsed (for the record in the sweep folder). */
  readonly data: unknown;
  where(keyPath: readonly (string | number)[]): string;
}

const POSIX = (p: string): string => p.split(path.sep).join('/');

function resolveFiles(loaded: LoadedYaml, list: readonly string[], field: 'configs' | 'traces'): Array<{ label: string; path: string }> {
  const base = path.dirname(path.resolve(loaded.file));
  const out: Array<{ label: string; path: string }> = [];
  list.forEach((entry, i) => {
    const where = loaded.where([field, i]);
    if (field === 'traces' && isDynamicPattern(entry)) {
      const matches = globSync(entry, { cwd: base, onlyFiles: true, expandDirectories: false }).sort();
      if (matches.length === 0) throw new InputError(`${where}: the pattern '${entry}' matches no file (relative to ${POSIX(path.relative(process.cwd(), base)) || '.'})`, loaded.file);
      for (const m of matches) out.push({ label: POSIX(path.normalize(m)), path: path.resolve(base, m) });
      return;
    }
    const resolved = path.resolve(base, entry);
    if (!existsSync(resolved) || !statSync(resolved).isFile()) throw new InputError(`${where}: ${field === 'configs' ? 'config' : 'trace'} '${entry}' not found (relative to the spec's folder)`, loaded.file);
    out.push({ label: POSIX(path.normalize(entry)), path: resolved });
  });
  const seen = new Map<string, string>();
  for (const f of out) {
    const before = seen.get(f.path);
    if (before !== undefined) throw new InputError(`${loaded.where([field])}: '${f.label}' is listed twice (also as '${before}'): every ${field === 'configs' ? 'config' : 'trace'} must be distinct`, loaded.file);
    seen.set(f.path, f.label);
  }
  return out;
}

function parameterOf(loaded: LoadedYaml, axis: { key: string; name?: string; values?: unknown; range?: unknown }, at: (string | number)[]): Parameter {
  if ((axis.values === undefined) === (axis.range === undefined)) throw new InputError(`${loaded.where(at)}: give either 'values' or 'range' for ${axis.key}`, loaded.file);
  const pathParts = parseKeyPath(axis.key, loaded.where([...at, 'key']));
  return { name: axis.name ?? pathParts[pathParts.length - 1], key: axis.key, path: pathParts };
}

function axisValues(loaded: LoadedYaml, axis: RawAxis, at: (string | number)[]): OverrideValue[] {
  if (axis.values) {
    if (axis.integer) throw new InputError(`${loaded.where([...at, 'integer'])}: 'integer' applies to a range, not to a list of values`, loaded.file);
    return axis.values;
  }
  try {
    return rangeValues(axis.range!, { integer: axis.integer ?? false });
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${loaded.where([...at, 'range'])}: ${err.message}`, loaded.file);
    throw err;
  }
}

export function loadSweepSpec(file: string): SweepSpec {
  const loaded = readYamlFile(file);
  const raw = validateAgainstSchema<RawSpec>(loaded, 'sweep.schema.json');
  const configs = resolveFiles(loaded, raw.configs, 'configs');
  const traces = resolveFiles(loaded, raw.traces, 'traces');
  const fixed = Object.entries(raw.set ?? {}).map(([key, value]) => ({ key, path: parseKeyPath(key, loaded.where(['set', key])), value }));
  const axes: GridAxis[] = (raw.axes ?? []).map((a, i) => {
    const members = 'zip' in a ? a.zip.map((m, j) => ({ raw: m, at: ['axes', i, 'zip', j] })) : [{ raw: a, at: ['axes', i] }];
    const parameters = members.map((m) => parameterOf(loaded, m.raw, m.at));
    const lists = members.map((m) => axisValues(loaded, m.raw, m.at));
    if (lists.some((l) => l.length !== lists[0].length)) {
      throw new InputError(`${loaded.where(['axes', i, 'zip'])}: zipped axes must have as many values each; found ${lists.map((l, j) => `${parameters[j].name}: ${l.length}`).join(', ')}`, loaded.file);
    }
    return { parameters, values: lists[0].map((_, k) => lists.map((l) => l[k])), where: loaded.where(['axes', i]) };
  });
  const samples = raw.samples && {
    method: raw.samples.method,
    count: raw.samples.count,
    seed: raw.samples.seed,
    parameters: raw.samples.parameters.map((p, i): SampledParameter => {
      const at = ['samples', 'parameters', i];
      const param = parameterOf(loaded, p, at);
      if (p.values && p.integer) throw new InputError(`${loaded.where([...at, 'integer'])}: 'integer' applies to a range, not to a list of values`, loaded.file);
      if (p.range) {
        const { from, to } = p.range;
        const scale = p.range.scale ?? 'linear';
        if (!(to > from)) throw new InputError(`${loaded.where([...at, 'range'])}: 'to' (${to}) must be above 'from' (${from})`, loaded.file);
        if (scale === 'log' && !(from > 0)) throw new InputError(`${loaded.where([...at, 'range', 'from'])}: a log range needs 'from' > 0; found ${from}`, loaded.file);
        return { ...param, range: { from, to, scale }, integer: p.integer ?? false };
      }
      return { ...param, values: p.values, integer: false };
    }),
  };
  const parameters = [...axes.flatMap((a) => a.parameters), ...(samples?.parameters ?? [])];
  checkNames(loaded, parameters, fixed.map((f) => f.key));
  return {
    file,
    name: raw.name,
    description: raw.description ?? '',
    configs,
    traces,
    fixed,
    axes,
    samples,
    constraints: (raw.constraints ?? []).map((text, i) => ({ text, where: loaded.where(['constraints', i]) })),
    parameters,
    data: loaded.data,
    where: (keyPath) => loaded.where(keyPath),
  };
}

const RESERVED_NAMES = new Set(['config', 'trace', 'point', 'key', 'status']);

function checkNames(loaded: LoadedYaml, parameters: readonly Parameter[], fixedKeys: readonly string[]): void {
  const byName = new Map<string, Parameter>();
  const byKey = new Map<string, Parameter>();
  for (const p of parameters) {
    if (RESERVED_NAMES.has(p.name)) throw new InputError(`parameter name '${p.name}' (key ${p.key}) is reserved for a column of its own; give the axis a name:`, loaded.file);
    const other = byName.get(p.name);
    if (other) throw new InputError(`two parameters are both named '${p.name}' (${other.key} and ${p.key}); give one of them a 'name:'`, loaded.file);
    const sameKey = byKey.get(p.key);
    if (sameKey) throw new InputError(`the key ${p.key} is swept twice (as '${sameKey.name}' and '${p.name}')`, loaded.file);
    if (fixedKeys.includes(p.key)) throw new InputError(`the key ${p.key} is both fixed under 'set:' and swept`, loaded.file);
    byName.set(p.name, p);
    byKey.set(p.key, p);
  }
}
