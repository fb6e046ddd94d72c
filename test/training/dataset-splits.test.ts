/**
 * The dataset splits are deterministic (pinned sizes and checksums of the first items, so a
 * change of the split rule or of the data fails here) and disjoint.
 */
import { describe, expect, it } from 'vitest';
import { loadMnistSplits } from '../../src/datasets/mnist.js';
import { loadSotuSplits } from '../../src/datasets/sotu.js';
import { loadSpamSplits } from '../../src/datasets/spam-assassin.js';
import { checksumOf } from '../../src/datasets/split-rule.js';

function disjoint(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a);
  return b.every((x) => !s.has(x));
}

describe('dataset splits', () => {
  it('SOTU: whole speeches, sorted by year, every 10th to test and validation', () => {
    const s = loadSotuSplits();
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([185, 24, 24]);
    expect(checksumOf(s.train.slice(0, 5).map((x) => x.file))).toBe('ad5e3da4');
    expect(checksumOf(s.validation.slice(0, 5).map((x) => x.file))).toBe('294e6672');
    expect(checksumOf(s.test.slice(0, 5).map((x) => x.file))).toBe('736abe72');
    const files = (k: 'train' | 'validation' | 'test'): string[] => s[k].map((x) => x.file);
    expect(disjoint(files('train'), files('test'))).toBe(true);
    expect(disjoint(files('train'), files('validation'))).toBe(true);
    expect(disjoint(files('validation'), files('test'))).toBe(true);
    expect(s.test[0].year).toBe(1790);
  });

  it('SpamAssassin: hash of the message checksum, 80/10/10', () => {
    const s = loadSpamSplits();
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([4794, 627, 625]);
    expect([s.train, s.validation, s.test].map((x) => x.reduce((a, e) => a + e.label, 0))).toEqual([1526, 172, 198]);
    expect(checksumOf(s.train.slice(0, 5).map((x) => x.id))).toBe('5c5540c3');
    expect(checksumOf(s.validation.slice(0, 5).map((x) => x.id))).toBe('b1826647');
    expect(checksumOf(s.test.slice(0, 5).map((x) => x.id))).toBe('0af03df2');
    const ids = (k: 'train' | 'validation' | 'test'): string[] => s[k].map((x) => x.id);
    expect(disjoint(ids('train'), ids('test'))).toBe(true);
    expect(disjoint(ids('train'), ids('validation'))).toBe(true);
    expect(disjoint(ids('validation'), ids('test'))).toBe(true);
    // Headers are dropped: no body starts with a "Received:" header line.
    expect(s.test.some((e) => e.body.startsWith('Received:'))).toBe(false);
  });

  it('MNIST: per class, image k to test if k % 10 == 0, validation if 1', () => {
    const s = loadMnistSplits();
    expect([s.train.count, s.validation.count, s.test.count]).toEqual([7992, 1003, 1005]);
    expect(checksumOf(s.train.keys.slice(0, 5))).toBe('c614cea3');
    expect(checksumOf(s.test.keys.slice(0, 5))).toBe('be0bf059');
    expect(disjoint(s.train.keys, s.test.keys)).toBe(true);
    expect(disjoint(s.train.keys, s.validation.keys)).toBe(true);
    expect(disjoint(s.validation.keys, s.test.keys)).toBe(true);
    const pixelSum = s.test.columns.subarray(0, 784 * 5).reduce((a, b) => a + b, 0);
    expect(pixelSum).toBeCloseTo(625.413, 2);
  });
});
