/**
 * Model payloads are checked against what their headers declare before a value is used:
 * safetensors tensors must tile the data section exactly (as the reference implementation
 * requires: no shared bytes, no holes, nothing after the last tensor), shapes must fit in exact
 * byte counts; .npy shapes likewise. Each defect is an InputError naming the file and the tensor.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/models/load-model.js';
import { REPO, tempDir } from '../helpers/context.js';
import { parseSafetensors } from '../../src/functional/safetensors.js';
import { parseNpy, encodeNpy } from '../../src/datasets/npy.js';

/** A safetensors file from a header object and a data section of `dataBytes` bytes (values 0). */
function safetensors(header: Record<string, unknown>, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const f32 = (shape: number[], begin: number, end: number): Record<string, unknown> => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('safetensors data layout', () => {
  it('two tensors back to back over the whole data section are read', () => {
    const file = parseSafetensors(safetensors({ a: f32([2], 0, 8), b: f32([1], 8, 12) }, 12), 'w.safetensors');
    expect([...file.tensors.keys()]).toEqual(['a', 'b']);
    expect(file.tensors.get('b')?.shape).toEqual([1]);
  });

  it('tensors sharing bytes are refused, naming both', () => {
    expect(() => parseSafetensors(safetensors({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12), 'w.safetensors')).toThrow(
      'w.safetensors: bad safetensors header: tensor "b" at bytes [4, 12) overlaps tensor "a", which ends at byte 8 of the data section',
    );
  });

  it('a hole between tensors is refused with its byte range', () => {
    expect(() => parseSafetensors(safetensors({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12), 'w.safetensors')).toThrow(
      'w.safetensors: bad safetensors header: bytes [4, 8) of the data section belong to no tensor (after "a", before "b"); expected tensors to follow each other without holes',
    );
  });

  it('bytes after the last tensor are refused (a cut file padded back to length, or a second file appended)', () => {
    expect(() => parseSafetensors(safetensors({ a: f32([1], 0, 4) }, 10), 'w.safetensors')).toThrow(
      'w.safetensors: bad safetensors file: the tensors end at byte 4 of the data section but it holds 10 bytes (6 bytes belong to no tensor)',
    );
  });

  it('a shape whose byte count is past 2^53 is refused, not rounded into agreement', () => {
    // 2^27 x 2^27 x 4 bytes = 2^56: no exact count to compare with the offsets.
    expect(() => parseSafetensors(safetensors({ a: f32([2 ** 27, 2 ** 27], 0, 4) }, 4), 'w.safetensors')).toThrow(
      /tensor "a": expected a shape of at most 2\^53 - 1 bytes, found \[134217728, 134217728\] of F32/,
    );
  });
});

describe('.npy shapes', () => {
  it('a shape whose byte count is past 2^53 is refused before allocation', () => {
    const good = encodeNpy(new Float32Array(4), [4]);
    const text = new TextDecoder('latin1').decode(good);
    const bad = new Uint8Array([...text.replace("'shape': (4,), ", "'shape': (134217728, 134217728),")].map((c) => c.charCodeAt(0)));
    expect(() => parseNpy(bad, 'x.npy')).toThrow(/x\.npy: data section holds \d+ bytes, shape \[134217728, 134217728\] of <f4 needs 72057594037927940/);
  });
});

describe('a card with weights_sha256 refuses a weights file that changed since it was written', () => {
  const { dir, cleanup } = tempDir('rnnsim-weights-sha-');
  afterAll(() => cleanup());
  const bundled = join(REPO, 'models', 'mnist-columns');

  /** A copy of the bundled mnist-columns model in `name`, with `damage` applied to its weights' bytes. */
  function copyModel(name: string, damage: (bytes: Uint8Array) => void): string {
    const to = join(dir, name);
    mkdirSync(to);
    const card = JSON.parse(readFileSync(join(bundled, 'model.json'), 'utf8')) as Record<string, unknown>;
    delete card.data; // the test needs no evaluation data
    writeFileSync(join(to, 'model.json'), JSON.stringify(card, null, 2));
    const bytes = new Uint8Array(readFileSync(join(bundled, 'model.safetensors')));
    damage(bytes);
    writeFileSync(join(to, 'model.safetensors'), bytes);
    return join(to, 'model.json');
  }

  it('the bundled card names its file by SHA-256 (sha256sum of models/mnist-columns/model.safetensors)', () => {
    const card = JSON.parse(readFileSync(join(bundled, 'model.json'), 'utf8')) as { weights_sha256: string };
    expect(card.weights_sha256).toBe(createHash('sha256').update(readFileSync(join(bundled, 'model.safetensors'))).digest('hex'));
    expect(loadModel(copyModel('intact', () => undefined)).tensors.size).toBeGreaterThan(0);
  });

  it('one flipped bit in the last weight (a file that still parses, values finite) is refused, naming the file, the card line and both hashes', () => {
    const card = copyModel('flipped', (b) => {
      b[b.length - 2] ^= 0x01; // a mantissa bit of the last float32: still finite, the shape unchanged
    });
    const declared = (JSON.parse(readFileSync(card, 'utf8')) as { weights_sha256: string }).weights_sha256;
    expect(() => loadModel(card)).toThrow(new RegExp(`flipped/model\\.safetensors: its SHA-256 is [0-9a-f]{64}, but line \\d+, column \\d+ \\(at weights_sha256\\) of the model card .*flipped/model\\.json says ${declared}: the file changed or was damaged`));
  });

  it('without weights_sha256 the same file loads: the check is the card\'s to ask for', () => {
    const card = copyModel('unchecked', (b) => {
      b[b.length - 2] ^= 0x01;
    });
    const text = JSON.parse(readFileSync(card, 'utf8')) as Record<string, unknown>;
    delete text.weights_sha256;
    writeFileSync(card, JSON.stringify(text));
    expect(loadModel(card).tensors.size).toBeGreaterThan(0);
  });

  it('a malformed weights_sha256 is a schema error at its key', () => {
    const card = copyModel('malformed', () => undefined);
    const text = JSON.parse(readFileSync(card, 'utf8')) as Record<string, unknown>;
    text.weights_sha256 = 'ABC';
    writeFileSync(card, JSON.stringify(text));
    // The schema's pattern refuses it (the hash is never compared).
    expect(() => loadModel(card)).toThrow(/model card does not match schemas\/model-card\.schema\.json:\n.*weights_sha256.*must match pattern/);
    expect(() => loadModel(card)).not.toThrow(/its SHA-256 is/);
  });
});
