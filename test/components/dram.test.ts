import { describe, expect, it } from 'vitest';
import { Dram, dramKind } from '../../src/components/dram.js';
import { identityOf, nsToCycles } from '../../src/components/context.js';
import { testContext } from '../helpers/context.js';
import { priceDram } from '../../src/energy/prices/dram.js';
import { energyAndArea } from '../../src/reports/energy-area.js';

function dram(p: { channels?: number; gbps: number; latencyNs?: number; burst?: number; pjPerBit?: number; backgroundMw?: number }, clockMhz = 1000) {
  const ctx = testContext(clockMhz);
  const d = new Dram(
    ctx,
    identityOf(dramKind, 'dram', {
      preset: 'none',
      channels: p.channels ?? 1,
      bandwidth_gb_per_s: p.gbps,
      access_latency_ns: p.latencyNs ?? 0,
      burst_bytes: p.burst ?? 64,
      energy_pj_per_bit: p.pjPerBit ?? 1,
      background_power_mw: p.backgroundMw ?? 0,
    }),
  );
  return { d, sim: ctx.sim };
}

describe('Dram', () => {
  it('two transfers issued at the same cycle queue at the channel; latency is added after each', () => {
    // 16 GB/s at 1000 MHz = 16 bytes/cycle; 1024 bytes = 64 cycles; 10 ns = 10 cycles.
    const { d, sim } = dram({ gbps: 16, latencyNs: 10 });
    const done: number[] = [];
    sim.at(100, () => {
      done.push(d.transfer(1024, 'read')); // channel [100,164), usable 174
      done.push(d.transfer(1024, 'read')); // channel [164,228), usable 238
    });
    sim.run();
    expect(done).toEqual([174, 238]);
    expect(d.stats()).toEqual({ bytes_read: 2048, bytes_written: 0, channel_busy_cycles: 128, queue_wait_cycles: 64 });
  });

  it('latency is pipelined: a transfer after the channel frees does not wait for the previous latency', () => {
    const { d, sim } = dram({ gbps: 16, latencyNs: 50 });
    const done: number[] = [];
    sim.at(0, () => done.push(d.transfer(64, 'read'))); // [0,4) + 50 = 54
    sim.at(4, () => done.push(d.transfer(64, 'read'))); // [4,8) + 50 = 58
    sim.run();
    expect(done).toEqual([54, 58]);
  });

  it('rounds a request up to whole bursts', () => {
    // burst 64: 100 bytes -> 2 bursts = 128 bytes = 8 cycles at 16 B/cycle
    const { d } = dram({ gbps: 16 });
    expect(d.transfer(100, 'write')).toBe(8);
    expect(d.stats()).toMatchObject({ bytes_read: 0, bytes_written: 128, channel_busy_cycles: 8 });
    expect(d.actionCounts()).toEqual({ read_byte: 0, write_byte: 128 });
    expect(d.transferCycles(100)).toBe(8);
    expect(d.transferCycles(1)).toBe(4); // 1 burst
  });

  it('occupancy is exact over cumulative bytes with a non-integer bytes/cycle', () => {
    // 3 GB/s at 1000 MHz = 3 bytes/cycle; burst 32 bytes = 10.67 cycles.
    // Cumulative: ceil(32/3)=11, ceil(64/3)=22, ceil(96/3)=32 -> occupancies 11, 11, 10.
    const { d, sim } = dram({ gbps: 3, burst: 32 });
    const done: number[] = [];
    for (const c of [0, 50, 100]) sim.at(c, () => done.push(d.transfer(32, 'read')));
    sim.run();
    expect(done).toEqual([11, 61, 110]);
    // 96 bytes at 3 B/cycle = 32 cycles exactly, as one request of 96 bytes would take
    expect(d.stats().channel_busy_cycles).toBe(32);
    expect(d.transferCycles(96)).toBe(32);
  });

  it('a stream split into many small requests takes as long as one big request', () => {
    // 5 GB/s at 700 MHz = 7.142857 B/cycle; 100 requests of 1 burst (64 B) = 6400 B
    // -> ceil(6400 / (5e9/700e6)) = ceil(896) = 896 cycles.
    const { d, sim } = dram({ gbps: 5, burst: 64 }, 700);
    let last = 0;
    sim.at(0, () => {
      for (let i = 0; i < 100; i++) last = d.transfer(64, 'read');
    });
    sim.run();
    expect(last).toBe(896);
    expect(d.stats().channel_busy_cycles).toBe(896);
  });

  it('bursts go round-robin over channels, continuing where the previous request stopped', () => {
    // 2 channels, 32 GB/s total at 1000 MHz = 16 B/cycle per channel; burst 64 = 4 cycles.
    const { d, sim } = dram({ channels: 2, gbps: 32 });
    const done: number[] = [];
    sim.at(0, () => {
      done.push(d.transfer(3 * 64, 'read')); // ch0: 2 bursts [0,8), ch1: 1 burst [0,4) -> 8
      done.push(d.transfer(64, 'read')); // next channel is ch1: [4,8) -> 8
      done.push(d.transfer(64, 'read')); // then ch0: [8,12) -> 12
    });
    sim.run();
    expect(done).toEqual([8, 8, 12]);
    expect(d.channels.map((c) => c.busyCycles)).toEqual([12, 8]);
    // Invariant and wait reports name each channel by its component and index.
    expect(d.channels.map((c) => c.name)).toEqual(['dram.ch0', 'dram.ch1']);
    expect(d.bytesPerCycle).toBeCloseTo(32, 12);
  });

  it('converts the latency to whole cycles, rounding up', () => {
    // 39.01 ns at 500 MHz = 19.505 cycles -> 20 (the LPDDR4 preset's row-miss latency)
    expect(nsToCycles(39.01, 500)).toBe(20);
    expect(nsToCycles(10, 1000)).toBe(10); // exact stays exact
    const { d } = dram({ gbps: 16, latencyNs: 39.01 }, 500);
    expect(d.latencyCycles).toBe(20);
  });

  it('refuses an empty transfer', () => {
    const { d } = dram({ gbps: 16 });
    expect(() => d.transfer(0, 'read')).toThrow(/positive number of bytes/);
  });

  it('multi-channel transferCycles: the busiest channel\'s bursts at one channel\'s bandwidth', () => {
    // 4 channels, 16 GB/s total at 1000 MHz = 4 B/cycle per channel; burst 64 = 16 cycles a burst.
    // 5 bursts over 4 channels: the busiest carries 2 (128 bytes) = 32 cycles; 4 bursts: 1 each = 16.
    const { d } = dram({ channels: 4, gbps: 16 });
    expect(d.transferCycles(5 * 64)).toBe(32);
    expect(d.transferCycles(4 * 64)).toBe(16);
    expect(d.transferCycles(1)).toBe(16);
    expect(d.bytesPerCycle).toBeCloseTo(16, 12);
  });

  it('a channel that carries none of a request neither waits nor delays it', () => {
    // 2 channels of 16 B/cycle (burst 64 = 4 cycles). At 0 a 10-burst request splits 5 + 5: both
    // channels busy [0, 20). At 4 a 1-burst request goes to ch0 (next after 10 bursts), queued
    // behind it: [20, 24). ch1 carries nothing of it, so it records no wait.
    const { d, sim } = dram({ channels: 2, gbps: 32 });
    const done: number[] = [];
    sim.at(0, () => done.push(d.transfer(10 * 64, 'read')));
    sim.at(4, () => done.push(d.transfer(64, 'read')));
    sim.run();
    expect(done).toEqual([20, 24]);
    // Waited: only ch0, from 4 to 20 = 16 cycles; busy 20 + 4 on ch0, 20 on ch1.
    expect(d.stats()).toEqual({ bytes_read: 11 * 64, bytes_written: 0, channel_busy_cycles: 44, queue_wait_cycles: 16 });
    expect(d.channels.map((c) => c.waitCycles)).toEqual([16, 0]);
  });

  it('energy: bytes x 8 bits x energy_pj_per_bit, background power x time; no area (worked by hand at 3.5 pJ/bit, 120 mW)', () => {
    const { d, sim } = dram({ gbps: 16, pjPerBit: 3.5, backgroundMw: 120 });
    sim.at(0, () => {
      d.transfer(1000, 'read'); // 16 bursts = 1024 bytes
      d.transfer(200, 'write'); // 4 bursts = 256 bytes
    });
    sim.run();
    const price = priceDram(d);
    expect(price.actions.read_byte.value).toBe(28); // 8 x 3.5
    expect(price.actions.write_byte.value).toBe(28);
    expect(price.leakageMw.value).toBe(120);
    expect(price.areaMm2.value).toBe(0);
    // energy.csv writes each price with the formula that made it: it must say what was computed.
    expect([price.actions.read_byte.formula, price.leakageMw.formula, price.areaMm2.formula]).toEqual(['8 bits x energy_pj_per_bit', 'background_power_mw', '0 (off-chip)']);
    // Over 2 us: dynamic (1024 + 256) x 28 = 35840 pJ; background 120 mW x 2 us = 240000 pJ.
    const report = energyAndArea([d], new Map([[d, price]]), 2);
    expect(report.energy_pj.dynamic).toBe(35840);
    expect(report.energy_pj.leakage).toBe(240000);
    expect(report.energy_pj.total).toBe(275840);
    expect(report.area_mm2.total).toBe(0);
  });

  it('steady-state replay: a period repeats only while every channel share keeps its occupancy (3 B/cycle, 32-byte bursts)', () => {
    // One 32-byte transfer per period. Cumulative bytes 32, 64, 96 take ceil(n / 3) = 11, 22, 32
    // cycles: occupancies 11, 11, 10. After the first period (32 bytes served), a second repeats
    // it exactly (64: 11 more) but a third would not (96: 10), so 1 of 5 repeats is exact.
    const { d, sim } = dram({ gbps: 3, burst: 32 });
    d.mark(0, 0);
    sim.at(0, () => d.transfer(32, 'read'));
    sim.run();
    d.mark(1, 0);
    expect(d.exactRepeats(5, 0)).toBe(1);
    // Counters: read_byte, write_byte, bytes read, bytes written, then the channel's busy, wait, operations.
    const before: number[] = [];
    d.appendCounters(before);
    expect(before).toEqual([32, 0, 32, 0, 11, 0, 1]);
    expect(d.repeat({ times: 1, cycles: 11, delta: [32, 0, 32, 0, 11, 0, 1], from: 0, nested: false }, 0)).toBe(7);
    expect(d.stats()).toEqual({ bytes_read: 64, bytes_written: 0, channel_busy_cycles: 22, queue_wait_cycles: 0 });
    // Not nested in another loop: the repeated transfer is not logged, the log keeps the one that ran.
    expect(d.loggedShares).toBe(1);
    // The next 32 bytes bring the channel to 96 bytes: 10 cycles, from where the repeated period left it (22).
    let done = 0;
    sim.at(sim.now, () => {
      done = d.transfer(32, 'read');
    });
    sim.run();
    expect(done).toBe(32);
    // A repeat it has not replayed is refused.
    expect(() => d.repeat({ times: 1, cycles: 11, delta: [0, 0, 0, 0, 0, 0, 0], from: 0, nested: false }, 0)).toThrow('internal: dram was asked to repeat a period it has not replayed');
  });

  it('steady-state log trimming: after 2000 logged transfers the old part is dropped and a kept boundary still finds its period', () => {
    // 3 B/cycle, 32-byte bursts: cumulative 32k bytes take ceil(32k / 3) cycles, so transfer
    // occupancies run 11, 11, 10 over and over (32, 64, 96 bytes: 11, 22, 32 cycles).
    const trimmed = dram({ gbps: 3, burst: 32 });
    const plain = dram({ gbps: 3, burst: 32 });
    for (const { d, sim } of [trimmed, plain]) {
      d.mark(0, 0);
      sim.at(0, () => {
        for (let i = 0; i < 2000; i++) d.transfer(32, 'read');
      });
      sim.run();
      d.mark(1, 0);
      sim.at(sim.now, () => {
        for (let i = 0; i < 2; i++) d.transfer(32, 'read');
      });
      sim.run();
    }
    // Boundary 2 no longer needs boundary 0: the 6000 log entries before boundary 1 go (more than
    // 4096 and more than half the log). The other keeps boundary 0, so nothing is trimmed.
    trimmed.d.mark(2, 1);
    plain.d.mark(2, 0);
    // Worked by hand: transfer k takes ceil(32k / 3) - ceil(32(k - 1) / 3) cycles. The period
    // from boundary 1 is transfers 2001 (21344 - 21334 = 10 cycles) and 2002 (21355 - 21344 = 11).
    // A repeat would start with transfer 2003: 21366 - 21355 = 11, not 10, so no repeat is exact.
    expect(plain.d.exactRepeats(6, 1)).toBe(0);
    expect(plain.d.loggedShares).toBe(2002);
    expect(trimmed.d.loggedShares).toBe(2);
    // The trimmed log finds the same period, at its shifted place (a wrong shift finds an empty
    // period, which repeats all 6 times).
    expect(trimmed.d.exactRepeats(6, 1)).toBe(0);
  });
  it('steady-state log trimming keeps the log while the part before the kept boundary is small or at most half of it', () => {
    // 2000 transfers (6000 log entries) before boundary 1 and 2000 after: the part to drop is
    // exactly half the log, so it stays (the copy would cost as much as it frees).
    const half = dram({ gbps: 3, burst: 32 });
    half.d.mark(0, 0);
    half.sim.at(0, () => {
      for (let i = 0; i < 2000; i++) half.d.transfer(32, 'read');
    });
    half.sim.run();
    half.d.mark(1, 0);
    half.sim.at(half.sim.now, () => {
      for (let i = 0; i < 2000; i++) half.d.transfer(32, 'read');
    });
    half.sim.run();
    half.d.mark(2, 1);
    expect(half.d.loggedShares).toBe(4000);
    // 10 transfers (30 entries) before boundary 1 and 1 after: most of the log, but under 4096 entries.
    const small = dram({ gbps: 3, burst: 32 });
    small.d.mark(0, 0);
    small.sim.at(0, () => {
      for (let i = 0; i < 10; i++) small.d.transfer(32, 'read');
    });
    small.sim.run();
    small.d.mark(1, 0);
    small.sim.at(small.sim.now, () => small.d.transfer(32, 'read'));
    small.sim.run();
    small.d.mark(2, 1);
    expect(small.d.loggedShares).toBe(11);
  });

  it('steady-state log trimming drops the whole log once no earlier boundary is needed', () => {
    const { d, sim } = dram({ gbps: 3, burst: 32 });
    expect(d.loggedShares).toBe(0);
    d.mark(0, 0);
    sim.at(0, () => {
      for (let i = 0; i < 2000; i++) d.transfer(32, 'read');
    });
    sim.run();
    // Boundary 1 needs nothing before itself: all 6000 entries go.
    d.mark(1, 1);
    expect(d.loggedShares).toBe(0);
    sim.at(sim.now, () => d.transfer(32, 'read'));
    sim.run();
    d.mark(2, 1);
    expect(d.loggedShares).toBe(1);
    // The period from boundary 1 is transfer 2001: ceil(32 x 2001 / 3) - ceil(32 x 2000 / 3) =
    // 21344 - 21334 = 10 cycles; transfer 2002 would take 21355 - 21344 = 11, so none is exact.
    expect(d.exactRepeats(3, 1)).toBe(0);
  });

  it('steady-state: a repeat nested in an enclosing loop logs its transfers as if they had run', () => {
    // 3 B/cycle, 32-byte bursts. One 96-byte transfer a period, every 32 cycles: 96 bytes take
    // exactly 32 cycles whatever came before, so every repetition is exact and nothing waits.
    const { d, sim } = dram({ gbps: 3, burst: 32 });
    d.mark(0, 0);
    sim.at(0, () => d.transfer(96, 'read')); // [0, 32)
    sim.run();
    d.mark(1, 0);
    sim.at(32, () => d.transfer(96, 'read')); // [32, 64)
    sim.run();
    d.mark(2, 0);
    expect(d.loggedShares).toBe(2);
    expect(d.exactRepeats(4, 1)).toBe(4);
    // Counters: read_byte, write_byte, bytes read, bytes written, channel busy, wait, operations.
    expect(d.repeat({ times: 4, cycles: 32, delta: [96, 0, 96, 0, 32, 0, 1], from: 1, nested: true }, 0)).toBe(7);
    // 2 transfers ran and 4 were repeated: 6 logged, 576 bytes, 192 busy cycles, free at 64 + 128.
    expect(d.loggedShares).toBe(6);
    expect(d.stats()).toEqual({ bytes_read: 576, bytes_written: 0, channel_busy_cycles: 192, queue_wait_cycles: 0 });
    d.mark(3, 0);
    // The enclosing loop's period from boundary 0 is all 6 transfers, each logged with its channel,
    // bytes and occupancy (0, 96, 32): both repetitions are exact. A log entry with the wrong bytes
    // or occupancy would make the first replayed one differ.
    expect(d.exactRepeats(2, 0)).toBe(2);
    expect(d.repeat({ times: 2, cycles: 192, delta: [576, 0, 576, 0, 192, 0, 6], from: 0, nested: false }, 0)).toBe(7);
    expect(d.stats()).toEqual({ bytes_read: 1728, bytes_written: 0, channel_busy_cycles: 576, queue_wait_cycles: 0 });
    expect(d.loggedShares).toBe(6);
    // The channel is now free at 192 + 2 x 192 = 576 with 1728 bytes served: 32 more bytes issued
    // at 64 wait until 576 and take ceil(1760 / 3) - 1728 / 3 = 587 - 576 = 11 cycles.
    let done = 0;
    sim.at(64, () => {
      done = d.transfer(32, 'read');
    });
    sim.run();
    expect(done).toBe(587);
    expect(d.stats().queue_wait_cycles).toBe(512);
  });

  it('steady-state bookkeeping refuses a period it has no log or replay for', () => {
    const { d, sim } = dram({ gbps: 3, burst: 32 });
    expect(() => d.exactRepeats(1, 0)).toThrow('internal: dram has no log from boundary 0');
    d.mark(0, 0);
    sim.at(0, () => d.transfer(96, 'read'));
    sim.run();
    d.mark(1, 0);
    expect(() => d.exactRepeats(1, 5)).toThrow('internal: dram has no log from boundary 5');
    // 96 bytes a period take exactly 32 cycles: both repeats are exact.
    const period = [96, 0, 96, 0, 32, 0, 1];
    expect(d.exactRepeats(2, 0)).toBe(2);
    expect(() => d.repeat({ times: 3, cycles: 32, delta: period, from: 0, nested: false }, 0)).toThrow('internal: dram was asked to repeat a period it has not replayed');
    expect(d.exactRepeats(2, 0)).toBe(2);
    expect(() => d.repeat({ times: 2, cycles: 32, delta: period, from: 1, nested: false }, 0)).toThrow('internal: dram was asked to repeat a period it has not replayed');
    expect(d.exactRepeats(2, 0)).toBe(2);
    expect(d.repeat({ times: 2, cycles: 32, delta: period, from: 0, nested: false }, 0)).toBe(7);
    expect(d.stats().bytes_read).toBe(288);
  });
});

