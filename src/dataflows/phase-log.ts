/**
 * Which layer, direction and phase ran when, with what each phase cost. A dataflow marks the
 * start of each phase (an E-PUR input-side pass, the recurrent steps of a layer, a GEMM); a
 * phase lasts until the next one starts or the run ends, so the phases of a run cover it end to
 * end. At every boundary the log snapshots the components' action counts and statistics and the
 * compute units' busy and stall cycles; a phase's MACs, energy, DRAM bytes and stalls are the
 * differences (src/reports/phases.ts). Work is counted when it is reserved, so a reservation
 * made just before a boundary for cycles after it counts in the earlier phase.
 *
 * For dataflows whose units run different phases at the same time (ESE's channels running
 * different sequences), the log is kept per run, not per unit: such a dataflow marks one phase
 * per lockstep group ('run' spans), and its per-step detail is in timesteps.csv.
 */
import type { Component } from '../engine/component.js';
import type { Simulator } from '../engine/simulator.js';
import type { Repeatable } from '../engine/steady-state.js';
import type { ComputeUnitAccount } from './run-context.js';
import { STALL_CAUSES, type StallCause } from './stall-accounting.js';

export interface PhaseLabel {
  readonly group: number;
  readonly layer: number;
  readonly direction: number;
  /** 'input_side' (MWL's W_x x_t pass), 'recurrent' (timestep by timestep), or a dataflow's own name. */
  readonly phase: string;
}

export interface PhaseSnapshot {
  readonly cycle: number;
  readonly actionCounts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly stats: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly busyCycles: number;
  readonly stalls: Readonly<Record<StallCause, number>>;
}

export interface PhaseRecord extends PhaseLabel {
  readonly before: PhaseSnapshot;
  readonly after: PhaseSnapshot;
}

export class PhaseLog {
  private open: { label: PhaseLabel; before: PhaseSnapshot } | undefined;
  readonly records: PhaseRecord[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly components: readonly Component[],
    private readonly units: readonly ComputeUnitAccount[],
  ) {}

  /** Start a phase now; the open one, if any, ends here. */
  begin(label: PhaseLabel): void {
    const snap = this.snapshot(this.sim.now);
    this.close(snap);
    this.open = { label, before: snap };
  }

  /** End the open phase at `cycle` (the end of the run). */
  finish(cycle: number): void {
    this.close(this.snapshot(cycle));
  }

  private close(after: PhaseSnapshot): void {
    if (!this.open) return;
    this.records.push({ ...this.open.label, before: this.open.before, after });
    this.open = undefined;
  }

  /**
   * The log as a participant of steady-state fast-forward over loops that begin phases (E-PUR's
   * MWL windows; src/engine/steady-state.ts). Its counters are the numbers of a snapshot taken
   * at the boundary, so a period's delta is how much every snapshot number grows per period
   * (each is a sum of component counters). Repeating a period appends, for each repetition, a
   * copy of every record the period closed, its snapshots advanced by the deltas: the first
   * one's start is the phase that was open at the repetition's start.
   */
  repeatable(): Repeatable {
    const marks = new Map<number, { readonly records: number; readonly openBefore: PhaseSnapshot | undefined }>();
    return {
      appendState: (_now, out) => {
        const o = this.open;
        out.push(o ? `${o.label.group}/${o.label.layer}/${o.label.direction}/${o.label.phase}` : '');
      },
      appendCounters: (out) => flattenSnapshot(this.snapshot(this.sim.now), out),
      mark: (boundary, oldestNeeded) => {
        for (const m of marks.keys()) if (m < oldestNeeded) marks.delete(m);
        marks.set(boundary, { records: this.records.length, openBefore: this.open?.before });
      },
      repeat: (r, offset) => {
        const start = marks.get(r.from);
        if (!start) throw new Error(`internal: the phase log has no boundary ${r.from}`);
        const end = this.records.length;
        const open = this.open;
        let width = 0;
        if (end > start.records && open) {
          for (let j = 1; j <= r.times; j++) {
            for (let i = start.records; i < end; i++) {
              const rec = this.records[i];
              // The record that the period's first begin() closed started before the period: in a
              // repetition it starts where the phase open at the boundary started, advanced.
              const before = rec.before === start.openBefore ? advanceSnapshot(open.before, j - 1, r.delta, offset) : advanceSnapshot(rec.before, j, r.delta, offset);
              this.records.push({ ...labelOf(rec), before: before.snapshot, after: advanceSnapshot(rec.after, j, r.delta, offset).snapshot });
            }
          }
          const advanced = advanceSnapshot(open.before, r.times, r.delta, offset);
          this.open = { label: open.label, before: advanced.snapshot };
          width = advanced.width;
        } else {
          width = advanceSnapshot(this.snapshot(this.sim.now), 0, r.delta, offset).width;
        }
        return offset + width;
      },
    };
  }

  private snapshot(cycle: number): PhaseSnapshot {
    const actionCounts: Record<string, Readonly<Record<string, number>>> = {};
    const stats: Record<string, Readonly<Record<string, number>>> = {};
    for (const c of this.components) {
      actionCounts[c.name] = c.actionCounts();
      stats[c.name] = c.stats();
    }
    const stalls = Object.fromEntries(STALL_CAUSES.map((s) => [s, 0])) as Record<StallCause, number>;
    let busyCycles = 0;
    for (const u of this.units) {
      busyCycles += u.busy;
      for (const s of STALL_CAUSES) stalls[s] += u.stalls.get(s);
    }
    return { cycle, actionCounts, stats, busyCycles, stalls };
  }
}

function labelOf(r: PhaseRecord): PhaseLabel {
  return { group: r.group, layer: r.layer, direction: r.direction, phase: r.phase };
}

/** A snapshot's numbers in a fixed order (every snapshot of a run has the same shape). */
function flattenSnapshot(s: PhaseSnapshot, out: number[]): void {
  out.push(s.cycle);
  for (const c of Object.values(s.actionCounts)) for (const v of Object.values(c)) out.push(v);
  for (const c of Object.values(s.stats)) for (const v of Object.values(c)) out.push(v);
  out.push(s.busyCycles);
  for (const v of Object.values(s.stalls)) out.push(v);
}

/** A copy of `s` with `times x delta` added to its numbers (laid out as flattenSnapshot, from `offset`), and their count. */
function advanceSnapshot(s: PhaseSnapshot, times: number, delta: ArrayLike<number>, offset: number): { snapshot: PhaseSnapshot; width: number } {
  let at = offset;
  const next = (v: number): number => v + times * delta[at++];
  const table = (t: Readonly<Record<string, Readonly<Record<string, number>>>>): Record<string, Record<string, number>> =>
    Object.fromEntries(Object.entries(t).map(([k, row]) => [k, Object.fromEntries(Object.entries(row).map(([a, v]) => [a, next(v)]))]));
  const cycle = next(s.cycle);
  const actionCounts = table(s.actionCounts);
  const stats = table(s.stats);
  const busyCycles = next(s.busyCycles);
  const stalls = Object.fromEntries(Object.entries(s.stalls).map(([k, v]) => [k, next(v)])) as Record<StallCause, number>;
  return { snapshot: { cycle, actionCounts, stats, busyCycles, stalls }, width: at - offset };
}
