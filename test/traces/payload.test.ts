import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { TraceHeader } from '../../src/traces/header.js';
import { packMask, type PayloadRecord } from '../../src/traces/payload-format.js';
import { collectPayloadRecords, readPayloadRecords, readTrace } from '../../src/traces/reader.js';
import { TraceWriter } from '../../src/traces/writer.js';
import { smallHeader, tempDir } from './helpers.js';

/**
 * The small header: LSTMP I=5 H=6 P=4, 2 layers, bidirectional, sequences of 3 and 2 steps.
 * Layer 1 input = 2 * P = 8. Matrices per direction: input 24 x 5 (layer 0) / 24 x 8 (layer 1),
 * recurrent 24 x 4, projection 4 x 6.
 */
async function writeSample(dir: string, name = 'small'): Promise<{ headerPath: string; header: TraceHeader }> {
  const headerPath = join(dir, `${name}.json`);
  const w = await TraceWriter.create(headerPath, smallHeader(name));
  // 4 x 6 projection mask of layer 1 backward: keep the diagonal-ish bits 0, 7, 14, 21 (4 of 24)
  const flags = Array.from({ length: 24 }, (_, i) => (i % 7 === 0 ? 1 : 0));
  await w.appendSparsityMask({ layer_index: 1, direction: 1, matrix: 'projection', rows: 4, cols: 6, mask: packMask(flags) });
  await w.appendPrecision({ sequence_index: 0, timestep: 0, layer_index: 0, direction: 0, weight_bits: 4, activation_bits: 8 });
  // int8, int16 and int32 storage chosen from the value range
  await w.appendCellState({ sequence_index: 0, timestep: 2, layer_index: 1, direction: 1, fractional_bits: 5, values: [1, -2, 3, -128, 127, 0] });
  await w.appendCellState({ sequence_index: 1, timestep: 1, layer_index: 0, direction: 0, fractional_bits: 12, values: Int32Array.from([300, -32768, 0, 1, 2, 3]) });
  await w.appendCellState({ sequence_index: 1, timestep: 0, layer_index: 0, direction: 1, fractional_bits: -3, values: [2147483647, -2147483648, 0, 0, 0, 70000] });
  const header = await w.finish();
  return { headerPath, header };
}

async function expectInputError(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
}

async function readAll(headerPath: string, verifyChecksum = true): Promise<PayloadRecord[]> {
  return collectPayloadRecords(await readTrace(headerPath, { verifyChecksum }));
}

describe('payload round trip', () => {
  it('writes a header with size, sha256 and counts, and reads back the same records', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    const bin = readFileSync(join(dir, 'small.bin'));
    // 12 (file header)
    // + 8 + 16 + ceil(24 / 8) = 27 (sparsity mask)
    // + 8 + 16 = 24 (precision)
    // + 8 + 20 + 6 * 1 = 34 (cell state, int8) + 8 + 20 + 6 * 2 = 40 (int16) + 8 + 20 + 6 * 4 = 52 (int32)
    // = 12 + 27 + 24 + 34 + 40 + 52 = 189
    expect(bin.length).toBe(189);
    expect(header.payload).toEqual({
      file: 'small.bin',
      size_bytes: 189,
      sha256: createHash('sha256').update(bin).digest('hex'),
      record_counts: { cell_state: 3, precision: 1, sparsity_mask: 1 },
    });
    expect(bin.subarray(0, 12)).toEqual(Buffer.from([0x52, 0x4e, 0x4e, 0x53, 0x49, 0x4d, 0x54, 0x50, 1, 0, 0, 0]));
    expect(JSON.parse(readFileSync(headerPath, 'utf8'))).toEqual(header);
    expect(readdirSync(dir).sort()).toEqual(['small.bin', 'small.json']); // no temporaries left

    const records = await readAll(headerPath);
    expect(records).toEqual([
      // mask bits 0, 7, 14, 21: byte 0 = 0b1000_0001, byte 1 = 0b0100_0000, byte 2 = 0b0010_0000
      { kind: 'sparsity_mask', layer_index: 1, direction: 1, matrix: 'projection', rows: 4, cols: 6, nonzero_count: 4, mask: new Uint8Array([0x81, 0x40, 0x20]) },
      { kind: 'precision', sequence_index: 0, timestep: 0, layer_index: 0, direction: 0, weight_bits: 4, activation_bits: 8 },
      { kind: 'cell_state', sequence_index: 0, timestep: 2, layer_index: 1, direction: 1, fractional_bits: 5, values: Int32Array.from([1, -2, 3, -128, 127, 0]) },
      { kind: 'cell_state', sequence_index: 1, timestep: 1, layer_index: 0, direction: 0, fractional_bits: 12, values: Int32Array.from([300, -32768, 0, 1, 2, 3]) },
      { kind: 'cell_state', sequence_index: 1, timestep: 0, layer_index: 0, direction: 1, fractional_bits: -3, values: Int32Array.from([2147483647, -2147483648, 0, 0, 0, 70000]) },
    ]);
  });

  it('reassembles records split across tiny read chunks (3 bytes)', async () => {
    const { headerPath } = await writeSample(tempDir());
    const trace = await readTrace(headerPath);
    const chunked: PayloadRecord[] = [];
    for await (const r of readPayloadRecords(trace, { chunkBytes: 3 })) chunked.push(r);
    expect(chunked).toEqual(await collectPayloadRecords(trace));
  });

  it('streams many records (10,000 cell states of H=6) with constant memory per record', async () => {
    const dir = tempDir();
    const headerPath = join(dir, 'many.json');
    const base = smallHeader('many');
    const w = await TraceWriter.create(headerPath, { ...base, workload: { batch_size: 1, sequence_lengths_timesteps: [10_000] } });
    for (let t = 0; t < 10_000; t++) {
      await w.appendCellState({ sequence_index: 0, timestep: t, layer_index: 0, direction: 0, fractional_bits: 8, values: [t, -t, 0, 1, 2, 3] });
    }
    const header = await w.finish();
    // each record: 8 + 20 + 6 * 4 (t up to 9,999 needs int16: 6 * 2 = 12) ... t < 128 uses int8
    // t in 0..127: 128 records of 8 + 20 + 6 = 34 bytes; t in 128..9,999: 9,872 of 8 + 20 + 12 = 40
    // total 12 + 128 * 34 + 9,872 * 40 = 12 + 4,352 + 394,880 = 399,244
    expect(header.payload?.size_bytes).toBe(399_244);
    let n = 0;
    let sum = 0;
    for await (const r of readPayloadRecords(await readTrace(headerPath), { chunkBytes: 4096 })) {
      n++;
      if (r.kind === 'cell_state') sum += r.values[0] ?? 0;
    }
    expect(n).toBe(10_000);
    expect(sum).toBe((9_999 * 10_000) / 2);
  });

  it('skips records of unknown kinds by their length and counts them as unknown_<code>', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    const bin = readFileSync(join(dir, 'small.bin'));
    // append a kind-99 record with a 5-byte body: 8 + 5 = 13 bytes
    const extra = Buffer.from([99, 0, 0, 0, 5, 0, 0, 0, 1, 2, 3, 4, 5]);
    const grown = Buffer.concat([bin, extra]);
    writeFileSync(join(dir, 'small.bin'), grown);
    const patched = {
      ...header,
      payload: {
        ...header.payload,
        size_bytes: 189 + 13,
        sha256: createHash('sha256').update(grown).digest('hex'),
        record_counts: { ...header.payload?.record_counts, unknown_99: 1 },
      },
    };
    writeFileSync(headerPath, JSON.stringify(patched));
    const records = await readAll(headerPath);
    expect(records.map((r) => r.kind)).toEqual(['sparsity_mask', 'precision', 'cell_state', 'cell_state', 'cell_state']);
  });
});

/** Rewrite the payload with `edit` and fix size and sha in the header so only the edit is wrong. */
function tamper(dir: string, headerPath: string, header: TraceHeader, edit: (b: Buffer) => Buffer, counts?: Record<string, number>): void {
  const bin = edit(Buffer.from(readFileSync(join(dir, 'small.bin'))));
  writeFileSync(join(dir, 'small.bin'), bin);
  const payload = {
    ...header.payload,
    size_bytes: bin.length,
    sha256: createHash('sha256').update(bin).digest('hex'),
    record_counts: counts ?? header.payload?.record_counts,
  };
  writeFileSync(headerPath, JSON.stringify({ ...header, payload }));
}

describe('bad payloads are InputErrors that say where and what', () => {
  it('truncated payload: size disagrees with the header', async () => {
    const dir = tempDir();
    const { headerPath } = await writeSample(dir);
    writeFileSync(join(dir, 'small.bin'), readFileSync(join(dir, 'small.bin')).subarray(0, 150));
    await expectInputError(() => readTrace(headerPath), /small\.bin: payload is 150 bytes but .*\/payload\/size_bytes says 189 \(truncated\)/);
  });

  it('truncated payload with a consistent header: the cut record is named with its offset', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    // cut inside the last record (it starts at 189 - 52 = 137 and is 52 bytes long)
    tamper(dir, headerPath, header, (b) => b.subarray(0, 150));
    await expectInputError(() => readAll(headerPath), /record 4 at byte offset 137: body length 44 bytes runs past the end of the payload \(150 bytes/);
  });

  it('missing payload file', async () => {
    const dir = tempDir();
    const { headerPath } = await writeSample(dir);
    writeFileSync(join(dir, 'small.bin'), '');
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'small.bin'));
    expect(existsSync(join(dir, 'small.bin'))).toBe(false);
    await expectInputError(() => readTrace(headerPath), /payload named at \/payload\/file cannot be read/);
  });

  it('sha256 mismatch (one flipped byte, same size)', async () => {
    const dir = tempDir();
    const { headerPath } = await writeSample(dir);
    const bin = Buffer.from(readFileSync(join(dir, 'small.bin')));
    bin[188] = (bin[188] ?? 0) ^ 1;
    writeFileSync(join(dir, 'small.bin'), bin);
    await expectInputError(() => readTrace(headerPath), /payload SHA-256 is [0-9a-f]{64} but .*\/payload\/sha256 says [0-9a-f]{64} \(corrupted or replaced\)/);
    // without the up-front check the streaming reader still catches it after the last record
    await expectInputError(() => readAll(headerPath, false), /payload SHA-256 is/);
  });

  it('unknown payload version and bad magic', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    tamper(dir, headerPath, header, (b) => {
      b.writeUInt16LE(2, 8);
      return b;
    });
    await expectInputError(() => readAll(headerPath), /unsupported payload format version 2 at byte offset 8; this rnnsim reads version 1/);
    tamper(dir, headerPath, header, (b) => {
      b.write('XXXX', 0, 'ascii');
      return b;
    });
    await expectInputError(() => readAll(headerPath), /expected magic "RNNSIMTP" at byte offset 0/);
  });

  it('matrix sizes that disagree with the header: a 4 x 6 projection mask in a hidden_size 7 trace', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    const h7 = { ...header, model: { ...header.model, hidden_size: 7 } };
    writeFileSync(headerPath, JSON.stringify(h7));
    // the first record (sparsity mask of layer 1's projection, 4 x 6) disagrees first: it is 4 x 7 now
    await expectInputError(() => readAll(headerPath), /record 0 \(sparsity_mask\) at byte offset 12: disagrees with .*small\.json: projection weight matrix of layer 1 is 4 x 7 by the header, the record says 4 x 6/);
  });

  it('record indices out of range: a timestep past the end of its sequence', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    const shorter = { ...header, workload: { batch_size: 1, sequence_lengths_timesteps: [2, 2] } };
    writeFileSync(headerPath, JSON.stringify(shorter));
    // record 2 is the cell state at timestep 2 of sequence 0; 12 + 27 + 24 = 63
    await expectInputError(() => readAll(headerPath), /record 2 \(cell_state\) at byte offset 63: .*timestep of sequence 0 2 out of range: expected 0\.\.1/);
  });

  it('a body length that disagrees with its element count', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    // record 2 (int8 cell state) starts at 63; its element_count is at 63 + 8 + 16 = 87
    tamper(dir, headerPath, header, (b) => {
      b.writeUInt32LE(7, 87);
      return b;
    });
    await expectInputError(() => readAll(headerPath), /record 2 \(cell_state\) at byte offset 63: cell_state with 7 elements of 8 bits: expected body length 27 bytes, found 26/);
  });

  it('mask popcount disagrees with nonzero_count', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    // the mask record's nonzero_count is at 12 + 8 + 12 = 32
    tamper(dir, headerPath, header, (b) => {
      b.writeUInt32LE(5, 32);
      return b;
    });
    await expectInputError(() => readAll(headerPath), /nonzero_count says 5 but the mask has 4 set bits/);
  });

  it('record counts that disagree with the header', async () => {
    const dir = tempDir();
    const { headerPath, header } = await writeSample(dir);
    tamper(dir, headerPath, header, (b) => b, { cell_state: 4, precision: 1, sparsity_mask: 1 });
    await expectInputError(() => readAll(headerPath), /\/payload\/record_counts\/cell_state says 4 records, the payload has 3/);
  });
});

describe('the writer refuses bad records', () => {
  it('NaN and non-integers in a cell state', async () => {
    const dir = tempDir();
    const w = await TraceWriter.create(join(dir, 'small.json'), smallHeader());
    const base = { sequence_index: 0, timestep: 0, layer_index: 0, direction: 0 as const, fractional_bits: 4 };
    await expect(w.appendCellState({ ...base, values: [0, 1, Number.NaN, 3, 4, 5] })).rejects.toThrow(/values\[2\] is NaN; expected an integer/);
    await expect(w.appendCellState({ ...base, values: [0, 1, 2, 3, 4, Infinity] })).rejects.toThrow(/values\[5\] is Infinity/);
    await expect(w.appendCellState({ ...base, values: [0.5, 1, 2, 3, 4, 5] })).rejects.toThrow(/values\[0\] is 0\.5/);
    await expect(w.appendCellState({ ...base, fractional_bits: Number.NaN, values: [0, 1, 2, 3, 4, 5] })).rejects.toThrow(/fractional_bits must be an integer/);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('records that disagree with the header', async () => {
    const w = await TraceWriter.create(join(tempDir(), 'small.json'), smallHeader());
    const base = { sequence_index: 0, timestep: 0, layer_index: 0, direction: 0 as const, fractional_bits: 4 };
    await expect(w.appendCellState({ ...base, values: [1, 2, 3] })).rejects.toThrow(/3 elements; the header's hidden_size is 6/);
    await expect(w.appendCellState({ ...base, layer_index: 2, values: [0, 0, 0, 0, 0, 0] })).rejects.toThrow(/layer_index 2 out of range: expected 0\.\.1/);
    await expect(w.appendPrecision({ ...base, weight_bits: 0, activation_bits: 8 })).rejects.toThrow(/weight_bits must be an integer in 1\.\.32/);
    await expect(
      w.appendSparsityMask({ layer_index: 0, direction: 0, matrix: 'input', rows: 24, cols: 8, mask: new Uint8Array(24) }),
    ).rejects.toThrow(/input weight matrix of layer 0 is 24 x 5 by the header, the record says 24 x 8/);
    await w.abort();
  });

  it('a header whose name does not match the file', async () => {
    await expect(TraceWriter.create(join(tempDir(), 'other.json'), smallHeader())).rejects.toThrow(/must be written to small\.json/);
  });
});
