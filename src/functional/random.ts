/**
 * A small seeded pseudo-random generator (mulberry32, public domain, by Tommy Ettinger), so
 * stochastic quantizers and pruning tie-breaks are reproducible from a seed. 32-bit state; period
 * 2^32, which is plenty for quantization noise (it is not for cryptography or huge simulations).
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`SeededRandom: seed must be a finite number, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1), with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** True with probability p (p clipped to [0, 1]); exactly false for p <= 0 and true for p >= 1. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }
}
