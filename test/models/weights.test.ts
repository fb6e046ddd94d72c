/**
 * Weights that disagree with their card: missing, extra, wrong shape, wrong dtype, NaN or infinite
 * values, biases the card says are absent, prefixed names. Each is an InputError (exit 1) naming
 * the weights file and the tensor; all problems are listed at once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { serializeSafetensors } from '../../src/functional/safetensors.js';
import type { TensorMap } from '../../src/functional/tensor.js';
import { loadModel } from '../../src/models/load-model.js';
import { expectedTensors } from '../../src/models/weights.js';
import { readModelCard } from '../../src/models/card.js';
import { runCli } from '../helpers/context.js';
import { coreFields, tempModelDir, tinyTensors, writeModel } from '../helpers/model-cards.js';

const topology = { cell: 'lstm' as const, input_size: 3, hidden_size: 4, proj_size: 2, num_layers: 2, bidirectional: true };
const card = { name: 'w', ...coreFields(topology), embedding: { num_embeddings: 5, embedding_dim: 3 }, head: { type: 'classifier', classes: 3 } };
const good = (): TensorMap => tinyTensors({ topology, vocabulary: 5, headRows: 3 });

/** Loads a model whose tensors are `edit`ed; returns the error message (which must name the weights file). */
function weightsError(edit: (t: TensorMap) => void, cardPatch: Record<string, unknown> = {}): string {
  const dir = tempModelDir();
  const t = good();
  edit(t);
  const file = writeModel(dir, { ...card, ...cardPatch }, t);
  try {
    loadModel(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(join(dir, 'model.safetensors'));
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('weights against the card', () => {
  it('expects exactly torch\'s state_dict names and shapes', () => {
    const c = readModelCard(writeModel(tempModelDir(), card, good()));
    const names = expectedTensors(c).map((x) => `${x.name} [${x.shape.join(',')}]`);
    expect(names.slice(0, 6)).toEqual(['embedding.weight [5,3]', 'weight_ih_l0 [16,3]', 'weight_hh_l0 [16,2]', 'bias_ih_l0 [16]', 'bias_hh_l0 [16]', 'weight_hr_l0 [2,4]']);
    expect(names).toContain('weight_ih_l1_reverse [16,4]'); // layer 1 reads [forward, reverse] of 2 projected values each
    expect(names.slice(-2)).toEqual(['head.weight [3,4]', 'head.bias [3]']);
    expect(names.length).toBe(1 + 4 * 5 + 2);
  });

  it('the matching weights load', () => {
    expect(loadModel(writeModel(tempModelDir(), card, good())).tensors.size).toBe(23);
  });

  it('missing tensors are named with their role and shape', () => {
    expect(weightsError((t) => t.delete('weight_hh_l1_reverse'))).toMatch(/missing tensor "weight_hh_l1_reverse" \(layer 1 reverse recurrent weights, shape \[16, 2\]\)/);
    expect(weightsError((t) => t.delete('head.bias'))).toMatch(/missing tensor "head\.bias"/);
  });

  it('extra tensors are named, with a hint for module prefixes and biases the card does not have', () => {
    expect(weightsError((t) => t.set('rnn.weight_ih_l0', t.get('weight_ih_l0')!))).toMatch(/unexpected tensor "rnn\.weight_ih_l0" \[16, 3\] \(core tensors must have torch names without a module prefix/);
    expect(weightsError((t) => t.set('extra', { shape: [1], data: new Float32Array(1) }))).toMatch(/unexpected tensor "extra" \[1\] \(not part of the model/);
    expect(weightsError(() => undefined, { bias: false })).toMatch(/unexpected tensor "bias_hh_l0" \[16\] \(the card says bias: false\)/);
    expect(weightsError(() => undefined, { head: { type: 'classifier', classes: 3, bias: false } })).toMatch(/unexpected tensor "head\.bias" \[3\] \(the card says the head has no bias\)/);
  });

  it('wrong shapes name the tensor, its shape and the card\'s', () => {
    expect(weightsError((t) => t.set('weight_ih_l0', { shape: [16, 4], data: new Float32Array(64) }))).toMatch(/tensor "weight_ih_l0" \(layer 0 input weights\) has shape \[16, 4\], the card implies \[16, 3\]/);
    expect(weightsError(() => undefined, { head: { type: 'classifier', classes: 4 } })).toMatch(/tensor "head\.weight" \(head weights\) has shape \[3, 4\], the card implies \[4, 4\]/);
  });

  it('NaN and infinite values are counted and located', () => {
    const m = weightsError((t) => {
      const d = t.get('weight_hh_l0')!.data;
      d[5] = NaN;
      d[9] = Infinity;
      d[10] = NaN;
    });
    expect(m).toMatch(/tensor "weight_hh_l0" has 2 NaN and 1 infinite values \(first at flat index 5\)/);
  });

  it('every problem is listed, not just the first', () => {
    const m = weightsError((t) => {
      t.delete('weight_ih_l0');
      t.set('foo', { shape: [2], data: new Float32Array(2) });
    });
    expect(m).toMatch(/missing tensor "weight_ih_l0"[\s\S]*unexpected tensor "foo"/);
  });

  it('a tensor stored in another dtype than the card says', () => {
    const dir = tempModelDir();
    const file = writeModel(dir, card, good());
    // Rewrite head.bias as F64 (3 values = 24 bytes) in an otherwise identical file.
    const t = good();
    const bytes = serializeSafetensors(t);
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const names = Object.keys(header).sort();
    let offset = 0;
    const blobs: Uint8Array[] = [];
    for (const name of names) {
      const src = t.get(name)!.data;
      const f64 = name === 'head.bias';
      const blob = new Uint8Array(src.length * (f64 ? 8 : 4));
      const bv = new DataView(blob.buffer);
      src.forEach((v, i) => (f64 ? bv.setFloat64(8 * i, v, true) : bv.setFloat32(4 * i, v, true)));
      header[name] = { dtype: f64 ? 'F64' : 'F32', shape: [...t.get(name)!.shape], data_offsets: [offset, offset + blob.length] };
      offset += blob.length;
      blobs.push(blob);
    }
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + offset);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    let pos = 8 + json.length;
    for (const b of blobs) {
      out.set(b, pos);
      pos += b.length;
    }
    writeFileSync(join(dir, 'model.safetensors'), out);
    expect(() => loadModel(file)).toThrow(/tensor "head\.bias" is stored as F64, the card's dtype is float32 \(F32\)/);
    // The card may say float64; then the other tensors (F32) are the mismatch.
    writeFileSync(file, JSON.stringify({ ...card, weights: 'model.safetensors', dtype: 'float64' }));
    expect(() => loadModel(file)).toThrow(/tensor "weight_ih_l0" is stored as F32, the card's dtype is float64 \(F64\)/);
  });

  it('a missing weights file names the card and the path', () => {
    const dir = tempModelDir();
    const file = writeModel(dir, { ...card, weights: 'nope.safetensors' }, good());
    expect(() => loadModel(file)).toThrow(/cannot read the weights file named by .*model\.json \("weights": "nope\.safetensors"\)/);
  });

  it('through the CLI: exit code 1 and the message on stderr', async () => {
    const dir = tempModelDir();
    const t = good();
    t.delete('weight_hr_l1');
    const file = writeModel(dir, card, t);
    const r = await runCli(['model', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rnnsim: error: .*model\.safetensors: the weights do not match the model card .*model\.json:\n  missing tensor "weight_hr_l1"/);
  });
});
