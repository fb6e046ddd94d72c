/**
 * The dynamic-precision comparison: per trace, the run with a precision-select unit against the
 * same trace on the baseline config: share of steps at the lowest precision, speedup, energy
 * savings with the breakdown by component group, area overhead; plus, from a calibration file,
 * accuracy and weight memory of static and dynamic precision for the trace's model.
 */
import type { RunSummary } from '../simulate.js';
import type { Calibration } from './calibrate.js';
import type { TraceHeader } from '../traces/header.js';
import { describeSpec, specFromHeader } from './policy-spec.js';

/** The recorded policy of a trace header, for humans ('' when none). */
export function tracePolicyText(header: Pick<TraceHeader, 'precision_policy'>): string {
  return header.precision_policy ? describeSpec(specFromHeader(header.precision_policy)) : '';
}

export interface DpsRow {
  readonly trace: string;
  readonly baseline: string;
  readonly dps: string;
  readonly stepsTotal: number;
  readonly lowestShare: number;
  readonly highestShare: number;
  readonly meanBits: number;
  readonly speedup: number;
  /** 1 - E_dps / E_base. */
  readonly energySavings: number;
  readonly energyBaseUj: Record<string, number>;
  readonly energyDpsUj: Record<string, number>;
  /** area_dps / area_base - 1. */
  readonly areaOverhead: number;
  readonly areaDpsOnlyMm2: Record<string, number>;
  readonly psuCriticalPathShare: number;
  /** The policy the unit ran and where its registers came from. */
  readonly policy: string;
}

/** Component instance name -> group ("cu0.weight_buffer" -> "weight_buffer"). */
export function componentGroup(name: string): string {
  return name.replace(/^cu\d+\./, '');
}

function grouped(byComponent: Readonly<Record<string, number>>, scale: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(byComponent)) out[componentGroup(k)] = (out[componentGroup(k)] ?? 0) + v * scale;
  return out;
}

/** `policy`: a description of the unit's register contents (e.g. from the trace's precision_policy). */
export function dpsRow(base: RunSummary, dps: RunSummary, policy = ''): DpsRow {
  const psu = dps.components.precision_select_unit;
  if (!psu) throw new Error(`config ${dps.config.name} has no precision_select_unit`);
  const areaBase = grouped(base.area_mm2.by_component, 1);
  const areaDps = grouped(dps.area_mm2.by_component, 1);
  const areaDelta: Record<string, number> = {};
  for (const k of new Set([...Object.keys(areaBase), ...Object.keys(areaDps)])) {
    const d = (areaDps[k] ?? 0) - (areaBase[k] ?? 0);
    if (Math.abs(d) > 1e-12) areaDelta[k] = d;
  }
  return {
    trace: dps.trace.name,
    baseline: base.config.name,
    dps: dps.config.name,
    stepsTotal: psu.steps_total,
    lowestShare: psu.steps_lowest / psu.steps_total,
    highestShare: psu.steps_highest / psu.steps_total,
    meanBits: psu.precision_bit_steps / psu.steps_total,
    speedup: base.latency_us / dps.latency_us,
    energySavings: 1 - dps.energy_pj.total / base.energy_pj.total,
    energyBaseUj: grouped(base.energy_pj.by_component, 1e-6),
    energyDpsUj: grouped(dps.energy_pj.by_component, 1e-6),
    areaOverhead: dps.area_mm2.total / base.area_mm2.total - 1,
    areaDpsOnlyMm2: areaDelta,
    psuCriticalPathShare: psu.critical_path_cycles / dps.cycles,
    policy: `${psu.registers_from_trace === 1 ? 'registers from the trace' : 'registers from the config'}${policy ? `: ${policy}` : ''}`,
  };
}

const pct = (v: number, d = 1): string => `${(100 * v).toFixed(d)}%`;
const num = (v: number, d = 3): string => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(d));

export function dpsMarkdown(rows: readonly DpsRow[], calibration?: Calibration): string {
  const lines = [
    '| trace | steps | at lowest precision | mean bits | speedup | energy savings | area overhead | decision on critical path |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.trace} | ${r.stepsTotal} | ${pct(r.lowestShare)} | ${r.meanBits.toFixed(2)} | ${r.speedup.toFixed(3)}x | ${pct(r.energySavings)} | ${pct(r.areaOverhead, 2)} | ${pct(r.psuCriticalPathShare, 2)} of cycles |`),
  ];
  if (rows.some((r) => r.policy)) {
    lines.push('', 'Policies:', '', ...rows.map((r) => `- ${r.trace}: ${r.policy}`));
  }
  if (rows.length > 0) {
    const groups = [...new Set(rows.flatMap((r) => [...Object.keys(r.energyBaseUj), ...Object.keys(r.energyDpsUj)]))].sort();
    lines.push('', `Energy by component group (uJ), ${rows[0].baseline} -> ${rows[0].dps}:`, '', `| trace | ${groups.join(' | ')} |`, `|---|${groups.map(() => '---|').join('')}`);
    for (const r of rows) lines.push(`| ${r.trace} | ${groups.map((g) => `${num(r.energyBaseUj[g] ?? 0)} -> ${num(r.energyDpsUj[g] ?? 0)}`).join(' | ')} |`);
    const r0 = rows[0];
    lines.push('', `Area added by dynamic precision (mm^2): ${Object.entries(r0.areaDpsOnlyMm2).map(([k, v]) => `${k} ${v.toExponential(3)}`).join(', ')}.`);
  }
  if (calibration) {
    lines.push('', 'Accuracy (test split; each model\'s thresholds chosen on its validation split, `rnnsim dps calibrate`):', '', '| model | configuration | test metric | loss vs 16-bit | steps at lowest | weight memory (bytes) |', '|---|---|---|---|---|---|');
    for (const m of calibration.models) {
      for (const r of m.rows) lines.push(`| ${m.model} | ${r.label} | ${r.test?.metric.toFixed(4) ?? '-'} ${m.metricName === 'accuracy' ? '' : 'bpc'} | ${r.testLoss?.toFixed(3) ?? '-'} ${m.metricName === 'accuracy' ? 'points' : 'bpc'} | ${pct(r.lowestShare ?? 0)} | ${r.weightBytes} |`);
    }
  }
  return lines.join('\n') + '\n';
}
