/**
 * Reader and writer for NumPy's .npy format (numpy.lib.format, versions 1.0-3.0):
 *
 *   "\x93NUMPY" [major] [minor] [header length: u16 LE (v1) or u32 LE (v2, v3)] [header] [data]
 *
 * The header is a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (N, T, I), }
 * padded with spaces to a multiple of 64 bytes (16 in old files) and ended by '\n'.
 *
 * Only what data sets need: C order, little-endian (or single-byte) integers and floats.
 * Integers read as Int32Array when every value fits (int64 token ids from np.save included),
 * floats as Float32Array or Float64Array. Every defect is an InputError naming the file.
 */
import { writeFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { readInputBytes } from '../input-file.js';

export type NpyData = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface NpyArray {
  /** NumPy descr as read ('<f4', '<i8', '|u1', ...). */
  readonly descr: string;
  readonly shape: readonly number[];
  readonly data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** A header larger than this is not a data set's header (numpy's own limit is 10,000 in recent versions). */
const MAX_HEADER_BYTES = 65_536;

/** Element kinds we read, by descr without the byte-order character. */
const KINDS: Readonly<Record<string, { bytes: number; read: (v: DataView, at: number) => number | bigint; float: boolean }>> = {
  f4: { bytes: 4, read: (v, at) => v.getFloat32(at, true), float: true },
  f8: { bytes: 8, read: (v, at) => v.getFloat64(at, true), float: true },
  i1: { bytes: 1, read: (v, at) => v.getInt8(at), float: false },
  u1: { bytes: 1, read: (v, at) => v.getUint8(at), float: false },
  i2: { bytes: 2, read: (v, at) => v.getInt16(at, true), float: false },
  u2: { bytes: 2, read: (v, at) => v.getUint16(at, true), float: false },
  i4: { bytes: 4, read: (v, at) => v.getInt32(at, true), float: false },
  u4: { bytes: 4, read: (v, at) => v.getUint32(at, true), float: false },
  i8: { bytes: 8, read: (v, at) => v.getBigInt64(at, true), float: false },
  u8: { bytes: 8, read: (v, at) => v.getBigUint64(at, true), float: false },
};

export function readNpy(path: string): NpyArray {
  return parseNpy(readInputBytes(path, { limitName: 'data_file_bytes', what: '.npy file' }), path);
}

export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new InputError('not a .npy file (missing the \\x93NUMPY magic string)', source);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new InputError('truncated .npy preamble', source);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new InputError(`unsupported .npy format version ${major}.${bytes[7]} (expected 1.0, 2.0 or 3.0)`, source);
  }
  if (headerLength > MAX_HEADER_BYTES) throw new InputError(`.npy header of ${headerLength} bytes is larger than the ${MAX_HEADER_BYTES} allowed`, source);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new InputError(`truncated .npy header (${headerLength} bytes announced, ${bytes.length - headerStart} present)`, source);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header, source);
  if (fortranOrder) throw new InputError("Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray (C order)", source);
  const order = descr[0];
  const kind = KINDS[descr.slice(1)];
  if (!kind || !(order === '<' || order === '|' || (order === '=' && kind.bytes === 1))) {
    throw new InputError(`unsupported dtype '${descr}' (expected little-endian float32/64 or integers: <f4, <f8, <i8, <i4, <i2, |i1, |u1, ...)`, source);
  }
  if (kind.bytes > 1 && order === '|') throw new InputError(`dtype '${descr}' has no byte order`, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * kind.bytes;
  if (!Number.isSafeInteger(expected) || bytes.length - dataStart !== expected) {
    throw new InputError(`data section holds ${bytes.length - dataStart} bytes, shape [${shape.join(', ')}] of ${descr} needs ${expected}`, source);
  }
  return { descr, shape, data: decode(view, dataStart, count, descr, source) };
}

function decode(view: DataView, start: number, count: number, descr: string, source: string): NpyData {
  const code = descr.slice(1);
  const kind = KINDS[code];
  if (code === 'u1') return new Uint8Array(view.buffer, view.byteOffset + start, count).slice();
  if (kind.float) {
    const out = code === 'f4' ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = kind.read(view, start + i * kind.bytes) as number;
    return out;
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const raw = kind.read(view, start + i * kind.bytes);
    const v = typeof raw === 'bigint' ? Number(raw) : raw;
    if (v > 2147483647 || v < -2147483648) throw new InputError(`element ${i} (${raw}) does not fit a 32-bit integer`, source);
    out[i] = v;
  }
  return out;
}

function parseHeader(header: string, source: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) throw new InputError(`malformed .npy header ${JSON.stringify(header.trim())} (expected 'descr', 'fortran_order' and 'shape')`, source);
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`bad dimension '${s}' in .npy shape`, source);
      return n;
    });
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

/** .npy descr written for each typed array we write. */
function descrOf(data: NpyData): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  return '|u1';
}

/** Bytes of a version 1.0 .npy file (as numpy.save writes it: header padded to 64 bytes). */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`internal: .npy shape [${shape.join(', ')}] holds ${count} elements, the array ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // Typed arrays are little-endian on every platform Node runs on (x86-64, arm64).
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function writeNpy(path: string, data: NpyData, shape: readonly number[]): void {
  writeFileSync(path, encodeNpy(data, shape));
}
