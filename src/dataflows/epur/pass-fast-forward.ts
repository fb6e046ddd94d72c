/**
 * Steady-state fast-forward inside a pass of many alike tile jobs: MWL's input-side pass runs
 * every weight tile once per timestep of the window, so each unit issues hundreds of equal jobs
 * in a row, and tile after tile alike. The machine never rests there (every unit has work in
 * flight), so the state compared at each observation (after an event in which the first unit
 * issued a job) includes the pending events: each described by its kind, its cycle relative to
 * now and its job relative to the unit's next one, in the order they will run. When that state
 * (and everything else, src/engine/steady-state.ts) repeats and the jobs ahead are alike (the
 * same job within a run; over tiles, the job a period earlier), every unit's next jobs are copies
 * of its last period's: the units move on by the jobs of the skipped periods, and the events in
 * flight move with them in time and in job. TilePass says what of a pass is state at each scale.
 */
import type { Cycle, Simulator } from '../../engine/simulator.js';
import type { Arrivals } from '../../engine/process.js';
import type { Repeatable, RepeatRequest, StateKey } from '../../engine/steady-state.js';
import type { JobClasses, PassEventKind, PassScale, TilePass } from './compute-unit.js';

const JOB_EVENTS: ReadonlySet<PassEventKind> = new Set(['stream_end', 'result', 'fetch_arrived', 'weights_usable']);

export class PassesInFlight implements Repeatable {
  /** Each pass's jobs issued and fetched (and the join's arrivals expected) at each recent boundary. */
  private readonly marks = new Map<number, { readonly issued: readonly number[]; readonly fetched: readonly number[]; readonly expected: number }>();

  constructor(
    private readonly sim: Simulator,
    private readonly passes: readonly TilePass[],
    /** Each pass's jobs by class. */
    private readonly classes: readonly JobClasses[],
    /** The join the passes' results arrive at (announced ahead, Arrivals). */
    private readonly join: Arrivals,
    /** Within runs of one job, or over tiles (TilePass). */
    private readonly scale: PassScale,
  ) {}

  /** The pending events, in run order, as of the last look (the same boundary asks twice). */
  private pendingCache: { at: number; processed: number; events: ReturnType<Simulator['pendingInOrder']> } | undefined;

  private pending(): ReturnType<Simulator['pendingInOrder']> {
    const c = this.pendingCache;
    if (c && c.at === this.sim.now && c.processed === this.sim.eventsProcessed) return c.events;
    const events = this.sim.pendingInOrder();
    this.pendingCache = { at: this.sim.now, processed: this.sim.eventsProcessed, events };
    return events;
  }

  private owner(handler: Parameters<TilePass['eventKind']>[0]): { pass: number; kind: PassEventKind } | undefined {
    for (let p = 0; p < this.passes.length; p++) {
      const kind = this.passes[p].eventKind(handler);
      if (kind) return { pass: p, kind };
    }
    return undefined;
  }

  appendState(now: Cycle, out: StateKey): void {
    for (const p of this.passes) p.appendState(now, out, this.scale);
    const pending = this.pending();
    // The latest arrival announced decides when the join triggers (unless a later one comes)
    // and where among the pending events; one already past is overtaken by any to come.
    const latest = this.join.latest;
    if (latest.cycle >= now) {
      let before = 0;
      for (const e of pending) if (e.cycle < latest.cycle || (e.cycle === latest.cycle && e.key < latest.seq)) before++;
      out.push(latest.cycle - now, before);
    } else out.push(-1, -1);
    for (const e of pending) {
      const o = this.owner(e.handler);
      if (!o) {
        // Not the passes' work: never the same state twice.
        out.push(`other event ${e.key}`);
        continue;
      }
      out.push(o.pass, o.kind, e.cycle - now);
      if (JOB_EVENTS.has(o.kind)) this.passes[o.pass].describeJob(o.kind, e.arg as number, out);
    }
  }

  appendCounters(out: number[]): void {
    for (const p of this.passes) out.push(p.issuedJobs, p.fetchedJobs);
    out.push(this.join.expected);
  }

  mark(boundary: number, oldestNeeded: number): void {
    for (const m of this.marks.keys()) if (m < oldestNeeded) this.marks.delete(m);
    this.marks.set(boundary, { issued: this.passes.map((p) => p.issuedJobs), fetched: this.passes.map((p) => p.fetchedJobs), expected: this.join.expected });
  }

  exactRepeats(times: number, from: number): number {
    const start = this.marks.get(from);
    if (!start) throw new Error(`internal: no record of the passes at boundary ${from}`);
    // The earliest job each pass has in flight.
    const inFlight = this.passes.map((p) => p.issuedJobs);
    for (const e of this.pending()) {
      const o = this.owner(e.handler);
      if (o && JOB_EVENTS.has(o.kind)) inFlight[o.pass] = Math.min(inFlight[o.pass], e.arg as number);
    }
    let n = times;
    this.passes.forEach((p, i) => {
      n = Math.min(n, p.repeatableFor(n, p.issuedJobs - start.issued[i], p.fetchedJobs - start.fetched[i], inFlight[i], this.classes[i], this.scale));
    });
    // The join must still be waiting after the repetitions (its last arrivals are not copies).
    const perPeriod = start.expected - this.join.expected;
    if (perPeriod > 0) n = Math.min(n, Math.floor((this.join.expected - 1) / perPeriod));
    return Math.max(0, n);
  }

  repeat(r: RepeatRequest, offset: number): number {
    this.pendingCache = undefined;
    const now = this.sim.now;
    const jobs = this.passes.map((_, i) => r.times * r.delta[offset + 2 * i]);
    this.passes.forEach((p, i) => p.repeat(r.times, r.delta[offset + 2 * i], r.delta[offset + 2 * i + 1], r.cycles, now));
    this.sim.shiftPending(r.times * r.cycles, (handler, arg) => {
      const o = this.owner(handler);
      if (!o) throw new Error('internal: an event of other work was pending in a repeated pass');
      return JOB_EVENTS.has(o.kind) ? this.passes[o.pass].movedJob(o.kind, arg as number, jobs[o.pass]) : arg;
    });
    const arrivals = -r.times * r.delta[offset + 2 * this.passes.length];
    this.join.skipArrivals(arrivals, this.join.latest.cycle >= now ? r.times * r.cycles : 0);
    return offset + 2 * this.passes.length + 1;
  }
}
