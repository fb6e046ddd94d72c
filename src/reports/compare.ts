/**
 * One comparison table over any set of runs (config x trace): latency, throughput, energy and
 * its breakdown, energy per inference (sequence), area, utilization, and speedup and energy
 * savings against a baseline config on the same trace. Pure functions of run summaries, so the
 * CLI (`rnnsim compare`), `npm start` and other reports share them.
 */
import type { RunSummary } from '../simulate.js';
import { savingsRange, type EnergyRange } from './energy-range.js';
import { toCsv, type CsvValue } from './csv.js';
import { sig } from './text-table.js';

export interface CompareRow {
  readonly config: string;
  readonly trace: string;
  readonly dataflow: string;
  readonly latency_us: number;
  readonly throughput_gmac_per_s: number;
  readonly energy_total_uj: number;
  readonly energy_dynamic_uj: number;
  readonly energy_leakage_uj: number;
  readonly energy_by_component_uj: Readonly<Record<string, number>>;
  readonly energy_per_inference_uj: number;
  readonly area_mm2: number;
  readonly utilization_pe: number;
  readonly utilization_dram: number;
  /** Baseline latency / this latency on the same trace (null without a baseline run on it). */
  readonly speedup_vs_baseline: number | null;
  /** Baseline energy / this energy on the same trace. */
  readonly energy_savings_vs_baseline: number | null;
  /** With energy ranges: the lowest and highest total over the pricing variants (src/reports/energy-range.ts). */
  readonly energy_low_uj: number | null;
  readonly energy_high_uj: number | null;
  /** With energy ranges and a baseline: the lowest and highest savings, each variant priced alike for both. */
  readonly energy_savings_low_x: number | null;
  readonly energy_savings_high_x: number | null;
}

export interface CompareTable {
  readonly baseline: string | null;
  readonly rows: readonly CompareRow[];
  /** Every component role seen in any run, for the breakdown columns. */
  readonly components: readonly string[];
  /** Whether energy ranges were computed (the range columns are written only then). */
  readonly ranges: boolean;
}

/**
 * `ranges`, when given, holds each summary's energy range (same order as `summaries`): the
 * table then carries the low and high totals and savings.
 */
export function compareRuns(summaries: readonly RunSummary[], baseline?: string, ranges?: readonly EnergyRange[]): CompareTable {
  if (ranges !== undefined && ranges.length !== summaries.length) throw new Error('internal: one energy range per run summary');
  if (baseline !== undefined && !summaries.some((s) => s.config.name === baseline)) {
    throw new Error(`baseline '${baseline}' is not one of the configs compared (${[...new Set(summaries.map((s) => s.config.name))].join(', ')})`);
  }
  const base = new Map<string, RunSummary>();
  if (baseline !== undefined) for (const s of summaries) if (s.config.name === baseline) base.set(s.trace.name, s);
  const components = [...new Set(summaries.flatMap((s) => Object.keys(s.energy_pj.by_component)))].sort();
  const rangeOf = new Map(summaries.map((s, i) => [s, ranges?.[i]]));
  const rows = summaries.map((s): CompareRow => {
    const b = base.get(s.trace.name);
    const range = rangeOf.get(s);
    const baseRange = b ? rangeOf.get(b) : undefined;
    const savings = range && baseRange ? savingsRange(range, baseRange) : null;
    return {
      config: s.config.name,
      trace: s.trace.name,
      dataflow: s.config.dataflow,
      latency_us: s.latency_us,
      throughput_gmac_per_s: s.throughput_gmac_per_s,
      energy_total_uj: s.energy_pj.total / 1e6,
      energy_dynamic_uj: s.energy_pj.dynamic / 1e6,
      energy_leakage_uj: s.energy_pj.leakage / 1e6,
      energy_by_component_uj: Object.fromEntries(components.map((c) => [c, (s.energy_pj.by_component[c] ?? 0) / 1e6])),
      energy_per_inference_uj: s.energy_per_sequence_uj,
      area_mm2: s.area_mm2.total,
      utilization_pe: s.utilization.pe,
      utilization_dram: s.utilization.dram,
      speedup_vs_baseline: b ? b.latency_us / s.latency_us : null,
      energy_savings_vs_baseline: b ? b.energy_pj.total / s.energy_pj.total : null,
      energy_low_uj: range?.low_uj ?? null,
      energy_high_uj: range?.high_uj ?? null,
      energy_savings_low_x: savings?.low_x ?? null,
      energy_savings_high_x: savings?.high_x ?? null,
    };
  });
  return { baseline: baseline ?? null, rows, components, ranges: ranges !== undefined };
}

const BASE_COLUMNS = [
  'config',
  'trace',
  'dataflow',
  'latency_us',
  'throughput_gmac_per_s',
  'energy_total_uj',
  'energy_dynamic_uj',
  'energy_leakage_uj',
  'energy_per_inference_uj',
  'area_mm2',
  'utilization_pe_fraction',
  'utilization_dram_fraction',
  'speedup_vs_baseline_x',
  'energy_savings_vs_baseline_x',
] as const;

function rowCells(r: CompareRow, components: readonly string[]): CsvValue[] {
  return [
    r.config,
    r.trace,
    r.dataflow,
    r.latency_us,
    r.throughput_gmac_per_s,
    r.energy_total_uj,
    r.energy_dynamic_uj,
    r.energy_leakage_uj,
    r.energy_per_inference_uj,
    r.area_mm2,
    r.utilization_pe,
    r.utilization_dram,
    r.speedup_vs_baseline ?? '',
    r.energy_savings_vs_baseline ?? '',
    ...components.map((c) => r.energy_by_component_uj[c]),
  ];
}

const RANGE_COLUMNS = ['energy_low_uj', 'energy_high_uj', 'energy_savings_low_x', 'energy_savings_high_x'] as const;

function rangeCells(r: CompareRow): CsvValue[] {
  return [r.energy_low_uj ?? '', r.energy_high_uj ?? '', r.energy_savings_low_x ?? '', r.energy_savings_high_x ?? ''];
}

export function compareCsv(t: CompareTable): string {
  const header = [...BASE_COLUMNS, ...(t.ranges ? RANGE_COLUMNS : []), ...t.components.map((c) => `energy_${c}_uj`)];
  return toCsv(
    header,
    t.rows.map((r) => {
      const cells = rowCells(r, t.components);
      return t.ranges ? [...cells.slice(0, BASE_COLUMNS.length), ...rangeCells(r), ...cells.slice(BASE_COLUMNS.length)] : cells;
    }),
  );
}

export function compareMarkdown(t: CompareTable): string {
  const f = (v: number | null): string => (v === null ? '-' : String(sig(v, 4)));
  const lines = [
    '# rnnsim compare',
    '',
    t.baseline ? `Speedup and energy savings against **${t.baseline}** on the same trace (baseline / this).` : 'No baseline chosen.',
    '',
    '| config | trace | latency (us) | throughput (GMAC/s) | energy (uJ) | dynamic (uJ) | leakage (uJ) | energy / inference (uJ) | area (mm^2) | PE util | DRAM util | speedup (x) | energy savings (x) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of t.rows) {
    lines.push(
      `| ${r.config} | ${r.trace} | ${f(r.latency_us)} | ${f(r.throughput_gmac_per_s)} | ${f(r.energy_total_uj)} | ${f(r.energy_dynamic_uj)} | ${f(r.energy_leakage_uj)} | ${f(r.energy_per_inference_uj)} | ${f(r.area_mm2)} | ${f(r.utilization_pe)} | ${f(r.utilization_dram)} | ${f(r.speedup_vs_baseline)} | ${f(r.energy_savings_vs_baseline)} |`,
    );
  }
  if (t.ranges) {
    lines.push(
      '',
      '## Energy over the sources\' spread',
      '',
      'Every run repriced under each choice where sources disagree (arithmetic Horowitz or Aladdin, SRAM banks as a macro or independent, the DRAM preset\'s lowest or highest energy per bit and background power); savings compare the two runs priced alike.',
      '',
      '| config | trace | energy (uJ) | low (uJ) | high (uJ) | savings (x) | savings low (x) | savings high (x) |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const r of t.rows) {
      lines.push(`| ${r.config} | ${r.trace} | ${f(r.energy_total_uj)} | ${f(r.energy_low_uj)} | ${f(r.energy_high_uj)} | ${f(r.energy_savings_vs_baseline)} | ${f(r.energy_savings_low_x)} | ${f(r.energy_savings_high_x)} |`);
    }
  }
  lines.push('', '## Energy by component (uJ)', '', `| config | trace | ${t.components.join(' | ')} |`, `|---|---|${t.components.map(() => '---|').join('')}`);
  for (const r of t.rows) lines.push(`| ${r.config} | ${r.trace} | ${t.components.map((c) => f(r.energy_by_component_uj[c])).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

export function compareJson(t: CompareTable): string {
  return JSON.stringify({ format: 'rnnsim-compare/1', ...t }, null, 2) + '\n';
}
