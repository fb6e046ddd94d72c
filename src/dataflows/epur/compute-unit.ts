/**
 * One E-PUR compute unit running a pass of tile jobs: weight tiles are fetched from DRAM
 * (up to `stagingTiles` ahead of the dot-product unit) or read from the resident weight
 * buffer; each tile's dot products stream their weights from the weight buffer, their inputs
 * from the input buffer and any partial sums from the intermediate memory, all reserved
 * together so that the slowest of them sets the pace. Every idle cycle of the dot-product
 * unit is attributed to one stall cause.
 */
import { acquireTogether, type Resource } from '../../engine/resource.js';
import type { Cycle, Simulator } from '../../engine/simulator.js';
import type { DotProductUnit } from '../../components/dot-product-unit.js';
import type { MultifunctionUnit } from '../../components/multifunction-unit.js';
import type { MainMemory, OnChipBuffer } from '../../components/interfaces.js';
import type { StallCause } from '../stall-accounting.js';
import type { ComputeUnitAccount } from '../run-context.js';
import type { TileSpec } from './mapping.js';

export interface ComputeUnitParts {
  readonly dpu: DotProductUnit;
  readonly mfu: MultifunctionUnit;
  readonly weightBuffer: OnChipBuffer;
  readonly inputBuffer: OnChipBuffer;
}

/** Receives each tile's result: the job's index in its pass and the cycle its last dot product leaves the pipeline. */
export type TileResultHandler = (job: number, cycle: Cycle) => void;

export class ComputeUnit {
  /** Cycle at which the dot-product unit finishes its last reserved issue. */
  private dpuFreeAt: Cycle = 0;
  private issued = 0;
  private readonly requests: Array<{ resource: Resource; occupancy: number }> = [];
  private readonly dpuRequest: { resource: Resource; occupancy: number };

  constructor(
    readonly index: number,
    readonly parts: ComputeUnitParts,
    readonly account: ComputeUnitAccount,
    private readonly sim: Simulator,
    private readonly dram: MainMemory,
    private readonly intermediate: OnChipBuffer,
    private readonly stagingTiles: number,
  ) {
    this.dpuRequest = { resource: parts.dpu.unit, occupancy: 0 };
  }

  /**
   * Run `jobs` in order from `passStart` (the current cycle). The gap between the unit's
   * previous work and passStart is charged to `barrierCause`; `onResult` gets each tile's result.
   */
  runPass(jobs: readonly TileSpec[], passStart: Cycle, barrierCause: StallCause, onResult: TileResultHandler): void {
    const readyAt = new Array<Cycle>(jobs.length).fill(-1);
    let nextFetch = 0;
    let nextIssue = 0;
    let slotsInUse = 0;

    let wakeAt = -1;
    const issue = (): void => {
      while (nextIssue < jobs.length && readyAt[nextIssue] >= 0 && readyAt[nextIssue] <= this.sim.now) {
        // Reserve a tile only when the unit is about to be free: reservations far in the future
        // would hold buffer ports that other traffic (hidden-state writes) needs now.
        const free = this.parts.dpu.unit.earliestFree();
        if (free > this.sim.now) {
          if (wakeAt !== free) {
            wakeAt = free;
            this.sim.at(free, issue);
          }
          return;
        }
        const i = nextIssue++;
        const job = jobs[i];
        const dpuCycles = this.parts.dpu.issueCycles(job.dotProducts, job.length, job.bits);
        // One reusable request list per unit: this is the hottest path of a run.
        const requests = this.requests;
        requests.length = 0;
        this.dpuRequest.occupancy = dpuCycles;
        requests.push(this.dpuRequest);
        this.parts.weightBuffer.appendStreamRequests(job.weightWords, requests);
        this.parts.inputBuffer.appendStreamRequests(job.inputWords + job.inputLoadWords, requests);
        if (job.intermediateReadWords > 0) this.intermediate.appendStreamRequests(job.intermediateReadWords, requests);
        const { start, end } = acquireTogether(requests, this.sim.now);
        this.parts.dpu.recordDotProducts(job.dotProducts, job.length, job.bits);
        this.parts.weightBuffer.recordReads(job.weightWords);
        this.parts.inputBuffer.recordReads(job.inputWords);
        this.parts.inputBuffer.recordWrites(job.inputLoadWords);
        this.intermediate.recordReads(job.intermediateReadWords);
        this.chargeIdle(start, passStart, barrierCause, readyAt[i]);
        // The unit is busy for its issue cycles; if an operand stream is slower, the
        // unit waits for it before the next tile, and that wait is SRAM bandwidth.
        this.dpuFreeAt = start + dpuCycles;
        const streamEnd = end;
        const issueOrder = ++this.issued;
        // The stream-end event also issues the next tile when the unit frees at that cycle,
        // which saves a separate wake-up event per tile.
        if (this.dpuFreeAt === streamEnd) wakeAt = streamEnd;
        this.sim.at(streamEnd, () => {
          if (job.releasesStaging) slotsInUse--;
          // Only the latest tile can hold the unit idle; an earlier one has been overtaken.
          if (issueOrder === this.issued) this.chargeStreamTail(streamEnd);
          if (job.releasesStaging) pump();
          else issue();
        });
        // The last operands arrive a read latency after their port cycle, then cross the pipeline.
        const readLatency = Math.max(
          this.parts.weightBuffer.readLatencyCycles,
          this.parts.inputBuffer.readLatencyCycles,
          job.intermediateReadWords > 0 ? this.intermediate.readLatencyCycles : 0,
        );
        const resultAt = streamEnd + readLatency + this.parts.dpu.latencyCycles;
        this.sim.at(resultAt, () => onResult(i, resultAt));
      }
    };

    const pump = (): void => {
      while (nextFetch < jobs.length) {
        const i = nextFetch;
        const job = jobs[i];
        if (job.fetchBytes > 0) {
          if (slotsInUse >= this.stagingTiles) break;
          slotsInUse++;
          const arrival = this.dram.transfer(job.fetchBytes, 'read');
          this.sim.at(arrival, () => {
            const words = this.parts.weightBuffer.wordsFor(job.fetchBytes * 8);
            const write = acquireTogether(this.parts.weightBuffer.streamRequests(words), this.sim.now);
            this.parts.weightBuffer.recordWrites(words);
            const usable = write.end + this.parts.weightBuffer.writeLatencyCycles;
            this.sim.at(usable, () => {
              readyAt[i] = usable;
              issue();
            });
          });
        } else {
          readyAt[i] = this.sim.now;
        }
        nextFetch++;
      }
      issue();
    };

    pump();
  }

  /** Attribute the idle time before a tile that starts at `start`. */
  private chargeIdle(start: Cycle, passStart: Cycle, barrierCause: StallCause, ready: Cycle): void {
    const idleFrom = this.dpuFreeAt;
    if (start <= idleFrom) return;
    const barrierEnd = Math.min(Math.max(idleFrom, passStart), start);
    const fetchEnd = Math.min(Math.max(barrierEnd, ready), start);
    this.account.stalls.add(barrierCause, barrierEnd - idleFrom);
    this.account.stalls.add('weight_fetch', fetchEnd - barrierEnd);
    this.account.stalls.add('sram_bandwidth', start - fetchEnd);
    this.dpuFreeAt = start;
  }

  /** A tile whose operand streams outlast its issue cycles holds the unit: SRAM bandwidth. */
  private chargeStreamTail(streamEnd: Cycle): void {
    if (streamEnd > this.dpuFreeAt) {
      this.account.stalls.add('sram_bandwidth', streamEnd - this.dpuFreeAt);
      this.dpuFreeAt = streamEnd;
    }
  }

  /** Charge the idle time from the unit's last work to `endCycle` (end of the run) to `cause`. */
  finish(endCycle: Cycle, cause: StallCause): void {
    if (endCycle > this.dpuFreeAt) this.account.stalls.add(cause, endCycle - this.dpuFreeAt);
    this.dpuFreeAt = endCycle;
  }
}
