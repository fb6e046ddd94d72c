/**
 * Weight quantizers of Ott et al., "Recurrent Neural Networks With Limited Numerical Precision"
 * (arXiv 1608.06902; code: ottj/QuantizedRNN). They are pure functions over Float32Array: the
 * trainer keeps a full-precision copy, applies one of these in the forward pass and passes the
 * gradient straight through. Each takes an optional `out` array (may alias `w`) to avoid allocation.
 *
 * Rounding in `round(...)` below is round-half-to-even (see roundHalfEven), the project-wide mode.
 */
import { roundHalfEven } from './fixed-point.js';
import type { SeededRandom } from './random.js';

function output(w: Float32Array, out?: Float32Array): Float32Array {
  if (out === undefined) return new Float32Array(w.length);
  if (out.length !== w.length) throw new Error(`quantizer: out has ${out.length} elements, expected ${w.length}`);
  return out;
}

/** Glorot/Xavier uniform bound sqrt(6 / (fan_in + fan_out)): the W0 of ternarization. */
export function glorotBound(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Binarization: p = clip((W/H + 1)/2, 0, 1); W_b = +H with probability p (stochastic) or when
 * round(p) = 1 (deterministic), else -H. Deterministic: p = 0.5 exactly (W = 0) rounds half to
 * even, i.e. to 0, giving -H; so W_b = +H iff W > 0.
 */
export function binarize(w: Float32Array, h: number, rng?: SeededRandom, out?: Float32Array): Float32Array {
  const o = output(w, out);
  for (let i = 0; i < w.length; i++) {
    const p = Math.min(1, Math.max(0, (w[i] / h + 1) / 2));
    const up = rng ? rng.bernoulli(p) : roundHalfEven(p) === 1;
    o[i] = up ? h : -h;
  }
  return o;
}

/**
 * Deterministic ternarization: W_b = W0 * (1[W > -W0/2] + 1[W > W0/2] - 1), values {-W0, 0, +W0}.
 * Thresholds are strict: W = +W0/2 gives 0, W = -W0/2 gives -W0.
 */
export function ternarizeDeterministic(w: Float32Array, w0: number, out?: Float32Array): Float32Array {
  const o = output(w, out);
  const t = w0 / 2;
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    o[i] = w0 * ((x > -t ? 1 : 0) + (x > t ? 1 : 0) - 1);
  }
  return o;
}

/** Stochastic ternarization: W_b = W0 * sign(W) * Bernoulli(clip(|W| / W0, 0, 1)). */
export function ternarizeStochastic(w: Float32Array, w0: number, rng: SeededRandom, out?: Float32Array): Float32Array {
  const o = output(w, out);
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    const p = Math.min(1, Math.abs(x) / w0);
    o[i] = rng.bernoulli(p) ? w0 * Math.sign(x) : 0;
  }
  return o;
}

/**
 * Pow2-ternarization: W_b = clip(round(W * 2^f), -(2^(f+i) - 1), 2^(f+i) - 1) / 2^f.
 * With i = 0, f = 1 the values are {-0.5, 0, 0.5}. round() is half-to-even.
 */
export function pow2Ternarize(w: Float32Array, intBits: number, fracBits: number, out?: Float32Array): Float32Array {
  const o = output(w, out);
  const scale = 2 ** fracBits;
  const limit = 2 ** (fracBits + intBits) - 1;
  for (let i = 0; i < w.length; i++) {
    const q = roundHalfEven(w[i] * scale);
    o[i] = Math.min(limit, Math.max(-limit, q)) / scale;
  }
  return o;
}

/** Exponent range of exponential quantization, as in Ott et al. */
export const EXPONENT_MIN = -22;
export const EXPONENT_MAX = 9;

/**
 * Exponential (power-of-two) quantization: k = clip(floor(log2|W|), -22, 9);
 * p_up = |W| / 2^k - 1; W_b = sign(W) * 2^(k + Bernoulli(p_up)).
 * Deterministic (no rng): round up only if p_up > 0.5, so 0.75 -> 0.5 and 0.76 -> 1.
 * p_up is clipped to [0, 1] (it leaves that interval only when |W| is outside [2^-22, 2^10)).
 * W = 0 stays 0.
 */
export function exponentialQuantize(w: Float32Array, rng?: SeededRandom, out?: Float32Array): Float32Array {
  const o = output(w, out);
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    if (x === 0) {
      o[i] = 0;
      continue;
    }
    const a = Math.abs(x);
    let e = Math.floor(Math.log2(a));
    // Math.log2 may round across an integer for values next to a power of two: fix up exactly.
    if (2 ** e > a) e--;
    else if (2 ** (e + 1) <= a) e++;
    const k = Math.min(EXPONENT_MAX, Math.max(EXPONENT_MIN, e));
    const pUp = Math.min(1, Math.max(0, a / 2 ** k - 1));
    const up = rng ? rng.bernoulli(pUp) : pUp > 0.5;
    o[i] = Math.sign(x) * 2 ** (k + (up ? 1 : 0));
  }
  return o;
}
