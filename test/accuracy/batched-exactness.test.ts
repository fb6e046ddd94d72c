/**
 * Bit-exactness of the batched evaluator on the bundled models: at static 16, 8, 6 and 4
 * bits (the accuracy table's range-rule formats), with a dynamic-precision policy in the loop,
 * with a chooser that mixes four precisions within every step of a batch, and with the input side
 * at a fixed 16 bits. Compared with the one-sequence reference path (ReferenceQuantizedRnn), per
 * sequence: every output code, every step's cell state, hidden state and precision, h_n and c_n;
 * per design: the metric, every example's correctness (or every prediction's loss) and the steps
 * at each precision. The head is applied to the reference outputs here with the same float32 head
 * functions (the head is not what is under test).
 */
import { describe, expect, it } from 'vitest';
import { loadModel, partsOf } from '../../src/models/load-model.js';
import { sequenceInput, type InferenceParts } from '../../src/models/inference.js';
import type { EvalData } from '../../src/models/eval-data.js';
import { evaluateDesigns, type Design } from '../../src/accuracy/design-evaluation.js';
import { evaluateParts } from '../../src/accuracy/evaluate.js';
import { fixedPointConfig } from '../../src/accuracy/fixed-point-formats.js';
import { crossEntropy } from '../../src/accuracy/head.js';
import { argmax, headRow } from '../../src/models/readout.js';
import { calibrationRanges } from '../../src/accuracy/table.js';
import { dpsPrecisionPlan, policyChooserFactory } from '../../src/dps/chooser.js';
import type { DpsPolicySpec } from '../../src/dps/policy-spec.js';
import { widenFormats } from '../../src/dps/model-eval.js';
import type { QuantizationConfig } from '../../src/functional/quantization-config.js';
import { QuantizedRnn, type PrecisionChooser, type QuantizedStepRecord } from '../../src/functional/quantized-network.js';
import { ReferenceQuantizedRnn } from '../../src/functional/reference-quantized-network.js';
import { directionCount, outputSize } from '../../src/functional/rnn-model.js';

/** Model, test subset, validation subset for the ranges (examples, or characters of sotu-char). */
const MODELS: [string, number, number][] = [
  ['mnist-columns', 16, 40],
  ['spam-words', 10, 40],
  ['sotu-char', 1000, 800],
  ['mnist-pixels-gru-128', 6, 20], // the GRU, 196 steps
];

/** A policy that visits all of 4, 8 and 16 bits on the model (the language model's cell state moves more). */
function policyFor(name: string): DpsPolicySpec {
  return { precisions: [4, 8, 16], statistic: 'max_abs', delta: 0, thresholds: name === 'sotu-char' ? [1, 4] : [0.25, 1], hysteresisSteps: 1 };
}

/** 4, 6, 8 or 16 bits from a hash of (sequence, layer, direction, timestep): four groups in most steps of a batch. */
function hashChooser(sequence: number): PrecisionChooser {
  return (ctx) => [4, 6, 8, 16][(Math.imul(sequence + 1, 2654435761) ^ Math.imul(ctx.timestep + 7 * ctx.layer + 3 * ctx.direction + 1, 40503)) >>> 0 % 4 & 3];
}

interface ReferenceRun {
  readonly outputs: Int32Array[];
  readonly hN: Int32Array[];
  readonly cN: (Int32Array | null)[];
  readonly steps: Map<string, [number[], number[], number]>;
  readonly metric: number;
  readonly correct: number[];
  readonly nats: number[];
  readonly stepsByBits: Record<number, number>;
}

const key = (r: QuantizedStepRecord): string => `${r.sequence}/${r.layer}/${r.direction}/${r.timestep}`;

function referenceRun(parts: InferenceParts, data: EvalData, config: QuantizationConfig, chooserFor: ((k: number) => PrecisionChooser) | undefined, inputSideBits?: number): ReferenceRun {
  const rnn = new ReferenceQuantizedRnn(parts.rnn, config);
  const t = parts.rnn.topology;
  const hLen = directionCount(t) * outputSize(t);
  const logits = new Float64Array(parts.classes);
  const run: ReferenceRun = { outputs: [], hN: [], cN: [], steps: new Map(), metric: 0, correct: [], nats: [], stepsByBits: {} };
  let nats = 0;
  data.sequences.forEach((seq, k) => {
    const r = rnn.forward(sequenceInput(seq, parts), seq.steps, {
      sequence: k,
      choosePrecision: chooserFor?.(k),
      inputSideBits,
      onStep: (s) => {
        run.steps.set(key(s), [Array.from(s.cellState), Array.from(s.hidden), s.precisionBits]);
        run.stepsByBits[s.precisionBits] = (run.stepsByBits[s.precisionBits] ?? 0) + 1;
      },
    });
    run.outputs.push(r.outputCodes);
    run.hN.push(r.hNCodes);
    run.cN.push(r.cNCodes);
    if (data.task === 'classification') {
      headRow(parts, r.output, (seq.steps - 1) * hLen, hLen, logits);
      run.correct.push(argmax(logits) === seq.label ? 1 : 0);
    } else {
      for (let s = 0; s < seq.steps; s++) {
        headRow(parts, r.output, s * hLen, hLen, logits);
        const l = crossEntropy(logits, (seq.targets as Int32Array)[s]);
        run.nats.push(l);
        nats += l;
      }
    }
  });
  const count = data.task === 'classification' ? run.correct.length : run.nats.length;
  return { ...run, metric: data.task === 'classification' ? run.correct.reduce((a, b) => a + b, 0) / count : nats / count / Math.LN2 };
}

describe('batched evaluation = one-sequence reference on the bundled models', () => {
  for (const [name, limit, validationLimit] of MODELS) {
    it(`${name}: static 16/8/6/4, a policy, mixed precisions, input side 16`, async () => {
      const model = loadModel(name);
      const data = model.data.load('test', limit);
      const parts = partsOf(model);
      const ranges = calibrationRanges(model, model.data.load('validation', validationLimit));
      const dynamic = widenFormats(fixedPointConfig(ranges, 4), 16);
      const designs: (Design & { chooserFor?: (k: number) => PrecisionChooser })[] = [
        ...[16, 8, 6, 4].map((bits) => ({ name: `static-${bits}`, quantization: fixedPointConfig(ranges, bits) })),
        { name: 'policy', quantization: dynamic, precision: dpsPrecisionPlan(policyFor(name)), chooserFor: (k: number) => policyChooserFactory({ policy: policyFor(name) }, k, parts.rnn.topology) },
        { name: 'mixed', quantization: dynamic, precision: { kind: 'function', chooserFor: hashChooser }, chooserFor: hashChooser },
        { name: 'mixed-input16', quantization: dynamic, precision: { kind: 'function', chooserFor: hashChooser }, inputSideBits: 16, chooserFor: hashChooser },
      ];
      const evaluation = await evaluateDesigns(parts, data, designs, { workers: 0, batchSize: 5, keepStepPrecisions: true }); // several batches, the last one short
      for (const [i, d] of designs.entries()) {
        const ref = referenceRun(parts, data, d.quantization as QuantizationConfig, d.chooserFor, d.inputSideBits);
        const got = evaluation.designs[i];
        expect([d.name, got.metric]).toEqual([d.name, ref.metric]);
        if (data.task === 'classification') expect(Array.from(got.correct ?? [])).toEqual(ref.correct);
        else expect(Array.from(got.predictionBits ?? [])).toEqual(ref.nats.map((v) => v / Math.LN2));
        expect(got.stepsByBits).toEqual(ref.stepsByBits);
        // Every step's states, output codes, h_n, c_n straight from the batched network (one batch of everything).
        const steps = new Map<string, [number[], number[], number]>();
        const batched = new QuantizedRnn(parts.rnn, d.quantization as QuantizationConfig).forwardBatch(
          data.sequences.map((s, k) => ({ input: sequenceInput(s, parts), seqLen: s.steps, sequence: k, choosePrecision: d.chooserFor?.(k) })),
          { inputSideBits: d.inputSideBits, onStep: (r) => steps.set(key(r), [Array.from(r.cellState), Array.from(r.hidden), r.precisionBits]) },
        );
        expect(steps).toEqual(ref.steps);
        batched.forEach((b, k) => {
          expect(Array.from(b.outputCodes)).toEqual(Array.from(ref.outputs[k]));
          expect(Array.from(b.hNCodes)).toEqual(Array.from(ref.hN[k]));
          expect(Array.from(b.cNCodes ?? [])).toEqual(Array.from(ref.cN[k] ?? []));
          expect(Array.from(b.stepPrecisions)).toEqual(Array.from(got.stepPrecisions?.[k] ?? []));
        });
      }
      // The dynamic designs really mix precisions (else they would test nothing beyond static).
      const mixed = evaluation.designs.find((d) => d.design === 'mixed');
      expect(Object.keys(mixed?.stepsByBits ?? {}).sort()).toEqual(['16', '4', '6', '8']);
      const policy = evaluation.designs.find((d) => d.design === 'policy');
      expect(Object.keys(policy?.stepsByBits ?? {}).sort()).toEqual(['16', '4', '8']);
      // evaluateParts (the accuracy table's entry point) gives the reference metric too.
      const viaParts = await evaluateParts(parts, data, { quantization: designs[1].quantization });
      expect(viaParts.metric).toBe(evaluation.designs[1].metric);
    });
  }
});
