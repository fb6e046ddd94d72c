/**
 * The precision-select unit agrees with the functional model on every timestep of a recorded
 * trace: a 2-layer bidirectional LSTM (test/functional reference case) runs with the policy in
 * its loop (QuantizedRnn + dpsChooser), the trace records each step's cell state and precision,
 * and the unit's replay of the cell states (src/dps/replay.ts) must decide the same precision at
 * every step of every layer and direction, forward and reverse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { uniformQuantization } from '../../src/functional/quantization-config.js';
import { QuantizedRnn } from '../../src/functional/quantized-network.js';
import { loadRnnModel } from '../../src/functional/rnn-model.js';
import { dpsChooser } from '../../src/dps/chooser.js';
import { writeDpsTrace } from '../../src/dps/functional-trace.js';
import { resolvePolicy, type DpsPolicySpec } from '../../src/dps/policy-spec.js';
import { replayPrecisions } from '../../src/dps/replay.js';
import { readTrace } from '../../src/traces/reader.js';
import { batchItem, loadReferenceCase, tensor } from '../functional/reference-cases.js';
import { tempDir } from '../helpers/context.js';

let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-dps-agree-'));
});
afterAll(() => cleanup());

const ref = loadReferenceCase('lstm_bidir_2layer');
const model = loadRnnModel(ref.weights);
const input = tensor(ref.io, 'input');
const seqLen = input.shape[1];
const quant = uniformQuantization(2);
const H = model.topology.hidden_size;

/** Functional run with the policy: precision per (sequence, layer, direction, timestep). */
function functionalPrecisions(spec: DpsPolicySpec, sequences: Float32Array[]): Map<string, number> {
  const out = new Map<string, number>();
  const rnn = new QuantizedRnn(model, quant);
  sequences.forEach((x, k) =>
    rnn.forward(x, seqLen, {
      sequence: k,
      choosePrecision: dpsChooser((_l, frac) => resolvePolicy(spec, H, frac)),
      onStep: (r) => out.set(`${k}.${r.layer}.${r.direction}.${r.timestep}`, r.precisionBits),
    }),
  );
  return out;
}

describe('precision-select unit vs functional model', () => {
  const sequences = [batchItem(input, 0), batchItem(input, 1)];
  // max_abs with a threshold in the middle of the changes this model makes, so both precisions occur.
  const spec: DpsPolicySpec = { precisions: [8, 16], statistic: 'max_abs', delta: 0, thresholds: [0.05], hysteresisSteps: 0 };

  it('decides the recorded precision at every step of every layer and direction', async () => {
    const expected = functionalPrecisions(spec, sequences);
    const file = join(dir, 'agree.json');
    await writeDpsTrace(file, model, quant, sequences.map((x) => ({ input: x, seqLen })), { name: 'agree', source: 'reference case lstm_bidir_2layer', policy: spec });
    const schedule = await replayPrecisions(await readTrace(file), spec, 'test');
    // 2 sequences x 2 layers x 2 directions x seqLen steps, every one checked against its record.
    const total = 2 * 2 * 2 * seqLen;
    expect(schedule.checkedSteps).toBe(total);
    expect(expected.size).toBe(total);
    for (const [key, bits] of expected) {
      const [k, l, d, t] = key.split('.').map(Number);
      expect(schedule.bitsAt(k, l, d, t), key).toBe(bits);
    }
    // Not a trivial agreement: both precisions are used.
    const values = [...expected.values()];
    expect(values).toContain(8);
    expect(values).toContain(16);
  });

  it('a different policy disagrees with the recorded trace and says where', async () => {
    const file = join(dir, 'agree2.json');
    await writeDpsTrace(file, model, quant, sequences.map((x) => ({ input: x, seqLen })), { name: 'agree2', source: 'reference case', policy: spec });
    // Everything calm by this policy: it decides 8 where the functional run used 16.
    const other: DpsPolicySpec = { ...spec, thresholds: [1000] };
    await expect(replayPrecisions(await readTrace(file), other, 'test')).rejects.toThrow(/the precision-select unit decides 8 bits, the trace records 16 bits/);
  });
});
