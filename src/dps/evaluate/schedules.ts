/**
 * Per-step precision schedules as data, and the controls that test the paper's claim: does the
 * cell state tell *which* steps need high precision? A control keeps a dynamic design's counts
 * of steps at each precision in every (sequence, layer, direction) stream and places them
 * elsewhere in the stream: at random (several seeds) or periodically. If the controls are as
 * accurate as the policy at the same shares, the cell state carried no information about which
 * steps need the bits, on that model.
 */
import type { PrecisionChooser, PrecisionContext } from '../../functional/quantized-network.js';
import { SeededRandom } from '../../functional/random.js';

/** Bits of every step, by stream ("sequence.layer.direction"), indexed by timestep. */
export class Schedule {
  private readonly streams = new Map<string, Uint8Array>();

  static key(sequence: number, layer: number, direction: number): string {
    return `${sequence}.${layer}.${direction}`;
  }

  /** Record one step (as a StepObserver sees it). */
  set(sequence: number, layer: number, direction: number, timestep: number, bits: number, length: number): void {
    const key = Schedule.key(sequence, layer, direction);
    let s = this.streams.get(key);
    if (!s) {
      s = new Uint8Array(length);
      this.streams.set(key, s);
    }
    if (timestep >= s.length) throw new Error(`internal: timestep ${timestep} past the stream's ${s.length} steps`);
    s[timestep] = bits;
  }

  bitsAt(sequence: number, layer: number, direction: number, timestep: number): number {
    const s = this.streams.get(Schedule.key(sequence, layer, direction));
    const b = s?.[timestep] ?? 0;
    if (b === 0) throw new Error(`internal: the schedule has no precision for sequence ${sequence}, layer ${layer}, direction ${direction}, timestep ${timestep}`);
    return b;
  }

  entries(): IterableIterator<[string, Uint8Array]> {
    return this.streams.entries();
  }

  /** One stream's bits by timestep (undefined when the schedule has no such stream). */
  stream(key: string): Uint8Array | undefined {
    return this.streams.get(key);
  }

  /** A schedule made of the given streams (copied). */
  static fromStreams(streams: Iterable<readonly [string, ArrayLike<number>]>): Schedule {
    const out = new Schedule();
    for (const [k, v] of streams) out.streams.set(k, Uint8Array.from(v));
    return out;
  }

  /** A copy with every stream's steps re-placed by `place` (same counts at each precision). */
  map(place: (key: string, bits: Uint8Array) => Uint8Array): Schedule {
    const out = new Schedule();
    for (const [k, bits] of this.streams) {
      const placed = place(k, bits);
      if (placed.length !== bits.length) throw new Error('internal: a re-placed stream changed length');
      out.streams.set(k, placed);
    }
    return out;
  }

  /** Steps at each precision over all streams. */
  stepsByBits(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const s of this.streams.values()) for (const b of s) out[b] = (out[b] ?? 0) + 1;
    return out;
  }

  /** The functional model's chooser that replays this schedule (the sequence index is the data set's). */
  chooser(sequenceOffset = 0): PrecisionChooser {
    return (ctx: PrecisionContext) => this.bitsAt(ctx.sequence + sequenceOffset, ctx.layer, ctx.direction, ctx.timestep);
  }
}

/** A 32-bit hash of a stream key, so each stream's shuffle has its own seed. */
function keyHash(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The same counts in every stream, at uniformly random positions (Fisher-Yates shuffle, seeded per stream). */
export function randomPlacement(schedule: Schedule, seed: number): Schedule {
  return schedule.map((key, bits) => {
    const out = Uint8Array.from(bits);
    const rng = new SeededRandom((seed ^ keyHash(key)) >>> 0);
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  });
}

/**
 * The same counts in every stream, spread evenly: step t takes the precision whose count so far
 * is furthest below its share x (t + 1) (ties to the lower precision), so each precision recurs
 * at a fixed period.
 */
export function periodicPlacement(schedule: Schedule): Schedule {
  return schedule.map((_key, bits) => {
    const n = bits.length;
    const counts = new Map<number, number>();
    for (const b of bits) counts.set(b, (counts.get(b) ?? 0) + 1);
    const levels = [...counts.keys()].sort((a, b) => a - b);
    const placed = new Map<number, number>(levels.map((b) => [b, 0]));
    const out = new Uint8Array(n);
    for (let t = 0; t < n; t++) {
      let best = levels[0];
      let bestDeficit = -Infinity;
      for (const b of levels) {
        if ((placed.get(b) ?? 0) >= (counts.get(b) ?? 0)) continue;
        const deficit = ((counts.get(b) ?? 0) * (t + 1)) / n - (placed.get(b) ?? 0);
        if (deficit > bestDeficit + 1e-12) {
          best = b;
          bestDeficit = deficit;
        }
      }
      out[t] = best;
      placed.set(best, (placed.get(best) ?? 0) + 1);
    }
    return out;
  });
}
