/**
 * How a sparse weight matrix lands on ESE's PEs, in the numbers the timing needs.
 *
 * Rows are interleaved over the PEs (row r -> PE r mod numPEs, as in src/functional/pruning.ts
 * and ESE). Each PE stores its rows column by column (compressed sparse column): for every
 * column, the non-zeros of its rows in row order, each with a relative index = the number of
 * zeros (of this PE's rows) since the previous stored entry of the column. With an index of
 * `indexBits` bits the largest gap one entry can express is 2^indexBits - 1; a longer run of
 * zeros gets a padding entry (a stored zero weight) every 2^indexBits positions, exactly as
 * in EIE/ESE: a gap of g zeros before a non-zero needs floor(g / 2^indexBits) padding entries.
 * Zeros after a column's last non-zero need none (the column pointer ends the column).
 *
 * The timing model sees, per PE and column, the stored entries (non-zeros + padding) and the
 * non-zeros alone (the useful multiply-accumulates).
 */
import { SeededRandom } from '../../functional/random.js';

export interface SparseLayout {
  readonly rows: number;
  readonly cols: number;
  readonly numPEs: number;
  /** Stored entries (non-zeros + padding) of PE p in column j at [p * cols + j]. */
  readonly entries: Uint32Array;
  /** Non-zeros of PE p in column j at [p * cols + j]. */
  readonly nonzeros: Uint32Array;
}

/** Non-zeros per PE over the whole matrix. */
export function perPeNonzeros(l: SparseLayout): number[] {
  return perPeSum(l, l.nonzeros);
}

/** Stored entries (non-zeros + padding) per PE over the whole matrix. */
export function perPeEntries(l: SparseLayout): number[] {
  return perPeSum(l, l.entries);
}

function perPeSum(l: SparseLayout, a: Uint32Array): number[] {
  const out = new Array<number>(l.numPEs).fill(0);
  for (let p = 0; p < l.numPEs; p++) for (let j = 0; j < l.cols; j++) out[p] += a[p * l.cols + j];
  return out;
}

export function totalNonzeros(l: SparseLayout): number {
  let n = 0;
  for (const v of l.nonzeros) n += v;
  return n;
}

export function totalEntries(l: SparseLayout): number {
  let n = 0;
  for (const v of l.entries) n += v;
  return n;
}

/**
 * Build a layout from a membership test `isNonzero(row, col)` (row-major matrix rows x cols).
 * Padding is counted per PE column from the gaps between its stored entries.
 */
export function layoutFromPredicate(
  rows: number,
  cols: number,
  numPEs: number,
  indexBits: number,
  isNonzero: (row: number, col: number) => boolean,
): SparseLayout {
  if (!Number.isInteger(numPEs) || numPEs < 1) throw new RangeError(`numPEs must be a positive integer, got ${numPEs}`);
  if (!Number.isInteger(indexBits) || indexBits < 1 || indexBits > 16) throw new RangeError(`indexBits must be in 1..16, got ${indexBits}`);
  const span = 2 ** indexBits; // positions one padding entry covers (2^b - 1 zeros + itself)
  const entries = new Uint32Array(numPEs * cols);
  const nonzeros = new Uint32Array(numPEs * cols);
  for (let p = 0; p < numPEs; p++) {
    for (let j = 0; j < cols; j++) {
      let gap = 0;
      let nz = 0;
      let pad = 0;
      for (let r = p; r < rows; r += numPEs) {
        if (isNonzero(r, j)) {
          pad += Math.floor(gap / span);
          nz++;
          gap = 0;
        } else gap++;
      }
      nonzeros[p * cols + j] = nz;
      entries[p * cols + j] = nz + pad;
    }
  }
  return { rows, cols, numPEs, entries, nonzeros };
}

/** Layout of a row-major bit-packed mask (bit i = row * cols + col, LSB first; the trace payload's layout). */
export function layoutFromPackedMask(mask: Uint8Array, rows: number, cols: number, numPEs: number, indexBits: number): SparseLayout {
  if (mask.length * 8 < rows * cols) throw new RangeError(`mask of ${mask.length} bytes is too short for ${rows}x${cols}`);
  return layoutFromPredicate(rows, cols, numPEs, indexBits, (r, c) => {
    const i = r * cols + c;
    return (mask[i >> 3] & (1 << (i & 7))) !== 0;
  });
}

/** Layout of an unpacked row-major 0/1 mask (as src/functional/pruning.ts returns). */
export function layoutFromMask(mask: Uint8Array, rows: number, cols: number, numPEs: number, indexBits: number): SparseLayout {
  if (mask.length !== rows * cols) throw new RangeError(`mask has ${mask.length} entries, expected ${rows}x${cols}`);
  return layoutFromPredicate(rows, cols, numPEs, indexBits, (r, c) => mask[r * cols + c] !== 0);
}

/**
 * Layout from explicit per-PE per-column counts (for hand-worked tests and what-ifs): entries
 * given directly, non-zeros = entries unless given.
 */
export function layoutFromCounts(numPEs: number, cols: number, entries: readonly number[][], nonzeros?: readonly number[][]): SparseLayout {
  const e = new Uint32Array(numPEs * cols);
  const n = new Uint32Array(numPEs * cols);
  for (let p = 0; p < numPEs; p++) {
    for (let j = 0; j < cols; j++) {
      e[p * cols + j] = entries[p][j];
      n[p * cols + j] = nonzeros ? nonzeros[p][j] : entries[p][j];
      if (n[p * cols + j] > e[p * cols + j]) throw new RangeError(`PE ${p} column ${j}: more non-zeros than entries`);
    }
  }
  return { rows: 0, cols, numPEs, entries: e, nonzeros: n };
}

/**
 * Exactly `count` distinct indices of [0, n), uniformly at random (Floyd's algorithm), as a
 * 0/1 array.
 */
function chooseExactly(n: number, count: number, rng: SeededRandom, out: Uint8Array, map: (k: number) => number): void {
  for (let j = n - count; j < n; j++) {
    const t = Math.floor(rng.next() * (j + 1));
    const mt = map(t);
    if (out[mt] === 0) out[mt] = 1;
    else out[map(j)] = 1;
  }
}

export type SyntheticKind = 'unbalanced' | 'balanced';

/**
 * A deterministic seeded random mask with exactly `count` non-zeros (row-major 0/1 array).
 *
 * - 'unbalanced': the non-zeros are a uniform random subset of the whole matrix. This is what
 *   magnitude pruning of a matrix with i.i.d. weights keeps (every subset of a given size is
 *   equally likely), so the PEs' counts vary binomially around the mean.
 * - 'balanced': the count is split over the PEs as evenly as their rows allow (balancedCounts)
 *   and each PE's non-zeros are a uniform random subset of its own rows: load-balance-aware
 *   pruning of i.i.d. weights.
 */
export function syntheticMask(rows: number, cols: number, numPEs: number, count: number, kind: SyntheticKind, seed: number, buffer?: Uint8Array): Uint8Array {
  if (!Number.isInteger(count) || count < 0 || count > rows * cols) throw new RangeError(`cannot place ${count} non-zeros in ${rows}x${cols}`);
  const rng = new SeededRandom(seed);
  // A caller laying out many matrices passes one buffer for all: only one mask is alive at a time.
  const mask = buffer ? buffer.subarray(0, rows * cols).fill(0) : new Uint8Array(rows * cols);
  if (kind === 'unbalanced') {
    chooseExactly(rows * cols, count, rng, mask, (k) => k);
    return mask;
  }
  const want = balancedCounts(rows, cols, numPEs, count);
  for (let p = 0; p < numPEs; p++) {
    const peRows = peRowCount(rows, numPEs, p);
    // k-th weight of PE p's slice: local row floor(k / cols), column k mod cols.
    chooseExactly(peRows * cols, want[p], rng, mask, (k) => (p + Math.floor(k / cols) * numPEs) * cols + (k % cols));
  }
  return mask;
}

/** Rows of PE p when rows are interleaved over the PEs (row r -> PE r mod numPEs). */
function peRowCount(rows: number, numPEs: number, p: number): number {
  return p < rows ? Math.floor((rows - 1 - p) / numPEs) + 1 : 0;
}

/**
 * Non-zeros per PE of a balanced layout: `count` split evenly (floor(count / numPEs) each, one
 * more for the first count mod numPEs), except that a PE with fewer weights than its share (fewer
 * rows than the others, or none) keeps all of its weights and the others share the rest evenly
 * the same way. This is the most even split the rows allow.
 */
export function balancedCounts(rows: number, cols: number, numPEs: number, count: number): number[] {
  const want = new Array<number>(numPEs).fill(0);
  let open = Array.from({ length: numPEs }, (_, p) => p);
  let remaining = count;
  while (open.length > 0) {
    const base = Math.floor(remaining / open.length);
    const extra = remaining % open.length;
    const share = (i: number): number => base + (i < extra ? 1 : 0);
    const capped = open.filter((p, i) => peRowCount(rows, numPEs, p) * cols < share(i));
    if (capped.length === 0) {
      open.forEach((p, i) => (want[p] = share(i)));
      break;
    }
    for (const p of capped) {
      want[p] = peRowCount(rows, numPEs, p) * cols;
      remaining -= want[p];
    }
    open = open.filter((p) => !capped.includes(p));
  }
  return want;
}

/** Stable 32-bit seed for one matrix from a base seed and the matrix's coordinates. */
export function matrixSeed(base: number, layer: number, direction: number, matrix: number): number {
  let h = (base ^ 0x9e3779b9) >>> 0;
  for (const v of [layer, direction, matrix]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}
