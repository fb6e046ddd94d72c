/**
 * An RNN core's parameters, bound by PyTorch name from a TensorMap (as torch.nn.LSTM / torch.nn.GRU
 * state_dict): weight_ih_l{k}[_reverse] [G*H, in], weight_hh_l{k}[_reverse] [G*H, H_out],
 * bias_ih_l{k}[_reverse] [G*H], bias_hh_l{k}[_reverse] [G*H], weight_hr_l{k}[_reverse] [P, H] (LSTM
 * with proj_size P). G = 4 for LSTM (gate rows i, f, g, o), 3 for GRU (r, z, n). H_out = P or H.
 * Layer k > 0 takes D * H_out inputs (D = 2 when bidirectional: [forward, reverse] concatenated).
 *
 * The model references the tensors' Float32Arrays (no copy): a trainer that updates the tensors
 * in place is seen by the next forward pass. Missing biases (torch bias=False) read as zeros.
 */
import { InputError } from '../errors.js';
import type { RnnTopology, Tensor, TensorMap } from './tensor.js';

export interface DirectionParams {
  readonly inputSize: number;
  /** G * hidden_size. */
  readonly gateRows: number;
  /** Row-major [gateRows, inputSize]. */
  readonly wIh: Float32Array;
  /** Row-major [gateRows, outputSize]. */
  readonly wHh: Float32Array;
  readonly bIh: Float32Array;
  readonly bHh: Float32Array;
  /** Row-major [proj_size, hidden_size], or null without projection. */
  readonly wHr: Float32Array | null;
}

export interface RnnModel {
  readonly topology: RnnTopology;
  /** layers[layer][direction], direction 0 = forward, 1 = reverse. */
  readonly layers: readonly (readonly DirectionParams[])[];
}

export function gatesPerCell(t: RnnTopology): number {
  return t.cell === 'lstm' ? 4 : 3;
}

/** Size of h (per direction): proj_size if projected, else hidden_size. */
export function outputSize(t: RnnTopology): number {
  return t.proj_size > 0 ? t.proj_size : t.hidden_size;
}

export function directionCount(t: RnnTopology): number {
  return t.bidirectional ? 2 : 1;
}

export function layerInputSize(t: RnnTopology, layer: number): number {
  return layer === 0 ? t.input_size : directionCount(t) * outputSize(t);
}

/** PyTorch parameter name, e.g. paramName('weight_ih', 1, 1) = 'weight_ih_l1_reverse'. */
export function paramName(kind: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh' | 'weight_hr', layer: number, direction: number): string {
  return `${kind}_l${layer}${direction === 1 ? '_reverse' : ''}`;
}

/** Infers the topology from names and shapes (LSTM vs GRU from the gate-row count ratio). */
export function inferTopology(tensors: TensorMap, prefix = '', source?: string): RnnTopology {
  const first = tensors.get(`${prefix}weight_ih_l0`);
  const hh = tensors.get(`${prefix}weight_hh_l0`);
  if (!first || !hh || first.shape.length !== 2 || hh.shape.length !== 2) {
    throw new InputError(`expected 2-D tensors "${prefix}weight_ih_l0" and "${prefix}weight_hh_l0" (torch.nn.LSTM/GRU state_dict names)`, source);
  }
  const hr = tensors.get(`${prefix}weight_hr_l0`);
  const hidden = hr ? hr.shape[1] : hh.shape[1];
  const rows = first.shape[0];
  let cell: 'lstm' | 'gru';
  if (rows === 4 * hidden) cell = 'lstm';
  else if (rows === 3 * hidden) cell = 'gru';
  else {
    throw new InputError(`"${prefix}weight_ih_l0" has ${rows} rows: expected 4 x hidden (LSTM) or 3 x hidden (GRU), hidden = ${hidden}`, source);
  }
  let numLayers = 0;
  while (tensors.has(`${prefix}weight_ih_l${numLayers}`)) numLayers++;
  return {
    cell,
    input_size: first.shape[1],
    hidden_size: cell === 'lstm' ? rows / 4 : rows / 3,
    proj_size: hr ? hr.shape[0] : 0,
    num_layers: numLayers,
    bidirectional: tensors.has(`${prefix}weight_ih_l0_reverse`),
  };
}

export interface LoadOptions {
  /** Name prefix, e.g. "rnn." when the core is a submodule. Default "". */
  readonly prefix?: string;
  /** Expected topology; inferred from the tensors when absent. */
  readonly topology?: RnnTopology;
  /** File name for error messages. */
  readonly source?: string;
}

/** Binds an RnnModel to the tensors, checking every shape. Throws InputError on a mismatch. */
export function loadRnnModel(tensors: TensorMap, options: LoadOptions = {}): RnnModel {
  const prefix = options.prefix ?? '';
  const t = options.topology ?? inferTopology(tensors, prefix, options.source);
  const g = gatesPerCell(t);
  const hOut = outputSize(t);
  if (t.proj_size > 0 && t.cell !== 'lstm') throw new InputError('proj_size is only defined for LSTM', options.source);
  const get = (name: string, shape: number[], optional: boolean): Float32Array | null => {
    const full = prefix + name;
    const tensor: Tensor | undefined = tensors.get(full);
    if (!tensor) {
      if (optional) return null;
      throw new InputError(`missing tensor "${full}" (expected shape [${shape.join(', ')}])`, options.source);
    }
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new InputError(`tensor "${full}" has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`, options.source);
    }
    return tensor.data;
  };
  const layers: DirectionParams[][] = [];
  for (let l = 0; l < t.num_layers; l++) {
    const dirs: DirectionParams[] = [];
    const inSize = layerInputSize(t, l);
    for (let d = 0; d < directionCount(t); d++) {
      const rows = g * t.hidden_size;
      dirs.push({
        inputSize: inSize,
        gateRows: rows,
        wIh: get(paramName('weight_ih', l, d), [rows, inSize], false) as Float32Array,
        wHh: get(paramName('weight_hh', l, d), [rows, hOut], false) as Float32Array,
        bIh: get(paramName('bias_ih', l, d), [rows], true) ?? new Float32Array(rows),
        bHh: get(paramName('bias_hh', l, d), [rows], true) ?? new Float32Array(rows),
        wHr: t.proj_size > 0 ? get(paramName('weight_hr', l, d), [t.proj_size, t.hidden_size], false) : null,
      });
    }
    layers.push(dirs);
  }
  return { topology: t, layers };
}
