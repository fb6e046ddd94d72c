/**
 * The one dense kernel the trainer spends its time in: C[M,N] (+)= A[M,K] * B[N,K]^T, all
 * row-major Float32Array with offsets. Both operands are walked along contiguous rows (a dot
 * product per output), and a 4x2 register block reuses each loaded value several times,
 * which is what makes plain JavaScript reach a useful fraction of a core's FLOP/s.
 * Products of other shapes are rewritten to this one by transposing (cheap, O(MK)).
 */
/** Running count of floating-point operations done by gemmABt (for the FLOP/s figures). */
export const flopCounter = { count: 0 };

export function gemmABt(
  c: Float32Array,
  cOff: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  m: number,
  n: number,
  k: number,
  accumulate: boolean,
): void {
  flopCounter.count += 2 * m * n * k;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = bOff + j * k;
      const b1 = b0 + k;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = b[b0 + p];
        const x1 = b[b1 + p];
        const y0 = a[a0 + p];
        const y1 = a[a1 + p];
        const y2 = a[a2 + p];
        const y3 = a[a3 + p];
        s00 += y0 * x0;
        s01 += y0 * x1;
        s10 += y1 * x0;
        s11 += y1 * x1;
        s20 += y2 * x0;
        s21 += y2 * x1;
        s30 += y3 * x0;
        s31 += y3 * x1;
      }
      const c0 = cOff + i * n + j;
      if (accumulate) {
        c[c0] += s00; c[c0 + 1] += s01;
        c[c0 + n] += s10; c[c0 + n + 1] += s11;
        c[c0 + 2 * n] += s20; c[c0 + 2 * n + 1] += s21;
        c[c0 + 3 * n] += s30; c[c0 + 3 * n + 1] += s31;
      } else {
        c[c0] = s00; c[c0 + 1] = s01;
        c[c0 + n] = s10; c[c0 + n + 1] = s11;
        c[c0 + 2 * n] = s20; c[c0 + 2 * n + 1] = s21;
        c[c0 + 3 * n] = s30; c[c0 + 3 * n + 1] = s31;
      }
    }
    for (; j < n; j++) {
      for (let r = 0; r < 4; r++) dotInto(c, cOff + (i + r) * n + j, a, aOff + (i + r) * k, b, bOff + j * k, k, accumulate);
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) dotInto(c, cOff + i * n + j, a, aOff + i * k, b, bOff + j * k, k, accumulate);
  }
}

function dotInto(
  c: Float32Array,
  ci: number,
  a: Float32Array,
  ai: number,
  b: Float32Array,
  bi: number,
  k: number,
  accumulate: boolean,
): void {
  let s = 0;
  for (let p = 0; p < k; p++) s += a[ai + p] * b[bi + p];
  c[ci] = accumulate ? c[ci] + s : s;
}

/** out[cols, rows] = in[rows, cols]^T (row-major). */
export function transpose(out: Float32Array, outOff: number, input: Float32Array, inOff: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = inOff + r * cols;
    for (let c = 0; c < cols; c++) out[outOff + c * rows + r] = input[base + c];
  }
}

/** Floating-point operations of one gemmABt call (a multiply-add counts as 2). */
export function gemmFlops(m: number, n: number, k: number): number {
  return 2 * m * n * k;
}
