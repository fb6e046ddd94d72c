/**
 * Sigmoid and tanh as fixed-point hardware computes them: integer code in, integer code out.
 *
 * - 'lut': a table of `entries` values over the clamped input range [-range, range). The input is
 *   clamped to that range, the table index is floor((x + range) * entries / (2 range)) (in hardware:
 *   the top log2(entries) bits of the clamped, offset input), and entry k holds
 *   round-half-even(f(midpoint of bin k) * 2^nOut) saturated to the output format. Sampling at the
 *   bin midpoint halves the worst-case error versus the bin edge. Default as FINN-L: 256 entries,
 *   range 8 for sigmoid and 4 for tanh (beyond those the functions are within 3.4e-4 and 6.7e-4
 *   of their limits: sigmoid(8) = 0.99966, tanh(4) = 0.99933).
 * - 'pwl': piecewise-linear interpolation between `segments` + 1 breakpoints x_j = -range + j*step,
 *   whose values y_j are quantized to the output format; y = y_j + round((y_{j+1} - y_j) * (x - x_j)
 *   / step), the product formed exactly and rounded once (half-even), i.e. a slope multiplier wide
 *   enough to be exact. Inputs outside [-range, range] give the end values.
 * - 'ideal': round-half-even(f(x) * 2^nOut): an error-free unit, useful to separate activation
 *   approximation error from datapath error.
 *
 * `range`, `entries` and `segments` must be powers of two, so indexing is bit selection and every
 * division here is an exact shift.
 */
import { dequantize, maxCode, minCode, quantize, roundShift, type FixedFormat } from './fixed-point.js';

export type ActivationFunction = 'sigmoid' | 'tanh';

export type ActivationSpec =
  | { readonly kind: 'lut'; readonly entries: number; readonly range: number }
  | { readonly kind: 'pwl'; readonly segments: number; readonly range: number }
  | { readonly kind: 'ideal' };

export const DEFAULT_SIGMOID_SPEC: ActivationSpec = { kind: 'lut', entries: 256, range: 8 };
export const DEFAULT_TANH_SPEC: ActivationSpec = { kind: 'lut', entries: 256, range: 4 };

/** Inputs up to this word length get a direct table over every input code (fast path). */
const DIRECT_TABLE_MAX_BITS = 16;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function evaluate(fn: ActivationFunction, x: number): number {
  return fn === 'sigmoid' ? sigmoid(x) : Math.tanh(x);
}

function isPowerOfTwo(x: number): boolean {
  return x > 0 && Number.isFinite(x) && 2 ** Math.round(Math.log2(x)) === x;
}

/** An integer activation unit for a fixed input and output format. */
export class IntegerActivation {
  private readonly direct: Int32Array | null;
  private readonly table: Int32Array;
  private readonly lo: number;
  private readonly spanLog2: number;
  private readonly countLog2: number;
  private readonly outHi: number;
  private readonly outLo: number;
  /** Smallest input code: offset of the direct table. */
  private readonly firstInput: number;

  constructor(
    readonly fn: ActivationFunction,
    readonly spec: ActivationSpec,
    readonly input: FixedFormat,
    readonly output: FixedFormat,
  ) {
    this.outHi = maxCode(output);
    this.outLo = minCode(output);
    this.firstInput = minCode(input);
    if (spec.kind === 'ideal') {
      this.table = new Int32Array(0);
      this.lo = 0;
      this.spanLog2 = 0;
      this.countLog2 = 0;
    } else {
      const count = spec.kind === 'lut' ? spec.entries : spec.segments;
      if (!isPowerOfTwo(spec.range) || !isPowerOfTwo(count)) {
        throw new Error(`${fn} ${spec.kind}: range (${spec.range}) and ${spec.kind === 'lut' ? 'entries' : 'segments'} (${count}) must be powers of two`);
      }
      // The clamped range in input codes: [lo, lo + span).
      const rangeCodes = spec.range * 2 ** input.fracBits;
      if (!Number.isInteger(rangeCodes)) {
        throw new Error(`${fn}: range ${spec.range} is finer than the input LSB 2^-${input.fracBits}`);
      }
      this.lo = -rangeCodes;
      this.spanLog2 = Math.log2(2 * rangeCodes);
      this.countLog2 = Math.log2(count);
      const step = (2 * spec.range) / count;
      if (spec.kind === 'lut') {
        this.table = new Int32Array(count);
        for (let k = 0; k < count; k++) this.table[k] = quantize(evaluate(fn, -spec.range + (k + 0.5) * step), output);
      } else {
        this.table = new Int32Array(count + 1);
        for (let j = 0; j <= count; j++) this.table[j] = quantize(evaluate(fn, -spec.range + j * step), output);
      }
    }
    const inBits = input.intBits + input.fracBits;
    if (inBits <= DIRECT_TABLE_MAX_BITS) {
      const first = minCode(input);
      const direct = new Int32Array(2 ** inBits);
      for (let i = 0; i < direct.length; i++) direct[i] = this.compute(first + i);
      this.direct = direct;
    } else {
      this.direct = null;
    }
  }

  /** The stored table (LUT entries or PWL breakpoint values); empty for 'ideal'. */
  get entries(): Int32Array {
    return this.table;
  }

  /** Applies the unit to one input code. */
  apply(x: number): number {
    return this.direct !== null ? this.direct[x - this.firstInput] : this.compute(x);
  }

  /** Applies the unit to src[0..n) into dst[0..n) (dst may alias src). */
  applyArray(src: Int32Array, dst: Int32Array, n: number, srcOffset = 0, dstOffset = 0): void {
    const d = this.direct;
    if (d !== null) {
      const first = this.firstInput;
      for (let i = 0; i < n; i++) dst[dstOffset + i] = d[src[srcOffset + i] - first];
    } else {
      for (let i = 0; i < n; i++) dst[dstOffset + i] = this.compute(src[srcOffset + i]);
    }
  }

  private compute(x: number): number {
    const spec = this.spec;
    if (spec.kind === 'ideal') return quantize(evaluate(this.fn, dequantize(x, this.input)), this.output);
    const span = 2 ** this.spanLog2;
    if (spec.kind === 'lut') {
      let t = x - this.lo;
      t = t < 0 ? 0 : t > span - 1 ? span - 1 : t;
      // index = floor(t * entries / span): t >> (spanLog2 - countLog2) (or a left shift if the table is finer than the input).
      const idx = Math.floor((t * 2 ** this.countLog2) / span);
      return this.table[idx];
    }
    let t = x - this.lo;
    t = t < 0 ? 0 : t > span ? span : t;
    const num = t * 2 ** this.countLog2; // position in units of span / segments^-1
    const j = Math.floor(num / span);
    if (j >= this.table.length - 1) return this.table[this.table.length - 1];
    const rem = num - j * span;
    const y = this.table[j] + roundShift((this.table[j + 1] - this.table[j]) * rem, this.spanLog2);
    return y > this.outHi ? this.outHi : y < this.outLo ? this.outLo : y;
  }
}
