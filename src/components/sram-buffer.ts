/**
 * On-chip SRAM buffer: `banks` banks of equal size, each with `ports_per_bank` ports, words of
 * `word_bits`. Consecutive words are interleaved across banks, so a stream of W words touches
 * each bank floor(W/B) or ceil(W/B) times. A stream holds one port of each bank
 * it touches, one word per cycle; with several ports per bank that many streams proceed at
 * once, and a further stream needing the same bank queues (a bank conflict).
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import type { ComponentContext } from './context.js';
import type { Cycle } from '../engine/simulator.js';
import type { Repeatable, RepeatRequest, StateKey } from '../engine/steady-state.js';
import type { BankRequest } from './interfaces.js';

export const sramBufferKind = defineComponentKind({
  kind: 'sram_buffer',
  implements: 'sram_buffer',
  description: 'banked on-chip SRAM buffer with per-bank ports',
  params: {
    size_kib: { type: 'number', unit: 'KiB', exclusiveMinimum: 0, description: 'capacity (all banks together)' },
    word_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 4096, default: 256, description: 'width of one bank access' },
    banks: { type: 'integer', unit: 'count', minimum: 1, maximum: 1024, default: 1, description: 'independent banks' },
    ports_per_bank: { type: 'integer', unit: 'count', minimum: 1, maximum: 4, default: 1, description: 'read/write ports per bank' },
    read_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 64, default: 1, description: 'cycles from a read request to its data' },
    write_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 64, default: 1, description: 'cycles from a write request to the data being readable' },
  },
  stats: {
    reads: { unit: 'words', description: 'words read' },
    writes: { unit: 'words', description: 'words written' },
    port_busy_cycles: { unit: 'cycles', description: 'sum over bank ports of busy cycles' },
    conflict_wait_cycles: { unit: 'cycles', description: 'cycles requests waited for a busy bank port' },
  },
  actions: {
    read: { description: 'one word read from one bank' },
    write: { description: 'one word written to one bank' },
  },
});

export class SramBuffer extends Component<typeof sramBufferKind.params> implements Repeatable {
  readonly bankPorts: Resource[];
  readonly capacityBits: number;
  readonly wordBits: number;
  readonly readLatencyCycles: number;
  readonly writeLatencyCycles: number;
  /** Bytes of one bank. */
  readonly bankBytes: number;
  private readonly portsPerBank: number;
  private readonly readId: number;
  private readonly writeId: number;
  /** Bank holding the word after the last stream (streams are laid out consecutively). */
  private nextBank = 0;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof sramBufferKind.params>) {
    super(sramBufferKind, identity);
    const p = this.params;
    const banks = p.banks;
    this.portsPerBank = p.ports_per_bank;
    this.wordBits = p.word_bits;
    this.capacityBits = Math.floor(p.size_kib * 1024 * 8);
    this.bankBytes = this.capacityBits / 8 / banks;
    this.readLatencyCycles = p.read_latency_cycles;
    this.writeLatencyCycles = p.write_latency_cycles;
    this.bankPorts = Array.from({ length: banks }, (_, b) => new Resource(`${this.name}.bank${b}`, ctx.sim, this.portsPerBank));
    this.readId = this.actionId('read');
    this.writeId = this.actionId('write');
  }

  /** Words needed to hold `bits` bits. */
  wordsFor(bits: number): number {
    return Math.ceil(bits / this.wordBits);
  }

  /**
   * Port reservations for streaming `words` consecutive words (not yet acquired). Streams are
   * laid out one after another in the address space, so each starts in the bank where the
   * previous one ended: independent streams spread over the banks instead of all queueing on
   * bank 0.
   */
  streamRequests(words: number): BankRequest[] {
    const banks = this.bankPorts.length;
    const base = Math.floor(words / banks);
    const extra = words % banks;
    const first = this.nextBank;
    const requests: BankRequest[] = [];
    for (let i = 0; i < banks; i++) {
      const perBank = base + (i < extra ? 1 : 0);
      if (perBank > 0) requests.push({ resource: this.bankPorts[(first + i) % banks], occupancy: perBank });
    }
    this.nextBank = (first + words) % banks;
    return requests;
  }

  /**
   * Earliest cycle, not before `notBefore` (at least the current cycle), at which every bank a
   * stream of `words` words would touch has a free port. With reserveStream this is
   * streamRequests + acquireTogether without building the request list (the hot path of E-PUR).
   */
  streamFreeAt(words: number, notBefore: Cycle): Cycle {
    const ports = this.bankPorts;
    const banks = ports.length;
    const touched = words < banks ? words : banks;
    let t = notBefore;
    let b = this.nextBank;
    for (let i = 0; i < touched; i++) {
      const free = ports[b].earliestFree();
      if (free > t) t = free;
      if (++b === banks) b = 0;
    }
    return t;
  }

  /**
   * Reserve the ports of a stream of `words` words from `start`, at which every bank it touches
   * must have a free port (streamFreeAt), and lay the stream out after the previous one. Returns
   * the cycle the longest bank share ends (`start` for no words).
   */
  reserveStream(words: number, start: Cycle): Cycle {
    const ports = this.bankPorts;
    const banks = ports.length;
    const base = Math.floor(words / banks);
    const extra = words % banks;
    const touched = words < banks ? words : banks;
    let b = this.nextBank;
    for (let i = 0; i < touched; i++) {
      if (ports[b].reserve(i < extra ? base + 1 : base, start) !== start) throw new Error(`internal: stream reservation of ${ports[b].name} slipped`);
      if (++b === banks) b = 0;
    }
    this.nextBank = (this.nextBank + words) % banks;
    return touched === 0 ? start : start + (extra > 0 ? base + 1 : base);
  }

  /** Cycles to stream `words` words with no other traffic. */
  streamCycles(words: number): number {
    return Math.ceil(words / this.bankPorts.length);
  }

  recordReads(words: number): void {
    this.countAt(this.readId, words);
  }

  recordWrites(words: number): void {
    this.countAt(this.writeId, words);
  }

  stats(): Record<string, number> {
    let busy = 0;
    let wait = 0;
    for (const r of this.bankPorts) {
      busy += r.busyCycles;
      wait += r.waitCycles;
    }
    return { reads: this.countOf(this.readId), writes: this.countOf(this.writeId), port_busy_cycles: busy, conflict_wait_cycles: wait };
  }

  // Steady-state fast-forward (src/engine/steady-state.ts). Banks are interchangeable (equal
  // ports, statistics summed over banks) and only reached through the stream pointer, so the
  // state is the banks' free times in stream order from the pointer: two buffers equal up to a
  // rotation of their banks behave alike (and counting per bank, only the sums are reported).
  appendState(now: Cycle, out: StateKey): void {
    const banks = this.bankPorts.length;
    for (let i = 0; i < banks; i++) this.bankPorts[(this.nextBank + i) % banks].appendState(now, out);
  }

  appendCounters(out: number[]): void {
    this.appendActionCounts(out);
    for (const r of this.bankPorts) r.appendCounters(out);
  }

  repeat(r: RepeatRequest, offset: number): number {
    let at = this.repeatActionCounts(r.times, r.delta, offset);
    for (const port of this.bankPorts) at = port.repeat(r, at);
    return at;
  }

  /** Port-cycles available over `cycles` cycles (banks x ports x cycles). */
  portCapacity(cycles: number): number {
    return cycles * this.bankPorts.length * this.portsPerBank;
  }
}
