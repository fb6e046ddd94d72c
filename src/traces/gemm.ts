/**
 * Plain GEMM traces (workload_kind gemm): C = A . B with A m x k (activations, streamed) and B
 * k x n (weights). Work: m * n * k MACs, no element-wise operations.
 */
import { TRACE_FORMAT_VERSION, type GemmTraceHeader } from './header.js';
import { DEFAULT_ACTIVATION_BITS, DEFAULT_WEIGHT_BITS } from './shape.js';

export interface GemmSpec {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly name: string;
  readonly weight_bits?: number;
  readonly activation_bits?: number;
}

/** Multiply-accumulates of a GEMM: m * n * k (throws when not exact in a double). */
export function gemmMacs(g: { readonly m: number; readonly n: number; readonly k: number }): number {
  const macs = g.m * g.n * g.k;
  if (!Number.isSafeInteger(macs)) throw new RangeError(`GEMM MACs ${g.m} x ${g.n} x ${g.k} = ${macs} are not exactly representable (more than 2^53 - 1)`);
  return macs;
}

export function gemmTraceHeader(spec: GemmSpec, source: string): GemmTraceHeader {
  const assumptions: string[] = [];
  if (spec.weight_bits === undefined) assumptions.push(`weight_bits ${DEFAULT_WEIGHT_BITS} (rnnsim's default, not given)`);
  if (spec.activation_bits === undefined) assumptions.push(`activation_bits ${DEFAULT_ACTIVATION_BITS} (rnnsim's default, not given)`);
  return {
    format_version: TRACE_FORMAT_VERSION,
    name: spec.name,
    description: `plain GEMM (${spec.m} x ${spec.k}) . (${spec.k} x ${spec.n})`,
    workload_kind: 'gemm',
    gemm: { m: spec.m, n: spec.n, k: spec.k },
    precision: { weight_bits: spec.weight_bits ?? DEFAULT_WEIGHT_BITS, activation_bits: spec.activation_bits ?? DEFAULT_ACTIVATION_BITS },
    sparsity: { weight_density: 1 },
    provenance: { generator: 'rnnsim trace gemm', source, assumptions },
  };
}
