/**
 * The binary payload of a trace, format version 1 (docs/trace-format.md, "Payload"). All
 * integers are little-endian.
 *
 *   file header  (12 bytes)  magic "RNNSIMTP" (8 ASCII bytes), u16 version = 1, u16 flags = 0
 *   record*      (8 + n)     u16 kind, u16 flags = 0, u32 body length n (bytes), n body bytes
 *
 * Every record says its kind and length, so a reader skips kinds it does not know. Body layouts
 * are below, next to their encoders and decoders; the checks against the header (indices in
 * range, vector lengths, matrix shapes) are shared by the writer and the reader.
 */
import { Buffer } from 'node:buffer';
import type { TraceHeader } from './header.js';
import { directionCount, layerInputSize, recurrentInputSize, weightMatrixShapes, type WeightMatrixName } from './work.js';

export const PAYLOAD_MAGIC = 'RNNSIMTP';
export const PAYLOAD_FORMAT_VERSION = 1;
export const PAYLOAD_FILE_HEADER_BYTES = 12;
export const RECORD_HEADER_BYTES = 8;
/** Largest body the reader accepts; a bigger length field is corruption, not a record (bytes). */
export const MAX_RECORD_BODY_BYTES = 1 << 30;

export const RECORD_KIND_CODES = { cell_state: 1, precision: 2, sparsity_mask: 3, activation: 4 } as const;
export type RecordKindName = keyof typeof RECORD_KIND_CODES;

export function recordKindName(code: number): RecordKindName | undefined {
  for (const [name, c] of Object.entries(RECORD_KIND_CODES)) if (c === code) return name as RecordKindName;
  return undefined;
}

/** 0 = forward, 1 = backward (bidirectional traces only). */
export type Direction = 0 | 1;

/** Quantized cell state c_t after timestep `timestep`: value = values[j] * 2^-fractional_bits. */
export interface CellStateRecord {
  readonly kind: 'cell_state';
  readonly sequence_index: number;
  readonly timestep: number;
  readonly layer_index: number;
  readonly direction: Direction;
  readonly fractional_bits: number;
  /** hidden_size integers. */
  readonly values: Int32Array;
}

/** The precision a layer/direction used at one timestep of one sequence. */
export interface PrecisionRecord {
  readonly kind: 'precision';
  readonly sequence_index: number;
  readonly timestep: number;
  readonly layer_index: number;
  readonly direction: Direction;
  readonly weight_bits: number;
  readonly activation_bits: number;
}

/**
 * Which weights of one matrix are non-zero. Bit i (= row * cols + col, row-major) is bit
 * (i % 8) of byte floor(i / 8), least significant bit first; padding bits are 0.
 */
export interface SparsityMaskRecord {
  readonly kind: 'sparsity_mask';
  readonly layer_index: number;
  readonly direction: Direction;
  readonly matrix: WeightMatrixName;
  readonly rows: number;
  readonly cols: number;
  /** Set bits in mask. */
  readonly nonzero_count: number;
  readonly mask: Uint8Array;
}

/**
 * Which vector of a layer an activation record holds: the layer input x_t as the layer's
 * matrix-vector units see it ('input', one per layer and timestep, direction 0), or the output
 * h_t of one direction ('hidden': r_t with a projection), which is also the next step's
 * recurrent input.
 */
export type ActivationVector = 'input' | 'hidden';

/** A quantized activation vector at one timestep: value = values[j] * 2^-fractional_bits. */
export interface ActivationRecord {
  readonly kind: 'activation';
  readonly sequence_index: number;
  readonly timestep: number;
  readonly layer_index: number;
  /** 0 for 'input' (both directions read the same x_t). */
  readonly direction: Direction;
  readonly vector: ActivationVector;
  readonly fractional_bits: number;
  /** layerInputSize ('input') or the recurrent input size ('hidden') integers. */
  readonly values: Int32Array;
}

export type PayloadRecord = CellStateRecord | PrecisionRecord | SparsityMaskRecord | ActivationRecord;

const MATRIX_CODES: Record<WeightMatrixName, number> = { input: 0, recurrent: 1, projection: 2 };
const MATRIX_BY_CODE: readonly WeightMatrixName[] = ['input', 'recurrent', 'projection'];
const VECTOR_CODES: Record<ActivationVector, number> = { input: 0, hidden: 1 };
const VECTOR_BY_CODE: readonly ActivationVector[] = ['input', 'hidden'];

export function maskBytes(rows: number, cols: number): number {
  return Math.ceil((rows * cols) / 8);
}

/** Pack a row-major list of flags (non-zero = kept weight) into the mask layout above. */
export function packMask(flags: ArrayLike<number | boolean>): Uint8Array {
  const out = new Uint8Array(Math.ceil(flags.length / 8));
  for (let i = 0; i < flags.length; i++) if (flags[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

export function countMaskBits(mask: Uint8Array, bitCount: number): number {
  let n = 0;
  for (let i = 0; i < bitCount; i++) if (mask[i >> 3] & (1 << (i & 7))) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// File header

export function encodeFileHeader(): Buffer {
  const b = Buffer.alloc(PAYLOAD_FILE_HEADER_BYTES);
  b.write(PAYLOAD_MAGIC, 0, 'ascii');
  b.writeUInt16LE(PAYLOAD_FORMAT_VERSION, 8);
  b.writeUInt16LE(0, 10);
  return b;
}

/** Problem with a payload file header, or undefined when it is good. */
export function fileHeaderProblem(b: Uint8Array): string | undefined {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const magic = buf.toString('latin1', 0, 8);
  if (magic !== PAYLOAD_MAGIC) return `expected magic "${PAYLOAD_MAGIC}" at byte offset 0, found ${JSON.stringify(magic)}`;
  const version = buf.readUInt16LE(8);
  if (version !== PAYLOAD_FORMAT_VERSION) {
    return `unsupported payload format version ${version} at byte offset 8; this rnnsim reads version ${PAYLOAD_FORMAT_VERSION}`;
  }
  const flags = buf.readUInt16LE(10);
  if (flags !== 0) return `expected flags 0 at byte offset 10, found ${flags}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Record bodies
//
// cell_state (kind 1), 20 + count * element_bits / 8 bytes:
//   0 u32 sequence_index   4 u32 timestep   8 u16 layer_index   10 u8 direction
//   11 i8 fractional_bits  12 u8 element_bits (8, 16 or 32)   13..15 zero
//   16 u32 element_count   20 element_count signed integers of element_bits each
// precision (kind 2), 16 bytes:
//   0 u32 sequence_index   4 u32 timestep   8 u16 layer_index   10 u8 direction
//   11 u8 weight_bits      12 u8 activation_bits               13..15 zero
// sparsity_mask (kind 3), 16 + ceil(rows * cols / 8) bytes:
//   0 u16 layer_index  2 u8 direction  3 u8 matrix (0 input, 1 recurrent, 2 projection)
//   4 u32 rows  8 u32 cols  12 u32 nonzero_count  16 mask bytes
// activation (kind 4), 20 + count * element_bits / 8 bytes:
//   0 u32 sequence_index   4 u32 timestep   8 u16 layer_index   10 u8 direction
//   11 i8 fractional_bits  12 u8 element_bits (8, 16 or 32)   13 u8 vector (0 input, 1 hidden)
//   14..15 zero   16 u32 element_count   20 element_count signed integers of element_bits each

const CELL_STATE_FIXED_BYTES = 20;
const PRECISION_BYTES = 16;
const SPARSITY_FIXED_BYTES = 16;
const ACTIVATION_FIXED_BYTES = 20;

function withRecordHeader(kind: number, body: Buffer): Buffer {
  const head = Buffer.alloc(RECORD_HEADER_BYTES);
  head.writeUInt16LE(kind, 0);
  head.writeUInt16LE(0, 2);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** Smallest of 8/16/32 bits that holds every value. */
function elementBitsFor(values: Int32Array): 8 | 16 | 32 {
  let min = 0;
  let max = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min >= -128 && max <= 127) return 8;
  if (min >= -32768 && max <= 32767) return 16;
  return 32;
}

/**
 * The body shared by cell_state and activation: the step's indices, fractional_bits and
 * element_bits at bytes 0..12, the element count at 16 and the values from 20 (byte 13 is
 * the activation's vector code, 0 for a cell state).
 */
function encodeVectorBody(r: CellStateRecord | ActivationRecord, byte13: number): Buffer {
  const bits = elementBitsFor(r.values);
  const body = Buffer.alloc(CELL_STATE_FIXED_BYTES + (r.values.length * bits) / 8);
  body.writeUInt32LE(r.sequence_index, 0);
  body.writeUInt32LE(r.timestep, 4);
  body.writeUInt16LE(r.layer_index, 8);
  body.writeUInt8(r.direction, 10);
  body.writeInt8(r.fractional_bits, 11);
  body.writeUInt8(bits, 12);
  body.writeUInt8(byte13, 13);
  body.writeUInt32LE(r.values.length, 16);
  let o = CELL_STATE_FIXED_BYTES;
  for (const v of r.values) {
    if (bits === 8) body.writeInt8(v, o);
    else if (bits === 16) body.writeInt16LE(v, o);
    else body.writeInt32LE(v, o);
    o += bits / 8;
  }
  return body;
}

/** Decode the values of a cell_state or activation body (element_bits at 12, reserved bytes from `reservedFrom` to 15, count at 16). */
function decodeVectorValues(body: Buffer, what: string, reservedFrom: number): Int32Array {
  const bits = body.readUInt8(12);
  if (bits !== 8 && bits !== 16 && bits !== 32) throw new RecordFormatError(`expected element_bits 8, 16 or 32, found ${bits}`);
  zeroBytes(body, reservedFrom, 16);
  const count = body.readUInt32LE(16);
  need(body, CELL_STATE_FIXED_BYTES + (count * bits) / 8, `${what} with ${count} elements of ${bits} bits`);
  const values = new Int32Array(count);
  let o = CELL_STATE_FIXED_BYTES;
  for (let j = 0; j < count; j++, o += bits / 8) {
    values[j] = bits === 8 ? body.readInt8(o) : bits === 16 ? body.readInt16LE(o) : body.readInt32LE(o);
  }
  return values;
}

/** Encode a record, record header included. Call checkRecordAgainstHeader first. */
export function encodeRecord(r: PayloadRecord): Buffer {
  switch (r.kind) {
    case 'cell_state':
      return withRecordHeader(RECORD_KIND_CODES.cell_state, encodeVectorBody(r, 0));
    case 'activation':
      return withRecordHeader(RECORD_KIND_CODES.activation, encodeVectorBody(r, VECTOR_CODES[r.vector]));
    case 'precision': {
      const body = Buffer.alloc(PRECISION_BYTES);
      body.writeUInt32LE(r.sequence_index, 0);
      body.writeUInt32LE(r.timestep, 4);
      body.writeUInt16LE(r.layer_index, 8);
      body.writeUInt8(r.direction, 10);
      body.writeUInt8(r.weight_bits, 11);
      body.writeUInt8(r.activation_bits, 12);
      return withRecordHeader(RECORD_KIND_CODES.precision, body);
    }
    case 'sparsity_mask': {
      const body = Buffer.alloc(SPARSITY_FIXED_BYTES + maskBytes(r.rows, r.cols));
      body.writeUInt16LE(r.layer_index, 0);
      body.writeUInt8(r.direction, 2);
      body.writeUInt8(MATRIX_CODES[r.matrix], 3);
      body.writeUInt32LE(r.rows, 4);
      body.writeUInt32LE(r.cols, 8);
      body.writeUInt32LE(r.nonzero_count, 12);
      body.set(r.mask, SPARSITY_FIXED_BYTES);
      return withRecordHeader(RECORD_KIND_CODES.sparsity_mask, body);
    }
  }
}

/** Thrown by decodeRecordBody; the reader adds the file, record index and byte offset. */
export class RecordFormatError extends Error {}

function need(body: Buffer, bytes: number, what: string): void {
  if (body.length !== bytes) throw new RecordFormatError(`${what}: expected body length ${bytes} bytes, found ${body.length}`);
}

function zeroBytes(body: Buffer, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (body[i] !== 0) throw new RecordFormatError(`expected reserved byte ${i} of the body to be 0, found ${body[i]}`);
  }
}

function direction(v: number): Direction {
  if (v !== 0 && v !== 1) throw new RecordFormatError(`expected direction 0 or 1, found ${v}`);
  return v;
}

/** Decode the body of a known kind; the body is copied out, so the caller may reuse its buffer. */
export function decodeRecordBody(kind: RecordKindName, body: Buffer): PayloadRecord {
  switch (kind) {
    case 'cell_state': {
      if (body.length < CELL_STATE_FIXED_BYTES) need(body, CELL_STATE_FIXED_BYTES, 'cell_state');
      const values = decodeVectorValues(body, 'cell_state', 13);
      return {
        kind,
        sequence_index: body.readUInt32LE(0),
        timestep: body.readUInt32LE(4),
        layer_index: body.readUInt16LE(8),
        direction: direction(body.readUInt8(10)),
        fractional_bits: body.readInt8(11),
        values,
      };
    }
    case 'precision': {
      need(body, PRECISION_BYTES, 'precision');
      zeroBytes(body, 13, 16);
      return {
        kind,
        sequence_index: body.readUInt32LE(0),
        timestep: body.readUInt32LE(4),
        layer_index: body.readUInt16LE(8),
        direction: direction(body.readUInt8(10)),
        weight_bits: body.readUInt8(11),
        activation_bits: body.readUInt8(12),
      };
    }
    case 'sparsity_mask': {
      if (body.length < SPARSITY_FIXED_BYTES) need(body, SPARSITY_FIXED_BYTES, 'sparsity_mask');
      const code = body.readUInt8(3);
      const matrix = MATRIX_BY_CODE[code];
      if (matrix === undefined) throw new RecordFormatError(`expected matrix code 0, 1 or 2, found ${code}`);
      const rows = body.readUInt32LE(4);
      const cols = body.readUInt32LE(8);
      need(body, SPARSITY_FIXED_BYTES + maskBytes(rows, cols), `sparsity_mask of ${rows} x ${cols}`);
      const mask = new Uint8Array(body.subarray(SPARSITY_FIXED_BYTES));
      const bitCount = rows * cols;
      if (bitCount % 8 !== 0 && mask[mask.length - 1] >> bitCount % 8 !== 0) {
        throw new RecordFormatError('expected the padding bits after the last mask bit to be 0');
      }
      const nonzero = body.readUInt32LE(12);
      const counted = countMaskBits(mask, bitCount);
      if (nonzero !== counted) throw new RecordFormatError(`nonzero_count says ${nonzero} but the mask has ${counted} set bits`);
      return { kind, layer_index: body.readUInt16LE(0), direction: direction(body.readUInt8(2)), matrix, rows, cols, nonzero_count: nonzero, mask };
    }
    case 'activation': {
      if (body.length < ACTIVATION_FIXED_BYTES) need(body, ACTIVATION_FIXED_BYTES, 'activation');
      const code = body.readUInt8(13);
      const vector = VECTOR_BY_CODE[code];
      if (vector === undefined) throw new RecordFormatError(`expected vector code 0 (input) or 1 (hidden), found ${code}`);
      const values = decodeVectorValues(body, 'activation', 14);
      return {
        kind,
        sequence_index: body.readUInt32LE(0),
        timestep: body.readUInt32LE(4),
        layer_index: body.readUInt16LE(8),
        direction: direction(body.readUInt8(10)),
        vector,
        fractional_bits: body.readInt8(11),
        values,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks against the header, shared by writer and reader.

function indexProblem(name: string, value: number, limit: number): string | undefined {
  if (!Number.isInteger(value) || value < 0 || value >= limit) {
    return `${name} ${value} out of range: expected 0..${limit - 1}`;
  }
  return undefined;
}

/** What is wrong with a record given the header (sizes, indices, value kinds), or undefined. */
export function recordProblem(r: PayloadRecord, header: TraceHeader): string | undefined {
  const { model, workload } = header;
  const lengths = workload.sequence_lengths_timesteps;
  const common =
    indexProblem('layer_index', r.layer_index, model.num_layers) ??
    indexProblem('direction', r.direction, directionCount(model));
  if (common) return common;
  if (r.kind === 'cell_state' || r.kind === 'precision' || r.kind === 'activation') {
    const seq = indexProblem('sequence_index', r.sequence_index, lengths.length);
    if (seq) return seq;
    const step = indexProblem(`timestep of sequence ${r.sequence_index}`, r.timestep, lengths[r.sequence_index]);
    if (step) return step;
  }
  switch (r.kind) {
    case 'cell_state':
      if (r.values.length !== model.hidden_size) {
        return `cell_state has ${r.values.length} elements; the header's hidden_size is ${model.hidden_size}`;
      }
      if (!Number.isInteger(r.fractional_bits) || r.fractional_bits < -128 || r.fractional_bits > 127) {
        return `fractional_bits must be an integer in -128..127, found ${r.fractional_bits}`;
      }
      return undefined;
    case 'activation': {
      const expected = r.vector === 'input' ? layerInputSize(model, r.layer_index) : recurrentInputSize(model);
      if (r.values.length !== expected) {
        return `activation (${r.vector}) of layer ${r.layer_index} has ${r.values.length} elements; the header says ${expected} (${r.vector === 'input' ? 'the layer input size' : 'the recurrent input size: hidden_size, or projection_size when > 0'})`;
      }
      if (r.vector === 'input' && r.direction !== 0) return `activation (input) records have direction 0 (both directions read the same x_t), found ${r.direction}`;
      if (!Number.isInteger(r.fractional_bits) || r.fractional_bits < -128 || r.fractional_bits > 127) {
        return `fractional_bits must be an integer in -128..127, found ${r.fractional_bits}`;
      }
      return undefined;
    }
    case 'precision':
      for (const [name, bits] of [['weight_bits', r.weight_bits], ['activation_bits', r.activation_bits]] as const) {
        if (!Number.isInteger(bits) || bits < 1 || bits > 32) return `${name} must be an integer in 1..32, found ${bits}`;
      }
      return undefined;
    case 'sparsity_mask': {
      const shape = weightMatrixShapes(model, r.layer_index).find((m) => m.matrix === r.matrix);
      if (!shape) return `layer ${r.layer_index} has no ${r.matrix} weight matrix (projection_size is 0)`;
      if (shape.rows !== r.rows || shape.cols !== r.cols) {
        return `${r.matrix} weight matrix of layer ${r.layer_index} is ${shape.rows} x ${shape.cols} by the header, the record says ${r.rows} x ${r.cols}`;
      }
      if (r.mask.length !== maskBytes(r.rows, r.cols)) {
        return `mask of ${r.rows} x ${r.cols} needs ${maskBytes(r.rows, r.cols)} bytes, found ${r.mask.length}`;
      }
      return undefined;
    }
  }
}
