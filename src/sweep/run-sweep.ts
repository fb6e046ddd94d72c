/**
 * `rnnsim sweep`: enumerate a spec's points, validate every one (its config with the point's
 * values, exactly as `check --set` would) before anything runs, then run the unfinished ones on
 * a pool of worker threads (tinypool), each point written whole into its own folder, and the
 * tables rewritten as points finish. Points are keyed by what determines their result
 * (point-key.ts): a point whose folder exists is not run again.
 */
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import cliProgress from 'cli-progress';
import { loadArchitecture, type ArchitectureConfig } from '../config/load-architecture.js';
import { techFor } from '../simulate.js';
import { readTrace, verifyPayload } from '../traces/reader.js';
import { workloadFromTrace, type Workload } from '../dataflows/workload.js';
import { fitTraceToDatapath } from '../dataflows/datapath-width.js';
import type { TraceHeader } from '../traces/header.js';
import { InputError } from '../errors.js';
import { limitAssignments } from '../limits.js';
import { displayPath } from '../energy/package-paths.js';
import type { OverrideValue } from '../config/overrides.js';
import type { Diagnostic } from '../dataflows/diagnostics.js';
import type { ParamDecl } from '../engine/component.js';
import { registeredKind } from '../kinds.js';
import { canonicalJson, pointKey, rnnsimBuild, sha256 } from './point-key.js';
import { enumeratePoints, describeValues, type SweepPoint } from './points.js';
import { loadSweepSpec, type SweepSpec } from './spec.js';
import { checkSweepTarget, openSweepFolder, pointDir, pointKeysPresent, writeSweepFile, POINT_COMMAND, type SweepManifest } from './sweep-folder.js';
import { readPointRecord, type PointRecord } from './record.js';
import { buildTable, parameterColumns, tableCsv, tableJson, type ParamLookup, type TableRow } from './tables.js';
import type { PointTask } from './worker.js';
import { removeOwn } from '../output/file-operations.js';
import { RESULT_MANIFEST } from '../output/result-folder.js';
import { formatShard, type Shard } from './shard.js';
import { join } from 'node:path';

export interface SweepOptions {
  readonly specFile: string;
  readonly out: string;
  /** Worker threads; 0 runs every point in this thread (tests). */
  readonly workers: number;
  readonly shard?: Shard;
  readonly force: boolean;
  /** Show a progress bar (the CLI passes whether stdout is a terminal). */
  readonly progress: boolean;
  /** Where progress lines and the closing summary go. */
  readonly log: (text: string) => void;
}

export interface SweepOutcome {
  readonly total: number;
  readonly skipped: number;
  readonly ran: number;
  readonly failed: number;
  readonly excluded: number;
  readonly warned: number;
  readonly records: readonly PointRecord[];
}

/** A point with everything decided before the run: its key, the folder it goes to, its warnings. */
interface PlannedPoint {
  readonly point: SweepPoint;
  readonly key: string;
  readonly diagnostics: readonly Diagnostic[];
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export function specSha256(spec: SweepSpec): string {
  return sha256(canonicalJson(spec.data));
}

export function manifestFor(spec: SweepSpec, shard: Shard | undefined): SweepManifest {
  return { format: 'rnnsim-sweep/1', name: spec.name, specSha256: specSha256(spec), shard: shard ? formatShard(shard) : '', specFile: displayPath(spec.file), spec: spec.data };
}

function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Load every point's config, decide its key and diagnose it; refuse the sweep if any point is bad. */
export async function planPoints(spec: SweepSpec, points: readonly SweepPoint[]): Promise<PlannedPoint[]> {
  const build = rnnsimBuild();
  const traces = new Map<string, { sha: string; header: TraceHeader }>();
  for (const t of spec.traces) {
    const loaded = await readTrace(t.path, { verifyChecksum: false });
    await verifyPayload(loaded); // a bad payload refuses the sweep before any point runs
    traces.set(t.path, { sha: fileSha256(t.path), header: loaded.header });
  }
  const techShas = new Map<string, string>();
  const bad: string[] = [];
  let badCount = 0;
  const planned: PlannedPoint[] = [];
  for (const point of points) {
    const trace = traces.get(point.trace.path)!;
    let config: ArchitectureConfig;
    let workload: Workload;
    try {
      config = loadArchitecture(point.config.path, { overrides: point.overrides });
      // At the widths the point will run at: a datapath narrower than the trace is a bad point.
      workload = workloadFromTrace(trace.header, fitTraceToDatapath(config, trace.header, point.trace.path));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      badCount++;
      if (bad.length < 20) bad.push(`point ${point.index} (${describeValues(point.values, spec)}) on ${point.config.label}: ${err.message}`);
      continue;
    }
    const techKey = canonicalJson(config.technology);
    let techSha = techShas.get(techKey);
    if (techSha === undefined) {
      techSha = sha256(canonicalJson(techFor(config).resolved()));
      techShas.set(techKey, techSha);
    }
    const key = pointKey({ config, techSha256: techSha, traceSha256: trace.sha, build });
    const diagnostics = config.dataflow.diagnose?.({ clockMhz: config.clockMhz, dataflowParams: config.dataflowParams, roles: config.roles, workload }) ?? [];
    planned.push({ point, key, diagnostics });
  }
  if (badCount > 0) {
    throw new InputError(`${badCount} of ${points.length} points are not valid configs; nothing was run:\n  ${bad.join('\n  ')}${badCount > bad.length ? `\n  ... and ${badCount - bad.length} more` : ''}`, spec.file);
  }
  return planned;
}

/** Unit and description of a swept key, from the declaration of the kind it lands on in the first config. */
export function paramLookup(config: ArchitectureConfig | undefined): ParamLookup {
  const top: Record<string, ParamDecl> = {
    clock_mhz: { type: 'number', unit: 'MHz', description: 'accelerator clock' },
    'technology.node_nm': { type: 'number', unit: 'nm', description: 'process node' },
    'technology.voltage_v': { type: 'number', unit: 'V', description: 'supply voltage' },
  };
  return (key) => {
    if (top[key]) return top[key];
    if (!config) return undefined;
    const parts = key.split('.');
    if (parts[0] === 'dataflow' && parts.length === 2) return config.dataflow.params[parts[1]];
    if (parts[0] === 'components' && parts.length === 3) {
      const role = config.roles[parts[1]];
      return role ? registeredKind(role.kind)?.kind.params[parts[2]] : undefined;
    }
    return undefined;
  };
}

/** The pool that runs points: worker threads (tinypool), or this thread. */
interface Executor {
  run(task: PointTask): Promise<PointRecord>;
  close(): Promise<void>;
}

async function makeExecutor(workers: number): Promise<Executor> {
  if (workers === 0) {
    const { runPoint } = await import('./worker.js');
    return { run: runPoint, close: async () => undefined };
  }
  const { default: Tinypool } = await import('tinypool');
  // Worker threads load the compiled module (dist/sweep/worker.js) beside this one.
  const filename = new URL('./worker.js', import.meta.url).href;
  const pool = new Tinypool({ filename, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
  return { run: (task) => pool.run(task) as Promise<PointRecord>, close: () => pool.destroy() };
}

/** Rewrite the tables at most this often while points finish (and always at the end). */
const TABLE_INTERVAL_MS = 2000;

export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const spec = loadSweepSpec(options.specFile);
  const manifest = manifestFor(spec, options.shard);
  checkSweepTarget(options.out, manifest, { force: options.force });
  const { points: all, excluded } = enumeratePoints(spec);
  const shard = options.shard;
  const points = shard ? all.filter((p) => p.index % shard.count === shard.index - 1) : all;
  // Worker threads load their modules while this thread validates the points (the pool starts now).
  const threads = Math.max(0, Math.min(options.workers, points.length));
  const executor = points.length === 0 ? undefined : await makeExecutor(threads);
  try {
    return await runPlanned(options, spec, manifest, all, points, excluded, executor, threads);
  } finally {
    await executor?.close();
  }
}

async function runPlanned(options: SweepOptions, spec: SweepSpec, manifest: SweepManifest, all: readonly SweepPoint[], points: readonly SweepPoint[], excluded: number, executor: Executor | undefined, workers: number): Promise<SweepOutcome> {
  const shard = options.shard;
  const planned = await planPoints(spec, points);
  // Units come from the first point of the whole sweep, so every shard names them alike.
  const columns = parameterColumns(spec.parameters, paramLookup(all.length > 0 ? loadArchitecture(all[0].config.path, { overrides: all[0].overrides }) : undefined));
  // Two points with the same key would run the same simulation: the first one stands for both.
  const seen = new Map<string, number>();
  for (const p of planned) if (!seen.has(p.key)) seen.set(p.key, p.point.index);
  const duplicates = planned.filter((p) => seen.get(p.key) !== p.point.index);
  if (duplicates.length > 0) {
    const d = duplicates[0];
    throw new InputError(`point ${d.point.index} (${describeValues(d.point.values, spec)}) resolves to the same config as point ${seen.get(d.key)} on the same trace (${duplicates.length} such point(s)): remove the duplicate values`, spec.file);
  }
  const { resumed } = openSweepFolder(options.out, manifest, { force: options.force });
  const build = rnnsimBuild();
  const records = new Map<string, PointRecord>();
  const present = new Set(resumed ? pointKeysPresent(options.out) : []);
  for (const p of planned) {
    if (!present.has(p.key)) continue;
    const r = readPointRecord(pointDir(options.out, p.key));
    if (r) records.set(p.key, r);
  }
  const skipped = records.size;
  const pending = planned.filter((p) => !records.has(p.key));
  const writeTables = (): void => {
    const rows: TableRow[] = planned.flatMap((p) => {
      const r = records.get(p.key);
      return r ? [{ index: p.point.index, record: r }] : [];
    });
    const table = buildTable({ sweep: spec.name, specSha256: manifest.specSha256, build, total: planned.length, parameters: columns, rows });
    writeSweepFile(options.out, 'points.csv', tableCsv(table));
    writeSweepFile(options.out, 'points.json', tableJson(table));
  };
  const start = Date.now();
  options.log(`sweep ${spec.name}${shard ? ` (shard ${formatShard(shard)})` : ''}: ${planned.length} points${excluded > 0 ? ` (${excluded} excluded by constraints)` : ''}, ${skipped} already done, ${pending.length} to run on ${workers === 0 ? 'this thread' : `${workers} worker thread(s)`}\n`);
  const bar = options.progress && pending.length > 0
    ? new cliProgress.SingleBar({ format: 'sweep [{bar}] {value}/{total} points | {rate} points/s | ETA {eta_formatted} | elapsed {duration_formatted}', etaBuffer: 20 }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(pending.length, 0, { rate: '0.00' });
  let done = 0;
  let lastTables = Date.now();
  try {
    await Promise.all(
      pending.map(async (p) => {
        const task: PointTask = {
          key: p.key,
          configPath: p.point.config.path,
          tracePath: p.point.trace.path,
          configLabel: p.point.config.label,
          traceLabel: p.point.trace.label,
          overrides: p.point.overrides,
          parameters: Object.fromEntries(p.point.values) as Record<string, OverrideValue>,
          diagnostics: p.diagnostics,
          folder: pointDir(options.out, p.key),
          limits: limitAssignments(),
        };
        const record = await executor!.run(task);
        records.set(p.key, record);
        done++;
        bar?.update(done, { rate: (done / Math.max(1e-3, (Date.now() - start) / 1000)).toFixed(2) });
        if (Date.now() - lastTables >= TABLE_INTERVAL_MS) {
          writeTables();
          lastTables = Date.now();
        }
      }),
    );
  } finally {
    bar?.stop();
    // Whatever finished is in the tables, even when a point failed with an internal error.
    if (records.size > 0 || pending.length === 0) writeTables();
  }
  removeOrphans(options.out, new Set(planned.map((p) => p.key)));
  const list = planned.map((p) => records.get(p.key)!);
  return {
    total: planned.length,
    skipped,
    ran: pending.length,
    failed: list.filter((r) => r.status === 'error').length,
    excluded,
    warned: list.filter((r) => r.diagnostics.length > 0).length,
    records: list,
  };
}

/** Point folders of keys this sweep no longer has (a rebuilt rnnsim, an edited config): rnnsim's own, removed. */
function removeOrphans(out: string, keys: ReadonlySet<string>): void {
  for (const key of pointKeysPresent(out)) {
    if (keys.has(key)) continue;
    const folder = pointDir(out, key);
    try {
      const m = JSON.parse(readFileSync(join(folder, RESULT_MANIFEST), 'utf8')) as { command?: string };
      if (m.command === POINT_COMMAND && existsSync(folder)) removeOwn(folder);
    } catch {
      // Not a point folder rnnsim can read: leave it.
    }
  }
}
