/**
 * Steady-state fast-forward: skipping loop iterations of a simulation whose whole state provably
 * repeats, with exactly the results of simulating them.
 *
 * A schedule that runs many identical iterations (the timesteps of a recurrent layer) observes
 * the machine at each iteration boundary, when no event is pending. If the state that decides
 * the future (every resource's free times relative to now, buffer bank pointers, ...) equals the
 * state p boundaries earlier, and the next iterations have the same inputs as the last p, then
 * the simulation is deterministic and time-invariant, so each further group of p iterations is a
 * copy of the last one shifted by its length in cycles: every counter grows by the same amount.
 * The detector then adds those amounts and shifts every time, instead of running the events.
 *
 * What a participant must provide (Repeatable): its state relative to a cycle, its counters, and
 * how to repeat the last period. A participant whose period is not a plain copy (a DRAM whose
 * channel occupancy depends on cumulative bytes through floating-point rounding) checks how many
 * repetitions are exact (exactRepeats) and replays its own arithmetic; the others must not skip
 * more. Anything not described here makes a run ineligible (the dataflow decides, see
 * src/dataflows/epur/fast-forward.ts).
 */
import type { Cycle } from './simulator.js';

export interface Repeatable {
  /**
   * Append every number that decides this object's future behaviour, with cycles taken relative
   * to `now` (a free time already past is the same as `now`). Two equal descriptions must give
   * the same future, shifted in time.
   */
  appendState(now: Cycle, out: number[]): void;
  /** Append every counter the object accumulates (the same count of numbers each time). */
  appendCounters(out: number[]): void;
  /**
   * Repeat the last period `r.times` times: shift every absolute cycle by `r.times x r.cycles`
   * and add `r.times x r.delta[offset + i]` to counter i (in appendCounters order). Returns the
   * offset past this object's counters.
   */
  repeat(r: RepeatRequest, offset: number): number;
  /** Mark an iteration boundary (for participants that log what happens within a period). */
  mark?(boundary: number): void;
  /**
   * How many of `times` repetitions of the period from boundary `from` to the latest mark would
   * be exact (at most `times`); participants without this are always exact.
   */
  exactRepeats?(times: number, from: number): number;
}

/** A period to repeat: `times` more copies of what happened from boundary `from` to the latest. */
export interface RepeatRequest {
  readonly times: number;
  /** Length of one period. */
  readonly cycles: Cycle;
  /** Each counter's growth over one period, in appendCounters order over all participants. */
  readonly delta: ArrayLike<number>;
  /** The boundary (mark) the period started at. */
  readonly from: number;
}

/** Add `times x delta[offset..]` to `counters` in place; returns the offset past them. */
export function addRepeated(counters: { [i: number]: number; readonly length: number }, times: number, delta: ArrayLike<number>, offset: number): number {
  for (let i = 0; i < counters.length; i++) counters[i] += times * delta[offset + i];
  return offset + counters.length;
}

/** Sorted free times of a set of servers relative to now, a past time counting as now. */
export function appendRelativeFreeTimes(freeAt: readonly Cycle[], now: Cycle, out: number[]): void {
  if (freeAt.length === 1) {
    out.push(freeAt[0] > now ? freeAt[0] - now : 0);
    return;
  }
  const rel = freeAt.map((f) => (f > now ? f - now : 0)).sort((a, b) => a - b);
  for (const r of rel) out.push(r);
}

interface Boundary {
  readonly cycle: Cycle;
  readonly key: string;
  readonly state: readonly number[];
  readonly counters: Float64Array;
}

/** What a skip did: iterations skipped (a multiple of the period) and the period's length. */
export interface Skip {
  readonly iterations: number;
  readonly period: number;
  readonly periodCycles: Cycle;
}

const NO_SKIP: Skip = { iterations: 0, period: 0, periodCycles: 0 };

/** The participants of one run; hands out a detector per loop and numbers their boundaries. */
export class SteadyState {
  private marks = 0;

  constructor(
    readonly parts: readonly Repeatable[],
    /** Advance the simulator's clock by `cycles` (nothing may be pending). */
    readonly advanceClock: (cycles: Cycle) => void,
    /** Longest period looked for, in iterations. */
    readonly maxPeriod = 64,
  ) {}

  /** A detector for one run of a loop (a new layer, window or phase starts a new one). */
  loop(): PeriodDetector {
    return new PeriodDetector(this);
  }

  /** A new boundary number, unique in the run, announced to every participant. */
  nextMark(): number {
    const mark = this.marks++;
    for (const p of this.parts) p.mark?.(mark);
    return mark;
  }
}

/** Watches the boundaries of one loop and skips whole periods once the state repeats. */
export class PeriodDetector {
  private readonly history: Array<Boundary & { readonly mark: number }> = [];
  private readonly parts: readonly Repeatable[];
  private readonly maxPeriod: number;

  constructor(private readonly run: SteadyState) {
    this.parts = run.parts;
    this.maxPeriod = run.maxPeriod;
  }

  /**
   * An iteration with inputs `key` has just ended at cycle `now`, with no event pending, and
   * `following` more iterations with the same inputs come next. Returns what was skipped (of
   * those following iterations); the caller then records the skipped iterations' outputs (a
   * copy of the last period's, shifted) and continues after them.
   */
  boundary(now: Cycle, key: string, following: number): Skip {
    const state: number[] = [];
    const counters: number[] = [];
    for (const p of this.parts) {
      p.appendState(now, state);
      p.appendCounters(counters);
    }
    const mark = this.run.nextMark();
    const here = { cycle: now, key, state, counters: Float64Array.from(counters), mark };
    // Iterations with other inputs end the comparable history.
    if (this.history.length > 0 && this.history[this.history.length - 1].key !== key) this.history.length = 0;
    const found = following > 0 ? this.findPeriod(here) : 0;
    this.history.push(here);
    if (this.history.length > this.maxPeriod + 1) this.history.shift();
    if (found === 0) return NO_SKIP;
    const period = found;
    const earlier = this.history[this.history.length - 1 - period];
    let times = Math.floor(following / period);
    for (const p of this.parts) if (p.exactRepeats) times = Math.min(times, p.exactRepeats(times, earlier.mark));
    if (times <= 0) return NO_SKIP;
    const periodCycles = now - earlier.cycle;
    const delta = new Float64Array(counters.length);
    for (let i = 0; i < delta.length; i++) delta[i] = here.counters[i] - earlier.counters[i];
    const request: RepeatRequest = { times, cycles: periodCycles, delta, from: earlier.mark };
    let offset = 0;
    for (const p of this.parts) offset = p.repeat(request, offset);
    if (offset !== delta.length) throw new Error('internal: fast-forward participants repeated a different number of counters than they reported');
    this.run.advanceClock(times * periodCycles);
    // The boundary reached is the last one shifted; the history stays valid relative to it.
    this.history.length = 0;
    return { iterations: times * period, period, periodCycles };
  }

  /** A boundary that cannot be observed (events pending) breaks the run of consecutive boundaries. */
  reset(): void {
    this.history.length = 0;
  }

  /** Smallest p such that the state p boundaries ago equals this one (0: none). */
  private findPeriod(here: Boundary): number {
    const h = this.history;
    for (let p = 1; p <= h.length && p <= this.maxPeriod; p++) {
      const earlier = h[h.length - p];
      if (sameNumbers(earlier.state, here.state)) return p;
    }
    return 0;
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
