/**
 * Streaming trace writer: records go to disk as they are appended (with back-pressure), so a
 * long functional run never holds its trace in memory. The payload is written to a temporary
 * sibling and renamed into place by finish(), which then writes the header (atomically) with
 * the record counts, byte size and SHA-256 that let a reader detect truncation or corruption.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, rmSync, renameSync, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { checkOwnedFileTarget, TRACE_HEADER_FILE, TRACE_PAYLOAD_FILE, writeOwnedFile } from '../output/owned-file.js';
import { headerToJson, type GemmTraceHeader, type TraceHeader } from './header.js';
import {
  encodeFileHeader,
  encodeRecord,
  countMaskBits,
  recordProblem,
  type ActivationRecord,
  type CellStateRecord,
  type Direction,
  type PayloadRecord,
  type PrecisionRecord,
  type SparsityMaskRecord,
} from './payload-format.js';
import { validateAnyTraceHeader, validateTraceHeader } from './validate-header.js';

/** A header as a writer is given it: everything but the payload reference, which finish() fills. */
export type TraceHeaderWithoutPayload = Omit<TraceHeader, 'payload'>;

export interface CellStateInput {
  readonly sequence_index: number;
  readonly timestep: number;
  readonly layer_index: number;
  readonly direction: Direction;
  readonly fractional_bits: number;
  /** hidden_size integers (int32 range); value = integer * 2^-fractional_bits. */
  readonly values: Int32Array | readonly number[];
}

export type PrecisionInput = Omit<PrecisionRecord, 'kind'>;

/** An activation vector (layer input or hidden output) as a writer is given it. */
export interface ActivationInput extends Omit<ActivationRecord, 'kind' | 'values'> {
  /** int32 integers; value = integer * 2^-fractional_bits. */
  readonly values: Int32Array | readonly number[];
}

/** nonzero_count is counted from the mask. */
export type SparsityMaskInput = Omit<SparsityMaskRecord, 'kind' | 'nonzero_count'>;

/** Write shape-only (no payload) trace header atomically: an LSTM/GRU shape or a plain GEMM. */
export function writeShapeTrace(headerPath: string, header: TraceHeaderWithoutPayload | GemmTraceHeader): void {
  const checked = validateAnyTraceHeader(JSON.parse(JSON.stringify(header)) as unknown, headerPath);
  writeOwnedFile(headerPath, headerToJson(checked), TRACE_HEADER_FILE);
}

function toInt32Values(values: Int32Array | readonly number[], kind = 'cell_state'): Int32Array {
  if (values instanceof Int32Array) return values;
  const out = new Int32Array(values.length);
  values.forEach((v, j) => {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new RangeError(`${kind} values[${j}] is ${v}; expected an integer in the int32 range`);
    }
    out[j] = v;
  });
  return out;
}

export class TraceWriter {
  private readonly hash: Hash = createHash('sha256');
  private sizeBytes = 0;
  private readonly counts = new Map<string, number>();
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    readonly headerPath: string,
    readonly payloadPath: string,
    private readonly tmpPath: string,
    private readonly header: TraceHeader,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  /** Start a trace at `headerPath` (<name>.json); the payload goes to <name>.bin next to it. */
  static async create(headerPath: string, header: TraceHeaderWithoutPayload): Promise<TraceWriter> {
    if (!headerPath.endsWith('.json')) throw new RangeError(`trace header path must end in .json: ${headerPath}`);
    const checked = validateTraceHeader(JSON.parse(JSON.stringify(header)) as unknown, headerPath);
    if (basename(headerPath) !== `${checked.name}.json`) {
      throw new RangeError(`trace '${checked.name}' must be written to ${checked.name}.json, not ${basename(headerPath)}`);
    }
    const payloadPath = join(dirname(headerPath), `${checked.name}.bin`);
    const tmpPath = join(dirname(headerPath), `.${checked.name}.bin.tmp-${process.pid}`);
    // Refuse before recording anything if either file at the destination is not an rnnsim trace.
    checkOwnedFileTarget(headerPath, TRACE_HEADER_FILE);
    checkOwnedFileTarget(payloadPath, TRACE_PAYLOAD_FILE);
    await mkdir(dirname(headerPath), { recursive: true });
    const stream = createWriteStream(tmpPath);
    const writer = new TraceWriter(headerPath, payloadPath, tmpPath, checked, stream);
    await writer.write(encodeFileHeader());
    return writer;
  }

  async appendCellState(r: CellStateInput): Promise<void> {
    const record: CellStateRecord = { kind: 'cell_state', ...r, values: toInt32Values(r.values) };
    return this.append(record);
  }

  async appendActivation(r: ActivationInput): Promise<void> {
    const record: ActivationRecord = { kind: 'activation', ...r, values: toInt32Values(r.values, 'activation') };
    return this.append(record);
  }

  async appendPrecision(r: PrecisionInput): Promise<void> {
    return this.append({ kind: 'precision', ...r });
  }

  async appendSparsityMask(r: SparsityMaskInput): Promise<void> {
    return this.append({ kind: 'sparsity_mask', ...r, nonzero_count: countMaskBits(r.mask, r.rows * r.cols) });
  }

  /** Append any record; rejects (RangeError) a record that disagrees with the header. */
  async append(record: PayloadRecord): Promise<void> {
    const problem = recordProblem(record, this.header);
    if (problem) throw new RangeError(`${this.payloadPath}: record ${this.recordCount()} (${record.kind}): ${problem}`);
    await this.write(encodeRecord(record));
    this.counts.set(record.kind, (this.counts.get(record.kind) ?? 0) + 1);
  }

  /** Close the payload, move it into place and write the header. Returns the written header. */
  async finish(): Promise<TraceHeader> {
    this.assertOpen();
    this.closed = true;
    this.stream.end();
    await once(this.stream, 'close');
    if (this.failure) throw this.failure;
    checkOwnedFileTarget(this.payloadPath, TRACE_PAYLOAD_FILE);
    renameSync(this.tmpPath, this.payloadPath);
    const recordCounts: Record<string, number> = { cell_state: 0, precision: 0, sparsity_mask: 0 };
    for (const [k, n] of this.counts) recordCounts[k] = n;
    const header: TraceHeader = {
      ...this.header,
      payload: {
        file: basename(this.payloadPath),
        size_bytes: this.sizeBytes,
        sha256: this.hash.digest('hex'),
        record_counts: recordCounts,
      },
    };
    writeOwnedFile(this.headerPath, headerToJson(header), TRACE_HEADER_FILE);
    return header;
  }

  /** Give up: close and delete the partial payload; no header is written. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.destroy();
    await once(this.stream, 'close').catch(() => undefined);
    rmSync(this.tmpPath, { force: true });
  }

  private recordCount(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`trace writer for ${this.headerPath} is already finished or aborted`);
    if (this.failure) throw this.failure;
  }

  private async write(bytes: Buffer): Promise<void> {
    this.assertOpen();
    this.hash.update(bytes);
    this.sizeBytes += bytes.length;
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }
}
