import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { Resource } from '../../src/engine/resource.js';
import { SteadyState, type Repeatable } from '../../src/engine/steady-state.js';
import { spawn, type Process } from '../../src/engine/process.js';
import { Dram, dramKind } from '../../src/components/dram.js';
import { identityOf } from '../../src/components/context.js';

/**
 * A loop of `n` iterations on a 2-server resource: each iteration occupies a server for 10
 * cycles and ends 6 cycles after it began, so the servers alternate and the free times relative
 * to an iteration's end repeat from the second iteration on. With a detector, the loop skips
 * what repeats; the end cycle and the resource's counters must be those of running every one.
 */
function loop(n: number, fastForward: boolean): { end: number; busy: number; wait: number; ops: number; skipped: number; period: number } {
  const sim = new Simulator();
  const r = new Resource('r', sim, 2);
  const steady = new SteadyState([r], (cycles) => sim.skipAhead(cycles));
  const detector = steady.loop();
  let skipped = 0;
  let period = 0;
  function* body(): Process {
    for (let i = 0; i < n; i++) {
      const start = sim.now;
      r.reserve(10, start);
      yield start + 6;
      if (fastForward) {
        const skip = detector.boundary(sim.now, 'same', n - 1 - i);
        skipped += skip.iterations;
        if (skip.iterations > 0) period = skip.periodCycles;
        i += skip.iterations;
      }
    }
  }
  spawn(sim, body());
  return { end: sim.run(), busy: r.busyCycles, wait: r.waitCycles, ops: r.operations, skipped, period };
}

describe('steady-state fast-forward (PeriodDetector)', () => {
  it('skips the iterations that repeat and ends with the counters of running them all', () => {
    const full = loop(100, false);
    const ff = loop(100, true);
    expect(full).toMatchObject({ end: 600, busy: 1000, ops: 100 });
    expect({ end: ff.end, busy: ff.busy, wait: ff.wait, ops: ff.ops }).toEqual({ end: full.end, busy: full.busy, wait: full.wait, ops: full.ops });
    // The state at the second iteration's end ([0, 4] cycles to the servers' frees) is that of the
    // first: the 98 iterations that follow are skipped.
    expect(ff.skipped).toBe(98);
    expect(ff.period).toBe(6);
  });

  it('skips nothing when the inputs change or nothing follows', () => {
    const sim = new Simulator();
    const r = new Resource('r', sim);
    const detector = new SteadyState([r], (c) => sim.skipAhead(c)).loop();
    expect(detector.boundary(0, 'a', 5).iterations).toBe(0);
    expect(detector.boundary(0, 'b', 5).iterations).toBe(0); // other inputs: a new history
    expect(detector.boundary(0, 'b', 5).iterations).toBe(5); // same state, same inputs: all 5 follow
    expect(detector.boundary(0, 'b', 0).iterations).toBe(0);
  });

  it('skips no more periods than every participant says are exact, and a reset forgets the history', () => {
    const sim = new Simulator();
    let exact = 2;
    const limited: Repeatable = {
      appendState: () => undefined,
      appendCounters: (out) => out.push(0),
      repeat: (_r, offset) => offset + 1,
      exactRepeats: (times) => Math.min(times, exact),
    };
    const detector = new SteadyState([limited], (c) => sim.skipAhead(c)).loop();
    detector.boundary(0, 'k', 10);
    expect(detector.boundary(0, 'k', 10).iterations).toBe(2);
    exact = 0;
    detector.boundary(0, 'k', 10);
    expect(detector.boundary(0, 'k', 10).iterations).toBe(0);
    exact = 5;
    detector.reset();
    expect(detector.boundary(0, 'k', 10).iterations).toBe(0);
    expect(detector.boundary(0, 'k', 10).iterations).toBe(5);
  });

  it('will not move the clock with events pending', () => {
    const sim = new Simulator();
    sim.at(5, () => undefined);
    expect(() => sim.skipAhead(10)).toThrow(/pending/);
  });
});

describe('DRAM under fast-forward: occupancies are replayed, not assumed', () => {
  // 1 channel of 3 bytes per cycle at 1000 MHz, 1-byte bursts: 2-byte transfers occupy the
  // channel ceil(after/3) - ceil(before/3) cycles: 1, 1, 0, 1, 1, 0, ... from 0 bytes.
  function dram(sim: Simulator): Dram {
    const params = { channels: 1, bandwidth_gb_per_s: 3, access_latency_ns: 0, burst_bytes: 1, energy_pj_per_bit: 1 };
    return new Dram({ sim, clockMhz: 1000 }, identityOf(dramKind, 'dram', params));
  }

  it('a period whose occupancy rounding would not repeat is refused, one that would is repeated', () => {
    const sim = new Simulator();
    const d = dram(sim);
    d.mark(0, 0);
    d.transfer(2, 'read'); // 0 -> 2 bytes: 1 cycle
    d.mark(1, 0);
    d.transfer(2, 'read'); // 2 -> 4: 1 cycle
    d.mark(2, 0);
    // Repeating the last transfer from 4 bytes would take 0 cycles, not 1.
    expect(d.exactRepeats(5, 1)).toBe(0);
    // The period of all three occupancies seen so far (1, 1, then 0 from 4 bytes) is not logged
    // yet; log it: 4 -> 6 takes 0 cycles.
    d.transfer(2, 'read');
    d.mark(3, 0);
    // From boundary 0 to 3: 1, 1, 0 (6 bytes); from 6 bytes on the same pattern repeats exactly.
    expect(d.exactRepeats(4, 0)).toBe(4);
    // From boundary 2 to 3 (one 0-cycle transfer): from 6 bytes the next takes 1 cycle.
    expect(d.exactRepeats(3, 2)).toBe(0);
  });
});
