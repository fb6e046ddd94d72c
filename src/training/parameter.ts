/**
 * A trainable tensor with its gradient. `effective` is what the forward pass reads: the
 * full-precision `value` itself, or a separate buffer holding its quantized and/or masked
 * version (see weight-transform.ts). Gradients are taken with respect to `effective` and
 * applied to `value` unchanged: the straight-through estimator.
 */
export class Parameter {
  readonly grad: Float32Array;
  effective: Float32Array;
  /** 1 keeps a weight, 0 prunes it (masked fine-tuning); undefined means dense. */
  mask: Uint8Array | undefined;

  constructor(
    readonly name: string,
    readonly shape: readonly number[],
    readonly value: Float32Array,
  ) {
    if (value.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${value.length} values for shape [${shape.join(',')}]`);
    this.grad = new Float32Array(value.length);
    this.effective = value;
  }

  static zeros(name: string, shape: readonly number[]): Parameter {
    return new Parameter(name, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)));
  }
}

/** Fill with U(-bound, bound), PyTorch's default initialisation for RNN weights (bound = 1/sqrt(hidden)). */
export function fillUniform(p: Parameter, bound: number, rand: () => number): void {
  const v = p.value;
  for (let i = 0; i < v.length; i++) v[i] = (2 * rand() - 1) * bound;
}

export function zeroGrads(params: readonly Parameter[]): void {
  for (const p of params) p.grad.fill(0);
}
