/**
 * Memory footprint of a model's parameters under a quantization scheme.
 *
 * Each tensor is stored at `bits` bits per element, packed, rounded up to whole bytes, plus
 * `overheadBits` (e.g. a float32 scale per matrix for ternary/binary weights). Two totals:
 *   core   the recurrent core: weight_ih/hh(/hr) and bias_ih/hh of every layer and direction;
 *   total  core + embedding table + head.
 * Reductions are 1 - bytes / float32 bytes.
 */
export interface TensorStorage {
  readonly name: string;
  readonly elements: number;
  readonly bits: number;
  /** Extra bits stored with the tensor (scales). */
  readonly overheadBits?: number;
}

export interface Footprint {
  readonly coreBytes: number;
  readonly totalBytes: number;
  readonly coreFloatBytes: number;
  readonly totalFloatBytes: number;
  /** 1 - coreBytes / coreFloatBytes. */
  readonly coreReduction: number;
  readonly totalReduction: number;
}

export function isCoreTensor(name: string): boolean {
  return /^(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?$/.test(name);
}

export function tensorBytes(t: TensorStorage): number {
  return Math.ceil((t.elements * t.bits + (t.overheadBits ?? 0)) / 8);
}

export function footprint(tensors: readonly TensorStorage[]): Footprint {
  let core = 0;
  let total = 0;
  let coreFloat = 0;
  let totalFloat = 0;
  for (const t of tensors) {
    const b = tensorBytes(t);
    const f = t.elements * 4;
    total += b;
    totalFloat += f;
    if (isCoreTensor(t.name)) {
      core += b;
      coreFloat += f;
    }
  }
  return {
    coreBytes: core,
    totalBytes: total,
    coreFloatBytes: coreFloat,
    totalFloatBytes: totalFloat,
    coreReduction: coreFloat === 0 ? 0 : 1 - core / coreFloat,
    totalReduction: totalFloat === 0 ? 0 : 1 - total / totalFloat,
  };
}

/** Bits to index `levels` distinct values: ceil(log2(levels)), at least 1. */
export function bitsForLevels(levels: number): number {
  return Math.max(1, Math.ceil(Math.log2(levels)));
}

export function distinctValues(a: Float32Array): number {
  return new Set(a).size;
}
