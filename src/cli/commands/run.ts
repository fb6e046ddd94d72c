/** `rnnsim run`: one config on one trace; prints a summary and writes the results directory. */
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { simulate, type RunSummary } from '../../simulate.js';
import { runFiles } from '../../reports/run-files.js';
import { resultOutput } from '../result-output.js';
import { FORCE_OPTION } from '../command.js';
import { textTable, sig } from '../../reports/text-table.js';
import { SET_OPTION, overridesOf } from '../set-option.js';
import { runProgress } from '../run-progress.js';

export function summaryText(s: RunSummary): string {
  const rows: Array<[string, string | number]> = [
    ['config', `${s.config.name} (${s.config.dataflow})`],
    ['trace', s.trace.name],
    ['cycles', s.cycles],
    ['latency_us', sig(s.latency_us, 6)],
    ['macs', s.macs],
    ['throughput_gmac_per_s', sig(s.throughput_gmac_per_s)],
    ['utilization_pe', sig(s.utilization.pe)],
    ['utilization_sram', sig(s.utilization.sram)],
    ['utilization_dram', sig(s.utilization.dram)],
    ['dram_read_bytes', s.dram_bytes.read],
    ['energy_total_uj', sig(s.energy_pj.total / 1e6)],
    ['energy_dynamic_uj', sig(s.energy_pj.dynamic / 1e6)],
    ['energy_leakage_uj', sig(s.energy_pj.leakage / 1e6)],
    ['area_mm2', sig(s.area_mm2.total)],
    ...Object.entries(s.stall_cycles.by_cause).filter(([, v]) => v > 0).map(([k, v]): [string, number] => [`stall_${k}_cycles`, v]),
  ];
  return textTable(['quantity', 'value'], rows);
}

export const runCommand: Command = {
  path: ['run'],
  summary: 'simulate one architecture config on one trace; print a summary, write <out>/summary.json and CSVs',
  options: [
    { name: 'config', type: 'string', required: true, description: 'architecture config (YAML)' },
    { name: 'trace', type: 'string', required: true, description: 'trace header (JSON)' },
    { name: 'out', type: 'string', description: 'results directory (written atomically); omit to only print' },
    { name: 'json', type: 'boolean', description: 'print summary.json instead of the table' },
    SET_OPTION,
    FORCE_OPTION,
  ],
  async run(options) {
    const overrides = overridesOf(options);
    const out = resultOutput(options, 'run');
    const progress = runProgress('simulating');
    let report;
    try {
      report = await simulate(stringOption(options, 'config')!, stringOption(options, 'trace')!, { overrides }, progress.options);
      progress.finish();
    } finally {
      progress.stop();
    }
    const files = runFiles(report);
    out?.write(files);
    process.stdout.write(options.json ? files.get('summary.json')! : summaryText(report.summary));
    if (out) process.stdout.write(`results written to ${out.dir}/ (${[...files.keys()].join(', ')})\n`);
    return 0;
  },
};
