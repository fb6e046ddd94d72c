import { describe, expect, it } from 'vitest';
import { forwardFloat } from '../../src/functional/network.js';
import { choosePostTrainingFormats, highPrecisionConfig, integerBitsFor } from '../../src/functional/post-training.js';
import type { QuantizationConfig } from '../../src/functional/quantization-config.js';
import { QuantizedRnn } from '../../src/functional/quantized-network.js';
import { observeRanges } from '../../src/functional/range-observer.js';
import { loadRnnModel } from '../../src/functional/rnn-model.js';
import { batchItem, loadReferenceCase, maxAbsDiff, tensor } from './reference-cases.js';

describe('integer bits from ranges', () => {
  it('is the fewest m (sign included) with 2^(m-1) > max|x|', () => {
    // 0.99 -> Q1.n covers [-1, 1); 1.0 needs 2 bits ([-2, 2)); 3.5 -> 3 ([-4, 4)); 4 -> 4; 0 -> 1
    expect([0.99, 1, 3.5, 4, 0, 100].map(integerBitsFor)).toEqual([1, 2, 3, 4, 1, 8]);
  });
});

describe('range observation', () => {
  it('records max |.| of weights, activations, gates and cell per layer', () => {
    const ref = loadReferenceCase('lstm_bidir_2layer');
    const model = loadRnnModel(ref.weights);
    const input = tensor(ref.io, 'input');
    const x = batchItem(input, 0);
    const ranges = observeRanges(model, [{ input: x, seqLen: 6 }]);
    let w0 = 0;
    for (const [name, t] of ref.weights) if (name.includes('_l0')) for (const v of t.data) w0 = Math.max(w0, Math.abs(v));
    expect(ranges[0].weight).toBe(w0);
    // layer 0 activations include the raw input
    expect(ranges[0].activation).toBeGreaterThanOrEqual(Math.max(...Array.from(x, Math.abs)));
    // layer 1 inputs are layer 0's h = o*tanh(c): below 1
    expect(ranges[1].activation).toBeLessThan(1);
    let c = 0;
    forwardFloat(model, x, 6, { observer: (r) => r.layer === 1 && r.cell && (c = Math.max(c, ...Array.from(r.cell, Math.abs))) });
    expect(ranges[1].cell).toBe(c);
  });
});

describe('post-training fractional-bit search', () => {
  it('picks, group by group, the fewest fractional bits within tolerance', async () => {
    const ref = loadReferenceCase('lstm_1layer');
    const model = loadRnnModel(ref.weights);
    const input = tensor(ref.io, 'input');
    const sequences = [0, 1].map((b) => ({ input: batchItem(input, b), seqLen: 6 }));
    const floats = sequences.map((s) => forwardFloat(model, s.input, s.seqLen).output);
    // Metric: max |quantized - float| over the calibration set (lower is better).
    const evaluate = (config: QuantizationConfig): number => {
      const qrnn = new QuantizedRnn(model, config);
      return Math.max(...sequences.map((s, i) => maxAbsDiff(qrnn.forward(s.input, s.seqLen).output, floats[i])));
    };
    const ranges = observeRanges(model, sequences);
    const tolerance = 0.03;
    const start = highPrecisionConfig(ranges, 20, { kind: 'ideal' }, { kind: 'ideal' });
    // The high-precision start is itself well within tolerance.
    expect(evaluate(start)).toBeLessThan(1e-3);
    const result = await choosePostTrainingFormats(ranges, evaluate, {
      baseline: 0,
      tolerance,
      higherIsBetter: false,
      sigmoid: { kind: 'ideal' },
      tanh: { kind: 'ideal' },
    });
    const chosen = result.config.layers[0];
    // Integer bits come from the ranges. PyTorch's weights for this case peak at |w| = 0.3777
    // (so Q1.n, [-1, 1)) and the cell state over these two sequences at |c| = 1.0649 (so 2 bits, [-2, 2)).
    expect(ranges[0].weight).toBeCloseTo(0.3777216, 6);
    expect(ranges[0].cell).toBeCloseTo(1.0649089, 6);
    expect(chosen.weight.intBits).toBe(1);
    expect(chosen.cell.intBits).toBe(2);
    // The final configuration meets the tolerance...
    expect(evaluate(result.config)).toBeLessThanOrEqual(tolerance);
    // ...and for every group, one fractional bit fewer was evaluated and rejected (or it is the minimum).
    for (const group of ['weight', 'activation', 'gate', 'cell'] as const) {
      const n = chosen[group].fracBits;
      const tried = result.evaluations.filter((e) => e.group === group);
      expect(tried.at(-1)?.fracBits).toBe(n);
      expect(tried.at(-1)?.accepted).toBe(true);
      expect(tried.slice(0, -1).every((e) => !e.accepted && e.metric > tolerance)).toBe(true);
    }
    // Much fewer bits than the 20-bit start.
    expect(chosen.weight.intBits + chosen.weight.fracBits).toBeLessThan(12);
  });
});
