/**
 * Compressed weights streamed from DRAM in chunks of columns, with `slots` chunks on chip at
 * a time (2 = ESE's double buffering): a chunk is fetched as soon as a slot is free, in the
 * order the matrix-vector products will use them, and its slot is freed when every PE has
 * finished the chunk's last column. Fetching runs ahead across products, so the next
 * product's first chunks arrive during the element-wise phase.
 */
import type { MainMemory } from '../../components/interfaces.js';
import type { Simulator } from '../../engine/simulator.js';

export interface ChunkDescriptor {
  /** Bytes fetched (entries x entry bits + column pointers, whole bytes). */
  readonly bytes: number;
  /** Bits landing in each PE's weight buffer. */
  readonly perPeBits: readonly number[];
}

export class WeightChunk {
  arrivedAt: number | undefined;
  private waiters: Array<() => void> = [];

  constructor(readonly desc: ChunkDescriptor) {}

  /** Call `fn` when the chunk is on chip (now, if it already is). */
  whenArrived(fn: () => void): void {
    if (this.arrivedAt !== undefined) fn();
    else this.waiters.push(fn);
  }

  arrive(cycle: number): void {
    this.arrivedAt = cycle;
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}

export class WeightStreamer {
  private readonly stream: WeightChunk[] = [];
  private fetchNext = 0;
  private takeNext = 0;
  private occupied = 0;
  private exhausted = false;

  constructor(
    private readonly sim: Simulator,
    private readonly dram: MainMemory,
    private readonly slots: number,
    private readonly source: Iterator<ChunkDescriptor>,
    private readonly onArrive: (chunk: WeightChunk) => void,
  ) {}

  private ensure(i: number): boolean {
    while (this.stream.length <= i && !this.exhausted) {
      const n = this.source.next();
      if (n.done) this.exhausted = true;
      else this.stream.push(new WeightChunk(n.value));
    }
    return i < this.stream.length;
  }

  /** Start fetches while slots are free (call at the current cycle). */
  pump(): void {
    while (this.occupied < this.slots && this.ensure(this.fetchNext)) {
      const chunk = this.stream[this.fetchNext++];
      this.occupied++;
      const at = this.dram.transfer(Math.max(1, chunk.desc.bytes), 'read');
      this.sim.at(at, () => {
        this.onArrive(chunk);
        chunk.arrive(this.sim.now);
      });
    }
  }

  /** The next chunk in stream order (the consumer takes them in the order the source yields them). */
  take(): WeightChunk {
    if (!this.ensure(this.takeNext)) throw new Error('internal: weight stream exhausted');
    return this.stream[this.takeNext++];
  }

  /** The chunk's columns are done: free its slot and fetch the next. */
  release(): void {
    this.occupied--;
    this.pump();
  }
}
