/** The best static baseline and `npm start`'s DPS section, on a hand-made evaluation. */
import { describe, expect, it } from 'vitest';
import { bestStatic, evaluationHeadline, mostDynamicPolicy, type Evaluation } from '../../src/dps/evaluate/report.js';
import type { DpsPolicySpec } from '../../src/dps/policy-spec.js';
import type { DesignResult, ModelEvaluation } from '../../src/dps/evaluate/evaluation.js';

function design(name: string, kind: DesignResult['kind'], cost: { latency_us: number; energy_uj: number; loss: number; bits: number }): DesignResult {
  return {
    design: name,
    kind,
    description: name,
    accuracy: 0.9 - cost.loss / 100,
    accuracy_ci95: [0.88, 0.92],
    loss: cost.loss,
    loss_ci95: [cost.loss - 0.1, cost.loss + 0.1],
    meets_budget: cost.loss <= 1,
    mean_bits: cost.bits,
    share_by_bits: { [String(cost.bits)]: 1 },
    reduces_to_static: kind !== 'policy',
    latency_us: cost.latency_us,
    energy_uj: cost.energy_uj,
    area_mm2: 21.8,
  };
}

function model(designs: DesignResult[]): ModelEvaluation {
  return {
    model: 'tiny',
    metric: 'accuracy',
    higher_is_better: true,
    budget: 1,
    test_examples: 1000,
    test_data: 'test',
    validation_data: 'validation',
    loss_standard_error: 0.2,
    hardware_sequences: 4,
    choices: { static_min_bits: 6, static_min_per_layer: [4, 8], policies: {}, policy_specs: {} },
    validation: { static: {}, policy_grids: {} },
    designs,
  };
}

const s16 = design('static-16', 'static', { latency_us: 100, energy_uj: 50, loss: 0, bits: 16 });
const smin = design('static-min', 'static', { latency_us: 40, energy_uj: 20, loss: 0.5, bits: 6 });
const perLayer = design('static-min-per-layer', 'static-per-layer', { latency_us: 45, energy_uj: 18, loss: 0.6, bits: 6 });
const dps = design('dps-4-16', 'policy', { latency_us: 36, energy_uj: 24, loss: 0.4, bits: 5.2 });

describe('the best static baseline', () => {
  it('is the chosen static design with the least energy, not static-16', () => {
    expect(bestStatic(model([s16, smin, perLayer, dps]))?.design).toBe('static-min-per-layer');
    expect(bestStatic(model([s16, smin, dps]))?.design).toBe('static-min');
  });

  it('falls back to static-16 when no cheaper static design was chosen', () => {
    expect(bestStatic(model([s16, dps]))?.design).toBe('static-16');
  });
});

describe("npm start's DPS section", () => {
  it('shows each policy against static-16 and the best static design', () => {
    const e: Evaluation = { format: 'rnnsim-dps-evaluation/1', command: 'rnnsim dps evaluate', budget: { accuracyPoints: 1, bpc: 0.02 }, models: [model([s16, smin, perLayer, dps])], size_sweep: [] };
    const md = evaluationHeadline(e);
    // dps-4-16: 100/36 = 2.78x static-16's speed, 45/36 = 1.25x the per-layer design's; energy 24/50 = 0.48x, 24/18 = 1.33x.
    const row = md.split('\n').find((l) => l.startsWith('| dps-4-16 '));
    expect(row).toContain('| 2.78x | 1.25x | 0.48x | 1.33x |');
    expect(md).toContain('speed vs static-min-per-layer');
    expect(md).toContain('best static (per layer 4, 8 bits)');
    // static-min is not the best static here, so it is not shown.
    expect(md).not.toContain('| static-min |');
  });
});

describe('the policy the timeline shows', () => {
  it('is the step-by-step policy with the most even split, not one that reduces to static', () => {
    const mostly8 = { ...design('dps-8-16', 'policy', { latency_us: 40, energy_uj: 20, loss: 0, bits: 8.1 }), share_by_bits: { 8: 0.99, 16: 0.01 } };
    const mixed = { ...design('dps-4-16', 'policy', { latency_us: 40, energy_uj: 20, loss: 0, bits: 10 }), share_by_bits: { 4: 0.5, 16: 0.5 } };
    const mwl = { ...design('dps-4-16-mwl', 'policy', { latency_us: 40, energy_uj: 20, loss: 0, bits: 10 }), share_by_bits: { 4: 0.5, 16: 0.5 } };
    const spec: DpsPolicySpec = { statistic: 'count_above', precisions: [4, 16], delta: 0.25, thresholds: [0.5], hysteresisSteps: 0 };
    const m = { ...model([s16, mostly8, mixed, mwl]), choices: { static_min_bits: 6, static_min_per_layer: [6], policies: {}, policy_specs: { 'dps-8-16': spec, 'dps-4-16': spec, 'dps-4-16-mwl': spec } } };
    expect(mostDynamicPolicy(m)).toBe('dps-4-16');
    expect(mostDynamicPolicy(model([s16]))).toBeUndefined();
  });
});
