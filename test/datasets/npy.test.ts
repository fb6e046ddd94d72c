/**
 * .npy reading against files written by NumPy itself (fixtures/make_npy_fixtures.py), and
 * writing checked byte for byte against NumPy's output for the same array.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readNpy } from '../../src/datasets/npy.js';
import { InputError } from '../../src/errors.js';

const F = (name: string): string => join(__dirname, 'fixtures', name);

describe('.npy files written by numpy', () => {
  it('float32 [2, 3, 2]: values arange(12) / 4 - 1', () => {
    const a = readNpy(F('f32_2x3x2.npy'));
    expect(a.descr).toBe('<f4');
    expect(a.shape).toEqual([2, 3, 2]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect([...a.data]).toEqual([-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
  });

  it('int64 token ids read as int32', () => {
    const a = readNpy(F('i64_2x3.npy'));
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Int32Array);
    expect([...a.data]).toEqual([1, 2, 3, 40000, -5, 0]);
  });

  it('uint8, a 0-d float64 and a version 2.0 int32 file', () => {
    expect([...readNpy(F('u8_4.npy')).data]).toEqual([0, 7, 200, 255]);
    const s = readNpy(F('f64_scalar.npy'));
    expect(s.shape).toEqual([]);
    expect([...s.data]).toEqual([2.5]);
    const v2 = readNpy(F('i32_v2.npy'));
    expect([...v2.data]).toEqual([7, -8]);
  });

  it('refuses Fortran order and big-endian data, naming the file', () => {
    expect(() => readNpy(F('f32_fortran.npy'))).toThrow(/f32_fortran\.npy: Fortran-ordered/);
    expect(() => readNpy(F('f32_bigendian.npy'))).toThrow(/unsupported dtype '>f4'/);
  });

  it('refuses a truncated data section and a file that is not .npy', () => {
    const bytes = readFileSync(F('f32_2x3x2.npy'));
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 4), 'cut.npy')).toThrow(/cut\.npy: data section holds 44 bytes, shape \[2, 3, 2\] of <f4 needs 48/);
    expect(() => parseNpy(new TextEncoder().encode('{"a": 1} and more text'), 'x.json')).toThrow(InputError);
  });

  it('refuses int64 values that do not fit 32 bits', () => {
    const bytes = Uint8Array.from(readFileSync(F('i64_2x3.npy')));
    // Element 0 sits at the start of the data section (the file's last 48 bytes): set its high word.
    new DataView(bytes.buffer).setInt32(bytes.length - 48 + 4, 1, true);
    expect(() => parseNpy(bytes, 'big.npy')).toThrow(/element 0 \(4294967297\) does not fit/);
  });
});

describe('writing', () => {
  it('is byte-identical to numpy.save for the same float32 array', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i / 4 - 1);
    expect(Buffer.from(encodeNpy(data, [2, 3, 2]))).toEqual(readFileSync(F('f32_2x3x2.npy')));
  });

  it('is byte-identical to numpy.save for a 1-d uint8 array (the trailing comma of a 1-tuple)', () => {
    expect(Buffer.from(encodeNpy(Uint8Array.from([0, 7, 200, 255]), [4]))).toEqual(readFileSync(F('u8_4.npy')));
  });

  it('round-trips int32', () => {
    const a = parseNpy(encodeNpy(Int32Array.from([3, -1, 2 ** 31 - 1]), [3]), 'mem');
    expect(a.descr).toBe('<i4');
    expect([...a.data]).toEqual([3, -1, 2 ** 31 - 1]);
  });
});
