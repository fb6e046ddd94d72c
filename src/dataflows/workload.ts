/**
 * What a dataflow has to compute, independent of the trace file it came from: the recurrent
 * layers with their sizes, the lockstep groups of sequences and the precisions. Work totals
 * (MACs, element-wise ops) are not recomputed here: they come from src/traces/work.ts, the one
 * statement of the counting convention, and the simulator checks what it performed against it.
 */
import type { CellType } from '../functional/tensor.js';
import type { GemmTraceHeader, TraceHeader } from '../traces/header.js';
import { directionCount, gateCount, layerInputSize, recurrentInputSize } from '../traces/work.js';
import type { PrecisionSchedule } from '../dps/replay.js';
import type { OperandWidths } from './datapath-width.js';

export interface LayerWork {
  readonly index: number;
  /** Inputs per timestep of one direction of this layer (x_t). */
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** LSTM projection size; 0 for none. The recurrent input is then r_(t-1) of this size. */
  readonly projSize: number;
  /** Recurrent input size: projSize when there is a projection, else hiddenSize. */
  readonly recurrentSize: number;
  readonly directions: 1 | 2;
}

export interface Workload {
  readonly name: string;
  readonly cell: CellType;
  readonly gates: number;
  readonly layers: readonly LayerWork[];
  /** Most sequences that run in lockstep and share every weight fetch. */
  readonly batchSize: number;
  /** Lockstep groups, each the lengths (timesteps) of its sequences; groups run one after another. */
  readonly groups: ReadonlyArray<readonly number[]>;
  readonly weightBits: number;
  readonly activationBits: number;
  /** Non-zero fraction of every weight matrix (the trace's sparsity.weight_density). */
  readonly weightDensity: number;
  /** Per-step precisions decided by a precision-select unit from the trace (dynamic precision selection only). */
  readonly precisionSchedule?: PrecisionSchedule;
}

/** Sequences of a group still running at timestep t (shorter ones have finished: padding is not work). */
export function activeSamples(group: readonly number[], t: number): number {
  let n = 0;
  for (const len of group) if (len > t) n++;
  return n;
}

/**
 * The workload of an LSTM/GRU trace. `widths` are the operand widths the run computes at when they
 * differ from the trace's (a trace requantized to a narrower datapath: src/dataflows/datapath-width.ts).
 */
export function workloadFromTrace(header: TraceHeader, widths?: OperandWidths): Workload {
  const m = header.model;
  const b = header.workload.batch_size;
  const lengths = header.workload.sequence_lengths_timesteps;
  const groups: number[][] = [];
  for (let k = 0; k < lengths.length; k += b) groups.push(lengths.slice(k, k + b));
  return {
    name: header.name,
    cell: m.cell,
    gates: gateCount(m.cell),
    layers: Array.from({ length: m.num_layers }, (_, i) => ({
      index: i,
      inputSize: layerInputSize(m, i),
      hiddenSize: m.hidden_size,
      projSize: m.projection_size,
      recurrentSize: recurrentInputSize(m),
      directions: directionCount(m),
    })),
    batchSize: b,
    groups,
    weightBits: widths?.weightBits ?? header.precision.weight_bits,
    activationBits: widths?.activationBits ?? header.precision.activation_bits,
    weightDensity: header.sparsity.weight_density,
  };
}

/** One plain GEMM C = A . B (A m x k activations, B k x n weights), for dataflows that run plain GEMMs. */
export interface GemmWorkload {
  readonly name: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly weightBits: number;
  readonly activationBits: number;
}

export function gemmWorkloadFromTrace(header: GemmTraceHeader, widths?: OperandWidths): GemmWorkload {
  return { name: header.name, ...header.gemm, weightBits: widths?.weightBits ?? header.precision.weight_bits, activationBits: widths?.activationBits ?? header.precision.activation_bits };
}
