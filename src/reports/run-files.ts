/**
 * The files one run writes: summary.json, timesteps.csv, layers.csv, energy.csv, and the
 * resolved technology table the energies came from. Paths inside the package are written
 * relative to it so results are byte-identical wherever the repository is checked out.
 */
import { relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../simulate.js';
import { toCsv, type CsvValue } from './csv.js';
import { layerMacsPerTimestepPerSample, directionCount } from '../traces/work.js';
import { activeSamples, workloadFromTrace } from '../dataflows/workload.js';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Replace absolute paths under the package (and the cwd) by relative ones, recursively. */
export function portablePaths<T>(value: T): T {
  const fix = (v: unknown): unknown => {
    if (typeof v === 'string' && isAbsolute(v)) {
      const rel = relative(packageRoot, v);
      return rel.startsWith('..') ? v : rel;
    }
    if (Array.isArray(v)) return v.map(fix);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return fix(value) as T;
}

export function timestepsCsv(report: RunReport, clockMhz: number): string {
  const workload = workloadFromTrace(report.header);
  const rows: CsvValue[][] = report.steps.map((s) => {
    const samples = activeSamples(workload.groups[s.sequence], s.timestep);
    const macs = samples * layerMacsPerTimestepPerSample(report.header.model, s.layer) / directionCount(report.header.model);
    const cycles = s.endCycle - s.startCycle;
    return [s.sequence, s.layer, s.direction, s.timestep, samples, s.startCycle, s.endCycle, cycles, cycles / clockMhz, macs];
  });
  return toCsv(['group', 'layer', 'direction', 'timestep', 'samples', 'start_cycle', 'end_cycle', 'cycles', 'latency_us', 'macs'], rows);
}

export function layersCsv(report: RunReport, clockMhz: number): string {
  const byKey = new Map<string, { group: number; layer: number; direction: number; start: number; end: number; steps: number; macs: number }>();
  const workload = workloadFromTrace(report.header);
  for (const s of report.steps) {
    const key = `${s.sequence}.${s.layer}.${s.direction}`;
    const samples = activeSamples(workload.groups[s.sequence], s.timestep);
    const macs = samples * layerMacsPerTimestepPerSample(report.header.model, s.layer) / directionCount(report.header.model);
    const e = byKey.get(key);
    if (!e) byKey.set(key, { group: s.sequence, layer: s.layer, direction: s.direction, start: s.startCycle, end: s.endCycle, steps: 1, macs });
    else {
      e.start = Math.min(e.start, s.startCycle);
      e.end = Math.max(e.end, s.endCycle);
      e.steps++;
      e.macs += macs;
    }
  }
  const rows: CsvValue[][] = [...byKey.values()].map((e) => [e.group, e.layer, e.direction, e.steps, e.start, e.end, e.end - e.start, (e.end - e.start) / clockMhz, e.macs]);
  return toCsv(['group', 'layer', 'direction', 'timesteps', 'start_cycle', 'end_cycle', 'recurrent_cycles', 'recurrent_latency_us', 'macs'], rows);
}

export function energyCsv(report: RunReport): string {
  const rows: CsvValue[][] = [];
  for (const [component, d] of Object.entries(report.energyDetail)) {
    for (const [action, a] of Object.entries(d.actions)) rows.push([component, action, a.count, a.energy_per_action_pj, a.energy_pj]);
    rows.push([component, 'leakage', 0, 0, d.leakage_pj]);
  }
  return toCsv(['component', 'action', 'count', 'energy_per_action_pj', 'energy_pj'], rows);
}

export function runFiles(report: RunReport): Map<string, string> {
  const clock = report.summary.clock_mhz;
  return new Map([
    ['summary.json', JSON.stringify(portablePaths(report.summary), null, 2) + '\n'],
    ['timesteps.csv', timestepsCsv(report, clock)],
    ['layers.csv', layersCsv(report, clock)],
    ['energy.csv', energyCsv(report)],
    ['tech-resolved.json', JSON.stringify(portablePaths(report.resolvedTech), null, 2) + '\n'],
  ]);
}
