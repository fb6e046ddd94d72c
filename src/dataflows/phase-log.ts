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
