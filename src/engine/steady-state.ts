/**
 * Steady-state fast-forward: skipping loop iterations of a simulation whose whole state provably
 * repeats, with exactly the results of simulating them.
 *
 * A schedule that runs many identical iterations (the timesteps of a recurrent layer, the jobs
 * of a pass) observes the machine at each iteration boundary, between two events. If the state
 * that decides the future (every resource's free times relative to now, buffer pointers, the
 * events still pending, ...) equals the state p boundaries earlier, and the next iterations have
 * the same inputs as the last p, then, the simulation being deterministic and time-invariant,
 * each further group of p iterations is a copy of the last one shifted by its length in cycles:
 * every counter grows by the same amount. The detector then adds those amounts and shifts every
 * time, instead of running the events. Loops may nest (a window of steps); a detector tries every
 * p whose state repeats, shortest first, until every participant confirms one.
 *
 * What a participant must provide (Repeatable): its state relative to a cycle, its counters, and
 * how to repeat the last period. A participant whose period is not a plain copy (a DRAM whose
 * channel occupancy depends on cumulative bytes through floating-point rounding) checks how many
 * repetitions are exact (exactRepeats) and replays its own arithmetic; the others must not skip
 * more. Anything not described here makes a run ineligible (the dataflow decides, see
 * src/dataflows/epur/fast-forward.ts).
 */
import type { Cycle } from './simulator.js';

/** What decides a participant's future: numbers (cycles relative to now, pointers) and names. */
export type StateKey = Array<number | string>;

export interface Repeatable {
  /**
   * Append every number that decides this object's future behaviour, with cycles taken relative
   * to `now` (a free time already past is the same as `now`). Two equal descriptions must give
   * the same future, shifted in time.
   */
  appendState(now: Cycle, out: StateKey): void;
  /** Append every counter the object accumulates (the same count of numbers each time). */
  appendCounters(out: number[]): void;
  /**
   * Repeat the last period `r.times` times: shift every absolute cycle by `r.times x r.cycles`
   * and add `r.times x r.delta[offset + i]` to counter i (in appendCounters order). Returns the
   * offset past this object's counters.
   */
  repeat(r: RepeatRequest, offset: number): number;
  /**
   * Mark an iteration boundary (for participants that log what happens within a period); no
   * period will start before boundary `oldestNeeded` (what came before may be dropped).
   */
  mark?(boundary: number, oldestNeeded: number): void;
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
  /**
   * Another loop may find a period containing these repetitions, so a participant that logs
   * what happens in a period (mark) logs them as if they had run.
   */
  readonly nested: boolean;
}

/** Add `times x delta[offset..]` to `counters` in place; returns the offset past them. */
export function addRepeated(counters: { [i: number]: number; readonly length: number }, times: number, delta: ArrayLike<number>, offset: number): number {
  for (let i = 0; i < counters.length; i++) counters[i] += times * delta[offset + i];
  return offset + counters.length;
}

/** Sorted free times of a set of servers relative to now, a past time counting as now. */
export function appendRelativeFreeTimes(freeAt: readonly Cycle[], now: Cycle, out: StateKey): void {
  if (freeAt.length === 1) {
    out.push(freeAt[0] > now ? freeAt[0] - now : 0);
    return;
  }
  if (freeAt.length === 2) {
    const a = freeAt[0] > now ? freeAt[0] - now : 0;
    const b = freeAt[1] > now ? freeAt[1] - now : 0;
    out.push(a < b ? a : b, a < b ? b : a);
    return;
  }
  const rel = freeAt.map((f) => (f > now ? f - now : 0)).sort((a, b) => a - b);
  for (const r of rel) out.push(r);
}

interface Boundary {
  readonly cycle: Cycle;
  readonly key: string;
  readonly state: StateKey;
  readonly counters: Float64Array;
  readonly mark: number;
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
  private readonly live = new Set<PeriodDetector>();

  constructor(
    readonly parts: readonly Repeatable[],
    /** Advance the simulator's clock by `cycles` (events still pending were moved past it by a participant). */
    readonly advanceClock: (cycles: Cycle) => void,
  ) {}

  /**
   * A detector for one run of a loop (a new layer, window or phase starts a new one); close it
   * when the loop ends. Loops may nest: an outer loop's period then contains the inner loop's
   * skipped iterations, which participants record as if they had run. `parts` join the run's
   * participants for this loop only; `maxPeriod` is the longest period looked for.
   */
  loop(options: { readonly parts?: readonly Repeatable[]; readonly maxPeriod?: number } = {}): PeriodDetector {
    const detector = new PeriodDetector(this, [...this.parts, ...(options.parts ?? [])], options.maxPeriod ?? 64);
    this.live.add(detector);
    return detector;
  }

  /** Whether a loop other than `loop` may still find a period spanning what happens now (it keeps boundaries). */
  spannedByAnotherLoop(loop: PeriodDetector): boolean {
    for (const d of this.live) if (d !== loop && d.oldestMark() !== undefined) return true;
    return false;
  }

  /** A detector's loop has ended. */
  closed(detector: PeriodDetector): void {
    this.live.delete(detector);
  }

  /** A new boundary number, unique in the run, announced to `parts` with the oldest boundary any open loop may still use. */
  nextMark(parts: readonly Repeatable[]): number {
    const mark = this.marks++;
    let oldest = mark;
    for (const d of this.live) oldest = Math.min(oldest, d.oldestMark() ?? mark);
    for (const p of parts) p.mark?.(mark, oldest);
    return mark;
  }
}

/** Watches the boundaries of one loop and skips whole periods once the state repeats. */
export class PeriodDetector {
  private readonly history: Boundary[] = [];

  constructor(
    private readonly run: SteadyState,
    private readonly parts: readonly Repeatable[],
    private readonly maxPeriod: number,
  ) {}

  /**
   * An iteration with inputs `key` has just ended at cycle `now`, with no event pending, and
   * `following` more iterations with the same inputs come next. Returns what was skipped (of
   * those following iterations); the caller then records the skipped iterations' outputs (a
   * copy of the last period's, shifted) and continues after them.
   */
  boundary(now: Cycle, key: string, following: number): Skip {
    const state: StateKey = [];
    const counters: number[] = [];
    for (const p of this.parts) {
      p.appendState(now, state);
      p.appendCounters(counters);
    }
    // Iterations with other inputs end the comparable history.
    if (this.history.length > 0 && this.history[this.history.length - 1].key !== key) this.history.length = 0;
    const mark = this.run.nextMark(this.parts);
    const here: Boundary = { cycle: now, key, state, counters: Float64Array.from(counters), mark };
    this.history.push(here);
    if (this.history.length > this.maxPeriod + 1) this.history.shift();
    // The shortest period whose repetitions every participant confirms (a participant whose
    // state leaves something out, the DRAM's rounding, may refuse a period and accept a longer one).
    let period = 0;
    let times = 0;
    for (const p of following > 0 ? this.periods() : []) {
      times = Math.floor(following / p);
      const from = this.history[this.history.length - 1 - p].mark;
      // The loop's own participants come last and usually limit most: ask them first.
      for (let i = this.parts.length - 1; i >= 0 && times > 0; i--) {
        const part = this.parts[i];
        if (part.exactRepeats) times = Math.min(times, part.exactRepeats(times, from));
      }
      if (times > 0) {
        period = p;
        break;
      }
    }
    if (period === 0) return NO_SKIP;
    const earlier = this.history[this.history.length - 1 - period];
    const periodCycles = now - earlier.cycle;
    const delta = new Float64Array(counters.length);
    for (let i = 0; i < delta.length; i++) delta[i] = here.counters[i] - earlier.counters[i];
    const request: RepeatRequest = { times, cycles: periodCycles, delta, from: earlier.mark, nested: this.run.spannedByAnotherLoop(this) };
    let offset = 0;
    for (const p of this.parts) offset = p.repeat(request, offset);
    if (offset !== delta.length) throw new Error('internal: fast-forward participants repeated a different number of counters than they reported');
    this.run.advanceClock(times * periodCycles);
    // The boundary reached is the last one shifted; the history is not comparable with it.
    this.history.length = 0;
    return { iterations: times * period, period, periodCycles };
  }

  /** A boundary that cannot be observed (events pending) breaks the run of consecutive boundaries. */
  reset(): void {
    this.history.length = 0;
  }

  /** The loop has ended. */
  close(): void {
    this.history.length = 0;
    this.run.closed(this);
  }

  /** The oldest boundary a period found later could start at (undefined: none kept). */
  oldestMark(): number | undefined {
    return this.history[0]?.mark;
  }

  /** Every p (shortest first) such that the state p boundaries before the latest equals the latest's. */
  private periods(): number[] {
    const h = this.history;
    const here = h[h.length - 1];
    const found: number[] = [];
    for (let p = 1; p < h.length; p++) if (sameState(h[h.length - 1 - p].state, here.state)) found.push(p);
    return found;
  }
}

function sameState(a: StateKey, b: StateKey): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
