/**
 * Reader and writer for the safetensors format (https://github.com/huggingface/safetensors):
 *
 *   [8 bytes: N, unsigned little-endian u64] [N bytes: UTF-8 JSON header] [raw tensor bytes]
 *
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets relative
 * to the start of the data section) and may hold "__metadata__": {string: string}.
 *
 * Reading accepts F32, F16, BF16 and F64 and converts to float32 (our Tensor is float32); writing
 * emits F32 only. Tensors are written in sorted-name order with sorted header keys, so equal
 * inputs give byte-identical files (needed for reproducible training checkpoints).
 */
import { writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { readInputBytes } from '../input-file.js';
import type { Tensor, TensorMap } from './tensor.js';

/** Header entries must stay below this many bytes, as in the reference implementation (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsFile {
  readonly tensors: TensorMap;
  readonly metadata: Record<string, string>;
  /** The stored dtype of each tensor (F32, F16, BF16, F64) before conversion to float32. */
  readonly dtypes: ReadonlyMap<string, string>;
}

/** Reads a safetensors file into float32 tensors. Throws InputError naming the file on any defect. */
export function readSafetensors(path: string): TensorMap {
  return readSafetensorsWithMetadata(path).tensors;
}

/** As readSafetensors, also returning the "__metadata__" string map (empty when absent). */
export function readSafetensorsWithMetadata(path: string): SafetensorsFile {
  return parseSafetensors(readInputBytes(path, { limitName: 'data_file_bytes', what: 'safetensors file' }), path);
}

/** Parses safetensors bytes; `source` names the origin in error messages. */
export function parseSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  if (bytes.length < 8) {
    throw new InputError(`not a safetensors file: expected at least 8 bytes (header length), got ${bytes.length}`, source);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES) || Number(headerLength) > bytes.length - 8) {
    throw new InputError(
      `bad safetensors header: header length ${headerLength} exceeds the ${bytes.length - 8} bytes after the length field`,
      source,
    );
  }
  const headerEnd = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (err) {
    throw new InputError(`bad safetensors header: expected a UTF-8 JSON object (${(err as Error).message})`, source);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InputError('bad safetensors header: expected a JSON object', source);
  }
  const dataLength = bytes.length - headerEnd;
  const entries: { name: string; entry: HeaderEntry }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw, source);
      continue;
    }
    const entry = parseEntry(name, raw, source);
    const [begin, end] = entry.data_offsets;
    if (end > dataLength) {
      throw new InputError(
        `truncated safetensors data: tensor "${name}" needs bytes [${begin}, ${end}) of the data section but only ${dataLength} are present`,
        source,
      );
    }
    entries.push({ name, entry });
  }
  checkDataLayout(entries, dataLength, source);
  const tensors: TensorMap = new Map();
  const dtypes = new Map<string, string>();
  for (const { name, entry } of entries) {
    const [begin, end] = entry.data_offsets;
    tensors.set(name, { shape: entry.shape, data: decode(entry, bytes.subarray(headerEnd + begin, headerEnd + end)) });
    dtypes.set(name, entry.dtype);
  }
  return { tensors, metadata, dtypes };
}

/**
 * As the reference implementation requires, the tensors tile the data section exactly: sorted by
 * offset, each begins where the previous ends, and the last ends at the end of the file. Bytes
 * two tensors share, a hole between tensors or bytes after the last are corruption (or a file
 * cut and padded back to length), not data.
 */
function checkDataLayout(entries: readonly { name: string; entry: HeaderEntry }[], dataLength: number, source: string): void {
  const sorted = [...entries].sort((a, b) => a.entry.data_offsets[0] - b.entry.data_offsets[0] || a.entry.data_offsets[1] - b.entry.data_offsets[1]);
  let expected = 0;
  let previous = '';
  for (const { name, entry } of sorted) {
    const [begin, end] = entry.data_offsets;
    if (begin < expected) {
      throw new InputError(`bad safetensors header: tensor "${name}" at bytes [${begin}, ${end}) overlaps tensor "${previous}", which ends at byte ${expected} of the data section`, source);
    }
    if (begin > expected) {
      throw new InputError(`bad safetensors header: bytes [${expected}, ${begin}) of the data section belong to no tensor (${previous ? `after "${previous}"` : 'at the start'}, before "${name}"); expected tensors to follow each other without holes`, source);
    }
    expected = end;
    previous = name;
  }
  if (expected !== dataLength) {
    throw new InputError(`bad safetensors file: the tensors end at byte ${expected} of the data section but it holds ${dataLength} bytes (${dataLength - expected} bytes belong to no tensor)`, source);
  }
}

function parseMetadata(raw: unknown, source: string): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('bad safetensors header: expected "__metadata__" to be an object of strings', source);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      throw new InputError(`bad safetensors header: expected "__metadata__.${k}" to be a string`, source);
    }
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, raw: unknown, source: string): HeaderEntry {
  const bad = (what: string): InputError => new InputError(`bad safetensors header: tensor "${name}": expected ${what}`, source);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('an object {dtype, shape, data_offsets}');
  const r = raw as Record<string, unknown>;
  if (typeof r.dtype !== 'string') throw bad('a string "dtype"');
  const width = BYTES_PER_ELEMENT[r.dtype];
  if (width === undefined) {
    throw new InputError(
      `unsupported safetensors dtype "${r.dtype}" for tensor "${name}": expected one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`,
      source,
    );
  }
  const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(r.shape) || !r.shape.every(isNat)) throw bad('"shape" to be an array of non-negative integers');
  const offsets = r.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isNat(offsets[0]) || !isNat(offsets[1]) || offsets[1] < offsets[0]) {
    throw bad('"data_offsets" to be [begin, end] with 0 <= begin <= end');
  }
  const shape = r.shape as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * width)) throw bad(`a shape of at most 2^53 - 1 bytes, found [${shape.join(', ')}] of ${r.dtype}`);
  if (offsets[1] - offsets[0] !== count * width) {
    throw bad(`${count * width} bytes (${count} x ${r.dtype}) for shape [${shape.join(', ')}], data_offsets span ${offsets[1] - offsets[0]}`);
  }
  return { dtype: r.dtype, shape, data_offsets: [offsets[0], offsets[1]] };
}

function decode(entry: HeaderEntry, raw: Uint8Array): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const width = BYTES_PER_ELEMENT[entry.dtype];
  const n = raw.byteLength / width;
  const out = new Float32Array(n);
  switch (entry.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'BF16':
      // bfloat16 is the upper half of a float32.
      for (let i = 0; i < n; i++) out[i] = bf16ToFloat(view.getUint16(2 * i, true));
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = f16ToFloat(view.getUint16(2 * i, true));
      break;
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));
function bf16ToFloat(bits: number): number {
  scratch.setUint32(0, bits << 16, false);
  return scratch.getFloat32(0, false);
}

function f16ToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Encodes tensors as F32 safetensors bytes, keys sorted, header padded with spaces to 8-byte alignment. */
export function serializeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    const sortedMeta: Record<string, string> = {};
    for (const k of Object.keys(metadata).sort()) sortedMeta[k] = metadata[k];
    header.__metadata__ = sortedMeta;
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name) as Tensor;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(`tensor "${name}": shape [${t.shape.join(', ')}] holds ${count} elements but data has ${t.data.length}`);
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  // Pad so the data section starts 8-byte aligned, as the Rust writer does.
  const jsonBytesLength = new TextEncoder().encode(json).length;
  json += ' '.repeat((8 - ((8 + jsonBytesLength) % 8)) % 8);
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let pos = 8 + jsonBytes.length;
  for (const name of names) {
    const data = (tensors.get(name) as Tensor).data;
    for (let i = 0; i < data.length; i++, pos += 4) view.setFloat32(pos, data[i], true);
  }
  return out;
}

/** Writes tensors as an F32 safetensors file (deterministic: sorted keys, fixed padding). */
export function writeSafetensors(path: string, tensors: TensorMap, metadata?: Record<string, string>): void {
  writeFileSync(path, serializeSafetensors(tensors, metadata));
}
