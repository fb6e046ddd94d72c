/**
 * A functional trace with the precision policy in the loop: the quantized model runs every
 * sequence with the policy choosing each step's precision (so the arithmetic, and with it the
 * cell states, are those of dynamic precision), and the trace records, per step, the cell state
 * and the precision used. The simulator's precision-select unit replays the cell states and must
 * reach the recorded precisions (src/dps/replay.ts).
 */
import { QuantizedRnn, type QuantizedStepRecord } from '../functional/quantized-network.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import { staticPrecision } from '../functional/quantization-config.js';
import type { RnnModel } from '../functional/rnn-model.js';
import type { RnnTopology } from '../functional/tensor.js';
import { TRACE_FORMAT_VERSION, type TraceHeader } from '../traces/header.js';
import { TraceWriter } from '../traces/writer.js';
import { dpsChooser } from './chooser.js';
import { resolvePolicy, describeSpec, specToHeader, type DpsPolicySpec } from './policy-spec.js';

export interface TraceSequence {
  /** [seqLen, input_size] floats. */
  readonly input: Float32Array;
  readonly seqLen: number;
}

export interface DpsTraceOptions {
  readonly name: string;
  readonly description?: string;
  readonly source: string;
  readonly assumptions?: readonly string[];
  /** null: static precision (no policy), the trace records the static precision at every step. */
  readonly policy: DpsPolicySpec | null;
  /** How the policy was chosen (recorded as precision_policy.chosen_by). */
  readonly chosenBy?: string;
  /** Formats of the run (recorded as the header's quantization). */
  readonly quantization?: QuantizationConfig;
}

/** The header of a functional trace written with (or without) a policy in the loop. */
export function dpsTraceHeader(t: RnnTopology, lengths: readonly number[], bits: number, options: DpsTraceOptions): Omit<TraceHeader, 'payload'> {
  return {
    format_version: TRACE_FORMAT_VERSION,
    name: options.name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    model: { cell: t.cell, num_layers: t.num_layers, input_size: t.input_size, hidden_size: t.hidden_size, projection_size: t.proj_size, bidirectional: t.bidirectional },
    workload: { batch_size: 1, sequence_lengths_timesteps: [...lengths] },
    precision: { weight_bits: bits, activation_bits: bits },
    sparsity: { weight_density: 1 },
    ...(options.policy ? { precision_policy: specToHeader(options.policy, options.chosenBy) } : {}),
    ...(options.quantization
      ? {
          quantization: {
            scheme: `dynamic ${options.policy ? options.policy.precisions.join('/') : bits}-bit`,
            method: `formats at ${bits} bits; a step at b bits keeps the integer bits and drops fractional bits of weights and activations`,
            layers: options.quantization.layers.map((l) => ({
              weight: { int_bits: l.weight.intBits, frac_bits: l.weight.fracBits },
              activation: { int_bits: l.activation.intBits, frac_bits: l.activation.fracBits },
              gate: { int_bits: l.gate.intBits, frac_bits: l.gate.fracBits },
              cell: { int_bits: l.cell.intBits, frac_bits: l.cell.fracBits },
            })),
          },
        }
      : {}),
    provenance: {
      generator: 'rnnsim dps trace',
      source: options.source,
      assumptions: [
        options.policy ? `precision policy in the loop: ${describeSpec(options.policy)}` : 'static precision (no policy)',
        'zero initial states; batch 1 (each sequence its own lockstep group)',
        ...(options.assumptions ?? []),
      ],
    },
  };
}

/** Run `sequences` through the quantized model with the policy and write the trace; returns its header. */
export async function writeDpsTrace(
  headerPath: string,
  model: RnnModel,
  quantization: QuantizationConfig,
  sequences: readonly TraceSequence[],
  options: DpsTraceOptions,
): Promise<TraceHeader> {
  const t = model.topology;
  const bits = Math.max(...quantization.layers.map(staticPrecision));
  const header = dpsTraceHeader(t, sequences.map((q) => q.seqLen), bits, options);
  const rnn = new QuantizedRnn(model, quantization);
  const writer = await TraceWriter.create(headerPath, header);
  try {
    for (let k = 0; k < sequences.length; k++) {
      const seq = sequences[k];
      const steps: QuantizedStepRecord[] = [];
      const spec = options.policy;
      rnn.forward(seq.input, seq.seqLen, {
        sequence: k,
        onStep: (r) => steps.push(r),
        choosePrecision: spec ? dpsChooser((_l, frac) => resolvePolicy(spec, t.hidden_size, frac)) : undefined,
      });
      for (const r of steps) {
        const direction = r.direction === 0 ? 0 : 1;
        await writer.appendCellState({ sequence_index: k, timestep: r.timestep, layer_index: r.layer, direction, fractional_bits: r.cellFracBits, values: r.cellState });
        await writer.appendPrecision({ sequence_index: k, timestep: r.timestep, layer_index: r.layer, direction, weight_bits: r.precisionBits, activation_bits: r.precisionBits });
      }
    }
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return writer.finish();
}
