import { traceNonzeroWeightMacs } from '../../src/traces/work.js';
/**
 * The event-driven ESE run against the recurrence, and end to end through rnnsim's checked path.
 */
import { describe, expect, it } from 'vitest';
import { rnnHeader } from '../../src/traces/header.js';
import { loadInputs, simulate, simulateLoaded } from '../../src/simulate.js';
import { workloadFromTrace } from '../../src/dataflows/workload.js';
import { simulateEse, type EseRun } from '../../src/dataflows/ese/ese-dataflow.js';
import type { EseDataflowParams } from '../../src/dataflows/ese/ese-kind.js';
import { RunContext } from '../../src/dataflows/run-context.js';
import { spmvTiming } from '../../src/dataflows/ese/spmv-timing.js';
import type { ParamValues } from '../../src/engine/component.js';

const TRACE = 'traces/ese/google-lstmp.json';

/** The ESE run of a config on the Google LSTMP, with dataflow and PE parameters overridden. */
async function eseRun(config: string, overrides: Partial<ParamValues> = {}, pe: Partial<ParamValues> = {}): Promise<EseRun & { pe: ParamValues }> {
  const inputs = await loadInputs(config, TRACE);
  const c = inputs.config;
  const peParams = { ...c.roles.pe.params, ...pe } as ParamValues;
  const run = new RunContext(c.dataflow.roles, { ...c.roles, pe: { kind: c.roles.pe.kind, params: peParams } }, c.clockMhz);
  const params = { ...c.dataflowParams, ...overrides } as unknown as EseDataflowParams;
  return { ...simulateEse(run, params, workloadFromTrace(rnnHeader(inputs.header))), pe: peParams };
}

describe('event-driven ESE products equal the recurrence', () => {
  for (const [name, config, pe] of [
    ['DRAM-streamed, D = 8', 'configs/ese.yaml', {}],
    ['on chip, D = 1, L = 0, e = 0', 'configs/ese-onchip.yaml', { fifo_depth: 1, fifo_latency_cycles: 0, empty_column_cycles: 0 }],
    ['unbalanced, D = 2, L = 3', 'configs/ese-unbalanced.yaml', { fifo_depth: 2, fifo_latency_cycles: 3 }],
  ] as const) {
    it(name, async () => {
      const run = await eseRun(config, {}, pe);
      const params = {
        fifoDepth: run.pe.fifo_depth as number,
        fifoLatencyCycles: run.pe.fifo_latency_cycles as number,
        emptyColumnCycles: run.pe.empty_column_cycles as number,
      };
      const gates = [...run.layouts.values()];
      expect(run.products[0].length).toBe(2); // gate product and projection
      const layouts = [
        // the gate product is W_ih | W_hh concatenated: rebuild it the way the dataflow does
        (await import('../../src/dataflows/ese/ese-layouts.js')).concatColumns(gates[0], gates[1]),
        gates[2],
      ];
      run.products[0].forEach((r, i) => {
        const ref = spmvTiming(layouts[i], params, r.start, r.weightReady);
        expect(r.end).toBe(ref.end);
        expect(Array.from(r.push)).toEqual(Array.from(ref.push));
        expect(r.perPe).toEqual(ref.perPe);
      });
    });
  }
});

describe('Google LSTMP end to end (invariants checked by simulate)', () => {
  it('on chip: latency between the perfect-balance bound and 2x of it', async () => {
    const report = await simulate('configs/ese-onchip.yaml', TRACE);
    const s = report.summary;
    // Non-zeros: round(0.1 * 4096*153) + round(0.1 * 4096*512) + round(0.1 * 512*1024)
    //   = 62669 (62668.8) + 209715 (209715.2) + 52429 (52428.8) = 324813.
    expect(s.macs).toBe(324813);
    // Perfect balance, no padding: ceil(324813 / 32) = 10151 cycles = 50.76 us at 200 MHz.
    expect(s.cycles).toBeGreaterThan(10151);
    expect(s.cycles).toBeLessThan(2 * 10151);
  });

  it('a balanced layout is not slower than an unbalanced one at FIFO depth 1', async () => {
    const bal = (await eseRun('configs/ese-onchip.yaml', {}, { fifo_depth: 1 })).outcome.cycles;
    const unb = (await eseRun('configs/ese-onchip.yaml', { layout: 'unbalanced' }, { fifo_depth: 1 })).outcome.cycles;
    expect(bal).toBeLessThan(unb);
  });

  it("takes the density from the trace: the same config on a denser trace performs that trace's non-zero MACs", async () => {
    // google-lstmp-d0112 is the same LSTMP at density 0.1119 instead of 0.1: its non-zero MACs
    // (traceNonzeroWeightMacs) are what the sparse PEs must perform, with no change to the config.
    const dense = await loadInputs('configs/ese-onchip.yaml', 'traces/ese/google-lstmp-d0112.json');
    const r = simulateLoaded(dense);
    expect(r.summary.macs).toBe(traceNonzeroWeightMacs(rnnHeader(dense.header)));
    const sparse = simulateLoaded(await loadInputs('configs/ese-onchip.yaml', TRACE));
    expect(r.summary.macs).toBeGreaterThan(sparse.summary.macs);
  });
});
