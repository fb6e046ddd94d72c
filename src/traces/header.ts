/**
 * Types of a trace header (format version 1). schemas/trace.schema.json is the authority;
 * these types mirror it field for field so code and schema cannot drift silently (a test
 * checks a generated header against the schema).
 */

export const TRACE_FORMAT_VERSION = 1;

export type TraceCell = 'lstm' | 'gru';

/** Shape of the recurrent core, as torch.nn.LSTM / torch.nn.GRU describe it. */
export interface TraceModel {
  readonly cell: TraceCell;
  readonly num_layers: number;
  /** Elements of x_t for layer 0. */
  readonly input_size: number;
  /** Hidden units per layer and direction (H). */
  readonly hidden_size: number;
  /** LSTM projection size P; 0 = no projection. */
  readonly projection_size: number;
  readonly bidirectional: boolean;
}

/**
 * The sequences to run. Sequence k is in lockstep batch floor(k / batch_size); required work is
 * the sum of the sequences' own lengths (padding of short sequences in a batch is not work).
 */
export interface TraceWorkload {
  readonly batch_size: number;
  readonly sequence_lengths_timesteps: readonly number[];
}

export interface TracePrecision {
  readonly weight_bits: number;
  readonly activation_bits: number;
}

export interface TraceSparsity {
  /** Fraction of non-zero weights, 0..1. */
  readonly weight_density: number;
}

export interface TraceProvenance {
  readonly generator: string;
  readonly source: string;
  readonly assumptions: readonly string[];
  /** Model file a functional trace was recorded from, its SHA-256, the data split and which sequences. */
  readonly model_file?: string;
  readonly model_sha256?: string;
  readonly data_split?: 'train' | 'validation' | 'test';
  readonly data?: string;
}

/** Qm.n: value = code * 2^-frac_bits. */
export interface TraceFixedFormat {
  readonly int_bits: number;
  readonly frac_bits: number;
}

export interface TraceLayerFormats {
  readonly weight: TraceFixedFormat;
  readonly activation: TraceFixedFormat;
  readonly gate: TraceFixedFormat;
  readonly cell: TraceFixedFormat;
}

/** How a recorded model was quantized (optional). */
export interface TraceQuantization {
  readonly scheme: string;
  readonly method: string;
  readonly layers: readonly TraceLayerFormats[];
}

/** Task metric of the recorded run on the trace's own sequences (optional). */
export interface TraceAccuracy {
  readonly metric: string;
  readonly value: number;
  readonly higher_is_better: boolean;
  readonly float_value?: number;
  readonly count?: number;
}

/**
 * The dynamic precision selection policy a functional trace was recorded with (optional):
 * the contents a precision-select unit loads into its registers when it replays the trace.
 */
export interface TracePrecisionPolicy {
  readonly precisions: readonly number[];
  readonly statistic: 'count_above' | 'max_abs';
  /** count_above: element change threshold (cell-state units). */
  readonly delta: number;
  /** Fractions of the cell state (count_above) or cell-state units (max_abs). */
  readonly thresholds: readonly number[];
  readonly hysteresis_steps: number;
  /** Absent = the highest precision. */
  readonly initial_bits?: number;
  readonly chosen_by?: string;
}

/**
 * The delta rule a functional trace was recorded with in the loop (optional): the thresholds a
 * delta unit loads when it replays the trace (src/techniques/delta).
 */
export interface TraceDeltaRule {
  /** Input elements propagate when |x_t - x_hat| >= theta_input (activation units). */
  readonly theta_input: number;
  readonly theta_hidden: number;
}

/** Record counts by kind name (cell_state, precision, sparsity_mask, activation, unknown_<code>). */
export type RecordCounts = Readonly<Record<string, number>>;

export interface PayloadReference {
  /** File name of the payload in the header's directory. */
  readonly file: string;
  readonly size_bytes: number;
  /** Lowercase hex SHA-256 of the whole payload file. */
  readonly sha256: string;
  readonly record_counts: RecordCounts;
}

/**
 * The header of an LSTM/GRU trace (workload_kind absent or 'rnn'): the recurrent core's shape and
 * the sequences to run.
 */
export interface TraceHeader {
  readonly $schema?: string;
  readonly format_version: typeof TRACE_FORMAT_VERSION;
  readonly name: string;
  readonly description?: string;
  /** Absent in every trace written before GEMM traces existed: an LSTM/GRU trace. */
  readonly workload_kind?: 'rnn';
  readonly model: TraceModel;
  readonly workload: TraceWorkload;
  readonly precision: TracePrecision;
  readonly sparsity: TraceSparsity;
  readonly provenance: TraceProvenance;
  readonly quantization?: TraceQuantization;
  readonly accuracy?: TraceAccuracy;
  readonly precision_policy?: TracePrecisionPolicy;
  readonly delta_rule?: TraceDeltaRule;
  readonly payload?: PayloadReference;
}

/** One plain GEMM C = A . B with A of M x K (activations, streamed) and B of K x N (weights). */
export interface TraceGemm {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

/** The header of a plain GEMM trace (workload_kind 'gemm'): no model, no sequences, no payload. */
export interface GemmTraceHeader {
  readonly $schema?: string;
  readonly format_version: typeof TRACE_FORMAT_VERSION;
  readonly name: string;
  readonly description?: string;
  readonly workload_kind: 'gemm';
  readonly gemm: TraceGemm;
  /** weight_bits: elements of B; activation_bits: elements of A. */
  readonly precision: TracePrecision;
  readonly sparsity: TraceSparsity;
  readonly provenance: TraceProvenance;
}

/** Any trace header: an LSTM/GRU trace or a plain GEMM. */
export type AnyTraceHeader = TraceHeader | GemmTraceHeader;

export function isGemmTrace(h: AnyTraceHeader): h is GemmTraceHeader {
  return h.workload_kind === 'gemm';
}

/** The header as an LSTM/GRU trace's (throws on a plain GEMM): for code that has only LSTM/GRU traces. */
export function rnnHeader(h: AnyTraceHeader): TraceHeader {
  if (isGemmTrace(h)) throw new Error(`trace '${h.name}' is a plain GEMM, not an LSTM/GRU trace`);
  return h;
}

/** Serialise a header the way every rnnsim tool writes it: 2-space JSON, trailing newline. */
export function headerToJson(header: AnyTraceHeader): string {
  return `${JSON.stringify(header, null, 2)}\n`;
}
