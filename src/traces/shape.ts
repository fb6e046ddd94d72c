/**
 * Shape-only traces: a header without payload, made from a spec (sizes, batch, timesteps,
 * precisions, density). They carry the work a network asks for, not its numbers.
 */
import type { TraceCell, TraceHeader } from './header.js';
import { TRACE_FORMAT_VERSION } from './header.js';
import { validateTraceHeader } from './validate-header.js';

export interface ShapeSpec {
  readonly cell: TraceCell;
  readonly input_size: number;
  readonly hidden_size: number;
  /** Default 0 (no projection). */
  readonly projection_size?: number;
  /** Default 1. */
  readonly num_layers?: number;
  /** Default false. */
  readonly bidirectional?: boolean;
  /** Sequences in lockstep; the trace has batch_size sequences of `timesteps` each. Default 1. */
  readonly batch_size?: number;
  readonly timesteps: number;
  /** Default 16. */
  readonly weight_bits?: number;
  /** Default 16. */
  readonly activation_bits?: number;
  /** Non-zero fraction of weights. Default 1 (dense). */
  readonly weight_density?: number;
  /** Default: shapeTraceName(spec). */
  readonly name?: string;
  readonly description?: string;
  readonly generator?: string;
  readonly source?: string;
  readonly assumptions?: readonly string[];
}

export const DEFAULT_WEIGHT_BITS = 16;
export const DEFAULT_ACTIVATION_BITS = 16;

/**
 * The conventional name: <cell>-h<H>-b<B>-t<T>, with -i<I> when the input size differs from H,
 * -l<L> for more than one layer, -p<P> for a projection and -bi when bidirectional.
 */
export function shapeTraceName(spec: ShapeSpec): string {
  const parts = [spec.cell, `h${spec.hidden_size}`];
  if (spec.input_size !== spec.hidden_size) parts.push(`i${spec.input_size}`);
  if ((spec.num_layers ?? 1) > 1) parts.push(`l${spec.num_layers ?? 1}`);
  if ((spec.projection_size ?? 0) > 0) parts.push(`p${spec.projection_size ?? 0}`);
  if (spec.bidirectional) parts.push('bi');
  parts.push(`b${spec.batch_size ?? 1}`, `t${spec.timesteps}`);
  return parts.join('-');
}

/** Build and validate a shape-only header (throws InputError naming `origin` if the spec is bad). */
export function shapeTraceHeader(spec: ShapeSpec, origin = 'trace spec'): TraceHeader {
  const batch = spec.batch_size ?? 1;
  const weightBits = spec.weight_bits ?? DEFAULT_WEIGHT_BITS;
  const activationBits = spec.activation_bits ?? DEFAULT_ACTIVATION_BITS;
  const defaultAssumptions: string[] = [];
  if (spec.weight_bits === undefined || spec.activation_bits === undefined) {
    defaultAssumptions.push(`precision not given: rnnsim's default ${DEFAULT_WEIGHT_BITS}-bit weights and activations`);
  }
  const header: TraceHeader = {
    format_version: TRACE_FORMAT_VERSION,
    name: spec.name ?? shapeTraceName(spec),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    model: {
      cell: spec.cell,
      num_layers: spec.num_layers ?? 1,
      input_size: spec.input_size,
      hidden_size: spec.hidden_size,
      projection_size: spec.projection_size ?? 0,
      bidirectional: spec.bidirectional ?? false,
    },
    workload: {
      batch_size: batch,
      sequence_lengths_timesteps: Array.from({ length: batch }, () => spec.timesteps),
    },
    precision: { weight_bits: weightBits, activation_bits: activationBits },
    sparsity: { weight_density: spec.weight_density ?? 1 },
    provenance: {
      generator: spec.generator ?? 'rnnsim trace shape',
      source: spec.source ?? 'shape given on the command line; no numerical data',
      assumptions: [...(spec.assumptions ?? []), ...defaultAssumptions],
    },
  };
  // Round-trip through JSON so validation sees exactly what a file would hold.
  return validateTraceHeader(JSON.parse(JSON.stringify(header)) as unknown, origin);
}
