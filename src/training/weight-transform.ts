/**
 * Quantization-aware training and masked fine-tuning, as Ott et al. train limited-precision
 * RNNs: a full-precision copy of every weight is kept and updated; the forward (and backward)
 * pass reads a quantized copy; gradients with respect to the quantized copy are applied to
 * the full-precision weights unchanged (straight-through estimator). After each update the
 * full-precision weights are clipped to the quantizer's range (Ott's code does the same), so
 * they cannot drift where the quantizer no longer sees them move.
 *
 * Pruning masks: a pruned weight reads as 0 in the forward pass, gets no gradient and stays 0.
 */
import type { Parameter } from './parameter.js';

/** A weight quantizer: writes the quantized version of `w` into `out` (same length). */
export type WeightTransform = (w: Float32Array, out: Float32Array, matrixName: string) => void;

export interface QuantizationAwareTraining {
  readonly transform: WeightTransform;
  /** Which parameters are quantized; default: the recurrent core's and head's weight matrices. */
  readonly appliesTo?: (parameterName: string) => boolean;
  /** Clip range of the full-precision weights, e.g. +-H for binarization; none if undefined. */
  readonly clipRange?: (parameterName: string) => number | undefined;
}

/** The default set of quantized matrices: everything named weight, except the embedding table. */
export function isQuantizedWeight(name: string): boolean {
  return name.includes('weight') && name !== 'embedding.weight';
}

export class WeightTransformer {
  constructor(
    private readonly params: readonly Parameter[],
    private readonly qat: QuantizationAwareTraining | undefined,
    masks: ReadonlyMap<string, Uint8Array> | undefined,
  ) {
    for (const p of params) {
      const mask = masks?.get(p.name);
      if (mask && mask.length !== p.value.length) throw new Error(`mask for ${p.name} has ${mask.length} entries, expected ${p.value.length}`);
      p.mask = mask;
      if (mask) applyMask(p.value, mask);
      if (mask || this.quantized(p)) p.effective = new Float32Array(p.value.length);
      else p.effective = p.value;
    }
    this.refresh();
  }

  private quantized(p: Parameter): boolean {
    return this.qat !== undefined && (this.qat.appliesTo ?? isQuantizedWeight)(p.name);
  }

  /** Recompute the effective (quantized, masked) weights from the full-precision ones: call before each forward. */
  refresh(): void {
    for (const p of this.params) {
      if (p.effective === p.value) continue;
      if (this.quantized(p) && this.qat) this.qat.transform(p.value, p.effective, p.name);
      else p.effective.set(p.value);
      if (p.mask) applyMask(p.effective, p.mask);
    }
  }

  /** Zero the gradients of pruned weights: call after backward, before clipping and the optimizer. */
  maskGradients(): void {
    for (const p of this.params) if (p.mask) applyMask(p.grad, p.mask);
  }

  /** Clip full-precision weights to the quantizer's range and re-apply masks: call after the optimizer step. */
  afterUpdate(): void {
    for (const p of this.params) {
      const range = this.quantized(p) ? this.qat?.clipRange?.(p.name) : undefined;
      if (range !== undefined) {
        const v = p.value;
        for (let i = 0; i < v.length; i++) v[i] = v[i] > range ? range : v[i] < -range ? -range : v[i];
      }
      if (p.mask) applyMask(p.value, p.mask);
    }
  }
}

function applyMask(a: Float32Array, mask: Uint8Array): void {
  for (let i = 0; i < a.length; i++) if (mask[i] === 0) a[i] = 0;
}
