/**
 * The encoders behind `rnnsim data export` (mnist-pixels.ts, token-segments.ts, sotu-chars.ts)
 * on tiny inputs with values worked out by hand, and the export writer's folder rules.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataExportCommand } from '../../src/cli/commands/data.js';
import { findExportableDataset, writeExport, type ExportedSplit } from '../../src/datasets/export.js';
import type { DigitSet } from '../../src/datasets/mnist.js';
import { mnistPixelSequences } from '../../src/datasets/mnist-pixels.js';
import { readNpy } from '../../src/datasets/npy.js';
import { sotuCharStreams } from '../../src/datasets/sotu-chars.js';
import type { Speech } from '../../src/datasets/sotu.js';
import { nextTokenSegments } from '../../src/datasets/token-segments.js';
import { InputError } from '../../src/errors.js';

/** One 28x28 image stored column by column with value k at position k (k = column * 28 + row). */
function indexImage(): DigitSet {
  const columns = new Float32Array(784);
  for (let k = 0; k < 784; k++) columns[k] = k;
  return { columns, labels: Int32Array.from([7]), count: 1, keys: ['7:0'] };
}

describe('mnist-pixels encoder', () => {
  it('reads row-major: step r*28 + c is row r, column c (stored at c*28 + r)', () => {
    const s = mnistPixelSequences(indexImage());
    expect([s.count, s.steps, s.pixelsPerStep]).toEqual([1, 784, 1]);
    // step 0 = (row 0, col 0) -> 0; step 1 = (0, 1) -> 28; step 28 = (1, 0) -> 1; step 30 = (1, 2) -> 2*28+1 = 57; step 783 = (27, 27) -> 783
    expect([s.inputs[0], s.inputs[1], s.inputs[28], s.inputs[30], s.inputs[783]]).toEqual([0, 28, 1, 57, 783]);
    expect([...s.labels]).toEqual([7]);
  });

  it('4 pixels per step: 196 steps, step 7 = row 1, columns 0-3', () => {
    const s = mnistPixelSequences(indexImage(), 4);
    expect(s.steps).toBe(196);
    expect([...s.inputs.subarray(7 * 4, 8 * 4)]).toEqual([1, 29, 57, 85]);
    expect([...s.inputs.subarray(0, 4)]).toEqual([0, 28, 56, 84]);
  });

  it('rejects a step width that does not divide 784', () => {
    expect(() => mnistPixelSequences(indexImage(), 5)).toThrow(/divide 784/);
  });
});

describe('next-token segments', () => {
  const stream = Int32Array.from([5, 6, 7, 8, 9, 10, 11]);

  it('segments of 3: inputs t_kT.., labels shifted by one, tail dropped', () => {
    const s = nextTokenSegments(stream, 3);
    expect(s.count).toBe(2); // floor((7 - 1) / 3)
    expect([...s.inputs]).toEqual([5, 6, 7, 8, 9, 10]);
    expect([...s.labels]).toEqual([6, 7, 8, 9, 10, 11]);
    expect(s.droppedTokens).toBe(1); // 11 is only a target
  });

  it('segments of 4: one segment, three tokens dropped; empty and one-token streams give none', () => {
    const s = nextTokenSegments(stream, 4);
    expect([s.count, ...s.inputs, ...s.labels, s.droppedTokens]).toEqual([1, 5, 6, 7, 8, 6, 7, 8, 9, 3]);
    expect(nextTokenSegments(new Int32Array(0), 4).count).toBe(0);
    expect(nextTokenSegments(Int32Array.from([3]), 1).count).toBe(0);
    expect(() => nextTokenSegments(stream, 0)).toThrow(RangeError);
  });
});

describe('sotu-chars encoder', () => {
  const speech = (text: string): Speech => ({ year: 1790, name: 'x', file: 'x.json', text });

  it('vocabulary from the training text, ids shared by every split, unknown = 0', () => {
    const s = sotuCharStreams({ train: [speech('ab\u2019')], validation: [speech('bz')], test: [speech('a\nb')] });
    // train text "ab'\n": symbols sorted by code after id 0: '\n' (10), "'" (39), 'a' (97), 'b' (98)
    expect(s.vocabulary.symbols).toEqual(['\u0000', '\n', "'", 'a', 'b']);
    expect([...s.tokens.train]).toEqual([3, 4, 2, 1]);
    expect([...s.tokens.validation]).toEqual([4, 0, 1]); // 'z' never occurs in train
    // a newline inside a speech becomes a space (joinDocuments), and ' ' is not in this vocabulary
    expect([...s.tokens.test]).toEqual([3, 0, 4, 1]);
  });
});

describe('export writer', () => {
  const tiny: ExportedSplit = {
    dataset: 'tiny',
    split: 'test',
    task: 'classification',
    arrays: [
      { file: 'inputs.npy', data: Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5]), shape: [1, 3, 2], description: 'x' },
      { file: 'labels.npy', data: Int32Array.from([4]), shape: [1], description: 'y' },
    ],
    info: { note: 'hand-made' },
  };

  it('writes .npy files and dataset.json into a new folder', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rnnsim-export-')), 'new', 'folder');
    const files = writeExport(dir, tiny, { command: 'test' });
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['inputs.npy', 'labels.npy', 'dataset.json']);
    expect(readdirSync(dir).sort()).toEqual(['dataset.json', 'inputs.npy', 'labels.npy']);
    const x = readNpy(join(dir, 'inputs.npy'));
    expect(x.shape).toEqual([1, 3, 2]);
    expect([...x.data]).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect([...readNpy(join(dir, 'labels.npy')).data]).toEqual([4]);
    const manifest = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ dataset: 'tiny', split: 'test', note: 'hand-made', arrays: { 'inputs.npy': { shape: [1, 3, 2], dtype: 'float32' } } });
  });

  it('an existing empty folder is accepted; a non-empty folder or a file is refused and left untouched', () => {
    const empty = mkdtempSync(join(tmpdir(), 'rnnsim-export-'));
    writeExport(empty, tiny, {});
    const busy = mkdtempSync(join(tmpdir(), 'rnnsim-export-'));
    writeFileSync(join(busy, 'inputs.npy'), 'mine');
    expect(() => writeExport(busy, tiny, {})).toThrow(InputError);
    expect(() => writeExport(busy, tiny, {})).toThrow(/new or empty folder/);
    expect(readFileSync(join(busy, 'inputs.npy'), 'utf8')).toBe('mine');
    expect(readdirSync(busy)).toEqual(['inputs.npy']);
    const file = join(busy, 'inputs.npy');
    expect(() => writeExport(file, tiny, {})).toThrow(/not a folder/);
    expect(existsSync(join(busy, 'labels.npy'))).toBe(false);
  });
});

describe('rnnsim data export', () => {
  it('mnist-pixels-4 test split: [1005, 196, 4] grey levels and 1005 labels, the first image a 0', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rnnsim-export-')), 'out');
    const code = await dataExportCommand.run({ dataset: 'mnist-pixels-4', split: 'test', out: dir }, []);
    expect(code).toBe(0);
    const x = readNpy(join(dir, 'inputs.npy'));
    const y = readNpy(join(dir, 'labels.npy'));
    expect(x.shape).toEqual([1005, 196, 4]);
    expect(y.shape).toEqual([1005]);
    expect(y.data[0]).toBe(0); // digit 0 images come first (mnist.ts order)
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
    rmSync(dir, { recursive: true });
  });

  it('unknown data set and bad split are input errors', async () => {
    expect(() => findExportableDataset('imagenet')).toThrow(/unknown data set 'imagenet'/);
    await expect(dataExportCommand.run({ dataset: 'mnist-pixels', split: 'dev', out: '/nonexistent' }, [])).rejects.toThrow(/--split must be one of/);
  });
});
