/**
 * Invariants checked on every run. A violation is a bug in rnnsim (or in a user's component),
 * never something to report quietly: the run fails with every violated invariant listed.
 */
export class InvariantError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(`simulation invariants violated:\n  ${violations.join('\n  ')}`);
    this.name = 'InvariantError';
  }
}

export class InvariantChecker {
  private readonly violations: string[] = [];

  nonNegative(what: string, value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) this.violations.push(`${what} must be a finite non-negative number, got ${value}`);
  }

  fraction(what: string, value: number): void {
    if (!(value >= 0 && value <= 1)) this.violations.push(`${what} must be in [0, 1], got ${value}`);
  }

  equal(what: string, actual: number, expected: number, relativeTolerance = 0): void {
    const ok = relativeTolerance === 0 ? actual === expected : Math.abs(actual - expected) <= relativeTolerance * Math.max(Math.abs(expected), 1);
    if (!ok) this.violations.push(`${what}: got ${actual}, expected ${expected}`);
  }

  /** Recursively check every number in a record is finite and non-negative. */
  allNonNegative(prefix: string, value: unknown): void {
    if (typeof value === 'number') this.nonNegative(prefix, value);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) this.allNonNegative(`${prefix}.${k}`, v);
    }
  }

  throwIfViolated(): void {
    if (this.violations.length > 0) throw new InvariantError(this.violations);
  }
}
