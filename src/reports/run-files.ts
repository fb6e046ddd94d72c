/**
 * The files one run writes: summary.json, timesteps.csv (every recurrent step), layers.csv
 * (every phase: spans covering the run, with MACs, energy, DRAM bytes and stalls), energy.csv
 * (the action-energy table: count x price per action, leakage x time, each price's formula),
 * area.csv, and the resolved technology table the prices came from. Paths inside the package are written
 * relative to it so results are byte-identical wherever the repository is checked out.
 */
import { relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../simulate.js';
import { toCsv, type CsvValue } from './csv.js';
import { activeSamples, workloadFromTrace } from '../dataflows/workload.js';
import { isGemmTrace } from '../traces/header.js';
import type { StepRecord } from '../dataflows/dataflow-kind.js';
import { phasesCsv } from './phases.js';
import { PJ_PER_MW_US } from './energy-area.js';

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
  const header = report.header;
  // A plain GEMM's one step streams its m rows.
  const samplesOf = isGemmTrace(header) ? (): number => header.gemm.m : ((groups) => (s: StepRecord): number => activeSamples(groups[s.sequence], s.timestep))(workloadFromTrace(header).groups);
  const rows: CsvValue[][] = report.steps.map((s) => {
    const samples = samplesOf(s);
    const cycles = s.endCycle - s.startCycle;
    return [s.sequence, s.layer, s.direction, s.timestep, samples, s.startCycle, s.endCycle, cycles, cycles / clockMhz, s.macs];
  });
  return toCsv(['group', 'layer', 'direction', 'timestep', 'samples', 'start_cycle', 'end_cycle', 'cycles', 'latency_us', 'macs'], rows);
}

/** The action-energy table: every component's every action with its count and price, then its leakage over the run. */
export function energyCsv(report: RunReport): string {
  const rows: CsvValue[][] = [];
  const latencyUs = report.summary.latency_us;
  const byComponent = new Map(report.energy.components.map((c) => [c.component, c]));
  let current = '';
  const leakageRow = (name: string): void => {
    const c = byComponent.get(name);
    if (c) rows.push([c.component, c.role, c.kind, 'leakage', latencyUs, 'us', c.leakage_mw * PJ_PER_MW_US, c.leakage_pj, `${c.leakage_formula} (mW x 1000 pJ per mW us)`]);
  };
  for (const a of report.energy.actions) {
    if (a.component !== current) {
      if (current) leakageRow(current);
      current = a.component;
    }
    rows.push([a.component, a.role, a.kind, a.action, a.count, 'actions', a.energy_per_action_pj, a.energy_pj, a.formula]);
  }
  if (current) leakageRow(current);
  return toCsv(['component', 'role', 'kind', 'action', 'count', 'count_unit', 'energy_per_count_pj', 'energy_pj', 'formula'], rows);
}

/** Area and leakage power of every component, with the formulas they came from. */
export function areaCsv(report: RunReport): string {
  const rows: CsvValue[][] = report.energy.components.map((c) => [c.component, c.role, c.kind, c.area_mm2, c.leakage_mw, c.area_formula, c.leakage_formula]);
  return toCsv(['component', 'role', 'kind', 'area_mm2', 'leakage_mw', 'area_formula', 'leakage_formula'], rows);
}

export function runFiles(report: RunReport): Map<string, string> {
  const clock = report.summary.clock_mhz;
  return new Map([
    ['summary.json', JSON.stringify(portablePaths(report.summary), null, 2) + '\n'],
    ['timesteps.csv', timestepsCsv(report, clock)],
    ['layers.csv', phasesCsv(report)],
    ['energy.csv', energyCsv(report)],
    ['area.csv', areaCsv(report)],
    ['tech-resolved.json', JSON.stringify(portablePaths(report.resolvedTech), null, 2) + '\n'],
  ]);
}
