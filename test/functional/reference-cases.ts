/** Loads the torch reference cases written by test/reference/make_reference.py. */
import { fileURLToPath } from 'node:url';
import { readSafetensors, readSafetensorsWithMetadata } from '../../src/functional/safetensors.js';
import type { RnnTopology, Tensor, TensorMap } from '../../src/functional/tensor.js';

export const REFERENCE_CASES = ['lstm_bidir_2layer', 'gru_2layer', 'gru_bidir_2layer', 'lstmp_bidir_2layer', 'lstm_1layer'] as const;

export interface ReferenceCase {
  readonly weights: TensorMap;
  readonly io: TensorMap;
  readonly topology: RnnTopology;
}

export function referencePath(name: string): string {
  return fileURLToPath(new URL(`../reference/${name}`, import.meta.url));
}

export function loadReferenceCase(name: string): ReferenceCase {
  const weights = readSafetensors(referencePath(`${name}.weights.safetensors`));
  const { tensors: io, metadata } = readSafetensorsWithMetadata(referencePath(`${name}.io.safetensors`));
  return { weights, io, topology: JSON.parse(metadata.topology) as RnnTopology };
}

export function tensor(map: TensorMap, name: string): Tensor {
  const t = map.get(name);
  if (!t) throw new Error(`reference tensor ${name} missing`);
  return t;
}

/** Batch element b of a [batch, rest...] tensor. */
export function batchItem(t: Tensor, b: number): Float32Array {
  const n = t.data.length / t.shape[0];
  return t.data.slice(b * n, (b + 1) * n);
}

/** Batch element b of an [L*D, batch, size] state tensor, as [L*D, size]. */
export function stateItem(t: Tensor, b: number): Float32Array {
  const [states, batch, size] = t.shape;
  const out = new Float32Array(states * size);
  for (let s = 0; s < states; s++) out.set(t.data.subarray((s * batch + b) * size, (s * batch + b + 1) * size), s * size);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
