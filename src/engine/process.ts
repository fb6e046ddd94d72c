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

/** A signal that triggers once every given signal has (SimPy's AllOf). */
export function allOf(signals: readonly Signal[]): Signal {
  const join = new Countdown(signals.length);
  for (const s of signals) s.then(() => join.arrive());
  return join;
}

/**
 * Start a process now: its body runs synchronously up to its first wait. Returns the signal of
 * its end; `onDone`, if given, receives the body's return value when it ends.
 */
export function spawn<T>(sim: Simulator, body: Process<T>, onDone?: (value: T) => void): Signal {
  const done = new Signal();
  const resume = (): void => {
    for (;;) {
      const r = body.next();
      if (r.done) {
        onDone?.(r.value);
        done.trigger();
        return;
      }
      const w = r.value;
      if (typeof w === 'number') {
        sim.at(w, resume);
        return;
      }
      if (!w.triggered) {
        w.then(resume);
        return;
      }
    }
  };
  resume();
  return done;
}
