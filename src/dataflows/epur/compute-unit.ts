/**
 * One E-PUR compute unit running a pass of tile jobs: weight tiles are fetched from DRAM
 * (up to `stagingTiles` ahead of the dot-product unit) or read from the resident weight
 * buffer; each tile's dot products stream their weights from the weight buffer, their inputs
 * from the input buffer and any partial sums from the intermediate memory, all reserved
 * together so that the slowest of them sets the pace. Every idle cycle of the dot-product
 * unit is attributed to one stall cause.
 */
import type { Cycle, EventHandler, Simulator } from '../../engine/simulator.js';
import type { Repeatable, RepeatRequest, StateKey } from '../../engine/steady-state.js';
import type { DotProductUnit } from '../../components/dot-product-unit.js';
import type { MultifunctionUnit } from '../../components/multifunction-unit.js';
import type { MainMemory, OnChipBuffer } from '../../components/interfaces.js';
import type { StallCause } from '../stall-accounting.js';
import type { ComputeUnitAccount } from '../run-context.js';
import { sameWork, type TileSpec } from './mapping.js';

export interface ComputeUnitParts {
  readonly dpu: DotProductUnit;
  readonly mfu: MultifunctionUnit;
  readonly weightBuffer: OnChipBuffer;
  readonly inputBuffer: OnChipBuffer;
}

/** Receives each tile's result: the job's index in its pass and the cycle its last dot product leaves the pipeline. */
export type TileResultHandler = (job: number, cycle: Cycle) => void;

export class ComputeUnit implements Repeatable {
  /** Cycle at which the dot-product unit finishes its last reserved issue. */
  dpuFreeAt: Cycle = 0;
  /** Tiles issued so far (to tell the latest tile's stream end from earlier ones). */
  issued = 0;

  constructor(
    readonly index: number,
    readonly parts: ComputeUnitParts,
    readonly account: ComputeUnitAccount,
    readonly sim: Simulator,
    readonly dram: MainMemory,
    readonly intermediate: OnChipBuffer,
    readonly stagingTiles: number,
  ) {}

  /**
   * Run `jobs` in order from `passStart` (the current cycle). The gap between the unit's
   * previous work and passStart is charged to `barrierCause`; `onResult` gets each tile's result.
   */
  runPass(jobs: readonly TileSpec[], passStart: Cycle, barrierCause: StallCause, onResult: TileResultHandler): TilePass {
    const pass = new TilePass(this, jobs, passStart, barrierCause, onResult);
    pass.pump();
    return pass;
  }

  /** Attribute the idle time before a tile that starts at `start`. */
  chargeIdle(start: Cycle, passStart: Cycle, barrierCause: StallCause, ready: Cycle): void {
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
  chargeStreamTail(streamEnd: Cycle): void {
    if (streamEnd > this.dpuFreeAt) {
      this.account.stalls.add('sram_bandwidth', streamEnd - this.dpuFreeAt);
      this.dpuFreeAt = streamEnd;
    }
  }

  // Steady-state fast-forward (src/engine/steady-state.ts). Idle time is charged from
  // dpuFreeAt, so its distance to now is state (not clamped like a resource's free time) for a
  // unit that has worked; a unit that never has (not mapped) stays idle from cycle 0 whatever
  // happens, and is charged for all of it at the end.
  appendState(now: Cycle, out: StateKey): void {
    out.push(this.issued > 0 ? this.dpuFreeAt - now : -1);
  }

  appendCounters(out: number[]): void {
    this.account.stalls.appendCounters(out);
  }

  repeat(r: RepeatRequest, offset: number): number {
    if (this.issued > 0) this.dpuFreeAt += r.times * r.cycles;
    return this.account.stalls.repeat(r.times, r.delta, offset);
  }

  /** Charge the idle time from the unit's last work to `endCycle` (end of the run) to `cause`. */
  finish(endCycle: Cycle, cause: StallCause): void {
    if (endCycle > this.dpuFreeAt) this.account.stalls.add(cause, endCycle - this.dpuFreeAt);
    this.dpuFreeAt = endCycle;
  }
}

/**
 * One pass of tile jobs on a compute unit: weight fetches run up to `stagingTiles` ahead of the
 * dot-product unit, and a tile issues once its weights are on chip and the unit is about to be
 * free. Events carry the job index (Simulator.call), so a pass allocates nothing per tile.
 */
export class TilePass {
  /** Cycle each job's weights are usable (-1: not yet). */
  private readonly readyAt: Float64Array;
  /** The unit's issue count when each job issued (its stream end charges the tail only if still the latest). */
  private readonly issueOrder: Float64Array;
  private nextFetch = 0;
  private nextIssue = 0;
  private slotsInUse = 0;
  /** Cycle of the wake-up already scheduled to issue the next tile (-1: none). */
  private wakeAt = -1;
  /** Called after every event in which this pass issued a tile (steady-state observation, pass-fast-forward.ts). */
  onIssued: (() => void) | undefined;
  /** When the fetching last passed a job needing no fetch (made it ready). */
  private passedWithoutFetchAt = -1;

  constructor(
    readonly unit: ComputeUnit,
    readonly jobs: readonly TileSpec[],
    private readonly passStart: Cycle,
    private readonly barrierCause: StallCause,
    private readonly onResult: TileResultHandler,
  ) {
    this.readyAt = new Float64Array(jobs.length).fill(-1);
    this.issueOrder = new Float64Array(jobs.length);
  }

  /** Issue every tile that is ready while the unit is free. */
  private readonly issue = (): void => {
    const u = this.unit;
    const sim = u.sim;
    const { dpu, weightBuffer, inputBuffer } = u.parts;
    const im = u.intermediate;
    const jobs = this.jobs;
    while (this.nextIssue < jobs.length && this.readyAt[this.nextIssue] >= 0 && this.readyAt[this.nextIssue] <= sim.now) {
      const now = sim.now;
      // Reserve a tile only when the unit is about to be free: reservations far in the future
      // would hold buffer ports that other traffic (hidden-state writes) needs now.
      const free = dpu.unit.earliestFree();
      if (free > now) {
        if (this.wakeAt !== free) {
          this.wakeAt = free;
          sim.at(free, this.issue);
        }
        return;
      }
      const i = this.nextIssue++;
      const job = jobs[i];
      const dpuCycles = dpu.issueCycles(job.dotProducts, job.length, job.bits);
      // The dot-product unit and its operand streams (weights, inputs, any partial sums and
      // input chunk from the intermediate memory) start together once all are free.
      const inputWords = job.inputWords + job.inputLoadWords;
      let start = weightBuffer.streamFreeAt(job.weightWords, now);
      start = inputBuffer.streamFreeAt(inputWords, start);
      if (job.intermediateReadWords > 0) start = im.streamFreeAt(job.intermediateReadWords, start);
      if (dpu.unit.reserve(dpuCycles, start) !== start) throw new Error(`internal: ${dpu.name} was not free at ${start}`);
      let end = start + dpuCycles;
      end = Math.max(end, weightBuffer.reserveStream(job.weightWords, start));
      end = Math.max(end, inputBuffer.reserveStream(inputWords, start));
      if (job.intermediateReadWords > 0) end = Math.max(end, im.reserveStream(job.intermediateReadWords, start));
      dpu.recordDotProducts(job.dotProducts, job.length, job.bits);
      weightBuffer.recordReads(job.weightWords);
      inputBuffer.recordReads(job.inputWords);
      inputBuffer.recordWrites(job.inputLoadWords);
      im.recordReads(job.intermediateReadWords);
      u.chargeIdle(start, this.passStart, this.barrierCause, this.readyAt[i]);
      // The unit is busy for its issue cycles; if an operand stream is slower, the
      // unit waits for it before the next tile, and that wait is SRAM bandwidth.
      u.dpuFreeAt = start + dpuCycles;
      this.issueOrder[i] = ++u.issued;
      // The stream-end event also issues the next tile when the unit frees at that cycle,
      // which saves a separate wake-up event per tile.
      if (u.dpuFreeAt === end) this.wakeAt = end;
      sim.call(end, this.streamEnd, i);
      // The last operands arrive a read latency after their port cycle, then cross the pipeline.
      const readLatency = Math.max(weightBuffer.readLatencyCycles, inputBuffer.readLatencyCycles, job.intermediateReadWords > 0 ? im.readLatencyCycles : 0);
      sim.call(end + readLatency + dpu.latencyCycles, this.result, i);
      if (this.onIssued) sim.afterEvent(this.onIssued);
    }
  };

  /** Job i's operand streams end (now). */
  private readonly streamEnd = (i: number): void => {
    const u = this.unit;
    const releases = this.jobs[i].releasesStaging;
    if (releases) this.slotsInUse--;
    // Only the latest tile can hold the unit idle; an earlier one has been overtaken.
    if (this.issueOrder[i] === u.issued) u.chargeStreamTail(u.sim.now);
    if (releases) this.pump();
    else this.issue();
  };

  /** Job i's result leaves the pipeline (now). */
  private readonly result = (i: number): void => {
    this.onResult(i, this.unit.sim.now);
  };

  /** Start the weight fetches the staging slots allow, in job order, then issue. */
  readonly pump = (): void => {
    const u = this.unit;
    const jobs = this.jobs;
    while (this.nextFetch < jobs.length) {
      const i = this.nextFetch;
      const job = jobs[i];
      if (job.fetchBytes > 0) {
        if (this.slotsInUse >= u.stagingTiles) break;
        this.slotsInUse++;
        u.sim.call(u.dram.transfer(job.fetchBytes, 'read'), this.fetchArrived, i);
      } else {
        this.readyAt[i] = u.sim.now;
        this.passedWithoutFetchAt = u.sim.now;
      }
      this.nextFetch++;
    }
    this.issue();
  };

  /** Job i's weight tile has arrived from DRAM (now): write it into the weight buffer. */
  private readonly fetchArrived = (i: number): void => {
    const u = this.unit;
    const wb = u.parts.weightBuffer;
    const words = wb.wordsFor(this.jobs[i].fetchBytes * 8);
    const start = wb.streamFreeAt(words, u.sim.now);
    const usable = wb.reserveStream(words, start) + wb.writeLatencyCycles;
    wb.recordWrites(words);
    u.sim.call(usable, this.weightsUsable, i);
  };

  /** Job i's weights are readable (now). */
  private readonly weightsUsable = (i: number): void => {
    this.readyAt[i] = this.unit.sim.now;
    this.issue();
  };

  // Steady-state fast-forward within a pass (pass-fast-forward.ts), at two scales:
  //  - within a run of identical jobs (the repeats of one tile): what decides the pass's future
  //    is its staging slots, a wake-up ahead, the readiness of its next job and its work in
  //    flight; the weight fetches are not moving (every job of the run is staged and ready);
  //  - over whole tiles (a run of tiles alike but for their index): the fetches ahead move too,
  //    so where the fetching has got to and which jobs ahead are not ready yet are state.
  // How far the pass has issued (and fetched) is a counter.

  /** Which of this pass's handlers `handler` is (undefined: not this pass's). */
  eventKind(handler: EventHandler): PassEventKind | undefined {
    const h = handler as unknown;
    if (h === this.streamEnd) return 'stream_end';
    if (h === this.result) return 'result';
    if (h === this.issue) return 'wake';
    if (h === this.fetchArrived) return 'fetch_arrived';
    if (h === this.weightsUsable) return 'weights_usable';
    return undefined;
  }

  /** A job's readiness as state: -1 ready since before the unit last finished (it holds nothing back), -2 not yet, else relative to now. */
  private readiness(job: number, now: Cycle): number {
    const r = this.readyAt[job];
    return r < 0 ? -2 : r <= this.unit.dpuFreeAt ? -1 : r - now;
  }

  appendState(now: Cycle, out: StateKey, scale: PassScale): void {
    const next = this.nextIssue;
    out.push(this.slotsInUse, this.wakeAt > now ? this.wakeAt - now : -1);
    if (scale === 'run') {
      out.push(next >= this.jobs.length ? -3 : this.readiness(next, now), this.nextFetch > next ? 1 : 0);
      return;
    }
    // Where fetching stands: done, or waiting at a job this far ahead; and the jobs between
    // that are not ready since before the unit last finished. Jobs with no fetch are ready
    // from when the fetching passed them, which is usually before the unit last finished:
    // then only the jobs with a fetch need a look.
    out.push(this.nextFetch >= this.jobs.length ? 'all fetched' : this.nextFetch - next);
    let notReady = '';
    const fetchJobs = fetchingJobs(this.jobs);
    const candidates = this.passedWithoutFetchAt <= this.unit.dpuFreeAt ? fetchJobs.slice(lowerBound(fetchJobs, next), lowerBound(fetchJobs, this.nextFetch)) : undefined;
    if (candidates) {
      for (const j of candidates) {
        const r = this.readiness(j, now);
        if (r !== -1) notReady += `${j - next}:${r};`;
      }
    } else {
      for (let j = next; j < this.nextFetch; j++) {
        const r = this.readiness(j, now);
        if (r !== -1) notReady += `${j - next}:${r};`;
      }
    }
    out.push(notReady);
  }

  /** A pending event's job, relative to the next to issue, and for a stream end its issue order relative to the latest. */
  describeJob(kind: PassEventKind, job: number, out: StateKey): void {
    out.push(job - this.nextIssue, kind === 'stream_end' ? this.issueOrder[job] - this.unit.issued : 0);
  }

  /** Jobs issued so far. */
  get issuedJobs(): number {
    return this.nextIssue;
  }

  /** Jobs whose weights are fetched (or on chip) so far. */
  get fetchedJobs(): number {
    return this.nextFetch;
  }

  /**
   * How many further periods run exactly like the last one (at most `times`), in which this
   * pass issued `issued` jobs and fetched `fetched`; `inFlightFrom` is the earliest job a
   * pending event refers to now. Every job the repetitions touch (from those in flight when the
   * last period began to the next one to issue, or to fetch, after them) must be of the class of
   * the job a period earlier. Within a run nothing is fetched: every job the repetitions issue,
   * and the next, must be staged and ready since before the unit last finished. Over tiles the
   * fetching moves with the jobs (or is done, every job ahead ready).
   */
  repeatableFor(times: number, issued: number, fetched: number, inFlightFrom: number, classes: JobClasses, scale: PassScale): number {
    if (issued === 0 && fetched === 0) return times;
    if (issued <= 0) return 0;
    const lo = Math.min(inFlightFrom, this.nextIssue) - issued;
    if (lo < 0) return 0;
    const allFetched = this.nextFetch >= this.jobs.length;
    if (scale === 'run' ? fetched !== 0 : !(fetched === issued || (allFetched && fetched === 0))) return 0;
    // The repetitions reach job `next + n x issued` (and the fetching `nextFetch + n x issued`).
    const reach = scale === 'run' || allFetched ? this.nextIssue : this.nextFetch;
    const periodicUpTo = classes.periodicFrom(lo, issued);
    let n = Math.min(times, Math.floor((periodicUpTo - reach) / issued));
    if (scale === 'run') n = Math.min(n, Math.floor((this.nextFetch - 1 - this.nextIssue) / issued));
    if (n <= 0) return 0;
    if (scale === 'run' || allFetched) {
      // Jobs ready since before the unit last finished stay so (it only finishes later): check each once.
      const upTo = this.nextIssue + n * issued;
      let j = Math.max(this.readySince, this.nextIssue);
      while (j <= upTo && this.readyAt[j] >= 0 && this.readyAt[j] <= this.unit.dpuFreeAt) j++;
      this.readySince = j;
      if (j <= upTo) n = Math.floor((j - 1 - this.nextIssue) / issued);
    }
    return Math.max(0, n);
  }

  /** Every job from nextIssue up to (not including) this one is ready since before the unit last finished. */
  private readySince = 0;

  /** Repeat `times` periods, `cycles` long, of `issued` jobs issued and `fetched` fetched: the pass and its unit move on. */
  repeat(times: number, issued: number, fetched: number, cycles: Cycle, now: Cycle): void {
    const jobs = times * issued;
    if (fetched > 0) {
      // The fetching moves with the jobs: the readiness of the jobs between moves along, later.
      const shift = times * fetched;
      for (let j = this.nextFetch - 1; j >= this.nextIssue; j--) this.readyAt[j + shift] = this.readyAt[j] < 0 ? -1 : this.readyAt[j] + times * cycles;
      this.nextFetch += shift;
      if (this.passedWithoutFetchAt >= 0) this.passedWithoutFetchAt += times * cycles;
    }
    this.nextIssue += jobs;
    this.unit.issued += jobs;
    if (this.wakeAt > now) this.wakeAt += times * cycles;
  }

  /** A pending event's job after repeating `jobs` more jobs (its issue order moves with it). */
  movedJob(kind: PassEventKind, job: number, jobs: number): number {
    if (kind === 'stream_end') this.issueOrder[job + jobs] = this.issueOrder[job] + jobs;
    return job + jobs;
  }
}

/** The scale fast-forward looks at a pass on (see TilePass). */
export type PassScale = 'run' | 'tiles';

export type PassEventKind = 'stream_end' | 'result' | 'wake' | 'fetch_arrived' | 'weights_usable';

/**
 * Jobs by class, for steady-state fast-forward: two jobs are of one class when they do the
 * same work (TileSpec fields equal; the tile index too, unless told it does not matter).
 */
export class JobClasses {
  /** For each period asked about: the first job, from each job on, that differs in class from the job a period before it. */
  private readonly breaks = new Map<number, Int32Array>();

  private constructor(
    readonly jobs: readonly TileSpec[],
    readonly ignoreTileIndex: boolean,
  ) {}

  private static readonly cache = new WeakMap<readonly TileSpec[], JobClasses>();

  /** The classes of a pass's jobs (once per jobs array; jobs arrays are reused across identical passes). */
  static of(jobs: readonly TileSpec[], options: { readonly ignoreTileIndex: boolean }): JobClasses {
    let c = JobClasses.cache.get(jobs);
    if (!c || c.ignoreTileIndex !== options.ignoreTileIndex) {
      c = new JobClasses(jobs, options.ignoreTileIndex);
      JobClasses.cache.set(jobs, c);
    }
    return c;
  }

  private sameClass(a: TileSpec, b: TileSpec): boolean {
    return a === b || (sameWork(a, b) && (this.ignoreTileIndex || a.tile === b.tile));
  }

  private breaksFor(period: number): Int32Array {
    let next = this.breaks.get(period);
    if (!next) {
      const n = this.jobs.length;
      next = new Int32Array(n + 1);
      next[n] = n;
      for (let j = n - 1; j >= 0; j--) next[j] = j >= period && this.sameClass(this.jobs[j], this.jobs[j - period]) ? next[j + 1] : j;
      this.breaks.set(period, next);
    }
    return next;
  }

  /** The last job k such that every job from `from + period` to k is of the class of the job `period` before it. */
  periodicFrom(from: number, period: number): number {
    return this.breaksFor(period)[Math.min(from + period, this.jobs.length)] - 1;
  }

  /** The last job of the run of jobs of one class that job `j` is in. */
  runEnd(j: number): number {
    return this.periodicFrom(j, 1);
  }
}

const fetchingCache = new WeakMap<readonly TileSpec[], readonly number[]>();

/** The jobs of a pass that fetch weights, in order. */
function fetchingJobs(jobs: readonly TileSpec[]): readonly number[] {
  let list = fetchingCache.get(jobs);
  if (!list) {
    const found: number[] = [];
    jobs.forEach((j, i) => {
      if (j.fetchBytes > 0) found.push(i);
    });
    fetchingCache.set(jobs, (list = found));
  }
  return list;
}

/** The first position in sorted `xs` whose value is at least `x`. */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
