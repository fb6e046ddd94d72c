/**
 * Per-phase rows of a run (layers.csv): each phase's span, MACs, energy, DRAM bytes, busy and
 * stall cycles by cause, all differences of the snapshots the phase log took at its boundaries
 * (src/dataflows/phase-log.ts), so the rows add up to the run: their spans cover it end to end,
 * and their MACs, energy and stalls sum to the summary's.
 */
import type { RunReport } from '../simulate.js';
import type { PhaseRecord, PhaseSnapshot } from '../dataflows/phase-log.js';
import { STALL_CAUSES } from '../dataflows/stall-accounting.js';
import { dynamicEnergyPj, PJ_PER_MW_US } from './energy-area.js';
import { toCsv, type CsvValue } from './csv.js';

export interface PhaseRow {
  readonly group: number;
  readonly layer: number;
  readonly direction: number;
  readonly phase: string;
  readonly start_cycle: number;
  readonly end_cycle: number;
  readonly macs: number;
  readonly energy_pj: number;
  readonly dram_read_bytes: number;
  readonly dram_written_bytes: number;
  readonly busy_cycles: number;
  readonly stall_cycles: Readonly<Record<string, number>>;
}

function statDelta(report: RunReport, before: PhaseSnapshot, after: PhaseSnapshot, iface: string | undefined, stat: string): number {
  let n = 0;
  for (const c of report.components) {
    if (iface !== undefined && c.kind.implements !== iface) continue;
    const a = after.stats[c.name]?.[stat];
    if (a === undefined) continue;
    n += a - (before.stats[c.name]?.[stat] ?? 0);
  }
  return n;
}

export function phaseRows(report: RunReport): PhaseRow[] {
  const clock = report.summary.clock_mhz;
  return report.phases.map((p: PhaseRecord) => {
    let energy = 0;
    for (const c of report.components) {
      const price = report.prices.get(c);
      if (!price) continue;
      const before = p.before.actionCounts[c.name] ?? {};
      const after = p.after.actionCounts[c.name] ?? {};
      const delta: Record<string, number> = {};
      for (const [a, n] of Object.entries(after)) delta[a] = n - (before[a] ?? 0);
      energy += dynamicEnergyPj(c, price, delta) + (price.leakageMw.value * (p.after.cycle - p.before.cycle) * PJ_PER_MW_US) / clock;
    }
    return {
      group: p.group,
      layer: p.layer,
      direction: p.direction,
      phase: p.phase,
      start_cycle: p.before.cycle,
      end_cycle: p.after.cycle,
      macs: statDelta(report, p.before, p.after, undefined, 'macs'),
      energy_pj: energy,
      dram_read_bytes: statDelta(report, p.before, p.after, 'dram', 'bytes_read'),
      dram_written_bytes: statDelta(report, p.before, p.after, 'dram', 'bytes_written'),
      busy_cycles: p.after.busyCycles - p.before.busyCycles,
      stall_cycles: Object.fromEntries(STALL_CAUSES.map((s) => [s, p.after.stalls[s] - p.before.stalls[s]])),
    };
  });
}

export function phasesCsv(report: RunReport): string {
  const clock = report.summary.clock_mhz;
  const causes = STALL_CAUSES.filter((s) => report.summary.stall_cycles.by_cause[s] > 0);
  const rows: CsvValue[][] = phaseRows(report).map((r) => [
    r.group,
    r.layer,
    r.direction,
    r.phase,
    r.start_cycle,
    r.end_cycle,
    r.end_cycle - r.start_cycle,
    (r.end_cycle - r.start_cycle) / clock,
    r.macs,
    r.energy_pj / 1e6,
    r.dram_read_bytes,
    r.dram_written_bytes,
    r.busy_cycles,
    ...causes.map((c) => r.stall_cycles[c]),
  ]);
  return toCsv(
    ['group', 'layer', 'direction', 'phase', 'start_cycle', 'end_cycle', 'cycles', 'latency_us', 'macs', 'energy_uj', 'dram_read_bytes', 'dram_written_bytes', 'busy_cycles', ...causes.map((c) => `stall_${c}_cycles`)],
    rows,
  );
}
