/**
 * The precision-select unit and the multi-precision dot-product unit in the E-PUR dataflow, on
 * the compute-bound small config of test/e2e/analytical.test.ts (1-layer LSTM, I = H = 64,
 * 4 units x 64 rows, tiles of 16 rows, DPU 16 wide, clock 1 GHz) and hand-written traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { tempDir, writeEpurConfig } from '../helpers/context.js';
import { computeBoundPatch } from '../helpers/small-configs.js';
import { writeCellTrace, writeDpsConfig } from './helpers.js';

const T = 4;
const H = 64;
let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-dps-sim-'));
});
afterAll(() => cleanup());

const still = (): number[] => new Array<number>(H).fill(0);

describe('a cell state that never changes', () => {
  it('runs at the lowest precision after the first step, which runs at the highest', async () => {
    const trace = await writeCellTrace(dir, 'still.json', T, still);
    const r = await simulate(writeDpsConfig(dir, 'dps.yaml'), trace);
    const psu = r.summary.components.precision_select_unit;
    // Step 0 at 16 (initial); steps 1..3 see c_(t-1) - c_(t-2) = 0 -> 8.
    expect(psu.steps_total).toBe(4);
    expect(psu.steps_lowest).toBe(3);
    expect(psu.steps_highest).toBe(1);
    expect(psu.precision_bit_steps).toBe(16 + 3 * 8);
    // Decisions after steps 0, 1, 2 (none after the last): 3; each sees the 64 new elements.
    expect(psu.decisions).toBe(3);
    expect(psu.elements).toBe(3 * H);
    expect(r.summary.macs).toBe(4 * 64 * 128 * T);
  });

  it('with initial_bits 8 runs every step at 8 bits', async () => {
    const trace = await writeCellTrace(dir, 'still8.json', T, still);
    const r = await simulate(writeDpsConfig(dir, 'dps8.yaml', { initial_bits: 8 }), trace);
    expect(r.summary.components.precision_select_unit.steps_lowest).toBe(T);
    expect(r.summary.components['cu0.dot_product_unit'].macs_below_full_precision).toBe(64 * 128 * T);
  });
});

describe('compute-bound: dot-product cycles scale by the precision ratio', () => {
  it('halves the DPU busy cycles at 8 bits (composable, 32 products per cycle)', async () => {
    const trace = await writeCellTrace(dir, 'still-ratio.json', T, still);
    const base = await simulate(writeEpurConfig(dir, 'static.yaml', computeBoundPatch('step_by_step')), trace);
    const dps = await simulate(writeDpsConfig(dir, 'dps8r.yaml', { initial_bits: 8 }), trace);
    // Static: per unit per step 4 tiles x 16 dot products x ceil(128/16) = 512 cycles.
    // 8 bits: 4 x 16 x ceil(128/32) = 256 cycles: exactly 16/8 = 2 times fewer.
    expect(base.summary.components['cu0.dot_product_unit'].busy_cycles).toBe(T * 512);
    expect(dps.summary.components['cu0.dot_product_unit'].busy_cycles).toBe(T * 256);
    // Composable at 8 bits: one brick per product, no compose adds.
    const count = (a: string): number => dps.energy.actions.find((r) => r.component === 'cu0.dot_product_unit' && r.action === a)?.count ?? -1;
    expect(count('brick_multiply')).toBe(64 * 128 * T);
    expect(count('compose_add')).toBe(0);
  });

  it('bit-serial takes ceil(K / (N*P)) * p cycles per dot product', async () => {
    const trace = await writeCellTrace(dir, 'still-serial.json', T, still);
    const r = await simulate(writeDpsConfig(dir, 'serial.yaml', { initial_bits: 8 }, {}, { multi_precision: 'bit_serial' }), trace);
    // K = 128 <= N*P = 256: 1 group x 8 cycles per dot product; 4 tiles x 16 = 64 dot products per step.
    expect(r.summary.components['cu0.dot_product_unit'].busy_cycles).toBe(T * 64 * 8);
  });
});

describe('the decision sits on the critical path between timesteps', () => {
  it('delays the next step by the unit tail plus the decision latency', async () => {
    const trace = await writeCellTrace(dir, 'still-lat.json', T, still);
    const fast = await simulate(writeDpsConfig(dir, 'lat1.yaml', { initial_bits: 8, decision_latency_cycles: 1 }), trace);
    const slow = await simulate(writeDpsConfig(dir, 'lat11.yaml', { initial_bits: 8, decision_latency_cycles: 11 }), trace);
    // 10 more cycles of decision latency on each of the 3 decisions that a next step waits for.
    expect(slow.summary.cycles - fast.summary.cycles).toBe(3 * 10);
    expect(slow.summary.components.precision_select_unit.critical_path_cycles - fast.summary.components.precision_select_unit.critical_path_cycles).toBe(30);
  });
});

describe('recorded precisions', () => {
  it('must agree with the unit at every step', async () => {
    // Still cell state: the unit decides 16, 8, 8, 8. A trace claiming 16 at step 2 disagrees.
    const good = await writeCellTrace(dir, 'rec-good.json', T, still, (t) => (t === 0 ? 16 : 8));
    const r = await simulate(writeDpsConfig(dir, 'rec.yaml'), good);
    expect(r.summary.components.precision_select_unit.recorded_precision_checks).toBe(T);
    const bad = await writeCellTrace(dir, 'rec-bad.json', T, still, (t) => (t === 0 || t === 2 ? 16 : 8));
    await expect(simulate(writeDpsConfig(dir, 'rec2.yaml'), bad)).rejects.toThrow(/timestep 2: the precision-select unit decides 8 bits, the trace records 16 bits/);
  });

  it('a changing cell state goes back to 16 bits', async () => {
    // delta 0.0625 = 16 codes, threshold 0.25 x 64 = 16 elements. Step t's state: all elements = 100 t
    // for t <= 1, then constant: the change seen before step 2 (c1 - c0 = 100 on 64 > 16 elements) -> 16.
    const trace = await writeCellTrace(dir, 'jump.json', T, (t) => new Array<number>(H).fill(100 * Math.min(t, 1)));
    const r = await simulate(writeDpsConfig(dir, 'jump.yaml'), trace);
    // step 0: 16 (initial); step 1: c0 - 0 = 0 -> 8; step 2: c1 - c0 = 100 -> 16; step 3: 0 -> 8.
    expect(r.summary.components.precision_select_unit.precision_bit_steps).toBe(16 + 8 + 16 + 8);
  });

  it('a shape-only trace cannot be replayed', async () => {
    const { writeTrace } = await import('../helpers/context.js');
    const shape = writeTrace(dir, { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: T }, 'shape.json');
    await expect(simulate(writeDpsConfig(dir, 'shape.yaml'), shape)).rejects.toThrow(/no cell_state records/);
  });
});
