/**
 * The weight quantizers of Ott et al. (src/functional/quantizers.ts) wired into
 * quantization-aware training. Per matrix, as in their code (ottj/QuantizedRNN): the ternary
 * scale W0 is the Glorot bound sqrt(6 / (fan_in + fan_out)) of that matrix (so input and
 * recurrent weights get separate W0), and the full-precision weights are clipped after each
 * update to the range the quantizer can distinguish (+-H, +-W0, the pow2 limit); exponential
 * quantization is not clipped.
 */
import { binarize, exponentialQuantize, glorotBound, pow2Ternarize, ternarizeDeterministic, ternarizeStochastic } from '../functional/quantizers.js';
import { SeededRandom } from '../functional/random.js';
import type { Parameter } from './parameter.js';
import { isQuantizedWeight, type QuantizationAwareTraining } from './weight-transform.js';

export type OttMethod =
  | 'binary-deterministic'
  | 'binary-stochastic'
  | 'ternary-deterministic'
  | 'ternary-stochastic'
  | 'pow2-ternary'
  | 'exponential-deterministic'
  | 'exponential-stochastic';

export interface OttOptions {
  /** Binarization magnitude H (default 1, as in BinaryConnect). */
  readonly binaryH?: number;
  /** pow2-ternarization bits (default i = 0, f = 1: values {-0.5, 0, 0.5}). */
  readonly pow2IntBits?: number;
  readonly pow2FracBits?: number;
  /** Seed of the stochastic quantizers' noise. */
  readonly seed?: number;
}

export function ottQuantization(method: OttMethod, params: readonly Parameter[], o: OttOptions = {}): QuantizationAwareTraining {
  const shapes = new Map(params.map((p) => [p.name, p.shape]));
  const w0Of = (name: string): number => {
    const shape = shapes.get(name);
    if (!shape || shape.length !== 2) throw new Error(`no matrix shape for ${name}`);
    return glorotBound(shape[1], shape[0]);
  };
  const rng = new SeededRandom(o.seed ?? 1);
  const h = o.binaryH ?? 1;
  const i = o.pow2IntBits ?? 0;
  const f = o.pow2FracBits ?? 1;
  const pow2Limit = (2 ** (f + i) - 1) / 2 ** f;
  switch (method) {
    case 'binary-deterministic':
      return { transform: (w, out) => void binarize(w, h, undefined, out), clipRange: () => h, appliesTo: isQuantizedWeight };
    case 'binary-stochastic':
      return { transform: (w, out) => void binarize(w, h, rng, out), clipRange: () => h, appliesTo: isQuantizedWeight };
    case 'ternary-deterministic':
      return { transform: (w, out, name) => void ternarizeDeterministic(w, w0Of(name), out), clipRange: w0Of, appliesTo: isQuantizedWeight };
    case 'ternary-stochastic':
      return { transform: (w, out, name) => void ternarizeStochastic(w, w0Of(name), rng, out), clipRange: w0Of, appliesTo: isQuantizedWeight };
    case 'pow2-ternary':
      return { transform: (w, out) => void pow2Ternarize(w, i, f, out), clipRange: () => pow2Limit, appliesTo: isQuantizedWeight };
    case 'exponential-deterministic':
      return { transform: (w, out) => void exponentialQuantize(w, undefined, out), appliesTo: isQuantizedWeight };
    case 'exponential-stochastic':
      return { transform: (w, out) => void exponentialQuantize(w, rng, out), appliesTo: isQuantizedWeight };
  }
}
