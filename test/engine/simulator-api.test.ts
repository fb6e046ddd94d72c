/**
 * The engine's heap against an independent reference (a stable sort of the same events by cycle,
 * priority, insertion), and every method the event order leans on: reserved places, holds,
 * skipping ahead, shifting and listing pending events, and each refusal's message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';

describe('the heap pops in (cycle, priority, insertion) order', () => {
  it('for random schedules, including events added while running, equal to a stable sort', () => {
    const event = fc.record({ cycle: fc.integer({ min: 0, max: 40 }), priority: fc.integer({ min: -3, max: 3 }), spawns: fc.integer({ min: 0, max: 2 }) });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const sim = new Simulator();
        const ran: number[] = [];
        // Reference: every event as (cycle, priority, seq); children get later seqs and run at
        // their parent's cycle + 1 + k with priority 0.
        const reference: { cycle: number; priority: number; seq: number; id: number }[] = [];
        let seq = 0;
        let nextId = 0;
        const schedule = (cycle: number, priority: number, spawns: number): void => {
          const id = nextId++;
          reference.push({ cycle, priority, seq: seq++, id });
          sim.at(
            cycle,
            () => {
              ran.push(id);
              for (let k = 0; k < spawns; k++) schedule(cycle + 1 + k, 0, 0);
            },
            priority,
          );
        };
        for (const e of events) schedule(e.cycle, e.priority, e.spawns);
        const last = sim.run();
        // Events spawned while running are inserted in the reference when they are scheduled,
        // which is when the engine gets them too: sort by (cycle, priority, seq).
        const expected = [...reference].sort((a, b) => a.cycle - b.cycle || a.priority - b.priority || a.seq - b.seq).map((r) => r.id);
        expect(ran).toEqual(expected);
        expect(sim.eventsProcessed).toBe(reference.length);
        expect(sim.pending).toBe(0);
        expect(last).toBe(reference.length === 0 ? 0 : Math.max(...reference.map((r) => r.cycle)));
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});

describe('priorities', () => {
  it('accepts +-2^16 and refuses more, or a fraction, naming the bound', () => {
    const sim = new Simulator();
    const order: string[] = [];
    sim.at(1, () => order.push('low'), 65536);
    sim.at(1, () => order.push('high'), -65536);
    sim.at(1, () => order.push('zero'));
    sim.run();
    expect(order).toEqual(['high', 'zero', 'low']);
    expect(() => sim.at(2, () => undefined, 65537)).toThrow('event priority must be an integer within +-65536, got 65537');
    expect(() => sim.at(2, () => undefined, -65537)).toThrow('event priority must be an integer within +-65536, got -65537');
    expect(() => sim.at(2, () => undefined, 0.5)).toThrow('event priority must be an integer within +-65536, got 0.5');
  });
});

describe('reserved places', () => {
  it('callReserved runs where the event scheduled at reservation time would have run', () => {
    const sim = new Simulator();
    const order: string[] = [];
    sim.at(5, () => order.push('a'));
    const seq = sim.reserveSeq(); // between a and b
    sim.at(5, () => order.push('b'));
    sim.at(0, () => sim.callReserved(5, seq, (x: string) => order.push(x), 'reserved'));
    sim.run();
    expect(order).toEqual(['a', 'reserved', 'b']);
  });

  it('a reserved place may be taken in the current cycle', () => {
    const sim = new Simulator();
    const order: string[] = [];
    sim.at(3, () => {
      const seq = sim.reserveSeq();
      sim.callReserved(3, seq, (x: string) => order.push(x), 'now');
      order.push('running');
    });
    sim.run();
    expect(order).toEqual(['running', 'now']);
  });

  it('refuses a place never reserved, and a cycle in the past', () => {
    const sim = new Simulator();
    const seq = sim.reserveSeq();
    expect(() => sim.callReserved(1, seq + 1, () => undefined, 0)).toThrow(`internal: sequence number ${seq + 1} was never reserved`);
    expect(() => sim.callReserved(1, -1, () => undefined, 0)).toThrow('internal: sequence number -1 was never reserved');
    expect(() => sim.callReserved(1, 0.5, () => undefined, 0)).toThrow('was never reserved');
    sim.at(3, () => expect(() => sim.callReserved(2, seq, () => undefined, 0)).toThrow('cannot schedule an event at cycle 2, before the current cycle 3'));
    sim.run();
    expect(() => sim.callReserved(3.5, seq, () => undefined, 0)).toThrow('cannot schedule an event at cycle 3.5');
  });
});

describe('holds', () => {
  it('a hold ends the run no earlier than it, and no later than untilCycle allows', () => {
    const sim = new Simulator();
    sim.at(2, () => sim.holdUntil(9));
    expect(sim.run(8)).toBe(2); // the hold at 9 is past 8
    expect(sim.heldUntil).toBe(9);
    expect(sim.run(9)).toBe(9);
    expect(sim.now).toBe(9);
  });

  it('a later hold wins, an earlier one changes nothing', () => {
    const sim = new Simulator();
    sim.holdUntil(4);
    sim.holdUntil(7);
    sim.holdUntil(5);
    expect(sim.heldUntil).toBe(7);
    expect(sim.run()).toBe(7);
  });

  it('a hold in the past or at a fraction is refused', () => {
    const sim = new Simulator();
    sim.at(5, () => undefined);
    sim.run();
    expect(() => sim.holdUntil(4)).toThrow('cannot hold the run until cycle 4 (now 5)');
    expect(() => sim.holdUntil(6.5)).toThrow('cannot hold the run until cycle 6.5 (now 5)');
    sim.holdUntil(5);
    expect(sim.heldUntil).toBe(5);
  });
});

describe('skipping ahead and shifting pending events', () => {
  it('skipAhead moves the clock and a hold still ahead, not one already passed', () => {
    const sim = new Simulator();
    sim.holdUntil(10);
    sim.skipAhead(4);
    expect(sim.now).toBe(4);
    expect(sim.heldUntil).toBe(14);
    const passed = new Simulator();
    passed.holdUntil(2);
    passed.at(3, () => undefined);
    passed.run();
    passed.skipAhead(5);
    expect(passed.now).toBe(8);
    expect(passed.heldUntil).toBe(2); // already passed when the event at 3 ran: not moved
  });

  it('a hold reached exactly now is not moved by skipAhead', () => {
    const sim = new Simulator();
    sim.holdUntil(0);
    sim.skipAhead(4);
    expect(sim.heldUntil).toBe(0);
  });

  it('skipAhead refuses to pass a pending event, a negative or a fractional skip; skipping to the event is fine', () => {
    const sim = new Simulator();
    sim.at(6, () => undefined);
    expect(() => sim.skipAhead(7)).toThrow('internal: cannot skip ahead past a pending event');
    expect(() => sim.skipAhead(-1)).toThrow('internal: cannot skip -1 cycles');
    expect(() => sim.skipAhead(1.5)).toThrow('internal: cannot skip 1.5 cycles');
    sim.skipAhead(6);
    expect(sim.now).toBe(6);
  });

  it('shiftPending moves every event later with its argument rewritten, order kept; pendingInOrder lists them in run order', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    const h = (x: unknown): void => {
      seen.push(`${String(x)}@${sim.now}`);
    };
    sim.call(3, h, 'b', 1);
    sim.call(3, h, 'a');
    sim.call(1, h, 'c');
    expect(sim.pendingInOrder().map((e) => [e.cycle, e.arg])).toEqual([
      [1, 'c'],
      [3, 'a'],
      [3, 'b'],
    ]);
    sim.shiftPending(10, (handler, arg) => {
      // Only pending events are rewritten, each with its own handler.
      expect(handler).toBe(h);
      return `${String(arg)}'`;
    });
    sim.run();
    expect(seen).toEqual(["c'@11", "a'@13", "b'@13"]);
  });
});

describe('afterEvent', () => {
  it('runs once, after the running event and before the next one', () => {
    const sim = new Simulator();
    const log: string[] = [];
    sim.at(1, () => {
      log.push('first');
      sim.afterEvent(() => log.push('checkpoint'));
    });
    sim.at(1, () => log.push('second'));
    sim.at(2, () => log.push('third'));
    sim.run();
    expect(log).toEqual(['first', 'checkpoint', 'second', 'third']);
  });
});
