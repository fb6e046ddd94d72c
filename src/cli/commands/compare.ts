/**
 * `rnnsim compare`: every --config on every --trace, one table (compare.csv, compare.md,
 * compare.json written atomically into --out) with speedups and energy savings against
 * --baseline. A progress bar is shown only when stdout is a terminal. With --energy-range every
 * run is also repriced under each alternative the sources give (src/reports/energy-range.ts).
 */
import cliProgress from 'cli-progress';
import type { Command, OptionValues } from '../command.js';
import { stringOption } from '../command.js';
import { InputError } from '../../errors.js';
import { loadArchitecture } from '../../config/load-architecture.js';
import { loadInputs, simulateLoaded, type RunSummary } from '../../simulate.js';
import { energyRange, type EnergyRange } from '../../reports/energy-range.js';
import { compareCsv, compareJson, compareMarkdown, compareRuns } from '../../reports/compare.js';
import { resultOutput } from '../result-output.js';
import { FORCE_OPTION } from '../command.js';
import { textTable, sig } from '../../reports/text-table.js';
import { SET_OPTION, overridesOf } from '../set-option.js';

function listOption(options: OptionValues, name: string): string[] {
  const v = options[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (typeof x !== 'string') throw new InputError(`--${name} takes a file path`);
    return x;
  });
}

export const compareCommand: Command = {
  path: ['compare'],
  summary: 'simulate every config on every trace; write one comparison table with speedups and energy savings against a baseline',
  options: [
    { name: 'config', type: 'string', multiple: true, required: true, description: 'architecture config (YAML); repeat for each' },
    { name: 'trace', type: 'string', multiple: true, required: true, description: 'trace header (JSON); repeat for each' },
    { name: 'baseline', type: 'string', description: "the config (its name: or its file) the others are compared with" },
    { name: 'out', type: 'string', default: 'results/compare', description: 'results directory (written atomically)' },
    {
      name: 'energy-range',
      type: 'boolean',
      description: "also price every run under each alternative where sources disagree (Horowitz or Aladdin arithmetic, SRAM macro or independent banks, the DRAM preset's lowest and highest energy per bit and background power) and report the lowest and highest energy and savings",
    },
    SET_OPTION,
    FORCE_OPTION,
  ],
  async run(options) {
    const configs = listOption(options, 'config');
    const traces = listOption(options, 'trace');
    if (configs.length === 0 || traces.length === 0) throw new InputError('give at least one --config and one --trace');
    const overrides = overridesOf(options);
    const out = resultOutput(options, 'compare')!;
    let baseline = stringOption(options, 'baseline');
    if (baseline !== undefined && configs.includes(baseline)) baseline = loadArchitecture(baseline, { overrides }).name;
    const total = configs.length * traces.length;
    const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: 'compare [{bar}] {value}/{total} {run}' }, cliProgress.Presets.shades_classic) : undefined;
    bar?.start(total, 0, { run: '' });
    const summaries: RunSummary[] = [];
    const withRanges = options['energy-range'] === true;
    const ranges: EnergyRange[] = [];
    try {
      for (const c of configs) {
        for (const t of traces) {
          bar?.update(summaries.length, { run: `${c} + ${t}` });
          const inputs = await loadInputs(c, t, { overrides });
          const report = simulateLoaded(inputs);
          summaries.push(report.summary);
          if (withRanges) ranges.push(energyRange(report, inputs.config));
        }
      }
      bar?.update(total, { run: 'done' });
    } finally {
      bar?.stop();
    }
    let table;
    try {
      table = compareRuns(summaries, baseline, withRanges ? ranges : undefined);
    } catch (e) {
      throw new InputError(`--baseline: ${(e as Error).message}`);
    }
    out.write(new Map([['compare.csv', compareCsv(table)], ['compare.md', compareMarkdown(table)], ['compare.json', compareJson(table)]]));
    const n = (v: number | null): string | number => (v === null ? '-' : sig(v, 4));
    const rangeHeads = withRanges ? ['energy_low_uj', 'energy_high_uj', 'savings_low_x', 'savings_high_x'] : [];
    process.stdout.write(
      textTable(
        ['config', 'trace', 'latency_us', 'gmac_per_s', 'energy_uj', 'area_mm2', 'pe_util', 'speedup_x', 'energy_savings_x', ...rangeHeads],
        table.rows.map((r) => [
          r.config,
          r.trace,
          sig(r.latency_us, 6),
          sig(r.throughput_gmac_per_s),
          sig(r.energy_total_uj),
          sig(r.area_mm2),
          sig(r.utilization_pe),
          n(r.speedup_vs_baseline),
          n(r.energy_savings_vs_baseline),
          ...(withRanges ? [n(r.energy_low_uj), n(r.energy_high_uj), n(r.energy_savings_low_x), n(r.energy_savings_high_x)] : []),
        ]),
      ),
    );
    process.stdout.write(`results written to ${out.dir}/ (compare.csv, compare.md, compare.json)\n`);
    return 0;
  },
};
