/**
 * `rnnsim start` (what `npm start` runs): the bundled configs on the bundled traces, a
 * comparison table on stdout, every run's results under results/start/, and the comparison as
 * CSV, Markdown and plots. A progress bar is shown when stdout is a terminal.
 */
import { join, basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { loadInputs, simulateLoaded, type RunSummary } from '../../simulate.js';
import { runFiles } from '../../reports/run-files.js';
import { resultOutput } from '../result-output.js';
import { FORCE_OPTION } from '../command.js';
import { textTable, sig } from '../../reports/text-table.js';
import { toCsv } from '../../reports/csv.js';
import { stallBreakdownSvg } from '../../reports/plots.js';
import { compareMarkdown, compareRuns } from '../../reports/compare.js';
import { existsSync, readFileSync } from 'node:fs';
import { dpsMarkdown, dpsRow, tracePolicyText } from '../../dps/report.js';
import type { TraceHeader } from '../../traces/header.js';
import type { Calibration } from '../../dps/calibrate.js';

/** The headline: dynamic precision selection on the functional traces of the bundled models. */
export const DPS_CONFIGS = { baseline: 'configs/epur-step-by-step.yaml', mwl: 'configs/epur.yaml', dps: 'configs/epur-dps.yaml' };
export const DPS_TRACES = ['traces/dps/mnist-columns-dps.json', 'traces/dps/spam-words-dps.json', 'traces/dps/sotu-char-dps.json'];
/** The calibration behind the shipped traces' policies (a copy of results/dps/calibration.json); a fresh `rnnsim dps calibrate` wins. */
export const DPS_CALIBRATION = ['results/dps/calibration.json', 'traces/dps/calibration.json'];

async function dpsHeadline(files: Map<string, string>): Promise<string> {
  const traces = DPS_TRACES.filter((t) => existsSync(t));
  if (traces.length === 0) return '';
  const sections: string[] = [];
  for (const [label, base] of [['same design without the unit (step-by-step)', DPS_CONFIGS.baseline], ['E-PUR with MWL (configs/epur.yaml)', DPS_CONFIGS.mwl]] as const) {
    const rows = [];
    for (const t of traces) {
      const dpsInputs = await loadInputs(DPS_CONFIGS.dps, t);
      rows.push(dpsRow(simulateLoaded(await loadInputs(base, t)).summary, simulateLoaded(dpsInputs).summary, tracePolicyText(JSON.parse(readFileSync(t, 'utf8')) as TraceHeader)));
    }
    const calFile = DPS_CALIBRATION.find((f) => existsSync(f));
    const cal = label.startsWith('same') && calFile ? (JSON.parse(readFileSync(calFile, 'utf8')) as Calibration) : undefined;
    sections.push(`### epur-dps vs ${label}\n\n${dpsMarkdown(rows, cal)}`);
  }
  const md = `## Dynamic precision selection, per-model calibrated policies (paper: >66% lowest precision, 1.56x, 23% energy, 8.8% area, no accuracy loss)\n\n${sections.join('\n')}`;
  files.set('dps.md', md);
  return md;
}

/**
 * Dense vs sparse: the E-PUR-like design against the ESE-like sparse design (load-balanced and
 * plain magnitude pruning) on ESE's own validation model, the Google LSTMP pruned 10x.
 */
export const SPARSE_CONFIGS = ['configs/epur.yaml', 'configs/ese.yaml', 'configs/ese-unbalanced.yaml'];
export const SPARSE_TRACE = 'traces/ese/google-lstmp.json';

async function sparseSection(files: Map<string, string>): Promise<string> {
  const summaries: RunSummary[] = [];
  for (const c of SPARSE_CONFIGS) summaries.push(simulateLoaded(await loadInputs(c, SPARSE_TRACE)).summary);
  const md = `## Dense (E-PUR-like) vs sparse (ESE-like) on the Google LSTMP at 10x pruning (${SPARSE_TRACE}), baseline epur\n\n${compareMarkdown(compareRuns(summaries, 'epur'))}`;
  files.set('sparse.md', md);
  return md;
}

/** The headline job: E-PUR with and without Maximizing Weight Locality on the DeepBench LSTM kernels. */
export const BUNDLED_CONFIGS = ['configs/epur.yaml', 'configs/epur-step-by-step.yaml'];
export const BUNDLED_TRACES = [
  'traces/deepbench/lstm-h256-b1-t150.json',
  'traces/deepbench/lstm-h512-b1-t25.json',
  'traces/deepbench/lstm-h1024-b1-t25.json',
  'traces/deepbench/lstm-h1536-b1-t50.json',
  'traces/deepbench/lstm-h2048-b1-t25.json',
];

const COLUMNS = [
  'config',
  'trace',
  'cycles',
  'latency_us',
  'speedup_vs_first',
  'energy_uj',
  'energy_dynamic_uj',
  'dram_read_mb',
  'pe_utilization',
  'area_mm2',
] as const;

export const startCommand: Command = {
  path: ['start'],
  summary: 'the headline job: bundled configs on bundled traces, comparison table, results under results/start/',
  options: [{ name: 'out', type: 'string', default: 'results/start', description: 'results directory (written atomically)' }, FORCE_OPTION],
  async run(options) {
    const out = resultOutput(options, 'start')!;
    const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: 'simulating {bar} {value}/{total} {job}' }, cliProgress.Presets.shades_classic) : undefined;
    const jobs = BUNDLED_TRACES.flatMap((t) => BUNDLED_CONFIGS.map((c) => ({ config: c, trace: t })));
    bar?.start(jobs.length, 0, { job: '' });
    const files = new Map<string, string>();
    const summaries: RunSummary[] = [];
    for (const job of jobs) {
      bar?.update({ job: `${basename(job.config)} on ${basename(job.trace)}` });
      const report = simulateLoaded(await loadInputs(job.config, job.trace));
      summaries.push(report.summary);
      for (const [name, data] of runFiles(report)) files.set(join(report.summary.config.name, report.summary.trace.name, name), data);
      bar?.increment();
    }
    bar?.stop();
    const firstByTrace = new Map<string, RunSummary>();
    for (const s of summaries) if (!firstByTrace.has(s.trace.name)) firstByTrace.set(s.trace.name, s);
    const rows = summaries.map((s) => [
      s.config.name,
      s.trace.name,
      s.cycles,
      sig(s.latency_us, 6),
      sig(firstByTrace.get(s.trace.name)!.cycles / s.cycles),
      sig(s.energy_pj.total / 1e6),
      sig(s.energy_pj.dynamic / 1e6),
      sig(s.dram_bytes.read / 1e6),
      sig(s.utilization.pe),
      sig(s.area_mm2.total),
    ]);
    const table = textTable(COLUMNS, rows);
    const dps = await dpsHeadline(files);
    const sparse = await sparseSection(files);
    files.set('comparison.csv', toCsv(COLUMNS, rows));
    files.set('comparison.md', markdownTable(COLUMNS, rows));
    files.set('cycle-breakdown.svg', await stallBreakdownSvg(summaries));
    out.write(files);
    if (dps) process.stdout.write(`${dps}\n`);
    process.stdout.write(`${sparse}\n`);
    process.stdout.write(`E-PUR-like accelerator, Maximizing Weight Locality (epur) vs step-by-step, DeepBench LSTM kernels (batch 1)\n\n${table}\nresults written to ${out.dir}/ (comparison.csv, comparison.md, cycle-breakdown.svg, and one directory per run)\n`);
    return 0;
  },
};

export function markdownTable(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const head = `| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n`;
  return head + rows.map((r) => `| ${r.map(String).join(' | ')} |`).join('\n') + '\n';
}
