/**
 * Trace reader. readTrace() parses and validates the header and checks the payload's size and
 * SHA-256 in a streaming pass; readPayloadRecords() then streams the records through a file
 * read stream, never holding the payload whole, and checks every record against the header.
 * Every problem is an InputError naming the file and the place (JSON pointer, or record index
 * and byte offset) with what was expected and what was found.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { readInputText } from '../input-file.js';
import type { AnyTraceHeader, TraceHeader } from './header.js';
import { parseJsonText } from './json-text.js';
import {
  MAX_RECORD_BODY_BYTES,
  PAYLOAD_FILE_HEADER_BYTES,
  RECORD_HEADER_BYTES,
  RecordFormatError,
  decodeRecordBody,
  fileHeaderProblem,
  recordKindName,
  recordProblem,
  type PayloadRecord,
} from './payload-format.js';
import { validateAnyTraceHeader, validateTraceHeader } from './validate-header.js';

export interface LoadedTrace {
  readonly header: TraceHeader;
  readonly headerPath: string;
  /** Absolute or header-relative path of the payload; undefined for a shape-only trace. */
  readonly payloadPath: string | undefined;
}

export interface ReadTraceOptions {
  /**
   * Hash the whole payload before returning (a streaming pass), so corruption is reported before
   * any record is used. Default true. The size is always checked.
   */
  readonly verifyChecksum?: boolean;
}

/** A trace of either kind; a plain GEMM trace has no payload. */
export type LoadedAnyTrace = LoadedTrace | { readonly header: Exclude<AnyTraceHeader, TraceHeader>; readonly headerPath: string; readonly payloadPath: undefined };

export function isRnnTrace(t: LoadedAnyTrace): t is LoadedTrace {
  return t.header.workload_kind !== 'gemm';
}

async function headerValue(headerPath: string): Promise<unknown> {
  return parseJsonText(readInputText(headerPath, { what: 'trace header' }), headerPath);
}

/** Read a trace that may be a plain GEMM (no payload) or an LSTM/GRU trace (as readTrace). */
export async function readAnyTrace(headerPath: string, options: ReadTraceOptions = {}): Promise<LoadedAnyTrace> {
  const header = validateAnyTraceHeader(await headerValue(headerPath), headerPath);
  if (header.workload_kind === 'gemm') return { header, headerPath, payloadPath: undefined };
  return readTrace(headerPath, options);
}

/** Read, validate and (by default) checksum an LSTM/GRU trace. Throws InputError on any problem. */
export async function readTrace(headerPath: string, options: ReadTraceOptions = {}): Promise<LoadedTrace> {
  const header = validateTraceHeader(await headerValue(headerPath), headerPath);
  if (!header.payload) return { header, headerPath, payloadPath: undefined };

  const payloadPath = join(dirname(headerPath), header.payload.file);
  let size: number;
  try {
    size = (await stat(payloadPath)).size;
  } catch (err) {
    throw new InputError(`payload named at /payload/file cannot be read: ${(err as Error).message}`, headerPath);
  }
  if (size !== header.payload.size_bytes) {
    throw new InputError(
      `payload is ${size} bytes but ${headerPath} /payload/size_bytes says ${header.payload.size_bytes}` +
        (size < header.payload.size_bytes ? ' (truncated)' : ' (extra bytes)'),
      payloadPath,
    );
  }
  if (options.verifyChecksum ?? true) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(payloadPath)) hash.update(chunk as Buffer);
    checkSha(hash.digest('hex'), header, headerPath, payloadPath);
  }
  return { header, headerPath, payloadPath };
}

function checkSha(actual: string, header: TraceHeader, headerPath: string, payloadPath: string): void {
  const expected = header.payload?.sha256;
  if (actual !== expected) {
    throw new InputError(`payload SHA-256 is ${actual} but ${headerPath} /payload/sha256 says ${expected} (corrupted or replaced)`, payloadPath);
  }
}

/** A FIFO of stream chunks from which whole records are taken without concatenating everything. */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    if (b.length > 0) {
      this.chunks.push(b);
      this.length += b.length;
    }
  }

  /** Remove and return the first n bytes (n <= length). */
  take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first !== undefined && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0] as Buffer;
        const k = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, k);
        filled += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.length -= n;
    return out;
  }
}

export interface ReadRecordsOptions {
  /** Chunk size of the file read stream (bytes); small values exercise record reassembly in tests. */
  readonly chunkBytes?: number;
}

/**
 * Stream the payload's records in file order. Records of kinds this version does not know are
 * skipped (their lengths say how far). After the last record the byte count, SHA-256 and record
 * counts are checked against the header; a mismatch throws then.
 */
export async function* readPayloadRecords(trace: LoadedTrace, options: ReadRecordsOptions = {}): AsyncGenerator<PayloadRecord> {
  const { header, headerPath, payloadPath } = trace;
  if (!header.payload || payloadPath === undefined) return;
  const expectedSize = header.payload.size_bytes;
  const fail = (msg: string): never => {
    throw new InputError(msg, payloadPath);
  };

  const hash = createHash('sha256');
  const queue = new ByteQueue();
  const counts = new Map<string, number>();
  let offset = 0; // byte offset of the first byte in the queue
  let recordIndex = 0;
  let sawFileHeader = false;
  let pending: { kind: number; bodyBytes: number; start: number } | undefined;

  const stream = createReadStream(payloadPath, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    queue.push(chunk as Buffer);
    for (;;) {
      if (!sawFileHeader) {
        if (queue.length < PAYLOAD_FILE_HEADER_BYTES) break;
        const problem = fileHeaderProblem(queue.take(PAYLOAD_FILE_HEADER_BYTES));
        if (problem) fail(problem);
        offset += PAYLOAD_FILE_HEADER_BYTES;
        sawFileHeader = true;
      }
      if (!pending) {
        if (queue.length < RECORD_HEADER_BYTES) break;
        const head = queue.take(RECORD_HEADER_BYTES);
        const kind = head.readUInt16LE(0);
        const flags = head.readUInt16LE(2);
        const bodyBytes = head.readUInt32LE(4);
        const where = `record ${recordIndex} at byte offset ${offset}`;
        if (flags !== 0) fail(`${where}: expected record flags 0, found ${flags}`);
        if (bodyBytes > MAX_RECORD_BODY_BYTES || offset + RECORD_HEADER_BYTES + bodyBytes > expectedSize) {
          fail(
            `${where}: body length ${bodyBytes} bytes runs past the end of the payload (${expectedSize} bytes by the header): truncated or corrupted`,
          );
        }
        pending = { kind, bodyBytes, start: offset };
        offset += RECORD_HEADER_BYTES;
      }
      if (queue.length < pending.bodyBytes) break;
      const body = queue.take(pending.bodyBytes);
      offset += pending.bodyBytes;
      const { kind, start } = pending;
      pending = undefined;
      const name = recordKindName(kind);
      const where = `record ${recordIndex} (${name ?? `unknown kind ${kind}`}) at byte offset ${start}`;
      recordIndex++;
      const countKey = name ?? `unknown_${kind}`;
      counts.set(countKey, (counts.get(countKey) ?? 0) + 1);
      if (!name) continue; // a later format's kind: skip it
      let record: PayloadRecord;
      try {
        record = decodeRecordBody(name, body);
      } catch (err) {
        if (err instanceof RecordFormatError) fail(`${where}: ${err.message}`);
        throw err;
      }
      const problem = recordProblem(record, header);
      if (problem) fail(`${where}: disagrees with ${headerPath}: ${problem}`);
      yield record;
    }
  }

  if (!sawFileHeader) fail(`expected a ${PAYLOAD_FILE_HEADER_BYTES}-byte file header, the file has ${queue.length} bytes`);
  if (pending || queue.length > 0) {
    const start = pending ? pending.start : offset;
    const expected = pending ? RECORD_HEADER_BYTES + pending.bodyBytes : RECORD_HEADER_BYTES;
    const found = pending ? RECORD_HEADER_BYTES + queue.length : queue.length;
    fail(`record ${recordIndex} at byte offset ${start}: truncated: expected ${expected} bytes, the file ends after ${found}`);
  }
  if (offset !== expectedSize) fail(`payload is ${offset} bytes but ${headerPath} /payload/size_bytes says ${expectedSize}`);
  checkSha(hash.digest('hex'), header, headerPath, payloadPath);
  const declared = header.payload.record_counts;
  for (const key of new Set([...Object.keys(declared), ...counts.keys()])) {
    const found = counts.get(key) ?? 0;
    const expected = declared[key] ?? 0;
    if (found !== expected) fail(`${headerPath} /payload/record_counts/${key} says ${expected} records, the payload has ${found}`);
  }
}

/** Payloads verified in this process: path -> their size, mtime and the header they were checked against. */
const verifiedPayloads = new Map<string, string>();

/**
 * Check a trace's whole payload as `rnnsim trace check` does (file header, every record's
 * framing and indices against the header, size, SHA-256, record counts), whatever the caller
 * goes on to read of it: a run must not accept a payload that check refuses just because its
 * dataflow reads nothing from it. A payload verified before in this process, unchanged since
 * (same size, mtime and header sha256), is not read again (a sweep's points share their traces).
 */
export async function verifyPayload(trace: LoadedTrace): Promise<void> {
  const { header, payloadPath } = trace;
  if (!header.payload || payloadPath === undefined) return;
  let key: string;
  try {
    const s = await stat(payloadPath);
    key = `${s.size}|${s.mtimeMs}|${JSON.stringify(header)}`;
  } catch (err) {
    throw new InputError(`payload named at /payload/file cannot be read: ${(err as Error).message}`, trace.headerPath);
  }
  if (verifiedPayloads.get(payloadPath) === key) return;
  for await (const _record of readPayloadRecords(trace)) {
    // every record is checked as it is decoded; nothing to keep
  }
  verifiedPayloads.set(payloadPath, key);
}

/** Read a whole trace's records into memory: for tests and small traces only. */
export async function collectPayloadRecords(trace: LoadedTrace): Promise<PayloadRecord[]> {
  const out: PayloadRecord[] = [];
  for await (const r of readPayloadRecords(trace)) out.push(r);
  return out;
}
