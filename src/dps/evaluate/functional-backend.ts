/**
 * The evaluation's functional backend on rnnsim's bit-exact integer datapath (the batched
 * evaluator, src/accuracy/design-evaluation.ts): a model (bundled or a card) on its validation
 * and test splits under static precisions (each with the formats the accuracy table chooses on
 * validation), per-layer static precisions, policies in the loop, and fixed schedules.
 *
 * Formats of the dynamic designs (src/dps/model-eval.ts setupModel): the lowest precision's
 * formats widened to 16 bits with fractional bits, so a step at the lowest precision runs exactly
 * the static lowest-precision formats and its code is the top slice of the 16-bit code.
 *
 * Static designs run what their hardware runs (designs.ts): the weights and matrix-vector inputs
 * at b bits, and the hidden state, the sigmoid/tanh outputs and the element-wise work at 16 bits,
 * as the dynamic designs do at every step. So static-b has the b-bit formats widened to 16 bits
 * and every step reduced to b bits (half to even, as a b-bit code rounded from 16 bits), not the
 * accuracy table's all-b-bit datapath, which would handicap the static designs against DPS.
 */
import type { LoadedModel } from '../../models/load-model.js';
import { partsOf } from '../../models/load-model.js';
import type { EvalData } from '../../models/eval-data.js';
import { calibrationRanges, chooseFixedPointConfig } from '../../accuracy/table.js';
import { effectiveMetric, metricLabel } from '../../accuracy/evaluate.js';
import { evaluateDesigns, type Design } from '../../accuracy/design-evaluation.js';
import type { QuantizationConfig } from '../../functional/quantization-config.js';
import type { LayerRanges } from '../../functional/range-observer.js';
import { directionCount } from '../../functional/rnn-model.js';
import { dpsPrecisionPlan } from '../chooser.js';
import { dynamicQuantization } from './designs.js';
import { widenFormats } from '../model-eval.js';
import type { LayerBitsArgs } from './schedule-chooser.js';

/** The widest precision of every design: what the element-wise work and the hidden state run at. */
const TOP_BITS = 16;
import type { EvalSplit, FunctionalBackend, FunctionalRun, FunctionalRunSpec } from './backend.js';
import { Schedule } from './schedules.js';

export interface BackendOptions {
  /** Sequences (or characters) of each split; undefined: the model's defaults. */
  readonly limits: Readonly<Record<EvalSplit, number | undefined>>;
  readonly workers?: number | 'auto';
  readonly progress?: (what: string, done: number, total: number) => void;
}

export async function functionalBackend(model: LoadedModel, o: BackendOptions): Promise<FunctionalBackend> {
  const data: Record<EvalSplit, EvalData> = {
    validation: model.data.load('validation', o.limits.validation),
    test: model.data.load('test', o.limits.test),
  };
  const metric = effectiveMetric(data.test, model.metric);
  if (metric !== 'accuracy' && metric !== 'bits_per_char') {
    throw new Error(`rnnsim dps evaluate judges accuracy or bits per character; ${model.name}'s metric is ${metric}`);
  }
  const label = metricLabel(metric, data.test);
  const parts = partsOf(model);
  const ranges: LayerRanges[] = calibrationRanges(model, data.validation);
  const staticFormats = new Map<number, Promise<QuantizationConfig>>();
  const formatsAt = (bits: number): Promise<QuantizationConfig> => {
    let f = staticFormats.get(bits);
    if (!f) {
      f = chooseFixedPointConfig(model, bits, data.validation, ranges).then((r) => r.config);
      staticFormats.set(bits, f);
    }
    return f;
  };
  const dirs = directionCount(model.topology);

  const designFor = async (spec: FunctionalRunSpec): Promise<Design> => {
    switch (spec.kind) {
      case 'static':
        return { name: 'design', quantization: widenFormats(await formatsAt(spec.bits), TOP_BITS), precision: { kind: 'static', bits: spec.bits } };
      case 'static-per-layer': {
        const layers = await Promise.all(spec.bitsPerLayer.map(async (b, l) => (await formatsAt(b)).layers[l]));
        const args: LayerBitsArgs = { bitsPerLayer: spec.bitsPerLayer };
        return {
          name: 'design',
          quantization: widenFormats({ layers }, TOP_BITS),
          precision: { kind: 'module', module: new URL('./schedule-chooser.js', import.meta.url).href, export: 'layerBitsChooserFactory', args },
        };
      }
      case 'policy': {
        const lowest = spec.spec.precisions[0];
        return { name: 'design', quantization: dynamicQuantization(await formatsAt(lowest)), precision: dpsPrecisionPlan(spec.spec), inputSideBits: spec.inputSideBits };
      }
      case 'schedule': {
        const levels = Object.keys(spec.schedule.stepsByBits()).map(Number);
        const streams = new Map(spec.schedule.entries());
        return {
          name: 'design',
          quantization: dynamicQuantization(await formatsAt(Math.min(...levels))),
          precision: { kind: 'module', module: new URL('./schedule-chooser.js', import.meta.url).href, export: 'scheduleChooserFactory', args: { streams } },
          inputSideBits: spec.inputSideBits,
        };
      }
    }
  };

  return {
    model: model.name,
    modelSha256: model.sha256,
    metricName: label.name,
    higherIsBetter: label.higherIsBetter,
    topology: model.topology,
    describe: (split) => data[split].description,
    sequenceLengths: (split) => data[split].sequences.map((s) => s.steps),
    async run(spec: FunctionalRunSpec, split: EvalSplit): Promise<FunctionalRun> {
      const d = data[split];
      const design = await designFor(spec);
      const r = await evaluateDesigns(parts, d, [design], {
        workers: o.workers ?? 'auto',
        keepStepPrecisions: true,
        progress: o.progress ? (done, total) => o.progress?.(`${model.name} ${split} ${spec.kind}`, done, total) : undefined,
      });
      const res = r.designs[0];
      let perExample: Float64Array;
      let exampleSequence: Int32Array;
      if (res.correct) {
        perExample = Float64Array.from(res.correct);
        exampleSequence = Int32Array.from({ length: res.correct.length }, (_, i) => i);
      } else if (res.predictionBits && res.predictionsPerSequence) {
        perExample = Float64Array.from(res.predictionBits);
        exampleSequence = new Int32Array(perExample.length);
        let at = 0;
        res.predictionsPerSequence.forEach((n, q) => {
          exampleSequence.fill(q, at, at + n);
          at += n;
        });
      } else {
        throw new Error('internal: the evaluator returned no per-example results');
      }
      const schedule = new Schedule();
      const precisions = res.stepPrecisions ?? [];
      d.sequences.forEach((seq, q) => {
        const bits = precisions[q];
        if (!bits) return;
        for (let l = 0; l < model.topology.num_layers; l++) {
          for (let dir = 0; dir < dirs; dir++) {
            for (let t = 0; t < seq.steps; t++) schedule.set(q, l, dir, t, bits[(l * dirs + dir) * seq.steps + t], seq.steps);
          }
        }
      });
      return { metric: res.metric, perExample, exampleSequence, stepsByBits: res.stepsByBits, schedule, seconds: res.computeSeconds };
    },
  };
}
