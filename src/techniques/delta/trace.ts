/**
 * `rnnsim delta trace`: run a bundled model through the integer datapath with the delta rule in
 * the loop (functional.ts) and write a trace whose payload holds, per sequence, each layer's
 * input x_t and each direction's output h_t (activation records): what the delta unit replays.
 * The header records the thresholds the model ran with (delta_rule) and the task metric of this
 * very run next to float32's, so the accuracy effect of theta is measured, not assumed.
 */
import { basename } from 'node:path';
import { sequenceInput, type InferenceParts } from '../../models/inference.js';
import { loadModel, partsOf } from '../../models/load-model.js';
import { InputError } from '../../errors.js';
import { chooseFixedPointConfig, defaultValidationLimit } from '../../accuracy/table.js';
import { evaluateParts } from '../../accuracy/evaluate.js';
import { wordBits } from '../../functional/fixed-point.js';
import { directionCount, outputSize } from '../../functional/rnn-model.js';
import type { SplitName } from '../../datasets/split-rule.js';
import { TRACE_HEADER_FILE, writeOwnedFile } from '../../output/owned-file.js';
import { headerToJson, type TraceHeader } from '../../traces/header.js';
import { validateTraceHeader } from '../../traces/validate-header.js';
import { TraceWriter, type TraceHeaderWithoutPayload } from '../../traces/writer.js';
import type { DeltaThresholds } from './replay.js';
import { DeltaLstm } from './functional.js';

export interface DeltaTraceOptions {
  readonly model: string;
  readonly modelsDir?: string;
  readonly split: SplitName;
  /** Weight and activation bits (formats chosen on the validation split, as `rnnsim trace model`). */
  readonly bits: number;
  readonly thresholds: DeltaThresholds;
  readonly output: string;
  readonly limit?: number;
  readonly progress?: (done: number, total: number) => void;
}

export interface DeltaTraceResult {
  readonly header: TraceHeader;
  readonly metric: number;
  readonly floatMetric: number;
}

function logitsOf(parts: InferenceParts, h: Float32Array, offset: number, hLen: number, out: Float64Array): void {
  const w = parts.headWeight;
  if (!w) throw new Error('internal: logits of a model without a head');
  for (let c = 0; c < parts.classes; c++) {
    let s = parts.headBias?.[c] ?? 0;
    for (let j = 0; j < hLen; j++) s += w[c * hLen + j] * h[offset + j];
    out[c] = s;
  }
}

export async function writeDeltaTrace(o: DeltaTraceOptions): Promise<DeltaTraceResult> {
  const model = loadModel(o.model, { modelsDir: o.modelsDir });
  const t = model.topology;
  if (t.cell !== 'lstm') throw new InputError(`the delta rule in the loop runs LSTM models; ${o.model} is a ${t.cell}`, model.cardFile);
  const data = model.data.load(o.split, o.limit);
  if (data.task === 'sequence-output') throw new InputError(`${o.model} has no head: the delta trace reports a classification accuracy or bits per character`, model.cardFile);
  const { config } = await chooseFixedPointConfig(model, o.bits, model.data.load('validation', defaultValidationLimit(model)));
  const parts = partsOf(model);
  const float = await evaluateParts(parts, data, { metric: model.metric });
  const delta = new DeltaLstm(parts.rnn, config, o.thresholds);
  const dirs = directionCount(t);
  const hOut = outputSize(t);
  const header: TraceHeaderWithoutPayload = {
    format_version: 1,
    name: basename(o.output, '.json'),
    description: `${o.model} (${t.cell} ${t.num_layers}x${t.hidden_size}) in ${o.bits}-bit fixed point with the delta rule in the loop (theta_input ${o.thresholds.input}, theta_hidden ${o.thresholds.hidden}) on ${data.description}`,
    model: { cell: t.cell, num_layers: t.num_layers, input_size: t.input_size, hidden_size: t.hidden_size, projection_size: t.proj_size, bidirectional: t.bidirectional },
    workload: { batch_size: 1, sequence_lengths_timesteps: data.sequences.map((s) => s.steps) },
    precision: { weight_bits: Math.max(...config.layers.map((l) => wordBits(l.weight))), activation_bits: Math.max(...config.layers.map((l) => wordBits(l.activation))) },
    sparsity: { weight_density: 1 },
    provenance: {
      generator: `rnnsim delta trace --model ${o.model} --split ${o.split} --bits ${o.bits} --theta-input ${o.thresholds.input} --theta-hidden ${o.thresholds.hidden}${o.limit !== undefined ? ` --limit ${o.limit}` : ''}`,
      source: `bundled model ${o.model} (${model.safetensorsPath}) run through rnnsim's integer datapath with the delta rule in the loop (src/techniques/delta/functional.ts)`,
      assumptions: [
        'sequences run one at a time (batch 1), each from a zero state (x_hat = h_hat = 0 before the first step)',
        "activation records: each layer's input x_t (in the layer's activation format) and each direction's h_t codes; value = code * 2^-fractional_bits",
        'the matrix-vector products see the last propagated values x_hat, h_hat (exact integer accumulation of the deltas); cell state and element-wise work use the true values',
        'embedding lookup and output head run in float32 and are not part of the trace',
      ],
      model_file: model.safetensorsPath,
      model_sha256: model.sha256,
      data_split: o.split,
      data: data.description,
    },
    quantization: {
      scheme: `fixed${o.bits}`,
      method: `post-training fixed point as rnnsim trace model: weights and activations ${o.bits} bits, formats chosen on the validation split`,
      layers: config.layers.map((l) => ({
        weight: { int_bits: l.weight.intBits, frac_bits: l.weight.fracBits },
        activation: { int_bits: l.activation.intBits, frac_bits: l.activation.fracBits },
        gate: { int_bits: l.gate.intBits, frac_bits: l.gate.fracBits },
        cell: { int_bits: l.cell.intBits, frac_bits: l.cell.fracBits },
      })),
    },
    delta_rule: { theta_input: o.thresholds.input, theta_hidden: o.thresholds.hidden },
  };
  const writer = await TraceWriter.create(o.output, header);
  const hLen = dirs * hOut;
  const logits = new Float64Array(parts.classes);
  let correct = 0;
  let nats = 0;
  let count = 0;
  try {
    for (let k = 0; k < data.sequences.length; k++) {
      const seq = data.sequences[k];
      const r = delta.forward(sequenceInput(seq, parts), seq.steps);
      for (let l = 0; l < t.num_layers; l++) {
        const x = r.layerInputs[l];
        const I = x.codes.length / seq.steps;
        for (let s = 0; s < seq.steps; s++) {
          await writer.appendActivation({ sequence_index: k, timestep: s, layer_index: l, direction: 0, vector: 'input', fractional_bits: x.fracBits, values: x.codes.subarray(s * I, (s + 1) * I) });
        }
        const y = r.layerOutputs[l];
        for (let d = 0; d < dirs; d++) {
          for (let s = 0; s < seq.steps; s++) {
            const at = s * hLen + d * hOut;
            await writer.appendActivation({ sequence_index: k, timestep: s, layer_index: l, direction: d === 0 ? 0 : 1, vector: 'hidden', fractional_bits: y.fracBits, values: y.codes.subarray(at, at + hOut) });
          }
        }
      }
      if (data.task === 'classification') {
        logitsOf(parts, r.output, (seq.steps - 1) * hLen, hLen, logits);
        let best = 0;
        for (let c = 1; c < parts.classes; c++) if (logits[c] > logits[best]) best = c;
        if (best === seq.label) correct++;
        count++;
      } else {
        const targets = seq.targets as Int32Array;
        for (let s = 0; s < seq.steps; s++) {
          logitsOf(parts, r.output, s * hLen, hLen, logits);
          let max = -Infinity;
          for (const v of logits) max = Math.max(max, v);
          let sum = 0;
          for (const v of logits) sum += Math.exp(v - max);
          nats += Math.log(sum) + max - logits[targets[s]];
          count++;
        }
      }
      o.progress?.(k + 1, data.sequences.length);
    }
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const metric = data.task === 'classification' ? correct / count : nats / count / Math.LN2;
  const { payload, ...rest } = await writer.finish();
  const withAccuracy: TraceHeader = {
    ...rest,
    accuracy: { metric: float.metricName, value: metric, higher_is_better: float.higherIsBetter, float_value: float.metric, count },
    ...(payload ? { payload } : {}),
  };
  const checked = validateTraceHeader(JSON.parse(JSON.stringify(withAccuracy)) as unknown, o.output);
  writeOwnedFile(o.output, headerToJson(checked), TRACE_HEADER_FILE);
  return { header: checked, metric, floatMetric: float.metric };
}
