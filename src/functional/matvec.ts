/**
 * Dense float kernels used by the float reference forward pass. Sums are accumulated in double
 * (JS numbers) and stored to the caller's array; against torch's float32 accumulation this differs
 * by float32 rounding only (~1e-7 relative).
 */

/** out[outOff + r] = bias[r] + sum_c w[r * cols + c] * x[xOff + c], for r < rows. */
export function matVecBias(
  w: Float32Array,
  rows: number,
  cols: number,
  x: Float32Array,
  xOff: number,
  bias: Float32Array | null,
  out: Float32Array | Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < rows; r++) {
    let acc = bias === null ? 0 : bias[r];
    const base = r * cols;
    let c = 0;
    // 4-way unrolled: independent partial sums let the JIT pipeline the multiply-adds.
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (; c + 3 < cols; c += 4) {
      acc += w[base + c] * x[xOff + c];
      a1 += w[base + c + 1] * x[xOff + c + 1];
      a2 += w[base + c + 2] * x[xOff + c + 2];
      a3 += w[base + c + 3] * x[xOff + c + 3];
    }
    for (; c < cols; c++) acc += w[base + c] * x[xOff + c];
    out[outOff + r] = acc + a1 + a2 + a3;
  }
}
