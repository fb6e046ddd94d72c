/** Adam (Kingma and Ba 2015) with bias correction, one moment pair per parameter. */
import type { Parameter } from './parameter.js';

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export class Adam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    private readonly params: readonly Parameter[],
    options: AdamOptions,
  ) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
  }

  /** Update every parameter's value from its gradient. */
  step(): void {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = (this.learningRate * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    const eps = this.epsilon;
    for (let k = 0; k < this.params.length; k++) {
      const { value, grad } = this.params[k];
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < value.length; i++) {
        const g = grad[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        value[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) + eps);
      }
    }
  }
}
