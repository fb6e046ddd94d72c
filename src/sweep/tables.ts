/**
 * points.csv and points.json: one row per finished point, in the spec's enumeration order; the
 * point's index, key, config and trace, every swept parameter in its own column (named by its
 * config key), the status, then every summary metric with its unit in the column name, the
 * trace's recorded task metric if any trace has one, and the warnings. Built from the point
 * records alone: the same points give the same bytes, however the sweep was run.
 */
import type { ParamDecl } from '../engine/component.js';
import type { OverrideValue } from '../config/overrides.js';
import { metricColumns, type MetricColumn } from './metrics.js';
import type { PointRecord } from './record.js';
import type { Parameter } from './spec.js';

export interface TableRow {
  readonly index: number;
  readonly record: PointRecord;
}

export interface ParameterColumn {
  readonly column: string;
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

export interface PointsTable {
  readonly format: 'rnnsim-sweep-points/1';
  readonly sweep: string;
  readonly spec_sha256: string;
  readonly rnnsim: string;
  /** Points in the sweep (or shard); rows are the finished ones. */
  readonly points_total: number;
  readonly parameters: readonly ParameterColumn[];
  readonly metrics: readonly MetricColumn[];
  readonly rows: ReadonlyArray<Record<string, OverrideValue>>;
}

/** Unit and description of a swept key from the declarations it lands on (when known). */
export type ParamLookup = (key: string) => ParamDecl | undefined;

function cell(v: OverrideValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return /[",\n\r]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The parameter columns of a spec's parameters, with units from their declarations. */
export function parameterColumns(parameters: readonly Parameter[], lookup: ParamLookup): ParameterColumn[] {
  return parameters.map((p): ParameterColumn => {
    const decl = lookup(p.key);
    return { column: p.key, name: p.name, unit: decl?.unit ?? '-', description: decl?.description ?? '' };
  });
}

export function buildTable(options: {
  readonly sweep: string;
  readonly specSha256: string;
  readonly build: string;
  readonly total: number;
  readonly parameters: readonly ParameterColumn[];
  readonly rows: readonly TableRow[];
}): PointsTable {
  const sorted = [...options.rows].sort((a, b) => a.index - b.index);
  const metrics = metricColumns(sorted.map((r) => r.record.metrics));
  const hasTraceMetric = sorted.some((r) => r.record.trace_metric !== undefined);
  const parameters = options.parameters;
  const rows = sorted.map(({ index, record }) => {
    const row: Record<string, OverrideValue> = { point: index, key: record.key, config: record.config, trace: record.trace };
    for (const p of parameters) row[p.column] = record.parameters[p.column] ?? null;
    row.status = record.status;
    for (const m of metrics) row[m.column] = record.metrics[m.column] ?? null;
    if (hasTraceMetric) {
      row.trace_metric = record.trace_metric?.metric ?? null;
      row.trace_metric_value = record.trace_metric?.value ?? null;
      row.trace_metric_higher_is_better = record.trace_metric?.higher_is_better ?? null;
    }
    row.warnings = record.diagnostics.length;
    row.warning_codes = [...new Set(record.diagnostics.map((d) => d.code))].join(';');
    row.error = record.error ?? '';
    return row;
  });
  return { format: 'rnnsim-sweep-points/1', sweep: options.sweep, spec_sha256: options.specSha256, rnnsim: options.build, points_total: options.total, parameters, metrics, rows };
}

export function tableColumns(t: PointsTable): string[] {
  const traceMetric = t.rows.some((r) => 'trace_metric' in r) ? ['trace_metric', 'trace_metric_value', 'trace_metric_higher_is_better'] : [];
  return ['point', 'key', 'config', 'trace', ...t.parameters.map((p) => p.column), 'status', ...t.metrics.map((m) => m.column), ...traceMetric, 'warnings', 'warning_codes', 'error'];
}

export function tableCsv(t: PointsTable): string {
  const columns = tableColumns(t);
  return [columns.join(','), ...t.rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export function tableJson(t: PointsTable): string {
  return `${JSON.stringify(t, null, 1)}\n`;
}
