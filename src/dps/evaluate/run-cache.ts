/**
 * The evaluation's cache: every functional run (model, split, design) and every hardware cost,
 * kept on disk so a rerun after a change redoes only what changed. Entries are keyed by a hash of
 * everything they depend on (the weights' SHA-256, the split, the design with its policy or
 * schedule, the evaluation's format version); a functional run is stored as binary arrays
 * (per-example outcomes, example-to-sequence map, every step's precision) next to a small JSON.
 * The cache folder is rnnsim's: it carries a marker file, and a folder without it that is not
 * empty is refused (never written into, never cleaned).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import type { EvalSplit, FunctionalBackend, FunctionalRun, FunctionalRunSpec } from './backend.js';
import { Schedule } from './schedules.js';

/** Bump when what a cached entry means changes (its inputs, its semantics). */
export const EVALUATION_CACHE_VERSION = 2;
const MARKER = 'rnnsim-cache.json';

export class EvaluationCache {
  constructor(readonly dir: string) {
    if (existsSync(dir)) {
      if (!lstatSync(dir).isDirectory()) throw new InputError('the cache path exists and is not a folder', dir);
      if (!existsSync(join(dir, MARKER)) && readdirSync(dir).length > 0) {
        throw new InputError(`the cache folder exists, is not empty and is not an rnnsim cache (no ${MARKER}): give another --cache`, dir);
      }
    }
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, MARKER))) writeFileSync(join(dir, MARKER), `${JSON.stringify({ format: 'rnnsim-dps-evaluation-cache', version: EVALUATION_CACHE_VERSION })}\n`);
  }

  private entry(key: string): string {
    return join(this.dir, createHash('sha256').update(`${EVALUATION_CACHE_VERSION}:${key}`).digest('hex').slice(0, 32));
  }

  /** A JSON value stored under `key`, or undefined. */
  get(key: string): unknown {
    const file = `${this.entry(key)}.json`;
    if (!existsSync(file)) return undefined;
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { key: string; value: unknown };
      return stored.key === key ? stored.value : undefined;
    } catch {
      return undefined;
    }
  }

  store(key: string, value: unknown): void {
    const file = `${this.entry(key)}.json`;
    writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify({ key, value }));
    renameSync(`${file}.tmp-${process.pid}`, file);
  }

  /** A functional run stored under `key`, or undefined (also when the entry is incomplete). */
  getRun(key: string): FunctionalRun | undefined {
    const dir = this.entry(key);
    const metaFile = join(dir, 'meta.json');
    if (!existsSync(metaFile)) return undefined;
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as RunMeta;
      if (meta.key !== key) return undefined;
      const f64 = readFileSync(join(dir, 'per_example.f64'));
      const i32 = readFileSync(join(dir, 'example_sequence.i32'));
      const u8 = readFileSync(join(dir, 'schedule.u8'));
      if (f64.length !== meta.examples * 8 || i32.length !== meta.examples * 4 || u8.length !== meta.streamLengths.reduce((a, b) => a + b, 0)) return undefined;
      const perExample = new Float64Array(f64.buffer.slice(f64.byteOffset, f64.byteOffset + f64.length));
      const exampleSequence = new Int32Array(i32.buffer.slice(i32.byteOffset, i32.byteOffset + i32.length));
      let at = 0;
      const schedule = Schedule.fromStreams(
        meta.streams.map((k, i) => {
          const s = u8.subarray(at, at + meta.streamLengths[i]);
          at += meta.streamLengths[i];
          return [k, s] as const;
        }),
      );
      return { metric: meta.metric, perExample, exampleSequence, stepsByBits: meta.stepsByBits, schedule, seconds: meta.seconds };
    } catch {
      return undefined;
    }
  }

  storeRun(key: string, run: FunctionalRun): void {
    const dir = this.entry(key);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    const streams = [...run.schedule.entries()];
    writeFileSync(join(tmp, 'per_example.f64'), new Uint8Array(run.perExample.buffer, run.perExample.byteOffset, run.perExample.byteLength));
    writeFileSync(join(tmp, 'example_sequence.i32'), new Uint8Array(run.exampleSequence.buffer, run.exampleSequence.byteOffset, run.exampleSequence.byteLength));
    writeFileSync(join(tmp, 'schedule.u8'), Buffer.concat(streams.map(([, v]) => v)));
    const meta: RunMeta = { key, metric: run.metric, examples: run.perExample.length, stepsByBits: run.stepsByBits, seconds: run.seconds, streams: streams.map(([k]) => k), streamLengths: streams.map(([, v]) => v.length) };
    // The meta file last: an entry without it is incomplete and ignored.
    writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
}

interface RunMeta {
  readonly key: string;
  readonly metric: number;
  readonly examples: number;
  readonly stepsByBits: Readonly<Record<number, number>>;
  readonly seconds: number;
  readonly streams: readonly string[];
  readonly streamLengths: readonly number[];
}

/**
 * What a static design's run means, part of its key: 'mv-only/1' = weights and matrix-vector
 * inputs at the design's bits, element-wise work at 16 (functional-backend.ts). Runs cached when
 * static designs ran the all-b-bit datapath have other keys and are never reused.
 */
const STATIC_SEMANTICS = 'mv-only/1';

/** A stable text for a run spec (a schedule by the hash of its bits). */
export function specKey(spec: FunctionalRunSpec): string {
  if (spec.kind === 'static' || spec.kind === 'static-per-layer') return JSON.stringify({ ...spec, semantics: STATIC_SEMANTICS });
  if (spec.kind !== 'schedule') return JSON.stringify(spec);
  const h = createHash('sha256');
  for (const [k, v] of [...spec.schedule.entries()].sort(([a], [b]) => a.localeCompare(b))) h.update(k).update(v);
  return JSON.stringify({ kind: 'schedule', schedule: h.digest('hex'), inputSideBits: spec.inputSideBits });
}

/** The backend with its runs cached: a run is computed once per (weights, split, design). */
export function cachedBackend(backend: FunctionalBackend, cache: EvaluationCache, dataKey: (split: EvalSplit) => string): FunctionalBackend {
  return {
    model: backend.model,
    modelSha256: backend.modelSha256,
    metricName: backend.metricName,
    higherIsBetter: backend.higherIsBetter,
    topology: backend.topology,
    describe: (split) => backend.describe(split),
    sequenceLengths: (split) => backend.sequenceLengths(split),
    async run(spec, split) {
      const key = `run:${backend.modelSha256}:${split}:${dataKey(split)}:${specKey(spec)}`;
      const hit = cache.getRun(key);
      if (hit) return hit;
      const run = await backend.run(spec, split);
      cache.storeRun(key, run);
      return run;
    },
  };
}
