/**
 * Validation of a trace header: version first (so a future version gets "unsupported version",
 * not a list of schema complaints), then the JSON Schema, then the rules a schema cannot say
 * (cross-field constraints). Every failure is an InputError naming the file and JSON pointer.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validatorFor } from '../config/validators.js';
import { TRACE_VALIDATION } from '../config/validation-options.js';
import { InputError } from '../errors.js';
import { TRACE_FORMAT_VERSION, isGemmTrace, type AnyTraceHeader, type GemmTraceHeader, type TraceHeader } from './header.js';
import { rejectNonFiniteNumbers } from './json-text.js';
import { shownLines } from '../input-shape.js';
import { checkTraceLimits } from './trace-limits.js';

/** schemas/ sits two levels above both src/traces/ (tests) and dist/traces/ (the CLI). */
export const TRACE_SCHEMA_URL = new URL('../../schemas/trace.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;
let schemaObject: Record<string, unknown> | undefined;

/** The trace header JSON Schema, as parsed from schemas/trace.schema.json. */
export function traceSchema(): Record<string, unknown> {
  schemaObject ??= JSON.parse(readFileSync(TRACE_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  return schemaObject;
}

function validator(): ValidateFunction {
  compiled ??= validatorFor(traceSchema(), TRACE_VALIDATION);
  return compiled;
}

function describeError(e: ErrorObject, header: unknown): string | undefined {
  // 'must match "else" schema' repeats the required-property error it comes with.
  if (e.keyword === 'if') return undefined;
  const at = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') {
    return `at ${at}: unknown field '${String(e.params['additionalProperty'])}' (fields are fixed by schemas/trace.schema.json)`;
  }
  const found = valueAt(header, e.instancePath);
  const foundText = found === undefined ? '' : ` (found ${JSON.stringify(found)})`;
  const allowed = e.keyword === 'enum' ? `: ${JSON.stringify(e.params['allowedValues'])}` : '';
  return `at ${at}: ${e.message ?? 'invalid'}${allowed}${foundText}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const seg of pointer.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * Check a parsed LSTM/GRU trace header; returns it typed or throws an InputError naming `file`.
 * A plain GEMM trace is refused here (with what runs one): use validateAnyTraceHeader where both are meant.
 */
export function validateTraceHeader(value: unknown, file: string): TraceHeader {
  const header = validateAnyTraceHeader(value, file);
  if (isGemmTrace(header)) {
    throw new InputError('at /workload_kind: a plain GEMM trace (workload_kind gemm); this needs an LSTM/GRU trace (GEMM traces run on the systolic dataflow: rnnsim run --config configs/tpu-v1.yaml)', file);
  }
  return header;
}

/** Check a parsed header of either kind (LSTM/GRU or plain GEMM); returns it typed or throws an InputError naming `file`. */
export function validateAnyTraceHeader(value: unknown, file: string): AnyTraceHeader {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('a trace header must be a JSON object', file);
  }
  const version = (value as Record<string, unknown>)['format_version'];
  if (version !== TRACE_FORMAT_VERSION) {
    throw new InputError(
      version === undefined
        ? `at /format_version: missing; expected ${TRACE_FORMAT_VERSION}`
        : `at /format_version: unsupported trace format version ${JSON.stringify(version)}; this rnnsim reads version ${TRACE_FORMAT_VERSION}`,
      file,
    );
  }
  rejectNonFiniteNumbers(value, file);
  const validate = validator();
  if (!validate(value)) {
    const errors = shownLines((validate.errors ?? []).filter((e) => e.keyword !== 'if'), (e) => describeError(e, value) ?? '');
    throw new InputError(`trace header does not match schemas/trace.schema.json:\n  ${errors.join('\n  ')}`, file);
  }
  const header = value as AnyTraceHeader;
  if (isGemmTrace(header)) checkGemmRules(header, file);
  else checkCrossFieldRules(header, file);
  checkTraceLimits(header, file);
  return header;
}

/** A gemm trace has only its shape: no recurrent core, sequences or per-step records. */
function checkGemmRules(h: GemmTraceHeader, file: string): void {
  for (const field of ['model', 'workload', 'payload', 'quantization', 'accuracy', 'precision_policy', 'delta_rule']) {
    if (field in h) throw new InputError(`at /${field}: a gemm trace (workload_kind gemm) has no ${field}; its shape is /gemm`, file);
  }
}

function checkCrossFieldRules(h: TraceHeader, file: string): void {
  const m = h.model;
  if (m.cell === 'gru' && m.projection_size !== 0) {
    throw new InputError(`at /model/projection_size: a gru has no projection; expected 0, found ${m.projection_size}`, file);
  }
  if (m.projection_size >= m.hidden_size) {
    throw new InputError(
      `at /model/projection_size: must be smaller than hidden_size ${m.hidden_size} (as torch requires), found ${m.projection_size}`,
      file,
    );
  }
  const sequences = h.workload.sequence_lengths_timesteps.length;
  if (sequences % h.workload.batch_size !== 0) {
    throw new InputError(
      `at /workload/sequence_lengths_timesteps: ${sequences} sequences do not fill whole batches of batch_size ${h.workload.batch_size}; expected a multiple of ${h.workload.batch_size}`,
      file,
    );
  }
  if (h.payload) {
    if (h.payload.file !== `${h.name}.bin`) {
      throw new InputError(`at /payload/file: expected '${h.name}.bin' (the trace name), found '${h.payload.file}'`, file);
    }
  }
}
