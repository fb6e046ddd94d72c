/**
 * MNIST digits from the `mnist` package (10,000 28x28 images, about 1,000 per digit, grey
 * levels in [0, 1], row-major). Split rule, per digit class: the k-th image of that class goes
 * to test if k % 10 == 0, validation if k % 10 == 1, train otherwise (stratified 80/10/10).
 * Images are read column by column: step t is column t, its 28 pixels (top to bottom) are the
 * input vector, as the OCR LSTMs of FINN-L read text lines.
 */
import { join, packageEntryDir, readJson } from './package-data.js';
import { splitOfBucket, type SplitName } from './split-rule.js';

export const MNIST_SIDE = 28;

export interface DigitSet {
  /** Images as column sequences, [count, 28 columns, 28 pixels]. */
  readonly columns: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  /** "digit:index" of each image, for checksums. */
  readonly keys: string[];
}

export type MnistSplits = Record<SplitName, DigitSet>;

export function loadMnistSplits(): MnistSplits {
  const dir = join(packageEntryDir('mnist'), 'digits');
  const S = MNIST_SIDE;
  const images: Record<SplitName, { pixels: Float32Array; label: number; key: string }[]> = { train: [], validation: [], test: [] };
  for (let digit = 0; digit < 10; digit++) {
    const j = readJson(join(dir, `${digit}.json`)) as { data?: unknown };
    if (!Array.isArray(j.data)) throw new Error(`unexpected mnist file ${digit}.json`);
    const data = j.data as number[];
    const n = Math.floor(data.length / (S * S));
    for (let k = 0; k < n; k++) {
      const pixels = new Float32Array(S * S);
      // Transpose row-major to column-major: step = column, features = rows.
      for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) pixels[c * S + r] = data[k * S * S + r * S + c];
      images[splitOfBucket(k % 10)].push({ pixels, label: digit, key: `${digit}:${k}` });
    }
  }
  const pack = (list: { pixels: Float32Array; label: number; key: string }[]): DigitSet => {
    const columns = new Float32Array(list.length * S * S);
    list.forEach((im, i) => columns.set(im.pixels, i * S * S));
    return { columns, labels: Int32Array.from(list.map((im) => im.label)), count: list.length, keys: list.map((im) => im.key) };
  };
  return { train: pack(images.train), validation: pack(images.validation), test: pack(images.test) };
}
