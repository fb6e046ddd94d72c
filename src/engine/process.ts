/**
 * Processes above the event heap, SimPy-style, so a schedule reads as straight lines:
 *
 *   function* step(): Process {
 *     const g = dram.transfer(bytes, 'read');
 *     yield g;                       // wait until cycle g (an event at that cycle)
 *     yield allOf([a, b]);           // wait for two signals (a join)
 *     yield* loadInputs();           // a sub-process, inline
 *   }
 *   spawn(sim, step());
 *
 * What a process yields: a number is an absolute cycle to wait for (scheduled as an event at
 * that cycle, so same-cycle work keeps the heap's order); a Signal is waited on and resumes the
 * process synchronously, inside the event that triggers it (as a callback would). These two
 * rules make a process exactly equivalent to the continuation-passing code it replaces: the
 * same events in the same order, the same resource reservations, the same cycle counts.
 */
import type { Cycle, Simulator } from './simulator.js';

/** What a process waits for: an absolute cycle, or a signal. */
export type Wait = Cycle | Signal;
export type Process<T = void> = Generator<Wait, T, void>;

/** A one-shot occurrence that processes wait for; triggering it resumes them in the order they waited. */
export class Signal {
  private waiters: Array<() => void> | undefined;
  private fired = false;

  get triggered(): boolean {
    return this.fired;
  }

  /** Run `fn` when the signal triggers (at once if it already has). */
  then(fn: () => void): void {
    if (this.fired) {
      fn();
      return;
    }
    (this.waiters ??= []).push(fn);
  }

  trigger(): void {
    if (this.fired) throw new Error('internal: a signal was triggered twice');
    this.fired = true;
    const w = this.waiters;
    this.waiters = undefined;
    if (w) for (let i = 0; i < w.length; i++) w[i]();
  }
}

/** A join: triggers when `arrive()` has been called `count` times (at once for count 0). */
export class Countdown extends Signal {
  constructor(private left: number) {
    super();
    if (!Number.isInteger(left) || left < 0) throw new Error(`internal: countdown of ${left}`);
    if (left === 0) this.trigger();
  }

  arrive(): void {
    if (this.left <= 0) throw new Error('internal: countdown arrived past zero');
    if (--this.left === 0) this.trigger();
  }
}

/**
 * A join whose arrivals are announced ahead: `arriveAt(cycle)` says one arrives at `cycle`, as a
 * process that waits until then and arrives would (`yield cycle; join.arrive()`). The join
 * triggers where the last of those arrivals would have, in the same event order, but with one
 * event in all instead of one per arrival: each announcement takes the sequence number its own
 * event would have had, and only the latest (cycle, sequence) is scheduled.
 */
export class Arrivals extends Signal {
  private lastCycle = -1;
  private lastSeq = -1;

  constructor(
    private readonly sim: Simulator,
    private left: number,
  ) {
    super();
    if (!Number.isInteger(left) || left < 0) throw new Error(`internal: join of ${left} arrivals`);
    if (left === 0) this.trigger();
  }

  arriveAt(cycle: Cycle): void {
    if (this.left <= 0) throw new Error('internal: more arrivals announced than the join expects');
    const seq = this.sim.reserveSeq();
    if (cycle > this.lastCycle || (cycle === this.lastCycle && seq > this.lastSeq)) {
      this.lastCycle = cycle;
      this.lastSeq = seq;
    }
    if (--this.left === 0) this.sim.callReserved(this.lastCycle, this.lastSeq, triggerSignal, this as Signal);
  }

  /** Arrivals not announced yet. */
  get expected(): number {
    return this.left;
  }

  /** The latest arrival announced so far: its cycle and its event's sequence number (cycle -1: none). */
  get latest(): { readonly cycle: Cycle; readonly seq: number } {
    return { cycle: this.lastCycle, seq: this.lastSeq };
  }

  /**
   * Steady-state fast-forward: `arrivals` more have been announced (fewer than expected), the
   * latest `cycles` later than the latest now, in the same place among the events pending.
   */
  skipArrivals(arrivals: number, cycles: Cycle): void {
    if (!(arrivals >= 0 && arrivals < this.left)) throw new Error(`internal: cannot skip ${arrivals} of ${this.left} arrivals`);
    this.left -= arrivals;
    this.lastCycle += cycles;
  }
}

function triggerSignal(s: Signal): void {
  s.trigger();
}

/** A signal that triggers once every given signal has (SimPy's AllOf). */
export function allOf(signals: readonly Signal[]): Signal {
  const join = new Countdown(signals.length);
  for (const s of signals) s.then(() => join.arrive());
  return join;
}

/** A started process: its end, as a signal to wait for (made only when asked for). */
export interface ProcessHandle {
  readonly done: Signal;
}

/** A process being run: resumes its body until it waits (for a cycle or a signal) or ends. */
class RunningProcess<T> implements ProcessHandle {
  private ended = false;
  private endSignal: Signal | undefined;
  /** Resumes the body when a signal it waits for triggers (made on the first such wait). */
  private resumeOnSignal: (() => void) | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly body: Process<T>,
    private readonly onDone: ((value: T) => void) | undefined,
  ) {}

  get done(): Signal {
    if (!this.endSignal) {
      this.endSignal = new Signal();
      if (this.ended) this.endSignal.trigger();
    }
    return this.endSignal;
  }

  resume(): void {
    for (;;) {
      const r = this.body.next();
      if (r.done) {
        this.ended = true;
        this.onDone?.(r.value);
        this.endSignal?.trigger();
        return;
      }
      const w = r.value;
      if (typeof w === 'number') {
        // The process itself is the event's argument: no closure per wait.
        this.sim.call(w, resumeProcess, this as RunningProcess<unknown>);
        return;
      }
      if (!w.triggered) {
        w.then((this.resumeOnSignal ??= () => this.resume()));
        return;
      }
    }
  }
}

function resumeProcess(p: RunningProcess<unknown>): void {
  p.resume();
}

/**
 * Start a process now: its body runs synchronously up to its first wait. Returns a handle whose
 * `done` signal triggers when it ends; `onDone`, if given, receives the body's return value then.
 */
export function spawn<T>(sim: Simulator, body: Process<T>, onDone?: (value: T) => void): ProcessHandle {
  const p = new RunningProcess(sim, body, onDone);
  p.resume();
  return p;
}
