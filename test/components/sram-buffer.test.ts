import { describe, expect, it } from 'vitest';
import { SramBuffer, sramBufferKind } from '../../src/components/sram-buffer.js';
import { identityOf } from '../../src/components/context.js';
import { acquireTogether } from '../../src/engine/resource.js';
import { testContext } from '../helpers/context.js';

const params = (banks: number, ports = 1) => ({ size_kib: 64, word_bits: 256, banks, ports_per_bank: ports, read_latency_cycles: 1, write_latency_cycles: 1 });

describe('SramBuffer', () => {
  it('a stream of 10 words over 4 banks takes 3, 3, 2, 2 words from banks 0..3', () => {
    const ctx = testContext();
    const b = new SramBuffer(ctx, identityOf(sramBufferKind, 'buf', params(4)));
    const req = b.streamRequests(10);
    expect(req.map((r) => r.resource.name)).toEqual(['buf.bank0', 'buf.bank1', 'buf.bank2', 'buf.bank3']);
    expect(req.map((r) => r.occupancy)).toEqual([3, 3, 2, 2]);
    expect(b.streamCycles(10)).toBe(3); // ceil(10/4)
  });

  it('a stream shorter than the bank count touches only the first banks', () => {
    const b = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', params(8)));
    const req = b.streamRequests(3);
    expect(req.map((r) => [r.resource.name, r.occupancy])).toEqual([
      ['buf.bank0', 1],
      ['buf.bank1', 1],
      ['buf.bank2', 1],
    ]);
    expect(b.streamRequests(0)).toEqual([]);
  });

  it('capacity, word counts and port capacity', () => {
    const b = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', params(4, 2)));
    expect(b.capacityBits).toBe(64 * 1024 * 8);
    expect(b.wordsFor(257)).toBe(2); // ceil(257/256)
    expect(b.wordsFor(256)).toBe(1);
    expect(b.portCapacity(10)).toBe(80); // 10 cycles x 4 banks x 2 ports
  });

  it('two streams of 8 words issued together on 4 single-ported banks: the second starts when the first frees the banks', () => {
    const ctx = testContext();
    const b = new SramBuffer(ctx, identityOf(sramBufferKind, 'buf', params(4)));
    // Each stream holds every bank for 8/4 = 2 cycles: first [0,2), second [2,4).
    const first = acquireTogether(b.streamRequests(8), 0);
    const second = acquireTogether(b.streamRequests(8), 0);
    expect(first).toEqual({ start: 0, end: 2 });
    expect(second).toEqual({ start: 2, end: 4 });
    expect(b.stats().port_busy_cycles).toBe(16); // 2 streams x 4 banks x 2 cycles
  });

  it('with two ports per bank the same two streams run side by side', () => {
    const b = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', params(4, 2)));
    const first = acquireTogether(b.streamRequests(8), 0);
    const second = acquireTogether(b.streamRequests(8), 0);
    expect([first.start, second.start]).toEqual([0, 0]);
    // a third stream finds both ports busy until 2
    expect(acquireTogether(b.streamRequests(8), 0).start).toBe(2);
  });

  it('a stream of 5 words and one of 2 words conflict only on the banks they share', () => {
    const b = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', params(4)));
    // 5 words at words 0..4: banks 0,1,2,3,0 -> bank0 busy [0,2), banks 1-3 [0,1)
    acquireTogether(b.streamRequests(5), 0);
    // the next 2 words are words 5,6: banks 1,2 -> free at 1: [1,2)
    expect(acquireTogether(b.streamRequests(2), 0)).toEqual({ start: 1, end: 2 });
    // the next 3 words are 7,8,9: banks 3,0,1 -> bank 0 is busy until 2: [2,3)
    expect(acquireTogether(b.streamRequests(3), 0)).toEqual({ start: 2, end: 3 });
  });

  // Joint reservations (acquireTogether) used to hide this wait; each bank port now records the
  // cycles it was still busy after the request. The second stream waits 2 cycles on each of
  // 4 bank ports = 8.
  it('counts the bank-conflict wait in conflict_wait_cycles', () => {
    const b = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', params(4)));
    acquireTogether(b.streamRequests(8), 0);
    acquireTogether(b.streamRequests(8), 0);
    expect(b.stats().conflict_wait_cycles).toBe(8);
  });

  it('counts reads and writes as words', () => {
    const b = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', params(4)));
    b.recordReads(12);
    b.recordWrites(5);
    expect(b.actionCounts()).toEqual({ read: 12, write: 5 });
    expect(b.stats()).toMatchObject({ reads: 12, writes: 5 });
  });

  it('streamFreeAt + reserveStream reserve exactly what streamRequests + acquireTogether do', () => {
    // Two identical buffers (5 banks, 2 ports each) get the same 200 streams at advancing cycles,
    // one through each interface; every start, end and statistic must agree.
    const ctxA = testContext();
    const ctxB = testContext();
    const a = new SramBuffer(ctxA, identityOf(sramBufferKind, 'a', params(5, 2)));
    const b = new SramBuffer(ctxB, identityOf(sramBufferKind, 'b', params(5, 2)));
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const events: number[] = [];
    for (let k = 0; k < 200; k++) events.push(rnd(40), rnd(23), rnd(6));
    const ends: Array<[number, number]> = [];
    for (const [ctx, buf, joint] of [
      [ctxA, a, true],
      [ctxB, b, false],
    ] as const) {
      let t = 0;
      for (let k = 0; k < events.length; k += 3) {
        t += events[k + 2];
        const [words, notBefore] = [events[k], t + events[k + 1]];
        ctx.sim.at(t, () => {
          if (joint) {
            const g = acquireTogether(buf.streamRequests(words), notBefore);
            ends.push([g.start, g.end]);
          } else {
            const start = buf.streamFreeAt(words, notBefore);
            ends.push([start, buf.reserveStream(words, start)]);
          }
        });
      }
      ctx.sim.run();
    }
    expect(ends.slice(200)).toEqual(ends.slice(0, 200));
    expect(b.stats()).toEqual(a.stats());
    expect(a.stats().conflict_wait_cycles).toBeGreaterThan(0);
  });
});
