/**
 * Trace format v1: public API. Headers (schemas/trace.schema.json), shape-only traces, the
 * DeepBench traces, the streaming payload writer/reader, and the work (MAC) counting the
 * simulator checks itself against. Reference: docs/trace-format.md.
 */
export * from './header.js';
export * from './work.js';
export { validateTraceHeader, validateAnyTraceHeader, traceSchema, TRACE_SCHEMA_URL } from './validate-header.js';
export * from './gemm.js';
export { parseJsonText } from './json-text.js';
export * from './shape.js';
export * from './deepbench.js';
export {
  PAYLOAD_MAGIC,
  PAYLOAD_FORMAT_VERSION,
  RECORD_KIND_CODES,
  packMask,
  countMaskBits,
  type ActivationRecord,
  type ActivationVector,
  type CellStateRecord,
  type Direction,
  type PayloadRecord,
  type PrecisionRecord,
  type RecordKindName,
  type SparsityMaskRecord,
} from './payload-format.js';
export * from './writer.js';
export * from './reader.js';
