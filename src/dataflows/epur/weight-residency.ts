/**
 * Which weight slices live in a compute unit's weight buffer. A slice (the rows of one matrix
 * that a compute unit owns) is kept resident when it fits next to what the current phase must
 * also stream through the buffer's staging tiles; otherwise it is streamed from DRAM every
 * time it is used. Slices of earlier phases are evicted, oldest first, to make room.
 */
export class WeightResidency {
  private readonly resident = new Map<string, number>(); // slice id -> bits, in insertion order
  private readonly loaded = new Set<string>();
  /** describe()'s text, until the residency changes. */
  private description: string | undefined;

  constructor(private readonly capacityBits: number) {}

  /**
   * Decide residency for the slices one phase uses. Returns the ids that will be streamed.
   * `stagingBits` is what streaming needs to hold in flight if anything is streamed.
   */
  planPhase(slices: ReadonlyArray<{ id: string; bits: number }>, stagingBits: number): Set<string> {
    const needed = new Set(slices.map((s) => s.id));
    const total = slices.reduce((sum, s) => sum + s.bits, 0);
    // If everything fits, nothing streams and no staging space is needed.
    const budget = total <= this.capacityBits ? this.capacityBits : this.capacityBits - stagingBits;
    const streamed = new Set<string>();
    let kept = 0;
    for (const s of slices) {
      if (kept + s.bits <= budget) kept += s.bits;
      else streamed.add(s.id);
    }
    for (const id of [...this.resident.keys()]) if (streamed.has(id)) this.forget(id);
    this.evictUntil(budget - kept, needed);
    for (const s of slices) {
      if (!streamed.has(s.id) && !this.resident.has(s.id)) {
        this.resident.set(s.id, s.bits);
        this.description = undefined;
      }
    }
    return streamed;
  }

  /** True the first time a resident slice is used (it must be fetched once), false after. */
  needsFirstFetch(id: string): boolean {
    if (!this.resident.has(id)) return true;
    if (this.loaded.has(id)) return false;
    this.loaded.add(id);
    this.description = undefined;
    return true;
  }

  isResident(id: string): boolean {
    return this.resident.has(id);
  }

  /** Evict slices not in `keep`, oldest first, until those not in `keep` use at most `limitBits`. */
  private evictUntil(limitBits: number, keep: ReadonlySet<string>): void {
    let others = 0;
    for (const [id, bits] of this.resident) if (!keep.has(id)) others += bits;
    for (const [id, bits] of [...this.resident]) {
      if (others <= limitBits) break;
      if (keep.has(id)) continue;
      this.forget(id);
      others -= bits;
    }
  }

  private forget(id: string): void {
    this.description = undefined;
    this.resident.delete(id);
    this.loaded.delete(id);
  }

  /** What is resident, oldest first, with its size and whether it has been fetched (for steady-state fast-forward). */
  describe(): string {
    if (this.description === undefined) {
      let text = '';
      for (const [id, bits] of this.resident) text += `${id}:${bits}:${this.loaded.has(id) ? 1 : 0};`;
      this.description = text;
    }
    return this.description;
  }
}
