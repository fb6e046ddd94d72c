/**
 * The invariant checker fed a violation of each invariant (issue 12: it could be emptied and the
 * suite still passed, because no test ever gave it one). A real run of configs/epur.yaml on an
 * LSTM of I = H = 8 over 2 steps gives a summary that passes; each case breaks one invariant of
 * that summary and expects the run to fail naming it. Required values worked by hand:
 * MACs 4 gates x 8 x (8 + 8) x 2 steps = 1024; per hidden unit and step an LSTM does 3 sigmoids,
 * 2 tanh, 3 multiplies, 1 add and 4 bias adds, so 48 sigmoids, 32 tanh, 48 multiplies and
 * 16 + 64 = 80 adds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, simulate, type RunReport, type RunSummary } from '../../src/simulate.js';
import { InvariantChecker, InvariantError } from '../../src/reports/invariants.js';
import type { DataflowOutcome } from '../../src/dataflows/dataflow-kind.js';
import { EPUR_YAML, tempDir, writeTrace } from '../helpers/context.js';

const { dir, cleanup } = tempDir('rnnsim-invariants-');
afterAll(() => cleanup());
let report: RunReport;

beforeAll(async () => {
  report = await simulate(EPUR_YAML, writeTrace(dir, { cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 2, name: 'tiny' }, 'tiny.json'));
});

type Mutable = { -readonly [K in keyof RunSummary]: any };

/** checkInvariants on a copy of the run's summary with `edit` applied. */
function check(edit: (s: Mutable) => void): void {
  const s = structuredClone(report.summary) as Mutable;
  edit(s);
  checkInvariants(s as RunSummary, report.header, { cycles: s.cycles } as DataflowOutcome);
}

describe('every run invariant, violated once', () => {
  it('the untouched summary passes, with the hand-worked work counts', () => {
    const s = report.summary;
    expect(s.macs).toBe(1024);
    expect(s.element_ops).toMatchObject({ sigmoid: 48, tanh: 32, multiply: 48, add: 80 });
    expect(() => check(() => undefined)).not.toThrow();
  });

  const cases: readonly [string, (s: Mutable) => void, RegExp][] = [
    ['one MAC too many', (s) => (s.macs = 1025), /MACs performed vs MACs the trace requires \(after skipping\): got 1025, expected 1024/],
    ['negative skipped MACs', (s) => (s.macs_skipped = -1), /MACs skipped must be a finite non-negative number, got -1/],
    ['a sigmoid missing', (s) => (s.element_ops = { ...s.element_ops, sigmoid: 47 }), /sigmoids performed vs required: got 47, expected 48/],
    ['a tanh too many', (s) => (s.element_ops = { ...s.element_ops, tanh: 33 }), /tanhs performed vs required: got 33, expected 32/],
    ['a multiply missing', (s) => (s.element_ops = { ...s.element_ops, multiply: 0 }), /element-wise multiplies performed vs required: got 0, expected 48/],
    ['bias adds not counted', (s) => (s.element_ops = { ...s.element_ops, add: 16 }), /element-wise adds \(incl\. bias\) performed vs required: got 16, expected 80/],
    ['a stall cycle lost', (s) => (s.stall_cycles = { ...s.stall_cycles, total: s.stall_cycles.total - 1 }), /compute-unit busy \+ stall cycles vs cycles x units: got \d+, expected \d+/],
    ['negative cycles', (s) => (s.cycles = -5), /cycles must be a finite non-negative number, got -5/],
    ['a negative stall cause', (s) => (s.stall_cycles = { ...s.stall_cycles, by_cause: { ...s.stall_cycles.by_cause, weight_fetch: -1 } }), /stall_cycles\.by_cause\.weight_fetch must be a finite non-negative number, got -1/],
    ['infinite energy', (s) => (s.energy_pj = { ...s.energy_pj, total: Infinity }), /energy_pj\.total must be a finite non-negative number, got Infinity/],
    ['NaN area', (s) => (s.area_mm2 = { ...s.area_mm2, total: NaN }), /area_mm2\.total must be a finite non-negative number, got NaN/],
    ['a negative component statistic', (s) => (s.components = { ...s.components, dram: { ...s.components.dram, bytes_read: -8 } }), /components\.dram\.bytes_read must be a finite non-negative number, got -8/],
    ['utilization above 1', (s) => (s.utilization = { ...s.utilization, pe: 1.5 }), /utilization\.pe must be in \[0, 1\], got 1\.5/],
    ['energy breakdown off by 1%', (s) => (s.energy_pj = { ...s.energy_pj, total: s.energy_pj.total * 1.01 }), /energy breakdown sums to the total: got [\d.e+]+, expected [\d.e+]+/],
    ['area breakdown off by 1%', (s) => (s.area_mm2 = { ...s.area_mm2, total: s.area_mm2.total * 0.99 }), /area breakdown sums to the total: got [\d.e+]+, expected [\d.e+]+/],
  ];

  it.each(cases)('%s: the run fails naming the invariant', (_label, edit, message) => {
    let caught: unknown;
    try {
      check(edit);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvariantError);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('InvariantChecker by hand', () => {
  it('lists every violation, in order, and passes at the boundaries', () => {
    const c = new InvariantChecker();
    c.nonNegative('zero', 0);
    c.fraction('zero', 0);
    c.fraction('one', 1);
    c.equal('exact', 3, 3);
    c.equal('within 1e-9 of 1e6', 1e6 + 1e-4, 1e6, 1e-9);
    c.allNonNegative('nested', { a: 1, b: { c: 0 }, d: 'text' });
    expect(() => c.throwIfViolated()).not.toThrow();
    c.fraction('just above one', 1 + 2 ** -52);
    c.equal('outside 1e-9 of 1e6', 1e6 + 1e-2, 1e6, 1e-9);
    c.allNonNegative('nested', { a: 1, b: { c: -0.5 } });
    c.nonNegative('NaN', NaN);
    expect(() => c.throwIfViolated()).toThrow(
      'simulation invariants violated:\n  just above one must be in [0, 1], got 1.0000000000000002\n  outside 1e-9 of 1e6: got 1000000.01, expected 1000000\n  nested.b.c must be a finite non-negative number, got -0.5\n  NaN must be a finite non-negative number, got NaN',
    );
  });

  it('boundaries a mutation would move: a negative fraction, a difference exactly at the tolerance, nulls in a record', () => {
    const c = new InvariantChecker();
    c.equal('at the tolerance', 6, 4, 0.5); // |6 - 4| = 2 = 0.5 x 4: allowed
    c.allNonNegative('record', { a: null, b: 'label', c: [1, 2] });
    expect(() => c.throwIfViolated()).not.toThrow();
    c.fraction('below zero', -0.25);
    c.equal('past the tolerance', 6.5, 4, 0.5);
    let caught: unknown;
    try {
      c.throwIfViolated();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvariantError);
    expect((caught as InvariantError).name).toBe('InvariantError');
    expect((caught as InvariantError).violations).toEqual(['below zero must be in [0, 1], got -0.25', 'past the tolerance: got 6.5, expected 4']);
  });
});

