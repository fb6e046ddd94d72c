/**
 * A user's data split, from files:
 *   - a directory holding inputs.npy (float inputs [N, T, I] or integer token ids [N, T]) and
 *     optionally lengths.npy (integers [N], valid steps of each sequence; the rest is padding)
 *     and labels.npy (integer classes [N]);
 *   - a single .npy file: the inputs alone;
 *   - a JSON Lines file (.jsonl): one sequence per line, {"inputs": [[...], ...]} (float vectors)
 *     or {"tokens": [...]} (integer ids), optionally "label" (class index, or class name when the
 *     card names its classes); sequences may differ in length (padded, lengths recorded).
 * Shapes, dtypes and ranks are checked here; widths, vocabulary and label ranges against the
 * model in src/models/eval-data.ts. Every problem is an InputError naming the file.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { readInputBytes } from '../input-file.js';
import { readNpy, type NpyArray } from './npy.js';
import type { SplitData, SplitInputs } from './split-data.js';
import type { SplitName } from './split-rule.js';

export const SPLIT_FILES = { inputs: 'inputs.npy', lengths: 'lengths.npy', labels: 'labels.npy' } as const;

export interface UserDataContext {
  /** Class names of a classifier (JSON Lines labels may name them). */
  readonly classes?: readonly string[];
}

function isIntegerDescr(descr: string): boolean {
  return /^[<|=]?[iu][1248]$/.test(descr);
}

function intVector(a: NpyArray, file: string, what: string): Int32Array {
  if (a.shape.length !== 1) throw new InputError(`${what} must be a vector [N]; found shape [${a.shape.join(', ')}]`, file);
  if (!isIntegerDescr(a.descr)) throw new InputError(`${what} must hold integers; found dtype '${a.descr}'`, file);
  return a.data instanceof Int32Array ? a.data : Int32Array.from(a.data);
}

function inputsFromNpy(a: NpyArray, file: string): { inputs: SplitInputs; count: number; steps: number } {
  if (a.shape.length === 3) {
    const values = a.data instanceof Float32Array ? a.data : Float32Array.from(a.data);
    return { inputs: { kind: 'dense', values, features: a.shape[2] }, count: a.shape[0], steps: a.shape[1] };
  }
  if (a.shape.length === 2) {
    if (!isIntegerDescr(a.descr)) {
      throw new InputError(`inputs of shape [${a.shape.join(', ')}] are read as token ids [N, T] and must hold integers; found dtype '${a.descr}' (float inputs need three dimensions [N, T, I], e.g. x[..., None] for one feature)`, file);
    }
    const ids = a.data instanceof Int32Array ? a.data : Int32Array.from(a.data);
    return { inputs: { kind: 'tokens', ids }, count: a.shape[0], steps: a.shape[1] };
  }
  throw new InputError(`inputs must be float32 [N, T, I] or integer token ids [N, T]; found rank ${a.shape.length}, shape [${a.shape.join(', ')}]`, file);
}

function readNpyDirectory(dir: string, split: SplitName): SplitData {
  const inputsFile = join(dir, SPLIT_FILES.inputs);
  if (!existsSync(inputsFile)) {
    throw new InputError(`a data directory must hold ${SPLIT_FILES.inputs} (and optionally ${SPLIT_FILES.lengths}, ${SPLIT_FILES.labels}), or train/validation/test splits of them`, dir);
  }
  const { inputs, count, steps } = inputsFromNpy(readNpy(inputsFile), inputsFile);
  const lengthsFile = join(dir, SPLIT_FILES.lengths);
  const labelsFile = join(dir, SPLIT_FILES.labels);
  const lengths = existsSync(lengthsFile) ? intVector(readNpy(lengthsFile), lengthsFile, 'lengths') : undefined;
  const labels = existsSync(labelsFile) ? intVector(readNpy(labelsFile), labelsFile, 'labels') : undefined;
  if (lengths && lengths.length !== count) throw new InputError(`has ${lengths.length} lengths, ${SPLIT_FILES.inputs} has ${count} sequences`, lengthsFile);
  if (labels && labels.length !== count) throw new InputError(`has ${labels.length} labels, ${SPLIT_FILES.inputs} has ${count} sequences`, labelsFile);
  return {
    split,
    inputs,
    count,
    steps,
    ...(lengths ? { lengths } : {}),
    ...(labels ? { labels } : {}),
    description: `${count} ${split} sequences from ${dir}`,
    splitSize: count,
  };
}

interface JsonlRow {
  readonly values?: number[][];
  readonly tokens?: number[];
  readonly label?: number;
}

function parseJsonlRow(text: string, line: number, file: string, context: UserDataContext): JsonlRow {
  const at = `line ${line}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${at}: not JSON (${(err as Error).message})`, file);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${at}: expected an object {"inputs": [[...]...]} or {"tokens": [...]}, with an optional "label"`, file);
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!['inputs', 'tokens', 'label'].includes(key)) throw new InputError(`${at}: unknown key '${key}' (expected inputs or tokens, and label)`, file);
  if ((o.inputs === undefined) === (o.tokens === undefined)) throw new InputError(`${at}: give exactly one of "inputs" (float vectors) and "tokens" (integer ids)`, file);
  const row: { values?: number[][]; tokens?: number[]; label?: number } = {};
  if (o.tokens !== undefined) {
    if (!Array.isArray(o.tokens) || o.tokens.length === 0 || !o.tokens.every((v) => Number.isSafeInteger(v))) throw new InputError(`${at}: "tokens" must be a non-empty array of integers`, file);
    row.tokens = o.tokens as number[];
  } else {
    const v = o.inputs;
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => Array.isArray(s) && s.every((x) => typeof x === 'number'))) {
      throw new InputError(`${at}: "inputs" must be a non-empty array of steps, each an array of numbers`, file);
    }
    row.values = v as number[][];
  }
  if (o.label !== undefined) {
    if (typeof o.label === 'string') {
      const index = context.classes?.indexOf(o.label) ?? -1;
      if (index < 0) throw new InputError(`${at}: label "${o.label}" is not one of the card's classes${context.classes ? ` (${context.classes.slice(0, 10).join(', ')}${context.classes.length > 10 ? ', ...' : ''})` : ''}`, file);
      row.label = index;
    } else if (Number.isSafeInteger(o.label)) {
      row.label = o.label as number;
    } else {
      throw new InputError(`${at}: "label" must be a class index or a class name; found ${JSON.stringify(o.label)}`, file);
    }
  }
  return row;
}

function readJsonl(file: string, split: SplitName, context: UserDataContext): SplitData {
  const text = readInputBytes(file, { limitName: 'data_file_bytes', what: 'JSON Lines data' }).toString('utf8');
  const rows: JsonlRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') rows.push(parseJsonlRow(line, i + 1, file, context));
  });
  if (rows.length === 0) throw new InputError('the data set is empty (no JSON lines)', file);
  const dense = rows[0].values !== undefined;
  if (rows.some((r) => (r.values !== undefined) !== dense)) throw new InputError('mixes "inputs" and "tokens" lines: a data set is one or the other', file);
  const labelled = rows[0].label !== undefined;
  if (rows.some((r) => (r.label !== undefined) !== labelled)) throw new InputError('some lines have a "label" and some not: label every line or none', file);
  const lengths = Int32Array.from(rows, (r) => (dense ? (r.values as number[][]).length : (r.tokens as number[]).length));
  const T = Math.max(...lengths);
  let inputs: SplitInputs;
  if (dense) {
    const F = (rows[0].values as number[][])[0].length;
    const values = new Float32Array(rows.length * T * F);
    rows.forEach((r, k) =>
      (r.values as number[][]).forEach((step, t) => {
        if (step.length !== F) throw new InputError(`line ${k + 1}: step ${t} has ${step.length} values, the first step of the file has ${F}`, file);
        values.set(step, (k * T + t) * F);
      }),
    );
    inputs = { kind: 'dense', values, features: F };
  } else {
    const ids = new Int32Array(rows.length * T);
    rows.forEach((r, k) => ids.set(r.tokens as number[], k * T));
    inputs = { kind: 'tokens', ids };
  }
  return {
    split,
    inputs,
    count: rows.length,
    steps: T,
    ...(lengths.every((l) => l === T) ? {} : { lengths }),
    ...(labelled ? { labels: Int32Array.from(rows, (r) => r.label as number) } : {}),
    description: `${rows.length} ${split} sequences from ${file}`,
    splitSize: rows.length,
  };
}

/** Reads one split from a directory of .npy files, a single .npy, or a .jsonl file. */
export function readUserSplit(path: string, split: SplitName, context: UserDataContext = {}): SplitData {
  if (!existsSync(path)) throw new InputError('data not found (expected a directory with inputs.npy, an .npy file or a .jsonl file)', path);
  if (statSync(path).isDirectory()) return readNpyDirectory(path, split);
  if (/\.npy$/i.test(path)) {
    const { inputs, count, steps } = inputsFromNpy(readNpy(path), path);
    return { split, inputs, count, steps, description: `${count} ${split} sequences from ${path}`, splitSize: count };
  }
  if (/\.(jsonl|ndjson)$/i.test(path)) return readJsonl(path, split, context);
  throw new InputError('unknown data file type: expected a directory with inputs.npy, an .npy file or a .jsonl file', path);
}

/**
 * The splits a path holds: a directory (or a directory-like prefix) with train/, validation/,
 * test/ subdirectories or train.jsonl, validation.jsonl, test.jsonl files gives those; anything
 * else is one split (null).
 */
export function splitSourcesIn(path: string): Partial<Record<SplitName, string>> | null {
  if (!existsSync(path) || !statSync(path).isDirectory() || existsSync(join(path, SPLIT_FILES.inputs))) return null;
  const out: Partial<Record<SplitName, string>> = {};
  for (const split of ['train', 'validation', 'test'] as const) {
    for (const candidate of [join(path, split), join(path, `${split}.jsonl`), join(path, `${split}.npy`)]) {
      if (existsSync(candidate)) {
        out[split] = candidate;
        break;
      }
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}
