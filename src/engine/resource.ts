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

export interface Grant {
  /** Cycle at which the operation starts occupying the resource. */
  readonly start: Cycle;
  /** First cycle at which the resource is free again (start + occupancy). */
  readonly end: Cycle;
  /** Cycles the request waited behind earlier requests (start - request cycle). */
  readonly waited: Cycle;
}

export class Resource {
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
    let best = this.freeAt[0];
    for (let i = 1; i < this.freeAt.length; i++) if (this.freeAt[i] < best) best = this.freeAt[i];
    return Math.max(best, this.sim.now);
  }

  /**
   * Reserve a server for `occupancy` cycles, starting no earlier than `notBefore` (default now).
   * `waited` is the delay past notBefore. waitCycles counts, from the current cycle, only the
   * cycles this resource's own server was still busy: when a joint operation (acquireTogether)
   * starts late because of another resource, that is not this resource's wait.
   */
  acquire(occupancy: Cycle, notBefore: Cycle = this.sim.now): Grant {
    if (!Number.isInteger(occupancy) || occupancy < 0) {
      throw new Error(`resource ${this.name}: occupancy must be a non-negative integer, got ${occupancy}`);
    }
    let server = 0;
    for (let i = 1; i < this.freeAt.length; i++) if (this.freeAt[i] < this.freeAt[server]) server = i;
    const now = this.sim.now;
    const start = Math.max(notBefore, now, this.freeAt[server]);
    const waited = start - Math.max(notBefore, now);
    // Cycles since the request (now) that this resource's server was still busy.
    const heldBack = Math.max(0, Math.min(start, this.freeAt[server]) - now);
    const end = start + occupancy;
    this.freeAt[server] = end;
    this.busyCycles += occupancy;
    this.waitCycles += heldBack;
    this.operations++;
    return { start, end, waited };
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
  requests: ReadonlyArray<{ resource: Resource; occupancy: Cycle }>,
  notBefore: Cycle,
): { start: Cycle; end: Cycle } {
  let start = notBefore;
  for (const r of requests) start = Math.max(start, r.resource.earliestFree());
  let end = start;
  for (const r of requests) {
    const g = r.resource.acquire(r.occupancy, start);
    // All servers were free at `start`, so every grant starts exactly there.
    if (g.start !== start) throw new Error(`internal: joint reservation of ${r.resource.name} slipped`);
    end = Math.max(end, g.end);
  }
  return { start, end };
}
