/**
 * The design evaluator in worker threads gives exactly what it gives in one thread: every
 * design's metric, per-example results, precision counts and per-step precisions. Worker threads
 * run compiled JavaScript, so the evaluator under test here is dist/ (rebuilt when stale),
 * compared with the TypeScript sources run in this thread.
 */
import { describe, expect, it } from 'vitest';
import { loadModel, partsOf } from '../../src/models/load-model.js';
import type { Design, DesignResult } from '../../src/accuracy/design-evaluation.js';
import { evaluateDesigns } from '../../src/accuracy/design-evaluation.js';
import { fixedPointConfig } from '../../src/accuracy/fixed-point-formats.js';
import { calibrationRanges } from '../../src/accuracy/table.js';
import { dpsPrecisionPlan } from '../../src/dps/chooser.js';
import type { DpsPolicySpec } from '../../src/dps/policy-spec.js';
import { builtModule } from '../helpers/built.js';

type Evaluator = typeof import('../../src/accuracy/design-evaluation.js');
type Choosers = typeof import('../../src/dps/chooser.js');

const POLICY: DpsPolicySpec = { precisions: [8, 16], statistic: 'max_abs', delta: 0, thresholds: [0.25], hysteresisSteps: 1 };

function comparable(d: DesignResult): unknown {
  return { ...d, computeSeconds: 0, correct: Array.from(d.correct ?? []), stepPrecisions: (d.stepPrecisions ?? []).map((p) => Array.from(p)) };
}

describe('design evaluator in worker threads', () => {
  it('mnist-columns, five designs, two workers and a design kept in this thread: identical to one thread', async () => {
    const dist = (await import(builtModule('accuracy/design-evaluation.js'))) as Evaluator;
    const distChoosers = (await import(builtModule('dps/chooser.js'))) as Choosers;
    const model = loadModel('mnist-columns');
    const data = model.data.load('test', 150);
    const parts = partsOf(model);
    const ranges = calibrationRanges(model, model.data.load('validation', 40));
    const q16 = fixedPointConfig(ranges, 16);
    const designs = (policyPlan: Design['precision']): Design[] => [
      { name: 'float32' },
      { name: 'static-16', quantization: q16 },
      { name: 'static-8', quantization: fixedPointConfig(ranges, 8) },
      { name: 'dps', quantization: q16, precision: policyPlan, inputSideBits: 16 },
      { name: 'odd-steps-8', quantization: q16, precision: { kind: 'function', chooserFor: () => (ctx) => (ctx.timestep % 2 ? 8 : 16) } },
    ];
    const options = { chunkSize: 16, batchSize: 8, keepStepPrecisions: true };
    const threaded = await dist.evaluateDesigns(parts, data, designs(distChoosers.dpsPrecisionPlan(POLICY)), { ...options, workers: 2 });
    const local = await evaluateDesigns(parts, data, designs(dpsPrecisionPlan(POLICY)), { ...options, workers: 0 });
    expect(threaded.workers).toBe(2);
    expect(local.workers).toBe(0);
    expect(threaded.designs.map(comparable)).toEqual(local.designs.map(comparable));
    // The policy design ran at both precisions; the float design counts its steps at 32 bits.
    expect(Object.keys(local.designs[3].stepsByBits).sort()).toEqual(['16', '8']);
    expect(local.designs[0].stepsByBits).toEqual({ 32: 150 * 28 });
  });

  it('refuses worker threads from the TypeScript sources', async () => {
    const model = loadModel('mnist-columns');
    const data = model.data.load('test', 4);
    const parts = partsOf(model);
    await expect(evaluateDesigns(parts, data, [{ name: 'float32' }], { workers: 2 })).rejects.toThrow(/worker threads need the compiled evaluator/);
  });
});
