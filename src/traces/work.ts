/**
 * The work a trace requires, by rnnsim's counting convention (docs/trace-format.md, "Counting
 * work"). The simulator checks the MACs it performed against these functions, so every count
 * is an exact integer; a count that would not fit a double exactly throws instead of rounding.
 *
 * MACs are the matrix-vector multiply-accumulates of the cell, per layer and direction, per
 * timestep and per sample (sequence):
 *   LSTM: 4*H*(I_l + R) + (P > 0 ? P*H : 0)    GRU: 3*H*(I_l + H)
 * where R = P when the LSTM has a projection (the recurrent input is r_(t-1), P elements) and
 * H otherwise, and I_l is the layer's input size (layerInputSize). Biases, activations and the
 * element-wise products are not MACs; they are counted by elementwiseOpsPerTimestepPerSample.
 */
import type { TraceCell, TraceHeader, TraceModel, TraceWorkload } from './header.js';

/** Throw if an integer count is no longer exact in a double (> 2^53 - 1). */
function exact(count: number, what: string): number {
  if (!Number.isSafeInteger(count)) {
    throw new RangeError(`${what} = ${count} is not exactly representable (more than 2^53 - 1)`);
  }
  return count;
}

export function gateCount(cell: TraceCell): 3 | 4 {
  return cell === 'lstm' ? 4 : 3;
}

export function directionCount(model: TraceModel): 1 | 2 {
  return model.bidirectional ? 2 : 1;
}

/** Elements one direction of a layer outputs per timestep: P with a projection, else H. */
export function directionOutputSize(model: TraceModel): number {
  return model.projection_size > 0 ? model.projection_size : model.hidden_size;
}

/** Elements of the recurrent input (h_(t-1), or r_(t-1) with a projection). */
export function recurrentInputSize(model: TraceModel): number {
  return directionOutputSize(model);
}

/** Elements of a layer's input x_t: input_size for layer 0, else the previous layer's output (both directions). */
export function layerInputSize(model: TraceModel, layerIndex: number): number {
  checkLayerIndex(model, layerIndex);
  return layerIndex === 0 ? model.input_size : directionOutputSize(model) * directionCount(model);
}

/** Which weight matrix, in torch naming: input = weight_ih, recurrent = weight_hh, projection = weight_hr. */
export type WeightMatrixName = 'input' | 'recurrent' | 'projection';

export interface WeightMatrixShape {
  readonly matrix: WeightMatrixName;
  readonly rows: number;
  readonly cols: number;
}

/**
 * The weight matrices of one direction of a layer, shaped as torch stores them: weight_ih is
 * (gates*H) x I_l, weight_hh is (gates*H) x R, weight_hr is P x H (LSTM with projection only).
 * Gates of one cell are stacked along the rows.
 */
export function weightMatrixShapes(model: TraceModel, layerIndex: number): WeightMatrixShape[] {
  const gateRows = gateCount(model.cell) * model.hidden_size;
  const shapes: WeightMatrixShape[] = [
    { matrix: 'input', rows: gateRows, cols: layerInputSize(model, layerIndex) },
    { matrix: 'recurrent', rows: gateRows, cols: recurrentInputSize(model) },
  ];
  if (model.projection_size > 0) shapes.push({ matrix: 'projection', rows: model.projection_size, cols: model.hidden_size });
  return shapes;
}

/** MACs of one direction of one layer for one timestep of one sample. */
export function directionMacsPerTimestepPerSample(model: TraceModel, layerIndex: number): number {
  const macs = weightMatrixShapes(model, layerIndex).reduce((sum, m) => sum + m.rows * m.cols, 0);
  return exact(macs, `MACs per timestep of layer ${layerIndex}`);
}

/** MACs of one layer (all its directions) for one timestep of one sample. */
export function layerMacsPerTimestepPerSample(model: TraceModel, layerIndex: number): number {
  return exact(directionMacsPerTimestepPerSample(model, layerIndex) * directionCount(model), `MACs per timestep of layer ${layerIndex}`);
}

/** MACs of the whole core (all layers and directions) for one timestep of one sample. */
export function modelMacsPerTimestepPerSample(model: TraceModel): number {
  let sum = 0;
  for (let l = 0; l < model.num_layers; l++) sum += layerMacsPerTimestepPerSample(model, l);
  return exact(sum, 'MACs per timestep');
}

/** Sample-timesteps of the workload: the sum of every sequence's own length (the batch included). */
export function sampleTimesteps(workload: TraceWorkload): number {
  return exact(
    workload.sequence_lengths_timesteps.reduce((a, b) => a + b, 0),
    'sample-timesteps',
  );
}

/** One lockstep batch: consecutive sequences that run together, sharing each weight fetch. */
export interface LockstepBatch {
  readonly first_sequence_index: number;
  readonly sequence_lengths_timesteps: readonly number[];
  /** The batch runs for its longest member; shorter members do no work after their end. */
  readonly lockstep_timesteps: number;
}

/** Split the sequences into lockstep batches of batch_size (the header guarantees whole batches). */
export function lockstepBatches(workload: TraceWorkload): LockstepBatch[] {
  const lengths = workload.sequence_lengths_timesteps;
  const out: LockstepBatch[] = [];
  for (let first = 0; first < lengths.length; first += workload.batch_size) {
    const members = lengths.slice(first, first + workload.batch_size);
    out.push({ first_sequence_index: first, sequence_lengths_timesteps: members, lockstep_timesteps: Math.max(...members) });
  }
  return out;
}

/** Total MACs a trace requires (dense): every layer, direction, sequence and timestep. */
export function traceMacs(header: Pick<TraceHeader, 'model' | 'workload'>): number {
  return exact(modelMacsPerTimestepPerSample(header.model) * sampleTimesteps(header.workload), 'trace MACs');
}

/** Total MACs of each layer of a trace (all directions, sequences and timesteps). */
export function traceMacsByLayer(header: Pick<TraceHeader, 'model' | 'workload'>): number[] {
  const steps = sampleTimesteps(header.workload);
  const out: number[] = [];
  for (let l = 0; l < header.model.num_layers; l++) {
    out.push(exact(layerMacsPerTimestepPerSample(header.model, l) * steps, `MACs of layer ${l}`));
  }
  return out;
}

/** Non-zero weights of an R x C matrix at a density: round(density * R * C), halves rounding up. */
export function nonzeroWeightCount(rows: number, cols: number, density: number): number {
  if (!(density >= 0 && density <= 1)) throw new RangeError(`density must be in 0..1, got ${density}`);
  return exact(Math.round(density * rows * cols), 'non-zero weights');
}

/**
 * MACs with non-zero weights only, for an accelerator that skips zero weights, from the
 * header's density (each matrix rounded by nonzeroWeightCount). With exact masks in the
 * payload, count the mask bits instead.
 */
export function traceNonzeroWeightMacs(header: Pick<TraceHeader, 'model' | 'workload' | 'sparsity'>): number {
  const { model } = header;
  let perStep = 0;
  for (let l = 0; l < model.num_layers; l++) {
    for (const m of weightMatrixShapes(model, l)) perStep += nonzeroWeightCount(m.rows, m.cols, header.sparsity.weight_density);
  }
  perStep *= directionCount(model);
  return exact(perStep * sampleTimesteps(header.workload), 'trace non-zero-weight MACs');
}

/**
 * Element-wise operations of one direction of one layer per timestep and sample. Counted from
 * the torch formulas, per hidden unit:
 *
 * LSTM  i,f,o = sigmoid(.), g = tanh(.), c' = f*c + i*g, h' = o*tanh(c')
 *   sigmoid 3, tanh 2, multiply 3 (f*c, i*g, o*tanh c'), add 1 (f*c + i*g), bias_add 4
 *   (one pre-summed bias b_ih + b_hh per gate).
 * GRU   r,z = sigmoid(.), n = tanh(W_in x + b_in + r*(W_hn h + b_hn)), h' = (1-z)*n + z*h
 *   sigmoid 2, tanh 1, multiply 3 (r*(.), (1-z)*n, z*h), add 3 (W_in x + r*(.), 1-z, the
 *   final sum; a subtraction counts as an add), bias_add 4 (pre-summed for r and z; b_in and
 *   b_hn stay separate because r multiplies the recurrent part only).
 * The projection (LSTMP) is a matrix-vector product (MACs) without bias: no element-wise ops.
 * Summing the two matrix-vector products of a gate is part of the MAC accumulation, not an add.
 */
export interface ElementwiseOps {
  readonly sigmoid: number;
  readonly tanh: number;
  readonly multiply: number;
  readonly add: number;
  readonly bias_add: number;
}

const ELEMENTWISE_PER_HIDDEN_UNIT: Record<TraceCell, ElementwiseOps> = {
  lstm: { sigmoid: 3, tanh: 2, multiply: 3, add: 1, bias_add: 4 },
  gru: { sigmoid: 2, tanh: 1, multiply: 3, add: 3, bias_add: 4 },
};

export function elementwiseOpsPerHiddenUnit(cell: TraceCell): ElementwiseOps {
  return ELEMENTWISE_PER_HIDDEN_UNIT[cell];
}

function scaleOps(ops: ElementwiseOps, factor: number, what: string): ElementwiseOps {
  return {
    sigmoid: exact(ops.sigmoid * factor, what),
    tanh: exact(ops.tanh * factor, what),
    multiply: exact(ops.multiply * factor, what),
    add: exact(ops.add * factor, what),
    bias_add: exact(ops.bias_add * factor, what),
  };
}

/** Element-wise ops of one direction of a layer per timestep and sample (the same for every layer). */
export function elementwiseOpsPerTimestepPerSample(model: TraceModel): ElementwiseOps {
  return scaleOps(elementwiseOpsPerHiddenUnit(model.cell), model.hidden_size, 'element-wise ops per timestep');
}

/** Element-wise ops of a whole trace: every layer, direction, sequence and timestep. */
export function traceElementwiseOps(header: Pick<TraceHeader, 'model' | 'workload'>): ElementwiseOps {
  const factor = exact(header.model.num_layers * directionCount(header.model) * sampleTimesteps(header.workload), 'layer-direction-timesteps');
  return scaleOps(elementwiseOpsPerTimestepPerSample(header.model), factor, 'trace element-wise ops');
}

/** Stored parameters of a layer, both directions. */
export interface LayerWeightCounts {
  /** Elements of the weight matrices (weight_ih, weight_hh, weight_hr), dense. */
  readonly matrix_weights: number;
  /** Bias values as an accelerator stores them: LSTM 4*H (b_ih + b_hh pre-summed), GRU 4*H (see elementwise ops). */
  readonly bias_values: number;
}

export function layerWeightCounts(model: TraceModel, layerIndex: number): LayerWeightCounts {
  const dirs = directionCount(model);
  const matrix = weightMatrixShapes(model, layerIndex).reduce((sum, m) => sum + m.rows * m.cols, 0);
  return {
    matrix_weights: exact(matrix * dirs, `weights of layer ${layerIndex}`),
    bias_values: exact(elementwiseOpsPerHiddenUnit(model.cell).bias_add * model.hidden_size * dirs, `biases of layer ${layerIndex}`),
  };
}

/** Bytes of `count` values packed densely at `bits` each, rounded up to whole bytes (no index overhead). */
export function packedBytes(count: number, bits: number): number {
  if (!Number.isInteger(bits) || bits < 1) throw new RangeError(`bits must be a positive integer, got ${bits}`);
  return exact(Math.ceil((count * bits) / 8), 'bytes');
}

/** Bytes of a layer's dense weight matrices (both directions) at `weightBits` per weight. */
export function layerWeightBytes(model: TraceModel, layerIndex: number, weightBits: number): number {
  return packedBytes(layerWeightCounts(model, layerIndex).matrix_weights, weightBits);
}

/** Dense weight-matrix elements of the whole core. */
export function modelMatrixWeights(model: TraceModel): number {
  let sum = 0;
  for (let l = 0; l < model.num_layers; l++) sum += layerWeightCounts(model, l).matrix_weights;
  return exact(sum, 'weights');
}

function checkLayerIndex(model: TraceModel, layerIndex: number): void {
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= model.num_layers) {
    throw new RangeError(`layer index ${layerIndex} out of range 0..${model.num_layers - 1}`);
  }
}
