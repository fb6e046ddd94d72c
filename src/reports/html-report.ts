/**
 * `rnnsim report DIR`: one self-contained report.html for a sweep or compare folder. Every chart
 * is a Vega-Lite spec rendered to SVG here (src/reports/plots.ts), so the page needs no script
 * library and no network; the only script is the table's sort-on-click.
 *
 * Charts: per trace, the Pareto front of latency against energy and of energy against area
 * (every point, the front drawn through the non-dominated ones); accuracy against energy where
 * the traces carry a task metric; for every swept parameter, latency and energy against it (the
 * points, and the median per value as a line); and where each point's compute-unit cycles went.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './plots.js';
import { paretoFront, type ReportData, type ReportRow } from './report-data.js';

export const REPORT_MARKER = '<meta name="generator" content="rnnsim report">';

export interface Chart {
  /** Element id of the chart's figure. */
  readonly id: string;
  readonly title: string;
  readonly svg: string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function byTrace(rows: readonly ReportRow[]): Map<string, ReportRow[]> {
  const m = new Map<string, ReportRow[]>();
  for (const r of rows) m.set(r.trace, [...(m.get(r.trace) ?? []), r]);
  return m;
}

/** A scatter of every row and a line through the Pareto front (x and y both minimized unless `maximizeY`). */
function paretoSpec(title: string, rows: readonly ReportRow[], x: { field: keyof ReportRow | 'metric'; title: string }, y: { field: keyof ReportRow | 'metric'; title: string }, options: { maximizeY?: boolean } = {}): TopLevelSpec {
  const value = (r: ReportRow, f: keyof ReportRow | 'metric'): number => (f === 'metric' ? (r.trace_metric?.value ?? NaN) : (r[f] as number));
  const points = rows.map((r) => ({ x: value(r, x.field), y: value(r, y.field), label: r.label }));
  const front = paretoFront(points.map((p) => ({ x: p.x, y: options.maximizeY ? -p.y : p.y })));
  const frontValues = front.map((i, order) => ({ ...points[i], order }));
  const scale = (vals: number[]): { type: 'log' | 'linear'; zero: boolean } => {
    const pos = vals.filter((v) => v > 0);
    return pos.length === vals.length && Math.max(...pos) / Math.min(...pos) > 20 ? { type: 'log', zero: false } : { type: 'linear', zero: false };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 420,
    height: 300,
    layer: [
      {
        name: 'points',
        data: { values: points },
        mark: { type: 'point', filled: true, opacity: 0.6 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: x.title, scale: scale(points.map((p) => p.x)) },
          y: { field: 'y', type: 'quantitative', title: y.title, scale: scale(points.map((p) => p.y)) },
          color: { value: '#4c78a8' },
        },
      },
      {
        name: 'front',
        data: { values: frontValues },
        mark: { type: 'line', color: '#e45756', point: false, interpolate: 'step-after' },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          order: { field: 'order', type: 'quantitative' },
        },
      },
      {
        name: 'front_points',
        data: { values: frontValues },
        mark: { type: 'point', color: '#e45756', size: 120, strokeWidth: 2 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
    ],
  };
}

function sensitivitySpec(rows: readonly ReportRow[], param: string, unit: string, metric: 'latency_us' | 'energy_uj'): TopLevelSpec {
  const values = rows.map((r) => ({ value: r.params[param], metric: r[metric], trace: r.trace }));
  const numeric = values.every((v) => typeof v.value === 'number');
  const metricTitle = metric === 'latency_us' ? 'latency (us)' : 'energy (uJ)';
  const xTitle = `${param}${unit && unit !== '-' ? ` (${unit})` : ''}`;
  const x = numeric ? { field: 'value', type: 'quantitative' as const, title: xTitle, scale: { zero: false } } : { field: 'value', type: 'nominal' as const, title: xTitle, sort: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${metricTitle} against ${param}`,
    width: 300,
    height: 200,
    data: { values },
    layer: [
      { name: 'points', mark: { type: 'point', filled: true, opacity: 0.5 }, encoding: { x, y: { field: 'metric', type: 'quantitative', title: metricTitle, scale: { zero: false } }, color: { field: 'trace', type: 'nominal', title: 'trace' } } },
      { name: 'median', mark: { type: 'line' }, encoding: { x, y: { aggregate: 'median', field: 'metric', type: 'quantitative' }, color: { field: 'trace', type: 'nominal' } } },
    ],
  };
}

function stallSpec(rows: readonly ReportRow[]): TopLevelSpec {
  const values: Array<{ run: string; part: string; fraction: number }> = [];
  for (const r of rows) {
    for (const [part, f] of Object.entries(r.cycles ?? {})) if (f > 0) values.push({ run: `${r.label} | ${r.trace}`, part: part === 'busy' ? 'busy' : `stall: ${part}`, fraction: f });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Compute-unit cycles: busy and stalls by cause',
    name: 'parts',
    width: 420,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelLimit: 400 } },
      x: { field: 'fraction', type: 'quantitative', title: 'fraction of compute-unit cycles', axis: { format: '%' } },
      color: { field: 'part', type: 'nominal', title: null, legend: { labelLimit: 400 } },
    },
  };
}

/** Every chart of the report, rendered. */
export async function reportCharts(data: ReportData): Promise<Chart[]> {
  const charts: Chart[] = [];
  const add = async (id: string, title: string, spec: TopLevelSpec): Promise<void> => {
    charts.push({ id, title, svg: await renderSvg(spec) });
  };
  const traces = [...byTrace(data.rows)];
  for (const [i, [trace, rows]] of traces.entries()) {
    await add(`pareto-latency-energy-${i}`, `Latency against energy on ${trace}`, paretoSpec(`Latency vs energy: ${trace}`, rows, { field: 'latency_us', title: 'latency (us)' }, { field: 'energy_uj', title: 'energy (uJ)' }));
    await add(`pareto-energy-area-${i}`, `Energy against area on ${trace}`, paretoSpec(`Energy vs area: ${trace}`, rows, { field: 'energy_uj', title: 'energy (uJ)' }, { field: 'area_mm2', title: 'area (mm^2)' }));
  }
  const withMetric = data.rows.filter((r) => r.trace_metric !== undefined);
  const metricNames = [...new Set(withMetric.map((r) => r.trace_metric!.name))];
  for (const [i, name] of metricNames.entries()) {
    const rows = withMetric.filter((r) => r.trace_metric!.name === name);
    const higherIsBetter = rows[0].trace_metric!.higherIsBetter;
    await add(`pareto-accuracy-energy-${i}`, `${name} against energy`, paretoSpec(`${name} (recorded in the traces) vs energy`, rows, { field: 'energy_uj', title: 'energy (uJ)' }, { field: 'metric', title: name }, { maximizeY: higherIsBetter }));
  }
  for (const [i, p] of data.parameters.entries()) {
    if (new Set(data.rows.map((r) => String(r.params[p.name]))).size < 2) continue;
    await add(`sensitivity-${i}-latency`, `Latency against ${p.name}`, sensitivitySpec(data.rows, p.name, p.unit, 'latency_us'));
    await add(`sensitivity-${i}-energy`, `Energy against ${p.name}`, sensitivitySpec(data.rows, p.name, p.unit, 'energy_uj'));
  }
  if (data.rows.some((r) => r.cycles)) await add('stalls', 'Where the cycles went', stallSpec(data.rows.filter((r) => r.cycles)));
  return charts;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

/** Sorts the table by the clicked column (numbers as numbers); a second click reverses. */
const SORT_SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  var headers = table.querySelectorAll('th');
  headers.forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var dir = th.getAttribute('data-dir') === 'asc' ? -1 : 1;
      headers.forEach(function (h) { h.removeAttribute('data-dir'); });
      th.setAttribute('data-dir', dir === 1 ? 'asc' : 'desc');
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
        var nx = parseFloat(x), ny = parseFloat(y);
        var bothNumbers = x !== '' && y !== '' && !isNaN(nx) && !isNaN(ny);
        var c = bothNumbers ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
        return c * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
`;

export async function reportHtml(data: ReportData): Promise<string> {
  const charts = await reportCharts(data);
  const table = [
    '<table class="sortable"><thead><tr>',
    ...data.columns.map((c) => `<th title="click to sort">${escapeHtml(c)}</th>`),
    '</tr></thead><tbody>',
    ...data.table.map((r) => `<tr>${data.columns.map((c) => `<td data-v="${escapeHtml(typeof r[c] === 'number' ? String(r[c]) : cellText(r[c]))}">${escapeHtml(cellText(r[c]))}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    REPORT_MARKER,
    `<title>${escapeHtml(data.title)}</title>`,
    '<style>body{font-family:sans-serif;margin:1.5em;color:#222}figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}figcaption{font-size:90%;color:#555}table{border-collapse:collapse;font-size:80%}th,td{border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:nowrap}th{cursor:pointer;background:#f3f3f3;position:sticky;top:0}th[data-dir=asc]::after{content:" \\25B2"}th[data-dir=desc]::after{content:" \\25BC"}.table{max-height:40em;overflow:auto}</style>',
    '</head><body>',
    `<h1>${escapeHtml(data.title)}</h1>`,
    ...data.notes.map((n) => `<p>${escapeHtml(n)}</p>`),
    '<p>Pareto fronts (red) join the points no other point beats on both axes; lower is better on every axis except a recorded accuracy.</p>',
    ...charts.map((c) => `<figure class="chart" id="${c.id}"><figcaption>${escapeHtml(c.title)}</figcaption>${c.svg}</figure>`),
    '<h2>All points</h2><div class="table">',
    table,
    '</div>',
    `<script>${SORT_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
