import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseSafetensors, readSafetensors, readSafetensorsWithMetadata, serializeSafetensors, writeSafetensors } from '../../src/functional/safetensors.js';
import type { TensorMap } from '../../src/functional/tensor.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnsim-st-'));

function sample(): TensorMap {
  return new Map([
    ['weight_ih_l0', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0.25, -0, 1e-7]) }],
    ['bias_ih_l0', { shape: [2], data: new Float32Array([0.5, -0.5]) }],
  ]);
}

/** Builds a file by hand: u64 LE header length, JSON, data. */
function handMade(header: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips F32 tensors, shapes and metadata', () => {
    const p = join(dir, 'a.safetensors');
    writeSafetensors(p, sample(), { format: 'pt', b: 'x' });
    const { tensors, metadata } = readSafetensorsWithMetadata(p);
    expect([...tensors.keys()].sort()).toEqual(['bias_ih_l0', 'weight_ih_l0']);
    expect(tensors.get('weight_ih_l0')?.shape).toEqual([2, 3]);
    expect([...(tensors.get('weight_ih_l0')?.data ?? [])]).toEqual([...sample().get('weight_ih_l0')!.data]);
    expect(metadata).toEqual({ b: 'x', format: 'pt' });
  });

  it('is deterministic regardless of insertion order, with sorted keys and 8-byte aligned data', () => {
    const a = serializeSafetensors(sample());
    const reversed: TensorMap = new Map([...sample()].reverse());
    const b = serializeSafetensors(reversed);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const n = Number(new DataView(a.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = new TextDecoder().decode(a.subarray(8, 8 + n));
    expect(header.indexOf('bias_ih_l0')).toBeLessThan(header.indexOf('weight_ih_l0'));
    // bias (2 floats) comes first in the data section.
    expect(header).toContain('"bias_ih_l0":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}');
  });

  it('reads a hand-made file with F64 and BF16 and F16 tensors', () => {
    const data = new Uint8Array(8 + 2 + 2);
    const v = new DataView(data.buffer);
    v.setFloat64(0, -1.5, true);
    v.setUint16(8, 0x3fc0, true); // bf16 1.5
    v.setUint16(10, 0xbc00, true); // f16 -1.0
    const bytes = handMade(
      JSON.stringify({
        a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [8, 10] },
        c: { dtype: 'F16', shape: [], data_offsets: [10, 12] },
      }),
      data,
    );
    const t = parseSafetensors(bytes, 'mem').tensors;
    expect(t.get('a')?.data[0]).toBe(-1.5);
    expect(t.get('b')?.data[0]).toBe(1.5);
    expect(t.get('c')?.data[0]).toBe(-1);
  });

  it('rejects an unsupported dtype, naming the file and the dtypes expected', () => {
    const p = join(dir, 'i8.safetensors');
    writeFileSync(p, handMade(JSON.stringify({ w: { dtype: 'I8', shape: [1], data_offsets: [0, 1] } }), new Uint8Array(1)));
    expect(() => readSafetensors(p)).toThrow(InputError);
    expect(() => readSafetensors(p)).toThrow(/i8\.safetensors: unsupported safetensors dtype "I8".*expected one of F32/);
  });

  it('rejects a header length that overruns the file and non-JSON headers', () => {
    const p = join(dir, 'bad.safetensors');
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    writeFileSync(p, bytes);
    expect(() => readSafetensors(p)).toThrow(/bad\.safetensors: bad safetensors header: header length 1000 exceeds the 8 bytes/);
    writeFileSync(p, handMade('{not json', new Uint8Array(0)));
    expect(() => readSafetensors(p)).toThrow(/expected a UTF-8 JSON object/);
    writeFileSync(p, new Uint8Array(3));
    expect(() => readSafetensors(p)).toThrow(/expected at least 8 bytes/);
  });

  it('rejects truncated data and offsets that disagree with the shape', () => {
    const p = join(dir, 'trunc.safetensors');
    const full = serializeSafetensors(sample());
    writeFileSync(p, full.subarray(0, full.length - 4));
    expect(() => readSafetensors(p)).toThrow(/trunc\.safetensors: truncated safetensors data: tensor "weight_ih_l0" needs bytes \[8, 32\)/);
    writeFileSync(p, handMade(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }), new Uint8Array(8)));
    expect(() => readSafetensors(p)).toThrow(/expected 8 bytes \(2 x F32\)/);
  });

  it('reports a missing file as InputError', () => {
    expect(() => readSafetensors(join(dir, 'nope.safetensors'))).toThrow(InputError);
  });

  it('writes exactly the float32 bit patterns', () => {
    const p = join(dir, 'bits.safetensors');
    writeSafetensors(p, new Map([['x', { shape: [1], data: new Float32Array([0.1]) }]]));
    const raw = readFileSync(p);
    expect(raw.readUInt32LE(raw.length - 4)).toBe(0x3dcccccd);
  });
});
