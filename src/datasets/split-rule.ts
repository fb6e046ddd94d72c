/**
 * Deterministic train/validation/test assignment. Everything here is a pure function of a
 * stable key (an index in a documented order, or an id), so the split never depends on load
 * order, the machine or a random seed.
 */
export type SplitName = 'train' | 'validation' | 'test';

/** FNV-1a 32-bit hash of a string's UTF-16 code units (stable, well spread for short ids). */
export function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Bucket (0..9) of a number: 0 -> test, 1 -> validation, 2..9 -> train (80/10/10). */
export function splitOfBucket(bucket: number): SplitName {
  return bucket === 0 ? 'test' : bucket === 1 ? 'validation' : 'train';
}

/** A checksum of items (their keys in order), used by tests to pin a split. */
export function checksumOf(keys: readonly string[]): string {
  return fnv1a(keys.join('\u0000')).toString(16).padStart(8, '0');
}
