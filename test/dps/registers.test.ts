/**
 * Per-model policies: the precision-select unit loads its registers from the trace's recorded
 * precision_policy (threshold_source: trace), the config being the fallback or the override;
 * and the dynamic formats reuse the accuracy table's static low-precision formats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { tempDir } from '../helpers/context.js';
import { registerContents, specFromHeader, specToHeader, type DpsPolicySpec } from '../../src/dps/policy-spec.js';
import { widenFormats } from '../../src/dps/model-eval.js';
import { formatsAtPrecision, uniformQuantization, DEFAULT_LAYER_QUANTIZATION } from '../../src/functional/quantization-config.js';
import { writeCellTrace, writeDpsConfig } from './helpers.js';

const T = 4;
const H = 64;
let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-dps-reg-'));
});
afterAll(() => cleanup());

const config: DpsPolicySpec = { precisions: [8, 16], statistic: 'count_above', delta: 0.0625, thresholds: [1], hysteresisSteps: 0 };
const recorded: DpsPolicySpec = { precisions: [8, 16], statistic: 'max_abs', delta: 0, thresholds: [0.5], hysteresisSteps: 2, initialBits: 8 };

describe('registerContents', () => {
  it('takes the trace policy when asked and present, else the config', () => {
    const h = specToHeader(recorded, 'test');
    expect(h).toEqual({ precisions: [8, 16], statistic: 'max_abs', delta: 0, thresholds: [0.5], hysteresis_steps: 2, initial_bits: 8, chosen_by: 'test' });
    expect(specFromHeader(h)).toEqual(recorded);
    expect(registerContents(config, h, 'trace', 'psu')).toEqual({ spec: recorded, from: 'trace' });
    expect(registerContents(config, h, 'config', 'psu')).toEqual({ spec: config, from: 'config' });
    expect(registerContents(config, undefined, 'trace', 'psu')).toEqual({ spec: config, from: 'config' });
  });

  it('refuses a trace policy for another precision set (hardware)', () => {
    const h = specToHeader({ ...recorded, precisions: [4, 8, 16], thresholds: [0.5, 1] });
    expect(() => registerContents(config, h, 'trace', 'psu')).toThrow(/precisions \{4, 8, 16\} bits, the unit is built for \{8, 16\}/);
  });
});

describe('the unit loads its thresholds from the trace', () => {
  // Cell state 100 t for t <= 1, then constant (8 fractional bits). Config: threshold 1 x 64 = 64
  // elements, never exceeded -> 16, 8, 8, 8 = 40 bit-steps. Trace: delta 1/16 = 16 codes,
  // threshold 0.25 x 64 = 16 elements -> step 2 sees 64 elements changed by 100 > 16 -> 16, 8, 16, 8 = 48.
  const jump = (t: number): number[] => new Array<number>(H).fill(100 * Math.min(t, 1));
  const traced = { precision_policy: specToHeader({ precisions: [8, 16], statistic: 'count_above', delta: 0.0625, thresholds: [0.25], hysteresisSteps: 0 }) };

  it('threshold_source trace (default): the recorded policy decides and the check passes', async () => {
    const trace = await writeCellTrace(dir, 'reg-jump.json', T, jump, (t) => (t === 0 || t === 2 ? 16 : 8), traced);
    const r = await simulate(writeDpsConfig(dir, 'reg-trace.yaml', { thresholds: '1' }), trace);
    const psu = r.summary.components.precision_select_unit;
    expect(psu.precision_bit_steps).toBe(48);
    expect(psu.registers_from_trace).toBe(1);
    expect(psu.recorded_precision_checks).toBe(T);
  });

  it('threshold_source config overrides it: the config policy disagrees with the recorded precisions', async () => {
    const trace = await writeCellTrace(dir, 'reg-jump2.json', T, jump, (t) => (t === 0 || t === 2 ? 16 : 8), traced);
    await expect(simulate(writeDpsConfig(dir, 'reg-config.yaml', { thresholds: '1', threshold_source: 'config' }), trace)).rejects.toThrow(/timestep 2: the precision-select unit decides 8 bits, the trace records 16 bits/);
    const unchecked = await simulate(writeDpsConfig(dir, 'reg-config2.yaml', { thresholds: '1', threshold_source: 'config', check_recorded_precision: false }), trace);
    expect(unchecked.summary.components.precision_select_unit.precision_bit_steps).toBe(40);
    expect(unchecked.summary.components.precision_select_unit.registers_from_trace).toBe(0);
  });

  it('a trace without a policy falls back to the config', async () => {
    const trace = await writeCellTrace(dir, 'reg-none.json', T, jump);
    const r = await simulate(writeDpsConfig(dir, 'reg-none.yaml', { thresholds: '1' }), trace);
    expect(r.summary.components.precision_select_unit.precision_bit_steps).toBe(40);
    expect(r.summary.components.precision_select_unit.registers_from_trace).toBe(0);
  });
});

describe('widenFormats', () => {
  it('keeps the low-precision integer bits, so the low step gets exactly the static low formats', () => {
    const low = uniformQuantization(1, { ...DEFAULT_LAYER_QUANTIZATION, weight: { intBits: 1, fracBits: 7 }, activation: { intBits: 2, fracBits: 6 } });
    const wide = widenFormats(low, 16).layers[0];
    expect(wide.weight).toEqual({ intBits: 1, fracBits: 15 });
    expect(wide.activation).toEqual({ intBits: 2, fracBits: 14 });
    expect(wide.cell).toEqual(DEFAULT_LAYER_QUANTIZATION.cell); // Q8.8 untouched
    expect(formatsAtPrecision(wide, 8)).toEqual({ weight: { intBits: 1, fracBits: 7 }, activation: { intBits: 2, fracBits: 6 } });
  });
});

describe('the recorded policy in a functional trace header', () => {
  it('is written by dpsTraceHeader and accepted by the trace schema', async () => {
    const { dpsTraceHeader } = await import('../../src/dps/functional-trace.js');
    const { validateTraceHeader } = await import('../../src/traces/validate-header.js');
    const { tracePolicyText } = await import('../../src/dps/report.js');
    const t = { cell: 'lstm' as const, num_layers: 1, input_size: 28, hidden_size: 128, proj_size: 0, bidirectional: false };
    const q = uniformQuantization(1, { ...DEFAULT_LAYER_QUANTIZATION, weight: { intBits: 1, fracBits: 15 }, activation: { intBits: 2, fracBits: 14 } });
    const h = dpsTraceHeader(t, [28, 28], 16, { name: 'x', source: 'test', policy: recorded, chosenBy: 'by hand', quantization: q });
    const v = validateTraceHeader({ ...h }, 'x.json');
    expect(v.precision_policy).toEqual({ precisions: [8, 16], statistic: 'max_abs', delta: 0, thresholds: [0.5], hysteresis_steps: 2, initial_bits: 8, chosen_by: 'by hand' });
    expect(v.quantization?.layers[0].weight).toEqual({ int_bits: 1, frac_bits: 15 });
    expect(tracePolicyText(v)).toBe('{8,16} bits, max |dc| above 0.5, hysteresis 2');
    // An unknown field in the policy is refused (additionalProperties: false).
    expect(() => validateTraceHeader({ ...h, precision_policy: { ...h.precision_policy, extra: 1 } }, 'x.json')).toThrow(/unknown field 'extra'/);
  });
});

describe('candidateGrid', () => {
  it('has 24 candidates whose last never exceeds its threshold (count > H is impossible)', async () => {
    const { candidateGrid } = await import('../../src/dps/calibrate.js');
    const { resolvePolicy } = await import('../../src/dps/policy-spec.js');
    const { PrecisionTracker } = await import('../../src/dps/policy.js');
    const grid = candidateGrid();
    expect(grid.length).toBe(3 * 6 + 5 + 1);
    const last = resolvePolicy(grid[grid.length - 1], 128, 8);
    expect(last.thresholds).toEqual([128]);
    // Every element changes by far more than delta: count 128, not > 128 -> 8 bits.
    const tr = new PrecisionTracker(last);
    expect(tr.start(new Int32Array(128))).toBe(16);
    expect(tr.next(new Int32Array(128).fill(1000))).toBe(8);
  });
});
