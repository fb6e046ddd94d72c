/**
 * Main memory: `channels` independent channels sharing the peak bandwidth equally. A request is
 * rounded up to whole bursts, bursts are interleaved across channels round-robin (continuing
 * from where the previous request stopped), and each channel is busy for exactly the cycles
 * its share of bytes takes at its bandwidth. Data is usable `access_latency_ns` after the
 * transfer: the latency is pipelined, so back-to-back requests overlap it.
 *
 * This is a bandwidth-and-latency model with no banks or row buffers; the presets take the
 * latency of a row miss (precharge + activate + CAS), the common case for weight streams
 * that sweep large matrices once.
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import type { Cycle, Simulator } from '../engine/simulator.js';
import type { Repeatable, RepeatRequest, StateKey } from '../engine/steady-state.js';
import { type ComponentContext, nsToCycles } from './context.js';

export const dramKind = defineComponentKind({
  kind: 'dram',
  implements: 'dram',
  description: 'off-chip DRAM: channels, peak bandwidth, access latency, bursts, energy per bit',
  params: {
    preset: { type: 'string', unit: '-', default: 'none', description: 'preset in configs/dram/ whose values fill the fields not given here' },
    channels: { type: 'integer', unit: 'count', minimum: 1, maximum: 64, description: 'independent channels' },
    bandwidth_gb_per_s: { type: 'number', unit: 'GB/s', exclusiveMinimum: 0, description: 'peak bandwidth of all channels together (1 GB = 1e9 bytes)' },
    access_latency_ns: { type: 'number', unit: 'ns', minimum: 0, description: 'time from the end of a transfer to its data being usable' },
    burst_bytes: { type: 'integer', unit: 'bytes', minimum: 1, maximum: 4096, description: 'bytes per burst; requests round up to whole bursts' },
    energy_pj_per_bit: { type: 'number', unit: 'pJ/bit', minimum: 0, description: 'energy per bit transferred' },
    background_power_mw: { type: 'number', unit: 'mW', minimum: 0, default: 0, description: 'static power while the accelerator runs' },
  },
  stats: {
    bytes_read: { unit: 'bytes', description: 'bytes read, whole bursts' },
    bytes_written: { unit: 'bytes', description: 'bytes written, whole bursts' },
    channel_busy_cycles: { unit: 'cycles', description: 'sum over channels of cycles transferring' },
    queue_wait_cycles: { unit: 'cycles', description: 'cycles requests waited for a busy channel' },
  },
  actions: {
    read_byte: { description: 'one byte read' },
    write_byte: { description: 'one byte written' },
  },
});

export class Dram extends Component<typeof dramKind.params> implements Repeatable {
  readonly channels: Resource[];
  readonly latencyCycles: number;
  readonly burstBytes: number;
  /** Cycles per byte on one channel (fractional). */
  private readonly cyclesPerByte: number;
  private readonly servedBytes: number[];
  private readonly sim: Simulator;
  private nextChannel = 0;
  private readBytes = 0;
  private writtenBytes = 0;
  private readonly readId: number;
  private readonly writeId: number;
  /**
   * Steady-state fast-forward: while boundaries are being marked, every channel share of every
   * transfer as (channel, bytes, occupancy cycles), and where each boundary's log starts.
   */
  private log: number[] | undefined;
  private readonly marks = new Map<number, number>();

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof dramKind.params>) {
    super(dramKind, identity);
    const p = this.params;
    const channels = p.channels;
    this.burstBytes = p.burst_bytes;
    this.latencyCycles = nsToCycles(p.access_latency_ns, ctx.clockMhz);
    // bytes per cycle per channel = bandwidth / channels / clock
    const bytesPerCyclePerChannel = (p.bandwidth_gb_per_s * 1e9) / channels / (ctx.clockMhz * 1e6);
    this.cyclesPerByte = 1 / bytesPerCyclePerChannel;
    this.servedBytes = new Array<number>(channels).fill(0);
    this.sim = ctx.sim;
    this.channels = Array.from({ length: channels }, (_, c) => new Resource(`${this.name}.ch${c}`, ctx.sim));
    this.readId = this.actionId('read_byte');
    this.writeId = this.actionId('write_byte');
  }

  /**
   * Transfer `bytes` (read or write) starting now. Returns the cycle at which the data is usable.
   * A channel's occupancy is the cycles its cumulative byte count needs minus what it had used,
   * so a long stream split into many requests takes exactly as long as one big request.
   */
  transfer(bytes: number, direction: 'read' | 'write'): number {
    if (!(bytes > 0)) throw new Error(`${this.name}: a transfer must move a positive number of bytes, got ${bytes}`);
    const bursts = Math.ceil(bytes / this.burstBytes);
    const n = this.channels.length;
    let done = 0;
    for (let i = 0; i < n; i++) {
      const c = (this.nextChannel + i) % n;
      const share = Math.floor(bursts / n) + (i < bursts % n ? 1 : 0);
      if (share === 0) continue;
      const before = this.servedBytes[c];
      const after = before + share * this.burstBytes;
      this.servedBytes[c] = after;
      const occupancy = this.occupancy(before, after);
      this.log?.push(c, after - before, occupancy);
      const channel = this.channels[c];
      const end = channel.reserve(occupancy, this.sim.now) + occupancy;
      if (end > done) done = end;
    }
    this.nextChannel = (this.nextChannel + bursts) % n;
    const moved = bursts * this.burstBytes;
    if (direction === 'read') {
      this.readBytes += moved;
      this.countAt(this.readId, moved);
    } else {
      this.writtenBytes += moved;
      this.countAt(this.writeId, moved);
    }
    return done + this.latencyCycles;
  }

  /** Cycles a channel is busy to bring its cumulative bytes from `before` to `after`. */
  private occupancy(before: number, after: number): number {
    return Math.ceil(after * this.cyclesPerByte - 1e-9) - Math.ceil(before * this.cyclesPerByte - 1e-9);
  }

  // Steady-state fast-forward (src/engine/steady-state.ts). A channel's occupancy depends on its
  // cumulative bytes (rounded through floating point), so a period is not simply copied: its
  // transfers are replayed on the cumulative counts and must give the same occupancies.
  appendState(now: Cycle, out: StateKey): void {
    out.push(this.nextChannel);
    for (const c of this.channels) c.appendState(now, out);
  }

  appendCounters(out: number[]): void {
    this.appendActionCounts(out);
    out.push(this.readBytes, this.writtenBytes);
    for (const c of this.channels) c.appendCounters(out);
  }

  mark(boundary: number, oldestNeeded: number): void {
    const log = (this.log ??= []);
    for (const m of this.marks.keys()) {
      if (m >= oldestNeeded) break;
      this.marks.delete(m);
    }
    // Drop the log before the oldest boundary still needed once that is most of it.
    const first = this.marks.size > 0 ? this.marks.values().next().value! : log.length;
    if (first > 4096 && first > log.length / 2) {
      log.splice(0, first);
      for (const [m, at] of this.marks) this.marks.set(m, at - first);
    }
    this.marks.set(boundary, log.length);
  }

  /**
   * Channel shares the steady-state log holds (three numbers each). Marks drop what no period can
   * start in, so a long run's log stays near the length of its longest period.
   */
  get loggedShares(): number {
    return (this.log?.length ?? 0) / 3;
  }

  /** The log entries of the period from boundary `from` to the latest one. */
  private period(from: number): [number, number] {
    const start = this.marks.get(from);
    if (start === undefined || !this.log) throw new Error(`internal: ${this.name} has no log from boundary ${from}`);
    return [start, this.log.length];
  }

  /**
   * Replay the period's channel shares `times` times on the cumulative byte counts from now;
   * returns how many repetitions give every share the occupancy it had (and keeps the byte
   * counts after each, for repeat).
   */
  exactRepeats(times: number, from: number): number {
    const [start, end] = this.period(from);
    const log = this.log!;
    const n = this.servedBytes.length;
    const served = Float64Array.from(this.servedBytes);
    const after = new Float64Array((times + 1) * n);
    after.set(served, 0);
    for (let k = 0; k < times; k++) {
      for (let e = start; e < end; e += 3) {
        const c = log[e];
        const next = served[c] + log[e + 1];
        if (this.occupancy(served[c], next) !== log[e + 2]) {
          this.replayed = { from, times: k, after };
          return k;
        }
        served[c] = next;
      }
      after.set(served, (k + 1) * n);
    }
    this.replayed = { from, times, after };
    return times;
  }

  /** Byte counts after each repetition, from the last exactRepeats. */
  private replayed: { from: number; times: number; after: Float64Array } | undefined;

  repeat(r: RepeatRequest, offset: number): number {
    const n = this.servedBytes.length;
    const replayed = this.replayed;
    this.replayed = undefined;
    if (!replayed || replayed.from !== r.from || replayed.times < r.times) throw new Error(`internal: ${this.name} was asked to repeat a period it has not replayed`);
    if (r.nested) {
      // An enclosing loop's period contains these transfers: log them as they would have run.
      const [start, end] = this.period(r.from);
      const log = this.log!;
      for (let k = 0; k < r.times; k++) {
        for (let e = start; e < end; e += 3) log.push(log[e], log[e + 1], log[e + 2]);
      }
    }
    for (let c = 0; c < n; c++) this.servedBytes[c] = replayed.after[r.times * n + c];
    let at = this.repeatActionCounts(r.times, r.delta, offset);
    this.readBytes += r.times * r.delta[at];
    this.writtenBytes += r.times * r.delta[at + 1];
    at += 2;
    for (const c of this.channels) at = c.repeat(r, at);
    return at;
  }

  /** Cycles one channel set needs to move `bytes` with nothing else in flight (no latency). */
  transferCycles(bytes: number): number {
    const bursts = Math.ceil(bytes / this.burstBytes);
    const perChannel = Math.ceil(bursts / this.channels.length) * this.burstBytes;
    return Math.ceil(perChannel * this.cyclesPerByte - 1e-9);
  }

  get bytesPerCycle(): number {
    return this.channels.length / this.cyclesPerByte;
  }

  stats(): Record<string, number> {
    let busy = 0;
    let wait = 0;
    for (const c of this.channels) {
      busy += c.busyCycles;
      wait += c.waitCycles;
    }
    return { bytes_read: this.readBytes, bytes_written: this.writtenBytes, channel_busy_cycles: busy, queue_wait_cycles: wait };
  }
}
