/** Shared pieces of the DPS tests: a small epur_dps config and hand-written functional traces. */
import { join } from 'node:path';
import { TRACE_FORMAT_VERSION, type TraceHeader } from '../../src/traces/header.js';
import { TraceWriter } from '../../src/traces/writer.js';
import { writeEpurConfig } from '../helpers/context.js';
import { computeBoundPatch } from '../helpers/small-configs.js';

/** The compute-bound small config (test/helpers/small-configs.ts) as epur_dps with a composable 8/16-bit DPU. */
export function writeDpsConfig(dir: string, name: string, psu: Record<string, unknown> = {}, dataflow: Record<string, unknown> = {}, dpu: Record<string, unknown> = {}): string {
  const patch = computeBoundPatch('step_by_step');
  const components = patch.components as Record<string, Record<string, unknown>>;
  components.dot_product_unit = { ...components.dot_product_unit, multi_precision: 'composable', min_precision_bits: 8, ...dpu };
  components.precision_select_unit = {
    kind: 'precision_select_unit',
    precisions: '8,16',
    statistic: 'count_above',
    delta: 0.0625,
    thresholds: '0.25',
    hysteresis_steps: 0,
    initial_bits: 0,
    lanes: 4,
    decision_latency_cycles: 1,
    ...psu,
  };
  return writeEpurConfig(dir, name, { ...patch, name: 'dps-test', dataflow: { ...(patch.dataflow as Record<string, unknown>), kind: 'epur_dps', weight_layout: 'bit_sliced', residual_guard_bits: 0, ...dataflow } });
}

/**
 * A 1-layer LSTM trace (I = H = 64, batch 1, T steps) whose cell_state records are given per
 * step by `cell(t)` (8 fractional bits); optionally with precision records.
 */
export async function writeCellTrace(
  dir: string,
  name: string,
  T: number,
  cell: (t: number) => number[],
  precision?: (t: number) => number,
  extraHeader: Partial<Pick<TraceHeader, 'precision_policy'>> = {},
): Promise<string> {
  const file = join(dir, name);
  const w = await TraceWriter.create(file, {
    format_version: TRACE_FORMAT_VERSION,
    name: name.replace(/\.json$/, ''),
    model: { cell: 'lstm', num_layers: 1, input_size: 64, hidden_size: 64, projection_size: 0, bidirectional: false },
    workload: { batch_size: 1, sequence_lengths_timesteps: [T] },
    precision: { weight_bits: 16, activation_bits: 16 },
    sparsity: { weight_density: 1 },
    provenance: { generator: 'test', source: 'hand-written', assumptions: [] },
    ...extraHeader,
  });
  for (let t = 0; t < T; t++) {
    await w.appendCellState({ sequence_index: 0, timestep: t, layer_index: 0, direction: 0, fractional_bits: 8, values: cell(t) });
    if (precision) await w.appendPrecision({ sequence_index: 0, timestep: t, layer_index: 0, direction: 0, weight_bits: precision(t), activation_bits: precision(t) });
  }
  await w.finish();
  return file;
}
