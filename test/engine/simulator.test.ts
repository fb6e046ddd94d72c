import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';

describe('Simulator event order', () => {
  it('runs events by cycle, then priority, then insertion order', () => {
    const sim = new Simulator();
    const log: string[] = [];
    // Scheduled deliberately out of order. Expected order, by (cycle, priority, seq):
    // (1,0,#3:c) (2,-1,#4:e) (2,0,#1:b) (2,0,#5:f) (2,3,#2:d)... and a at (5,0,#0).
    sim.at(5, () => log.push('a'));
    sim.at(2, () => log.push('b'));
    sim.at(2, () => log.push('d'), 3);
    sim.at(1, () => log.push('c'));
    sim.at(2, () => log.push('e'), -1);
    sim.at(2, () => log.push('f'));
    const end = sim.run();
    expect(log).toEqual(['c', 'e', 'b', 'f', 'd', 'a']);
    expect(end).toBe(5);
    expect(sim.eventsProcessed).toBe(6);
    expect(sim.pending).toBe(0);
  });

  it('an event scheduled for the current cycle from inside an event runs after the ones already queued for that cycle', () => {
    const sim = new Simulator();
    const log: string[] = [];
    sim.at(3, () => {
      log.push('x');
      sim.after(0, () => log.push('x-child')); // (3, 0, seq 2)
    });
    sim.at(3, () => log.push('y')); // (3, 0, seq 1)
    sim.run();
    expect(log).toEqual(['x', 'y', 'x-child']);
  });

  it('now is the cycle of the running event, and after() is relative to it', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    sim.at(4, () => {
      seen.push(sim.now);
      sim.after(6, () => seen.push(sim.now)); // 4 + 6 = 10
    });
    expect(sim.run()).toBe(10);
    expect(seen).toEqual([4, 10]);
  });

  it('run(untilCycle) stops before later events and leaves them pending', () => {
    const sim = new Simulator();
    const log: number[] = [];
    for (const c of [1, 5, 9]) sim.at(c, () => log.push(c));
    expect(sim.run(5)).toBe(5);
    expect(log).toEqual([1, 5]);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(log).toEqual([1, 5, 9]);
  });

  it('is deterministic: the same schedule twice gives the same callback trace', () => {
    const trace = (): string[] => {
      const sim = new Simulator();
      const log: string[] = [];
      // A small pseudo-random cascade (fixed LCG seed): many ties in cycle and priority.
      let seed = 12345;
      const rnd = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const spawn = (depth: number, id: string): void => {
        log.push(`${sim.now}:${id}`);
        if (depth === 0) return;
        for (let k = 0; k < 3; k++) sim.after(rnd(3), () => spawn(depth - 1, `${id}.${k}`), rnd(2));
      };
      sim.at(0, () => spawn(4, 'r'));
      sim.run();
      return log;
    };
    const a = trace();
    const b = trace();
    // 1 + 3 + 9 + 27 + 81 callbacks
    expect(a).toHaveLength(121);
    expect(b).toEqual(a);
  });

  it('refuses to schedule in the past', () => {
    const sim = new Simulator();
    let thrown: unknown;
    sim.at(10, () => {
      try {
        sim.at(9, () => undefined);
      } catch (e) {
        thrown = e;
      }
    });
    sim.run();
    expect(String(thrown)).toMatch(/cycle 9, before the current cycle 10/);
    expect(() => sim.after(-1, () => undefined)).toThrow(/before the current cycle/);
  });

  it('refuses a non-integer cycle', () => {
    const sim = new Simulator();
    expect(() => sim.at(1.5, () => undefined)).toThrow(/must be an integer, got 1.5/);
    expect(() => sim.at(Number.NaN, () => undefined)).toThrow(/integer/);
    expect(() => sim.after(0.25, () => undefined)).toThrow(/integer/);
    expect(sim.pending).toBe(0);
  });
});
