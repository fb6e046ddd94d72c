/**
 * The discrete-event engine: a heap of (cycle, priority, sequence, action) and a pop loop.
 *
 * Time is an integer count of accelerator clock cycles. The order of events is total and
 * deterministic: earlier cycle first, then lower priority value, then earlier insertion.
 * Nothing here reads the wall clock, so the same inputs replay the same event order.
 */
import { Heap } from 'heap-js';

export type Cycle = number;
export type Action = () => void;

interface ScheduledEvent {
  readonly cycle: Cycle;
  readonly priority: number;
  readonly seq: number;
  readonly action: Action;
}

function eventOrder(a: ScheduledEvent, b: ScheduledEvent): number {
  return a.cycle - b.cycle || a.priority - b.priority || a.seq - b.seq;
}

export class Simulator {
  private readonly heap = new Heap<ScheduledEvent>(eventOrder);
  private nextSeq = 0;
  private current: Cycle = 0;
  private processed = 0;

  /** The cycle of the event being processed (or of the last one processed). */
  get now(): Cycle {
    return this.current;
  }

  /** How many events the loop has popped and run so far. */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Schedule `action` at absolute cycle `cycle` (not earlier than now). */
  at(cycle: Cycle, action: Action, priority = 0): void {
    if (!Number.isInteger(cycle)) throw new Error(`event cycle must be an integer, got ${cycle}`);
    if (cycle < this.current) {
      throw new Error(`cannot schedule an event at cycle ${cycle}, before the current cycle ${this.current}`);
    }
    // add() rather than push(): push is variadic and copies its arguments on every call.
    this.heap.add({ cycle, priority, seq: this.nextSeq++, action });
  }

  /** Schedule `action` `delay` cycles from now. */
  after(delay: Cycle, action: Action, priority = 0): void {
    this.at(this.current + delay, action, priority);
  }

  /** Run events until the queue is empty (or the next event is past `untilCycle`). Returns the final cycle. */
  run(untilCycle: Cycle = Number.POSITIVE_INFINITY): Cycle {
    for (;;) {
      const next = this.heap.peek();
      if (next === undefined || next.cycle > untilCycle) break;
      this.heap.pop();
      this.current = next.cycle;
      this.processed++;
      next.action();
    }
    return this.current;
  }

  /** Events still waiting in the queue. */
  get pending(): number {
    return this.heap.size();
  }
}
