/**
 * What `rnnsim report` draws, read from a result folder: a sweep folder (points.json) or a
 * compare folder (compare.json), as rows with the same fields. Only finished, successful points
 * are drawn; the table lists every row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { PointsTable } from '../sweep/tables.js';
import { STALL_CAUSES } from '../dataflows/stall-accounting.js';

export interface ReportRow {
  /** Short label: the point's parameter values, or the config name. */
  readonly label: string;
  readonly trace: string;
  readonly config: string;
  /** Swept parameter values (by parameter name). */
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  readonly latency_us: number;
  readonly energy_uj: number;
  readonly area_mm2: number;
  /** Busy and each stall cause as fractions of compute-unit cycles (absent for compare folders). */
  readonly cycles?: Readonly<Record<string, number>>;
  readonly trace_metric?: { readonly name: string; readonly value: number; readonly higherIsBetter: boolean };
}

export interface ReportData {
  readonly kind: 'sweep' | 'compare';
  readonly title: string;
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly column: string; readonly unit: string }>;
  readonly rows: readonly ReportRow[];
  /** The full table (every column of every row), for the sortable table. */
  readonly columns: readonly string[];
  readonly table: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly notes: readonly string[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    throw new InputError(`cannot read: ${(err as Error).message}`, path);
  }
}

export function readReportData(dir: string): ReportData {
  if (existsSync(join(dir, 'points.json'))) return fromSweep(dir, readJson(join(dir, 'points.json')) as PointsTable);
  if (existsSync(join(dir, 'compare.json'))) return fromCompare(readJson(join(dir, 'compare.json')) as CompareJson);
  throw new InputError('is neither a sweep folder (points.json) nor a compare folder (compare.json): give the --out of `rnnsim sweep` or `rnnsim compare`', dir);
}

function fromSweep(dir: string, t: PointsTable): ReportData {
  if (t.format !== 'rnnsim-sweep-points/1') throw new InputError(`points.json is not a sweep table (format ${String(t.format)})`, dir);
  const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
  const rows: ReportRow[] = [];
  for (const r of t.rows) {
    if (r.status !== 'ok') continue;
    const params: Record<string, string | number | boolean | null> = {};
    for (const p of t.parameters) params[p.name] = r[p.column] ?? null;
    const busy = num(r.busy_cycles);
    const total = busy + num(r.stall_total_cycles);
    const cycles: Record<string, number> = { busy: busy / total };
    for (const cause of STALL_CAUSES) cycles[cause] = num(r[`stall_${cause}_cycles`]) / total;
    const configs = new Set(t.rows.map((x) => x.config));
    const label = [...(configs.size > 1 ? [String(r.config)] : []), ...t.parameters.map((p) => `${p.name}=${String(r[p.column])}`)].join(', ') || String(r.config);
    rows.push({
      label: `#${String(r.point)} ${label}`,
      trace: String(r.trace),
      config: String(r.config),
      params,
      latency_us: num(r.latency_us),
      energy_uj: num(r.energy_total_uj),
      area_mm2: num(r.area_mm2),
      cycles,
      ...(typeof r.trace_metric_value === 'number' ? { trace_metric: { name: String(r.trace_metric), value: r.trace_metric_value, higherIsBetter: r.trace_metric_higher_is_better === true } } : {}),
    });
  }
  const columns = t.rows.length > 0 ? Object.keys(t.rows[0]) : [];
  const notes = [`${t.rows.length} of ${t.points_total} points finished${t.rows.length - rows.length > 0 ? `, ${t.rows.length - rows.length} with an error (in the table, not in the plots)` : ''}; rnnsim ${t.rnnsim}.`];
  return { kind: 'sweep', title: `rnnsim sweep ${t.sweep}`, parameters: t.parameters.map((p) => ({ name: p.name, column: p.column, unit: p.unit })), rows, columns, table: t.rows, notes };
}

interface CompareJson {
  readonly format: string;
  readonly baseline: string | null;
  readonly rows: ReadonlyArray<{ config: string; trace: string; latency_us: number; energy_total_uj: number; area_mm2: number } & Record<string, unknown>>;
}

function fromCompare(c: CompareJson): ReportData {
  if (c.format !== 'rnnsim-compare/1') throw new InputError(`compare.json is not a comparison (format ${String(c.format)})`);
  const rows = c.rows.map((r): ReportRow => ({ label: r.config, trace: r.trace, config: r.config, params: { config: r.config }, latency_us: r.latency_us, energy_uj: r.energy_total_uj, area_mm2: r.area_mm2 }));
  const table = c.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v !== 'object' || v === null)));
  return {
    kind: 'compare',
    title: 'rnnsim compare',
    parameters: [{ name: 'config', column: 'config', unit: '-' }],
    rows,
    columns: table.length > 0 ? Object.keys(table[0]) : [],
    table,
    notes: ['compare.json carries no stall breakdown: run the configs as a sweep (or `rnnsim run`) to see where the cycles go.'],
  };
}

/** Indices of the rows on the Pareto front of (x, y), both minimized, in increasing x. */
export function paretoFront(points: ReadonlyArray<{ readonly x: number; readonly y: number }>): number[] {
  const order = points.map((p, i) => i).filter((i) => Number.isFinite(points[i].x) && Number.isFinite(points[i].y));
  order.sort((a, b) => points[a].x - points[b].x || points[a].y - points[b].y);
  const front: number[] = [];
  let best = Infinity;
  for (const i of order) {
    if (points[i].y < best) {
      front.push(i);
      best = points[i].y;
    }
  }
  return front;
}
