import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { allOf, Arrivals, Countdown, Signal, spawn, type Process } from '../../src/engine/process.js';

describe('processes', () => {
  it('a process runs synchronously up to its first wait, then at the cycles it yields', () => {
    const sim = new Simulator();
    const log: string[] = [];
    function* body(): Process<string> {
      log.push(`start@${sim.now}`);
      yield 5;
      log.push(`five@${sim.now}`);
      yield 5; // the current cycle: still an event, after those already queued for cycle 5
      log.push(`again@${sim.now}`);
      return 'done';
    }
    sim.at(5, () => log.push('other@5'));
    let value = '';
    const handle = spawn(sim, body(), (v) => (value = v));
    expect(log).toEqual(['start@0']);
    sim.run();
    expect(log).toEqual(['start@0', 'other@5', 'five@5', 'again@5']);
    expect(value).toBe('done');
    expect(handle.done.triggered).toBe(true);
  });

  it('a process waiting on a signal resumes inside the event that triggers it, in the order processes waited', () => {
    const sim = new Simulator();
    const s = new Signal();
    const log: string[] = [];
    function* waiter(name: string): Process {
      yield s;
      log.push(`${name}@${sim.now}`);
    }
    spawn(sim, waiter('a'));
    spawn(sim, waiter('b'));
    sim.at(3, () => {
      log.push('trigger');
      s.trigger();
      log.push('after trigger');
    });
    sim.run();
    expect(log).toEqual(['trigger', 'a@3', 'b@3', 'after trigger']);
  });

  it('a process can wait for another one to end (its done signal)', () => {
    const sim = new Simulator();
    function* child(): Process {
      yield 7;
    }
    const log: number[] = [];
    function* parent(): Process {
      yield spawn(sim, child()).done;
      log.push(sim.now);
    }
    spawn(sim, parent());
    sim.run();
    expect(log).toEqual([7]);
  });

  it('Countdown triggers at its n-th arrival (at once for 0); allOf joins signals', () => {
    const zero = new Countdown(0);
    expect(zero.triggered).toBe(true);
    const c = new Countdown(2);
    c.arrive();
    expect(c.triggered).toBe(false);
    c.arrive();
    expect(c.triggered).toBe(true);
    expect(() => c.arrive()).toThrow(/past zero/);
    const a = new Signal();
    const b = new Signal();
    const both = allOf([a, b]);
    a.trigger();
    expect(both.triggered).toBe(false);
    b.trigger();
    expect(both.triggered).toBe(true);
  });
});

describe('Arrivals: a join announced ahead', () => {
  /**
   * The same scenario twice: arrivals as processes that wait and then arrive at a Countdown,
   * and as announcements to an Arrivals join; other events, scheduled before, between and
   * after, share those cycles. The log (who ran at which cycle, in which order) must be the
   * same, with fewer events in the second.
   */
  function scenario(announced: boolean): { log: string[]; events: number } {
    const sim = new Simulator();
    const log: string[] = [];
    const ends = [12, 9, 12, 4, 12];
    const join = announced ? new Arrivals(sim, ends.length) : new Countdown(ends.length);
    function* waitAll(): Process {
      yield join;
      log.push(`joined@${sim.now}`);
    }
    spawn(sim, waitAll());
    sim.at(12, () => log.push('early@12'));
    sim.at(1, () => {
      ends.forEach((end, i) => {
        if (join instanceof Arrivals) join.arriveAt(end);
        else
          spawn(
            sim,
            (function* (): Process {
              yield end;
              (join as Countdown).arrive();
            })(),
          );
        // Other events scheduled between the arrivals, some at the same cycles.
        sim.at(12, () => log.push(`between${i}@12`));
      });
      sim.at(12, () => log.push('late@12'));
    });
    sim.run();
    return { log, events: sim.eventsProcessed };
  }

  it('resumes its waiter exactly where the last arrival event would have, with one event in all', () => {
    const withEvents = scenario(false);
    const announced = scenario(true);
    expect(announced.log).toEqual(withEvents.log);
    expect(withEvents.log).toEqual(['early@12', 'between0@12', 'between1@12', 'between2@12', 'between3@12', 'joined@12', 'between4@12', 'late@12']);
    // 5 arrival events become 1.
    expect(withEvents.events - announced.events).toBe(4);
  });

  it('a join of no arrivals has triggered; announcing more arrivals than expected is an error', () => {
    const sim = new Simulator();
    expect(new Arrivals(sim, 0).triggered).toBe(true);
    const one = new Arrivals(sim, 1);
    one.arriveAt(3);
    expect(() => one.arriveAt(4)).toThrow(/more arrivals/);
    sim.run();
    expect(one.triggered).toBe(true);
    expect(sim.now).toBe(3);
  });
});

describe('Simulator.holdUntil and reserved sequence numbers', () => {
  it('a hold ends the run no earlier than it, without an event', () => {
    const sim = new Simulator();
    sim.at(3, () => sim.holdUntil(20));
    sim.at(10, () => undefined);
    expect(sim.run()).toBe(20);
    expect(sim.eventsProcessed).toBe(2);
    const later = new Simulator();
    later.holdUntil(5);
    later.at(9, () => undefined);
    expect(later.run()).toBe(9);
    const bounded = new Simulator();
    bounded.holdUntil(50);
    expect(bounded.run(30)).toBe(0); // the hold is beyond the bound, like its event would be
    expect(bounded.run()).toBe(50);
  });

  it('an event scheduled with a reserved sequence number runs where an event scheduled then would have', () => {
    const sim = new Simulator();
    const log: string[] = [];
    const seq = sim.reserveSeq();
    sim.at(4, () => log.push('b'));
    sim.at(4, () => log.push('c'));
    sim.callReserved(4, seq, (x: string) => log.push(x), 'a');
    sim.run();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(() => sim.callReserved(9, 999, () => undefined, undefined)).toThrow(/never reserved/);
  });
});
