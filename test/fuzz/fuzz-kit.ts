/**
 * The fuzz suite's shared parts (issue 12): settings, generators of malformed values and of
 * mutations of a valid document, and the checks every outcome must pass.
 *
 * Settings: RNNSIM_FUZZ_SEED (default a fixed seed, so `npm test` is reproducible) and
 * RNNSIM_FUZZ_RUNS (inputs per property; default a few dozen, so the suite takes seconds;
 * `npm run fuzz` sets it high). On a failure fast-check prints the seed, the path and the
 * shrunk input; rerun with RNNSIM_FUZZ_SEED=<seed> to reproduce it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';

export const FUZZ_SEED = Number(process.env.RNNSIM_FUZZ_SEED ?? 20261130);
const RUNS = process.env.RNNSIM_FUZZ_RUNS === undefined ? undefined : Number(process.env.RNNSIM_FUZZ_RUNS);

/** fast-check parameters: `short` runs in `npm test`, RNNSIM_FUZZ_RUNS in a long run. */
export function fuzzParams(short: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: RUNS ?? short, endOnFailure: false };
}

/** Test timeout for a property: generous for the long run, which is not part of `npm test`. */
export function fuzzTimeout(shortMs: number): number {
  return RUNS === undefined ? shortMs : 24 * 3600_000;
}

export type KeyPath = (string | number)[];

/** Every path to a node of a JSON-like value (the root excluded), depth first. */
export function nodePaths(value: unknown, prefix: KeyPath = []): KeyPath[] {
  if (value === null || typeof value !== 'object') return [];
  const out: KeyPath[] = [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    out.push([...prefix, k]);
    out.push(...nodePaths(v, [...prefix, k]));
  }
  return out;
}

/** Values that break readers: extremes of magnitude and precision, wrong types, names that are paths or Object.prototype members. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, -1, 1, 2, 3, 0.5, 1e-300, 5e-324, 1e300, -1e300, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 4096, 65_536, 1e9, 1e15, Number.MAX_VALUE, NaN, Infinity, -Infinity) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.constantFrom('', '..', '../escape', '.', 'a/b', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'lstm', 'gru', 'gemm', 'dram', 'sram_buffer', 'dot_product_unit', 'epur', 'ese', 'none', 'x'.repeat(300)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.integer({ min: -2, max: 70_000 }), fc.constantFrom(1e300, 0.5)), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('kind', 'name', 'toString', '__proto__', 'x'), fc.oneof(fc.integer(), fc.string({ maxLength: 6 })), { maxKeys: 3 }) },
);

export type Mutation =
  | { readonly op: 'set'; readonly path: KeyPath; readonly value: unknown }
  | { readonly op: 'delete'; readonly path: KeyPath }
  | { readonly op: 'add'; readonly path: KeyPath; readonly key: string; readonly value: unknown };

/** One to `max` mutations of a document whose node paths are `paths`. */
export function mutations(paths: readonly KeyPath[], max = 3): fc.Arbitrary<Mutation[]> {
  const path = fc.constantFrom(...paths);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), path, value: nastyValue }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        path: fc.oneof(fc.constant([] as KeyPath), path),
        key: fc.constantFrom('toString', '__proto__', 'constructor', 'unknown_key', 'kind', '..', 'name'),
        value: nastyValue,
      }),
    },
  );
  return fc.array(mutation, { minLength: 1, maxLength: max });
}

/** A deep copy of `doc` with the mutations applied (paths that no longer exist are skipped). */
export function applyMutations<T>(doc: T, muts: readonly Mutation[]): T {
  const copy = JSON.parse(JSON.stringify(doc)) as T;
  const root = { root: copy } as Record<string, unknown>;
  for (const m of muts) {
    const full: KeyPath = m.op === 'add' ? ['root', ...m.path, m.key] : ['root', ...m.path];
    let parent: unknown = root;
    for (const k of full.slice(0, -1)) {
      parent = parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[k] : undefined;
    }
    if (parent === null || typeof parent !== 'object') continue;
    const last = full[full.length - 1] as string | number;
    // defineProperty, so a key named __proto__ is an own key as a parser would make it.
    if (m.op === 'delete') delete (parent as Record<string | number, unknown>)[last];
    else Object.defineProperty(parent, last, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return root.root as T;
}

/** Byte-level damage to a file: cuts, flips, insertions. */
export const byteEdits: fc.Arbitrary<{ at: number; op: 'flip' | 'cut' | 'insert' | 'set'; byte: number }[]> = fc.array(
  fc.record({ at: fc.nat(), op: fc.constantFrom('flip' as const, 'cut' as const, 'insert' as const, 'set' as const), byte: fc.integer({ min: 0, max: 255 }) }),
  { minLength: 1, maxLength: 4 },
);

export function applyByteEdits(bytes: Uint8Array, edits: readonly { at: number; op: 'flip' | 'cut' | 'insert' | 'set'; byte: number }[]): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    if (e.op === 'cut') b = b.subarray(0, at);
    else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([e.byte]), b.subarray(at)]);
    else if (at < b.length) b[at] = e.op === 'flip' ? b[at]! ^ (1 << (e.byte & 7)) : e.byte;
  }
  return b;
}

/** Text-level damage: characters YAML and JSON give meaning to, inserted, replaced or deleted. */
export const textEdits: fc.Arbitrary<{ at: number; remove: number; insert: string }[]> = fc.array(
  fc.record({
    at: fc.nat(),
    remove: fc.integer({ min: 0, max: 8 }),
    insert: fc.oneof(fc.constantFrom('', ':', ' ', '\n', '\t', '-', '[', ']', '{', '}', '"', "'", '&a ', '*a', '<<: ', '!!binary ', '#', ',', '1e999', '.nan', '? ', '|', '\\u0000', '\u0000', '\ufeff'), fc.string({ maxLength: 6 })),
  }),
  { minLength: 1, maxLength: 4 },
);

export function applyTextEdits(text: string, edits: readonly { at: number; remove: number; insert: string }[]): string {
  let t = text;
  for (const e of edits) {
    const at = e.at % (t.length + 1);
    t = t.slice(0, at) + e.insert + t.slice(at + e.remove);
  }
  return t;
}

/** Outcomes per property (inputs that ended in exit 0 and in exit 1), printed after each file. */
const outcomes = new Map<string, [number, number]>();
let currentProperty = '';

/** Name the property whose outcomes are counted next. */
export function countOutcomesAs(name: string): void {
  currentProperty = name;
  if (!outcomes.has(name)) outcomes.set(name, [0, 0]);
}

export function countOutcome(accepted: boolean): void {
  const c = outcomes.get(currentProperty);
  if (c) c[accepted ? 0 : 1]++;
}

/** One line per property: outcomes checked (a property may run more than one command per input), accepted, refused. */
export function outcomeReport(): string {
  return [...outcomes].map(([name, [ok, refused]]) => `fuzz ${name}: ${ok + refused} outcomes checked, ${ok} accepted (exit 0), ${refused} refused (exit 1 / InputError)`).join('\n');
}

/**
 * What every CLI outcome must be: exit 0, or exit 1 with one `rnnsim: error:` message that
 * names one of `files` (when given); never exit 2 (an internal error), never a stack trace.
 */
export function expectCleanOutcome(r: { code: number; stderr: string }, files: readonly string[] = []): void {
  if (r.code !== 0 && r.code !== 1) expect.fail(`exit ${r.code}, expected 0 or 1:\n${r.stderr}`);
  countOutcome(r.code === 0);
  if (r.code === 1) {
    expect(r.stderr.startsWith('rnnsim: error: '), r.stderr).toBe(true);
    expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);
    if (files.length > 0) expect(files.some((f) => r.stderr.includes(f)), `message names one of ${files.join(', ')}:\n${r.stderr}`).toBe(true);
  }
}

/** Every file and folder under `dir`, relative, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      out.push(relative(dir, p));
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Heap in use (bytes), for a bound on memory growth across a property's inputs. */
export function heapBytes(): number {
  return process.memoryUsage().heapUsed;
}
