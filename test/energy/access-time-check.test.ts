import { describe, expect, test } from 'vitest';
import { checkReadLatency } from '../../src/energy/access-time-check.js';

describe('checkReadLatency', () => {
  test('a 5.14 ns access at 500 MHz needs 3 cycles: 1 configured is 2 short', () => {
    const r = checkReadLatency({ readLatencyCycles: 1, clockMhz: 500, accessNs: 5.14 });
    expect(r.clockPeriodNs).toBe(2);
    expect(r.configuredNs).toBe(2);
    expect(r.requiredCycles).toBe(3);
    expect(r.shortByCycles).toBe(2);
    expect(r.ok).toBe(false);
    expect(r.message).toBe('read latency 1 cycle (2 ns at 500 MHz) is shorter than the 5.14 ns access time: 3 cycles needed, 2 short');
  });

  test('enough cycles: ok, nothing short', () => {
    const r = checkReadLatency({ readLatencyCycles: 5, clockMhz: 500, accessNs: 8.3 });
    expect(r.requiredCycles).toBe(5);
    expect(r.shortByCycles).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/covers the 8.3 ns access time \(5 cycles needed\)/);
  });

  test('an access time exactly on a cycle boundary needs no extra cycle', () => {
    expect(checkReadLatency({ readLatencyCycles: 2, clockMhz: 500, accessNs: 4 }).ok).toBe(true);
    expect(checkReadLatency({ readLatencyCycles: 2, clockMhz: 500, accessNs: 4.0001 }).shortByCycles).toBe(1);
  });

  test('zero configured cycles is always short', () => {
    expect(checkReadLatency({ readLatencyCycles: 0, clockMhz: 1000, accessNs: 0.35 }).shortByCycles).toBe(1);
  });

  test('bad input', () => {
    expect(() => checkReadLatency({ readLatencyCycles: 1.5, clockMhz: 500, accessNs: 1 })).toThrow(/non-negative integer/);
    expect(() => checkReadLatency({ readLatencyCycles: 1, clockMhz: 0, accessNs: 1 })).toThrow(/clockMhz/);
    expect(() => checkReadLatency({ readLatencyCycles: 1, clockMhz: 500, accessNs: -1 })).toThrow(/accessNs/);
  });
});
