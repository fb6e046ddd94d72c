/** Global-norm gradient clipping (Pascanu et al. 2013): scale all gradients so their joint L2 norm is at most maxNorm. */
import type { Parameter } from './parameter.js';

/** Returns the norm before clipping. */
export function clipGlobalNorm(params: readonly Parameter[], maxNorm: number): number {
  let sq = 0;
  for (const p of params) {
    const g = p.grad;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  const norm = Math.sqrt(sq);
  if (norm > maxNorm) {
    const s = maxNorm / norm;
    for (const p of params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] *= s;
    }
  }
  return norm;
}
