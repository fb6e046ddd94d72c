import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { Resource, acquireTogether } from '../../src/engine/resource.js';

describe('Resource', () => {
  it('one server: two requests at the same cycle are served in order, the second waits the first occupancy', () => {
    const sim = new Simulator();
    const r = new Resource('port', sim);
    const grants: Array<{ start: number; end: number; waited: number }> = [];
    sim.at(7, () => {
      grants.push(r.acquire(5)); // [7, 12)
      grants.push(r.acquire(3)); // waits 12 - 7 = 5: [12, 15)
    });
    sim.run();
    expect(grants).toEqual([
      { start: 7, end: 12, waited: 0 },
      { start: 12, end: 15, waited: 5 },
    ]);
    expect(r.waitCycles).toBe(5);
    expect(r.busyCycles).toBe(8);
    expect(r.operations).toBe(2);
    // busy 8 over 16 cycles on 1 server
    expect(r.utilization(16)).toBe(0.5);
  });

  it('a request after the resource has freed does not wait', () => {
    const sim = new Simulator();
    const r = new Resource('port', sim);
    let g2: { waited: number; start: number } | undefined;
    sim.at(0, () => r.acquire(4));
    sim.at(6, () => (g2 = r.acquire(2)));
    sim.run();
    expect(g2).toMatchObject({ start: 6, waited: 0 });
    expect(r.waitCycles).toBe(0);
  });

  it('two servers: two requests start together, a third takes the server that frees first', () => {
    const sim = new Simulator();
    const r = new Resource('dual', sim, 2);
    const starts: number[] = [];
    sim.at(0, () => {
      starts.push(r.acquire(5).start); // server A [0,5)
      starts.push(r.acquire(3).start); // server B [0,3)
      starts.push(r.acquire(2).start); // B frees first: [3,5), waits 3
      starts.push(r.acquire(1).start); // both free at 5: [5,6), waits 5
    });
    sim.run();
    expect(starts).toEqual([0, 0, 3, 5]);
    expect(r.waitCycles).toBe(8); // 0 + 0 + 3 + 5
    expect(r.busyCycles).toBe(11);
    expect(r.utilization(11)).toBe(0.5); // 11 / (11 x 2)
  });

  it('notBefore delays the start without counting the delay as a wait', () => {
    const sim = new Simulator();
    const r = new Resource('port', sim);
    const g = r.acquire(2, 10);
    expect(g).toEqual({ start: 10, end: 12, waited: 0 });
    expect(r.waitCycles).toBe(0);
  });

  it('rejects a bad server count and a bad occupancy', () => {
    const sim = new Simulator();
    expect(() => new Resource('x', sim, 0)).toThrow(/positive integer/);
    expect(() => new Resource('x', sim, 1.5)).toThrow(/positive integer/);
    const r = new Resource('x', sim);
    expect(() => r.acquire(-1)).toThrow(/non-negative integer/);
    expect(() => r.acquire(2.5)).toThrow(/non-negative integer/);
  });

  it('acquireTogether starts at the max of the earliest-free cycles and holds each for its own occupancy', () => {
    const sim = new Simulator();
    const a = new Resource('a', sim);
    const b = new Resource('b', sim);
    const c = new Resource('c', sim, 2);
    a.acquire(4); // a free at 4
    b.acquire(7); // b free at 7
    c.acquire(9); // c: one server free at 9, the other free now (0)
    // start = max(notBefore 2, a 4, b 7, c 0) = 7
    const j = acquireTogether(
      [
        { resource: a, occupancy: 3 }, // [7,10)
        { resource: b, occupancy: 1 }, // [7,8)
        { resource: c, occupancy: 6 }, // [7,13)
      ],
      2,
    );
    expect(j).toEqual({ start: 7, end: 13 });
    expect(a.earliestFree()).toBe(10);
    expect(b.earliestFree()).toBe(8);
    expect(c.earliestFree()).toBe(9); // the other server is still busy until 9
    // Busy time: a 4+3, b 7+1, c 9+6.
    expect([a.busyCycles, b.busyCycles, c.busyCycles]).toEqual([7, 8, 15]);
    // Note: acquireTogether reserves each part with notBefore = the joint start, so the parts'
    // waitCycles stay 0 here; see test/components/sram-buffer.test.ts for what that hides.
  });

  it('acquireTogether honours a notBefore later than every resource', () => {
    const sim = new Simulator();
    const a = new Resource('a', sim);
    a.acquire(4);
    expect(acquireTogether([{ resource: a, occupancy: 2 }], 9)).toEqual({ start: 9, end: 11 });
  });

  it('a wait counts only the cycles the server itself was busy past the request, not a later notBefore', () => {
    // Server busy [0, 10). At cycle 4 a request with notBefore 6 starts at 10: waited 4 (10 - 6,
    // past its own notBefore), while waitCycles gains min(start, free) - now = 10 - 4 = 6, the
    // cycles this server held it back counted from the request.
    const sim = new Simulator();
    const r = new Resource('port', sim);
    r.acquire(10);
    let grant = { start: 0, end: 0, waited: 0 };
    sim.at(4, () => {
      grant = r.acquire(3, 6);
    });
    sim.run();
    expect(grant).toEqual({ start: 10, end: 13, waited: 4 });
    expect(r.waitCycles).toBe(6);
    expect(r.operations).toBe(2);
    expect(r.busyCycles).toBe(13);
  });

  it('earliestFree is never before now; utilization is busy over server-cycles', () => {
    const sim = new Simulator();
    const r = new Resource('two', sim, 2);
    r.acquire(6);
    expect(r.earliestFree()).toBe(0); // the second server is free
    r.acquire(2);
    expect(r.earliestFree()).toBe(2);
    sim.at(20, () => expect(r.earliestFree()).toBe(20));
    sim.run();
    // 8 busy server-cycles over 10 cycles x 2 servers.
    expect(r.utilization(10)).toBeCloseTo(0.4, 12);
    expect(r.utilization(0)).toBe(0);
  });

  it('a zero occupancy takes no time and counts an operation', () => {
    const sim = new Simulator();
    const r = new Resource('x', sim);
    expect(r.acquire(0)).toEqual({ start: 0, end: 0, waited: 0 });
    expect([r.busyCycles, r.operations, r.earliestFree()]).toEqual([0, 1, 0]);
  });

  it('names itself and the bad value in its refusals', () => {
    const sim = new Simulator();
    expect(() => new Resource('bank3', sim, 0)).toThrow('resource bank3: servers must be a positive integer, got 0');
    expect(() => new Resource('bank3', sim).acquire(-2)).toThrow('resource bank3: occupancy must be a non-negative integer, got -2');
  });

  it('a notBefore already past is now: the start is never before the current cycle', () => {
    const sim = new Simulator();
    const r = new Resource('port', sim);
    let grant = { start: 0, end: 0, waited: 0 };
    sim.at(10, () => {
      grant = r.acquire(3, 5);
    });
    sim.run();
    expect(grant).toEqual({ start: 10, end: 13, waited: 0 });
  });

  it('steady-state hooks: its state is the servers\' free times relative to now; a repeat shifts them and adds the counters', () => {
    const sim = new Simulator();
    const r = new Resource('two', sim, 2);
    r.acquire(5);
    r.acquire(3);
    sim.at(2, () => undefined);
    sim.run();
    const state: (number | string)[] = [];
    r.appendState(sim.now, state);
    expect(state).toEqual([1, 3]); // free at 3 and 5, seen from cycle 2, in ascending order
    const counters: number[] = [];
    r.appendCounters(counters);
    expect(counters).toEqual([8, 0, 2]); // busy, wait, operations
    // Repeat a period of 10 cycles 3 times in which busy grew by 4, wait by 1 and operations by 2.
    const next = r.repeat({ times: 3, cycles: 10, delta: [99, 4, 1, 2], from: 0, nested: false }, 1);
    expect(next).toBe(4);
    expect([r.busyCycles, r.waitCycles, r.operations]).toEqual([8 + 12, 3, 2 + 6]);
    const shifted: (number | string)[] = [];
    r.appendState(sim.now, shifted);
    expect(shifted).toEqual([31, 33]); // 3 + 30 and 5 + 30, from cycle 2
  });
});

