/**
 * A resource that serves one operation per server at a time for an exact number of cycles:
 * an SRAM bank port, a DRAM channel, a dot-product unit, a multifunction unit.
 *
 * Requests are made at the simulator's current cycle, in event order, so reserving the
 * earliest free server at request time is exactly a first-come-first-served queue: a request
 * that collides with earlier ones starts when the server frees and the wait is recorded as
 * stall cycles. No formula decides stalls; the event order does.
 */
import type { Cycle, Simulator } from './simulator.js';
import { appendRelativeFreeTimes, type Repeatable, type RepeatRequest, type StateKey } from './steady-state.js';

export interface Grant {
  /** Cycle at which the operation starts occupying the resource. */
  readonly start: Cycle;
  /** First cycle at which the resource is free again (start + occupancy). */
  readonly end: Cycle;
  /** Cycles the request waited behind earlier requests (start - request cycle). */
  readonly waited: Cycle;
}

export class Resource implements Repeatable {
  private readonly freeAt: Cycle[];
  /** Sum over servers of cycles spent serving operations. */
  busyCycles = 0;
  /** Sum over requests of cycles spent waiting for a free server. */
  waitCycles = 0;
  /** Number of operations served. */
  operations = 0;

  constructor(
    readonly name: string,
    private readonly sim: Simulator,
    readonly servers = 1,
  ) {
    if (!Number.isInteger(servers) || servers < 1) {
      throw new Error(`resource ${name}: servers must be a positive integer, got ${servers}`);
    }
    this.freeAt = new Array<Cycle>(servers).fill(0);
  }

  /** Earliest cycle (>= now) at which some server is free. */
  earliestFree(): Cycle {
    const free = this.freeAt;
    let best = free[0];
    for (let i = 1; i < free.length; i++) if (free[i] < best) best = free[i];
    const now = this.sim.now;
    return best > now ? best : now;
  }

  /**
   * Reserve a server for `occupancy` cycles, starting no earlier than `notBefore` (default now).
   * `waited` is the delay past notBefore. waitCycles counts, from the current cycle, only the
   * cycles this resource's own server was still busy: when a joint operation (acquireTogether)
   * starts late because of another resource, that is not this resource's wait.
   */
  acquire(occupancy: Cycle, notBefore: Cycle = this.sim.now): Grant {
    const now = this.sim.now;
    const requested = notBefore > now ? notBefore : now;
    const start = this.reserve(occupancy, requested);
    return { start, end: start + occupancy, waited: start - requested };
  }

  /**
   * The allocation-free core of acquire: reserve the earliest-free server from `requested`
   * (>= now) and return the start cycle. Hot path of every dataflow.
   */
  reserve(occupancy: Cycle, requested: Cycle): Cycle {
    if (!Number.isInteger(occupancy) || occupancy < 0) {
      throw new Error(`resource ${this.name}: occupancy must be a non-negative integer, got ${occupancy}`);
    }
    const free = this.freeAt;
    let server = 0;
    for (let i = 1; i < free.length; i++) if (free[i] < free[server]) server = i;
    const serverFree = free[server];
    const start = requested > serverFree ? requested : serverFree;
    // Cycles since the request (now) that this resource's server was still busy.
    const heldBack = Math.min(start, serverFree) - this.sim.now;
    free[server] = start + occupancy;
    this.busyCycles += occupancy;
    if (heldBack > 0) this.waitCycles += heldBack;
    this.operations++;
    return start;
  }

  appendState(now: Cycle, out: StateKey): void {
    appendRelativeFreeTimes(this.freeAt, now, out);
  }

  appendCounters(out: number[]): void {
    out.push(this.busyCycles, this.waitCycles, this.operations);
  }

  repeat(r: RepeatRequest, offset: number): number {
    const { times, delta } = r;
    for (let i = 0; i < this.freeAt.length; i++) this.freeAt[i] += times * r.cycles;
    this.busyCycles += times * delta[offset];
    this.waitCycles += times * delta[offset + 1];
    this.operations += times * delta[offset + 2];
    return offset + 3;
  }

  /** Fraction of server-cycles busy over `cycles` elapsed cycles. */
  utilization(cycles: Cycle): number {
    return cycles === 0 ? 0 : this.busyCycles / (cycles * this.servers);
  }
}

/**
 * Reserve several resources for one joint operation (for instance a DPU that streams its
 * operands from an SRAM port): it starts when all of them are free, and each is held for
 * its own occupancy from that common start.
 */
export function acquireTogether(
  requests: ReadonlyArray<{ resource: Resource; occupancy: number }>,
  notBefore: Cycle,
): { start: Cycle; end: Cycle } {
  let start = notBefore;
  for (let i = 0; i < requests.length; i++) {
    const free = requests[i].resource.earliestFree();
    if (free > start) start = free;
  }
  let end = start;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    // Every server was free at `start`, so each reservation starts exactly there.
    if (r.resource.reserve(r.occupancy, start) !== start) throw new Error(`internal: joint reservation of ${r.resource.name} slipped`);
    const e = start + r.occupancy;
    if (e > end) end = e;
  }
  return { start, end };
}
