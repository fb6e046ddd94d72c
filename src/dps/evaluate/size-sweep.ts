/**
 * Dynamic precision against the strongest static designs across DeepBench's LSTM sizes
 * (hidden 256 to 2048, batch 1), hardware only: for a share of 8-bit steps s, E-PUR with MWL at
 * 16 bits (the paper's baseline), E-PUR with MWL at static 8 bits on the same multiplier bits
 * per cycle (configs/epur-static8.yaml), and E-PUR with dynamic precision on the step-by-step
 * schedule (configs/epur-dps.yaml, both sides of a step at its precision) and on MWL with the
 * input side at 16 bits (configs/epur-dps-mwl.yaml), each with the shipped bit-sliced weights
 * (16 + 1 guard bit stored) and with weights stored most significant bit first (16 bits stored,
 * 9 read at 8 bits: 'msb_first', the layout `rnnsim dps evaluate` gives its dynamic designs).
 * The 8-bit steps are spread periodically
 * (precision-traces.ts); s = 1 is the best case a dynamic design can reach, so a design that
 * loses there loses by construction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceHeader } from '../../traces/header.js';
import { loadInputs, simulateLoaded, type RunSummary } from '../../simulate.js';
import { periodicBits, writeScheduleTrace, writeStaticTrace } from './precision-traces.js';
import { writeDerivedConfig } from './derived-config.js';

export const SIZE_SWEEP_TRACES = ['lstm-h256-b1-t150', 'lstm-h512-b1-t25', 'lstm-h1024-b1-t25', 'lstm-h1536-b1-t50', 'lstm-h2048-b1-t25'];

export interface SizeSweepRow {
  readonly trace: string;
  readonly hidden: number;
  readonly design: string;
  /** Share of steps at 8 bits (1 for static 8, 0 for static 16). */
  readonly share_8bit: number;
  readonly cycles: number;
  readonly latency_us: number;
  readonly energy_uj: number;
  readonly dram_read_mb: number;
  readonly area_mm2: number;
  /** Against E-PUR MWL at 16 bits on the same trace (> 1: faster / less energy). */
  readonly speedup_vs_epur: number;
  readonly energy_ratio_vs_epur: number;
  /** Against static 8-bit E-PUR MWL on the same trace. */
  readonly speedup_vs_static8: number;
  readonly energy_ratio_vs_static8: number;
}

export interface SizeSweepOptions {
  readonly shares: readonly number[];
  /** Folder for the derived traces (rnnsim's cache). */
  readonly workDir: string;
  readonly configsDir?: string;
  readonly tracesDir?: string;
  readonly progress?: (done: number, total: number, what: string) => void;
}

export async function sizeSweep(o: SizeSweepOptions): Promise<SizeSweepRow[]> {
  const configs = o.configsDir ?? 'configs';
  const traces = o.tracesDir ?? join('traces', 'deepbench');
  const rows: SizeSweepRow[] = [];
  const total = SIZE_SWEEP_TRACES.length * (2 + 4 * o.shares.length);
  let done = 0;
  const run = async (config: string, trace: string, what: string): Promise<RunSummary> => {
    o.progress?.(done, total, what);
    const s = simulateLoaded(await loadInputs(config, trace)).summary;
    done++;
    return s;
  };
  // The dynamic designs follow the traces' recorded schedules (a synthetic share here).
  const recorded = { components: { precision_select_unit: { decisions: 'recorded' } } };
  const dpsSbs = writeDerivedConfig(join(configs, 'epur-dps.yaml'), recorded, o.workDir, 'epur-dps-recorded');
  const dpsMwl = writeDerivedConfig(join(configs, 'epur-dps-mwl.yaml'), recorded, o.workDir, 'epur-dps-mwl-recorded');
  const msbFirst = { dataflow: { weight_layout: 'msb_first' }, components: { ...recorded.components, dot_product_unit: { operand_rounding: 'increment' } } };
  const dpsSbsMsb = writeDerivedConfig(join(configs, 'epur-dps.yaml'), msbFirst, o.workDir, 'epur-dps-msb-first-recorded');
  const dpsMwlMsb = writeDerivedConfig(join(configs, 'epur-dps-mwl.yaml'), msbFirst, o.workDir, 'epur-dps-mwl-msb-first-recorded');
  for (const name of SIZE_SWEEP_TRACES) {
    const file = join(traces, `${name}.json`);
    const header = JSON.parse(readFileSync(file, 'utf8')) as TraceHeader;
    const base = await run(join(configs, 'epur.yaml'), file, `epur on ${name}`);
    const static8 = await run(join(configs, 'epur-static8.yaml'), writeStaticTrace(o.workDir, header, `${name}-static8`, 8), `epur-static8 on ${name}`);
    const row = (design: string, share: number, s: RunSummary): SizeSweepRow => ({
      trace: name,
      hidden: header.model.hidden_size,
      design,
      share_8bit: share,
      cycles: s.cycles,
      latency_us: s.latency_us,
      energy_uj: s.energy_pj.total / 1e6,
      dram_read_mb: s.dram_bytes.read / 1e6,
      area_mm2: s.area_mm2.total,
      speedup_vs_epur: base.cycles / s.cycles,
      energy_ratio_vs_epur: base.energy_pj.total / s.energy_pj.total,
      speedup_vs_static8: static8.cycles / s.cycles,
      energy_ratio_vs_static8: static8.energy_pj.total / s.energy_pj.total,
    });
    rows.push(row('epur-mwl-16', 0, base), row('epur-mwl-static8', 1, static8));
    for (const share of o.shares) {
      const at = periodicBits(share, 8, 16);
      const trace = await writeScheduleTrace(o.workDir, header, `${name}-s${Math.round(share * 100)}`, 16, (_s, _l, _d, t) => at(t));
      rows.push(row('epur-dps-step-by-step', share, await run(dpsSbs, trace, `epur-dps (share ${share}) on ${name}`)));
      rows.push(row('epur-dps-mwl', share, await run(dpsMwl, trace, `epur-dps-mwl (share ${share}) on ${name}`)));
      rows.push(row('epur-dps-step-by-step-msb-first', share, await run(dpsSbsMsb, trace, `epur-dps msb-first (share ${share}) on ${name}`)));
      rows.push(row('epur-dps-mwl-msb-first', share, await run(dpsMwlMsb, trace, `epur-dps-mwl msb-first (share ${share}) on ${name}`)));
    }
  }
  o.progress?.(done, total, 'done');
  return rows;
}
