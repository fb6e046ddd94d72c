/**
 * The discrete-event engine: a heap of (cycle, priority, sequence, action) and a pop loop.
 *
 * Time is an integer count of accelerator clock cycles. The order of events is total and
 * deterministic: earlier cycle first, then lower priority value, then earlier insertion.
 * Nothing here reads the wall clock, so the same inputs replay the same event order.
 *
 * The heap is a binary heap over three parallel arrays (cycle, order key, action) rather than
 * one object per event: a run pops millions of events, and this is the engine's hot loop.
 * The order key packs (priority, sequence) into one exact integer: priority * 2^36 + sequence.
 */
export type Cycle = number;
export type Action = () => void;
/** An event handler that receives an argument stored with the event (no closure per event). */
export type EventHandler = (arg: unknown) => void;
type Handler = EventHandler;

/** Sequence numbers stay below 2^36 and priorities within +-2^16, so the packed key is an exact double. */
const SEQ_SPAN = 2 ** 36;
const MAX_PRIORITY = 2 ** 16;

export class Simulator {
  private cycles: number[] = [];
  private keys: number[] = [];
  private actions: Handler[] = [];
  private args: unknown[] = [];
  private size = 0;
  private nextSeq = 0;
  private current: Cycle = 0;
  private processed = 0;
  /** The run lasts at least until this cycle (holdUntil). */
  private held: Cycle = 0;
  /** Run once after the current event's action returns (afterEvent). */
  private checkpoint: (() => void) | undefined;
  private progressHook: (() => void) | undefined;

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
    this.call(cycle, action, undefined, priority);
  }

  /**
   * Schedule `handler(arg)` at absolute cycle `cycle`: the same as at(cycle, () => handler(arg)),
   * without allocating a closure for every event (hot paths hand one handler many arguments).
   */
  call<T>(cycle: Cycle, handler: (arg: T) => void, arg: T, priority = 0): void {
    if (!Number.isInteger(cycle)) throw new Error(`event cycle must be an integer, got ${cycle}`);
    if (cycle < this.current) {
      throw new Error(`cannot schedule an event at cycle ${cycle}, before the current cycle ${this.current}`);
    }
    if (this.nextSeq >= SEQ_SPAN) throw new Error(`more than ${SEQ_SPAN} events scheduled in one run`);
    let key = this.nextSeq++;
    if (priority !== 0) {
      if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY) throw new Error(`event priority must be an integer within +-${MAX_PRIORITY}, got ${priority}`);
      key += priority * SEQ_SPAN;
    }
    this.push(cycle, key, handler as Handler, arg);
  }

  /** Schedule `action` `delay` cycles from now. */
  after(delay: Cycle, action: Action, priority = 0): void {
    this.at(this.current + delay, action, priority);
  }

  /**
   * Take the sequence number an event scheduled now would get, without scheduling one: a later
   * callReserved with it runs exactly where that event would have run among events of the same
   * cycle (for joins that learn late which of several announced arrivals is the last).
   */
  reserveSeq(): number {
    if (this.nextSeq >= SEQ_SPAN) throw new Error(`more than ${SEQ_SPAN} events scheduled in one run`);
    return this.nextSeq++;
  }

  /**
   * Schedule `handler(arg)` at `cycle` in the place of an event that was scheduled when `seq` was
   * reserved (reserveSeq, priority 0). That place must still be ahead of the running event.
   */
  callReserved<T>(cycle: Cycle, seq: number, handler: (arg: T) => void, arg: T): void {
    if (!Number.isInteger(cycle) || cycle < this.current) throw new Error(`cannot schedule an event at cycle ${cycle}, before the current cycle ${this.current}`);
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.nextSeq) throw new Error(`internal: sequence number ${seq} was never reserved`);
    this.push(cycle, seq, handler as Handler, arg);
  }

  /**
   * Make the run last at least until `cycle`, as an event there that does nothing would, but
   * without one: for work that ends in the background with nothing waiting for it (a write-back).
   */
  holdUntil(cycle: Cycle): void {
    if (!Number.isInteger(cycle) || cycle < this.current) throw new Error(`cannot hold the run until cycle ${cycle} (now ${this.current})`);
    if (cycle > this.held) this.held = cycle;
  }

  /** The cycle the run is held until (holdUntil; 0 if never). */
  get heldUntil(): Cycle {
    return this.held;
  }

  /**
   * Move the clock `cycles` ahead (steady-state fast-forward: the skipped cycles' work is
   * accounted elsewhere); pending events must already be at or after the new cycle
   * (shiftPending). A hold still ahead moves with the clock.
   */
  skipAhead(cycles: Cycle): void {
    if (!Number.isInteger(cycles) || cycles < 0) throw new Error(`internal: cannot skip ${cycles} cycles`);
    for (let i = 0; i < this.size; i++) if (this.cycles[i] < this.current + cycles) throw new Error('internal: cannot skip ahead past a pending event');
    if (this.held > this.current) this.held += cycles;
    this.current += cycles;
  }

  /**
   * Run `fn` once, right after the running event's action returns and before the next event:
   * a point between events, where a steady-state detector may look at the whole state.
   */
  afterEvent(fn: () => void): void {
    this.checkpoint = fn;
  }

  /** The pending events in the order they will run (for describing the state; not to be changed). */
  pendingInOrder(): Array<{ readonly cycle: Cycle; readonly key: number; readonly handler: EventHandler; readonly arg: unknown }> {
    const out = [];
    for (let i = 0; i < this.size; i++) out.push({ cycle: this.cycles[i], key: this.keys[i], handler: this.actions[i], arg: this.args[i] });
    return out.sort((a, b) => a.cycle - b.cycle || a.key - b.key);
  }

  /**
   * Move every pending event `cycles` later, giving it the argument `rewrite(handler, arg)`
   * (steady-state fast-forward of work in flight). Their order is unchanged.
   */
  shiftPending(cycles: Cycle, rewrite: (handler: EventHandler, arg: unknown) => unknown): void {
    for (let i = 0; i < this.size; i++) {
      this.cycles[i] += cycles;
      this.args[i] = rewrite(this.actions[i], this.args[i]);
    }
  }

  /**
   * Call `hook` every 65,536 events while running, for a progress display. It reads state; it must
   * not schedule events or change anything, or the results would depend on whether it is shown.
   */
  setProgressHook(hook: (() => void) | undefined): void {
    this.progressHook = hook;
  }

  /** Run events until the queue is empty (or the next event is past `untilCycle`). Returns the final cycle. */
  run(untilCycle: Cycle = Number.POSITIVE_INFINITY): Cycle {
    const cycles = this.cycles;
    const actions = this.actions;
    const args = this.args;
    while (this.size > 0 && cycles[0] <= untilCycle) {
      this.current = cycles[0];
      const action = actions[0];
      const arg = args[0];
      this.popTop();
      this.processed++;
      action(arg);
      // A progress display looks in every 65,536 events (it must not schedule or change anything).
      if ((this.processed & 0xffff) === 0 && this.progressHook) this.progressHook();
      if (this.checkpoint !== undefined) {
        const c = this.checkpoint;
        this.checkpoint = undefined;
        c();
      }
    }
    // A hold within reach ends the run no earlier than it, as its event would have.
    if (this.held > this.current && this.held <= untilCycle) this.current = this.held;
    return this.current;
  }

  /** Events still waiting in the queue. */
  get pending(): number {
    return this.size;
  }

  private push(cycle: Cycle, key: number, action: Handler, arg: unknown): void {
    const cycles = this.cycles;
    const keys = this.keys;
    const actions = this.actions;
    const args = this.args;
    // Sift up from the new leaf: move parents down until the new event's place is found.
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pc = cycles[parent];
      if (pc < cycle || (pc === cycle && keys[parent] < key)) break;
      cycles[i] = pc;
      keys[i] = keys[parent];
      actions[i] = actions[parent];
      args[i] = args[parent];
      i = parent;
    }
    cycles[i] = cycle;
    keys[i] = key;
    actions[i] = action;
    args[i] = arg;
  }

  /** Remove the earliest event (the caller has read it). */
  private popTop(): void {
    const cycles = this.cycles;
    const keys = this.keys;
    const actions = this.actions;
    const args = this.args;
    const last = --this.size;
    const cycle = cycles[last];
    const key = keys[last];
    const action = actions[last];
    const arg = args[last];
    // Drop the references so a finished action (and what it closes over) can be collected.
    actions[last] = undefined as unknown as Handler;
    args[last] = undefined;
    if (last === 0) return;
    // Sift the former last leaf down from the root.
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && (cycles[right] < cycles[child] || (cycles[right] === cycles[child] && keys[right] < keys[child]))) child = right;
      const cc = cycles[child];
      if (cycle < cc || (cycle === cc && key < keys[child])) break;
      cycles[i] = cc;
      keys[i] = keys[child];
      actions[i] = actions[child];
      args[i] = args[child];
      i = child;
    }
    cycles[i] = cycle;
    keys[i] = key;
    actions[i] = action;
    args[i] = arg;
  }
}
