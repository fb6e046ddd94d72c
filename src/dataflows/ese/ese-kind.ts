/**
 * The ESE-like sparse LSTM dataflow as a declared kind: its parameters and component roles
 * (see ese-dataflow.ts for the schedule and spmv-timing.ts for the matrix-vector recurrence).
 */
import type { ParamDecls, ParamsOf } from '../../engine/component.js';
import { defineDataflowKind } from '../dataflow-kind.js';
import { simulateEse } from './ese-dataflow.js';

const eseParams = {
  pes_per_channel: { type: 'integer', unit: 'count', minimum: 1, maximum: 4096, default: 32, description: 'PEs sharing one broadcaster; matrix rows are interleaved over them (row r -> PE r mod N)' },
  channels: { type: 'integer', unit: 'count', minimum: 1, maximum: 256, default: 1, description: 'independent channels; sequences are dealt to them round-robin' },
  layout: { type: 'string', unit: '-', enum: ['balanced', 'unbalanced'], default: 'balanced', description: "synthetic non-zero layout: 'balanced' (load-balance-aware pruning: every PE the same count) or 'unbalanced' (uniform over the matrix, as magnitude pruning of i.i.d. weights)" },
  layout_seed: { type: 'integer', unit: '-', minimum: 0, maximum: 4294967295, default: 1, description: 'seed of the synthetic layouts' },
  weight_source: { type: 'string', unit: '-', enum: ['dram_stream', 'on_chip'], default: 'dram_stream', description: "'dram_stream': compressed weights fetched from DRAM in column chunks at every product; 'on_chip': resident (preloaded, never fetched)" },
  fetch_columns: { type: 'integer', unit: 'columns', minimum: 1, maximum: 65536, default: 64, description: 'columns per weight fetch chunk (dram_stream)' },
  staging_chunks: { type: 'integer', unit: 'chunks', minimum: 1, maximum: 64, default: 2, description: 'chunks on chip at once per channel (2 = double buffering)' },
} as const satisfies ParamDecls;

export type EseDataflowParams = ParamsOf<typeof eseParams>;

export const eseDataflowKind = defineDataflowKind({
  kind: 'ese',
  description:
    'ESE-like sparse LSTM engine: channels of PEs fed by a column broadcaster through per-PE FIFOs, column-compressed weights with relative indices, a separate element-wise unit; weights streamed from DRAM (double-buffered) or resident',
  params: eseParams,
  roles: {
    pe: { interface: 'sparse_pe', instances: 'per PE', description: 'each sparse matrix-vector PE (with its activation FIFO)' },
    weight_buffer: { interface: 'sram_buffer', instances: 'per PE', description: "each PE's compressed-weight buffer" },
    elementwise_unit: { interface: 'multifunction_unit', instances: 'per channel', description: "each channel's element-wise unit (activations, cell update, biases)" },
    activation_buffer: { interface: 'sram_buffer', instances: 'per channel', description: "each channel's buffer of x_t, r_(t-1) and m_t (broadcast source)" },
    dram: { interface: 'dram', instances: 'one', description: 'off-chip memory holding the compressed weights' },
  },
  simulate: (run, params, workload) => simulateEse(run, params, workload).outcome,
  // ESE runs the sequences of a batch one after another: one record per sequence and timestep.
  stepRecords: (workload) => {
    let timesteps = 0;
    for (const group of workload.groups) for (const length of group) timesteps += length;
    let directions = 0;
    for (const layer of workload.layers) directions += layer.directions;
    return timesteps * directions;
  },
  // The PEs' weight width is not a parameter: weights are stored and multiplied at the trace's width.
  datapath: [{ role: 'pe', param: 'activation_bits', operands: 'activations' }],
});
