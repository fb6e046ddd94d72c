/**
 * One sample sequence under a policy: every step's precision next to the cell-state change the
 * policy's statistic measures (layer 0, forward direction), for the precision-timeline plot.
 * The change of step t is what the unit saw at t's end and used for t + 1's precision.
 */
import type { LoadedModel } from '../../models/load-model.js';
import { partsOf } from '../../models/load-model.js';
import { evaluateParts } from '../../accuracy/evaluate.js';
import type { QuantizedStepRecord } from '../../functional/quantized-network.js';
import { dpsChooser } from '../chooser.js';
import { resolvePolicy, type DpsPolicySpec } from '../policy-spec.js';
import { dynamicQuantization } from './designs.js';
import { chooseFixedPointConfig } from '../../accuracy/table.js';
import type { TimelinePoint } from './plots.js';

export async function policyTimeline(model: LoadedModel, spec: DpsPolicySpec, options: { sequence: number; inputSideBits?: number; validationLimit?: number }): Promise<{ points: TimelinePoint[]; changeTitle: string }> {
  const test = model.data.load('test');
  const seq = test.sequences[Math.min(options.sequence, test.sequences.length - 1)];
  const one = { ...test, sequences: [seq], description: `one test sequence (${seq.steps} steps)` };
  const lowest = spec.precisions[0];
  const formats = dynamicQuantization((await chooseFixedPointConfig(model, lowest, model.data.load('validation', options.validationLimit))).config);
  const H = model.topology.hidden_size;
  const records: QuantizedStepRecord[] = [];
  await evaluateParts(partsOf(model), one, {
    quantization: formats,
    chooserFor: () => dpsChooser((_layer, frac) => resolvePolicy(spec, H, frac)),
    inputSideBits: options.inputSideBits,
    onStep: (r) => {
      if (r.layer === 0 && r.direction === 0) records.push({ ...r, cellState: Int32Array.from(r.cellState) });
    },
  });
  records.sort((a, b) => a.timestep - b.timestep);
  const points: TimelinePoint[] = [];
  let previous: Int32Array = new Int32Array(H);
  for (const r of records) {
    const scale = 2 ** -r.cellFracBits;
    let count = 0;
    let max = 0;
    for (let j = 0; j < H; j++) {
      const d = Math.abs(r.cellState[j] - previous[j]) * scale;
      if (d > spec.delta) count++;
      if (d > max) max = d;
    }
    points.push({ timestep: r.timestep, bits: r.precisionBits, change: spec.statistic === 'count_above' ? count / H : max });
    previous = r.cellState;
  }
  return { points, changeTitle: spec.statistic === 'count_above' ? `share of |dc| > ${spec.delta}` : 'max |dc|' };
}
