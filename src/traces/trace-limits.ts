/**
 * The size limits (src/limits.ts) a trace header must respect, checked right after its schema and
 * before anything loops over its layers, sequences or timesteps: a header's few bytes can
 * declare work no machine finishes (num_layers 1e300, a sequence of 1e300 timesteps). Counts are
 * worked out in doubles first, so a size past 2^53 is refused here, not as a RangeError later.
 */
import { checkLimit } from '../limits.js';
import { isGemmTrace, type AnyTraceHeader } from './header.js';

export function checkTraceLimits(header: AnyTraceHeader, file: string): void {
  if (isGemmTrace(header)) {
    const { m, n, k } = header.gemm;
    for (const [name, v] of [['m', m], ['n', n], ['k', k]] as const) checkLimit('vector_elements', v, `/gemm/${name}`, file);
    checkLimit('macs', m * n * k, 'the GEMM work m x n x k', file);
    return;
  }
  const model = header.model;
  checkLimit('layers', model.num_layers, '/model/num_layers', file);
  for (const name of ['input_size', 'hidden_size', 'projection_size'] as const) checkLimit('vector_elements', model[name], `/model/${name}`, file);
  const directions = model.bidirectional ? 2 : 1;
  const lengths = header.workload.sequence_lengths_timesteps;
  let timesteps = 0;
  for (const t of lengths) timesteps += t;
  checkLimit('layer_timesteps', timesteps * model.num_layers * directions, 'the workload (sum of /workload/sequence_lengths_timesteps x /model/num_layers x directions)', file);
  // MACs per timestep and sample, as src/traces/work.ts counts them (gates*H*(I_l + R) + P*H per direction).
  const gates = model.cell === 'lstm' ? 4 : 3;
  const out = model.projection_size > 0 ? model.projection_size : model.hidden_size;
  let perStep = 0;
  for (let l = 0; l < model.num_layers; l++) {
    const input = l === 0 ? model.input_size : out * directions;
    perStep += directions * (gates * model.hidden_size * (input + out) + model.projection_size * model.hidden_size);
  }
  checkLimit('macs', perStep * timesteps, 'the work of the whole trace (MACs over every layer, direction, sequence and timestep)', file);
}
