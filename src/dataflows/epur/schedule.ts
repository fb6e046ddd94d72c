/**
 * When the E-PUR-like dataflow runs what (mapping.ts says what runs where), as processes on the
 * engine (src/engine/process.ts): each function below is a sequence of steps that waits for a
 * cycle (`yield cycle`), for a join (`yield signal`) or for a sub-process (`yield*`).
 *
 * Schedules.
 *  - step_by_step: each timestep computes [W_x W_h] . [x_t; h_(t-1)] for every row.
 *  - mwl (E-PUR's Maximizing Weight Locality): first the input-side products W_x x_t of every
 *    timestep of a window, one pass over W_x, with partial sums parked in the intermediate
 *    memory; then timestep by timestep only W_h h_(t-1) plus the parked partial sum.
 * A tile's result goes through its unit's multifunction unit (activation); once every gate's
 * tile for the same hidden units is done, a cell update on one of the units' multifunction units
 * produces those hidden units' h_t, which is written where the next pass reads it.
 */
import type { Cycle, Simulator } from '../../engine/simulator.js';
import { Arrivals, spawn, type Process } from '../../engine/process.js';
import type { MainMemory, OnChipBuffer } from '../../components/interfaces.js';
import type { RunContext } from '../run-context.js';
import type { StepRecord } from '../dataflow-kind.js';
import { activeSamples, type Workload } from '../workload.js';
import { JobClasses, type ComputeUnit, type TilePass } from './compute-unit.js';
import { PassesInFlight } from './pass-fast-forward.js';
import type { PeriodDetector, SteadyState } from '../../engine/steady-state.js';
import type { ElementMix } from '../../components/multifunction-unit.js';
import type { EpurExtension, RecurrentStep, StepWork } from './extension.js';
import type { EpurMapper, LayerPlan, PassRepeat, SliceUse, TileSpec } from './mapping.js';

/** Per hidden unit, what a cell update does on a multifunction unit (biases included: 4 per unit, pre-summed). */
const CELL_UPDATE_OPS = {
  lstm: { multiply: 3, add: 1 + 4, tanh: 1 },
  gru: { multiply: 3, add: 3 + 4, tanh: 1 },
} as const;

/** A unit's multifunction-unit operation mixes, resolved once. */
interface UnitMixes {
  readonly sigmoid: ElementMix;
  readonly tanh: ElementMix;
  readonly cellUpdate: ElementMix;
}

/** How many steps after `t` (before `end`) have as many active samples as step t. */
function stepsWithSameSamples(lengths: readonly number[], t: number, end: number): number {
  // The active count changes right after a sequence's last step: at the shortest length beyond t.
  let next = end;
  for (const len of lengths) if (len > t && len < next) next = len;
  return next - 1 - t;
}

export class EpurSchedule {
  /** The run's own list of step records (a progress display counts it while the run goes on). */
  readonly steps: StepRecord[];
  private readonly sim: Simulator;
  private readonly mixes: readonly UnitMixes[];

  constructor(
    private readonly run: RunContext,
    private readonly mapper: EpurMapper,
    private readonly units: readonly ComputeUnit[],
    private readonly intermediate: OnChipBuffer,
    private readonly dram: MainMemory,
    private readonly extensions: readonly EpurExtension[],
    /** Steady-state fast-forward of repeating steps (undefined: simulate every step). */
    private readonly steady: SteadyState | undefined,
  ) {
    this.sim = run.sim;
    this.steps = run.steps;
    this.mixes = units.map(({ parts: { mfu } }) => ({
      sigmoid: mfu.elementMix({ sigmoid: 1 }),
      tanh: mfu.elementMix({ tanh: 1 }),
      cellUpdate: mfu.elementMix(CELL_UPDATE_OPS[mapper.workload.cell]),
    }));
  }

  private get workload(): Workload {
    return this.mapper.workload;
  }

  private get abits(): number {
    return this.mapper.storage.activationBits;
  }

  /** The whole workload: lockstep groups one after another, each layer and direction in turn. */
  *all(): Process {
    yield 0;
    const layers = this.workload.layers;
    for (let group = 0; group < this.workload.groups.length; group++) {
      const lengths = this.workload.groups[group];
      const steps = Math.max(...lengths);
      for (const layer of layers) {
        for (let direction = 0; direction < layer.directions; direction++) {
          const plan = this.mapper.planLayer(layer, direction, layer.index === layers.length - 1, steps);
          for (const e of this.extensions) e.beginLayerDirection?.();
          if (this.mapper.geometry.schedule === 'mwl') yield* this.layerMwl(group, lengths, plan);
          else yield* this.layerStepByStep(group, lengths, plan);
          this.mapper.finishLayer(plan);
        }
      }
    }
  }

  private stepOf(group: number, lengths: readonly number[], plan: LayerPlan, step: number): RecurrentStep {
    return { group, lengths, layer: plan.layer.index, direction: plan.direction, step, steps: Math.max(...lengths) };
  }

  /** Ask every extension what a step computes (they may wait first). */
  private *stepWork(step: RecurrentStep): Process<StepWork> {
    let work: StepWork = {};
    for (const e of this.extensions) if (e.beginStep) work = { ...work, ...(yield* e.beginStep(step)) };
    return work;
  }

  private record(group: number, plan: LayerPlan, timestep: number, startCycle: Cycle, repeat: PassRepeat): void {
    const macs = repeat.samples * (plan.gates * plan.layer.hiddenSize * repeat.activeColumns + plan.layer.projSize * plan.layer.hiddenSize);
    this.steps.push({ sequence: group, layer: plan.layer.index, direction: plan.direction, timestep, startCycle, endCycle: this.sim.now, macs });
  }

  /**
   * Steady-state fast-forward at the end of an iteration of a loop of steps (src/engine/steady-state.ts):
   * when the machine is in a state it was in a whole number of iterations ago and the next
   * `following` iterations do the same work (`key`), skip whole periods of them. Each skipped
   * iteration's `stepsPerIteration` step records are copies of those a period earlier, shifted
   * by the period. Returns the iterations skipped.
   */
  private skipRepeatedSteps(detector: PeriodDetector | undefined, key: string, following: number, stepsPerIteration: number): number {
    if (!detector) return 0;
    if (this.sim.pending > 0) {
      detector.reset();
      return 0;
    }
    const skip = detector.boundary(this.sim.now, key, following);
    const records = skip.period * stepsPerIteration;
    for (let j = 0; j < skip.iterations * stepsPerIteration; j++) {
      const earlier = this.steps[this.steps.length - records];
      this.steps.push({ ...earlier, timestep: earlier.timestep + records, startCycle: earlier.startCycle + skip.periodCycles, endCycle: earlier.endCycle + skip.periodCycles });
    }
    return skip.iterations;
  }

  /** step_by_step: x_t and h_(t-1) together, timestep by timestep. */
  private *layerStepByStep(group: number, lengths: readonly number[], plan: LayerPlan): Process {
    this.run.phases.begin({ group, layer: plan.layer.index, direction: plan.direction, phase: 'recurrent' });
    const steps = Math.max(...lengths);
    const I = plan.layer.inputSize;
    const detector = this.steady?.loop();
    for (let t = 0; t < steps; t++) {
      const step = this.stepOf(group, lengths, plan, t);
      const work = yield* this.stepWork(step);
      const samples = activeSamples(lengths, t);
      const startCycle = this.sim.now;
      yield* this.loadInputs(plan, [samples]);
      yield* this.broadcastInput(plan, samples);
      const repeat = { samples, activeColumns: (work.inputColumns ?? I) + (work.recurrentColumns ?? plan.recurrent) };
      yield* this.recurrentStep(plan, step, repeat, { part: 'xh', columns: I + plan.recurrent, readsParkedPartialSums: false, bits: work.bits });
      this.record(group, plan, t, startCycle, repeat);
      t += this.skipRepeatedSteps(detector, String(samples), stepsWithSameSamples(lengths, t, steps), 1);
    }
    detector?.close();
  }

  /** MWL: windows of timesteps; per window one input-side pass over W_x, then the recurrent steps over W_h. */
  private *layerMwl(group: number, lengths: readonly number[], plan: LayerPlan): Process {
    const steps = Math.max(...lengths);
    const window = this.mapper.mwlWindow(plan);
    const label = { group, layer: plan.layer.index, direction: plan.direction };
    // Whole windows repeat too (long sequences; a period needs three windows to be seen and
    // skip one): the phase log takes part, as windows begin phases.
    const windows = steps > 2 * window ? this.steady?.loop({ parts: [this.run.phases.repeatable()], maxPeriod: 4 }) : undefined;
    const windowSamples = (first: number): number[] => Array.from({ length: Math.min(window, steps - first) }, (_, i) => activeSamples(lengths, first + i));
    for (let first = 0; first < steps; first += window) {
      const samples = windowSamples(first);
      const count = samples.length;
      this.run.phases.begin({ ...label, phase: 'input_side' });
      yield* this.loadInputs(plan, samples);
      const windowSteps = samples.map((_, i) => this.stepOf(group, lengths, plan, first + i));
      yield* this.inputSidePass(plan, samples, yield* this.inputSideWork(windowSteps));
      this.run.phases.begin({ ...label, phase: 'recurrent' });
      const detector = this.steady?.loop();
      for (let t = first; t < first + count; t++) {
        const step = this.stepOf(group, lengths, plan, t);
        const work = yield* this.stepWork(step);
        const startCycle = this.sim.now;
        const repeat = { samples: samples[t - first], activeColumns: work.recurrentColumns ?? plan.recurrent };
        yield* this.recurrentStep(plan, step, repeat, { part: 'h', columns: plan.recurrent, readsParkedPartialSums: true, bits: work.bits });
        this.record(group, plan, t, startCycle, repeat);
        t += this.skipRepeatedSteps(detector, String(repeat.samples), stepsWithSameSamples(lengths, t, first + count), 1);
      }
      detector?.close();
      // Windows after this one doing the same work (the same active samples at every step).
      const key = samples.join(',');
      let following = 0;
      while (first + (following + 1) * window < steps && windowSamples(first + (following + 1) * window).join(',') === key) following++;
      first += window * this.skipRepeatedSteps(windows, key, following, count);
    }
    windows?.close();
  }

  /** Ask every extension what each step of an input-side window computes (they may wait first). */
  private *inputSideWork(steps: readonly RecurrentStep[]): Process<StepWork[]> {
    let work: StepWork[] = steps.map(() => ({}));
    for (const e of this.extensions) {
      if (!e.beginInputSide) continue;
      const more = yield* e.beginInputSide(steps);
      if (more.length !== steps.length) throw new Error(`internal: an extension described ${more.length} input-side steps of a window of ${steps.length}`);
      work = work.map((w, i) => ({ ...w, ...more[i] }));
    }
    return work;
  }

  /** Bring the layer input of some timesteps (active samples of each given) into the intermediate memory. */
  private *loadInputs(plan: LayerPlan, samplesPerStep: readonly number[]): Process {
    if (!plan.inputFromDram) return;
    const bits = samplesPerStep.reduce((a, b) => a + b, 0) * plan.layer.inputSize * this.abits;
    yield this.dram.transfer(Math.ceil(bits / 8), 'read');
    yield this.intermediateWritten(bits);
  }

  /** Write `bits` into the intermediate memory from now; returns the cycle they are readable. */
  private intermediateWritten(bits: number): Cycle {
    return this.streamInto(this.intermediate, this.intermediate.wordsFor(bits)) + this.intermediate.writeLatencyCycles;
  }

  /** Write a stream of `words` words into `buffer` from now (as soon as its banks are free); returns when the last bank is done. */
  private streamInto(buffer: OnChipBuffer, words: number): Cycle {
    const end = buffer.reserveStream(words, buffer.streamFreeAt(words, this.sim.now));
    buffer.recordWrites(words);
    return end;
  }

  /**
   * step_by_step: copy x_t from the intermediate memory into every mapped unit's input buffer,
   * unless the [x; h] vector is too large for the buffer (then each pass loads it in chunks).
   */
  private *broadcastInput(plan: LayerPlan, samples: number): Process {
    const K = plan.layer.inputSize + plan.recurrent;
    if (!this.mapper.fitsInputBuffer(K)) return;
    const w = this.intermediate.wordsFor(samples * plan.layer.inputSize * this.abits);
    const readEnd = this.intermediate.reserveStream(w, this.intermediate.streamFreeAt(w, this.sim.now));
    this.intermediate.recordReads(w);
    yield readEnd + this.intermediate.readLatencyCycles;
    yield this.vectorWritten(samples * plan.layer.inputSize, K);
  }

  /**
   * Write `elements` new vector elements where their consumer, a pass of dot products of length
   * `consumerLength`, reads them: into every mapped unit's input buffer when that vector fits
   * there, otherwise into the intermediate memory, from which the pass loads it chunk by chunk.
   * The writes start now; returns the cycle the vector is readable.
   */
  private vectorWritten(elements: number, consumerLength: number): Cycle {
    if (!this.mapper.fitsInputBuffer(consumerLength)) return this.intermediateWritten(elements * this.abits);
    let end = this.sim.now;
    for (let u = 0; u < this.mapper.mapped; u++) {
      const ib = this.units[u].parts.inputBuffer;
      end = Math.max(end, this.streamInto(ib, ib.wordsFor(elements * this.abits)) + ib.writeLatencyCycles);
    }
    return end;
  }

  /** Park `sums` partial sums in the intermediate memory from now; returns the cycle they are parked. */
  private partialSumsParked(sums: number): Cycle {
    return this.intermediateWritten(sums * this.mapper.geometry.partialSumBits);
  }

  /** Run one pass over each slice on its unit from now; `onTile` receives every tile's last-chunk result. */
  private startPasses(slices: readonly SliceUse[], repeats: readonly PassRepeat[], options: { bits: number | undefined; readsParkedPartialSums: boolean; reloadsInputEachJob: boolean }, barrier: 'input_load' | 'recurrent_dependency', onTile: (slice: number, job: TileSpec) => void): TilePass[] {
    const streamed = this.mapper.planResidency(slices);
    const passStart = this.sim.now;
    return slices.map((slice, i) => {
      const jobs = this.mapper.passTiles(slice, streamed.has(slice.id), repeats, options);
      return this.units[slice.unit].runPass(jobs, passStart, barrier, (j) => {
        const job = jobs[j];
        if (job.lastChunk) onTile(i, job);
        // Nothing waits for a chunk's parked partial sums; the run lasts until they are written.
        else this.sim.holdUntil(this.partialSumsParked(job.rows * job.samples));
      });
    });
  }

  /**
   * Steady-state fast-forward inside passes of many alike jobs (pass-fast-forward.ts), on two
   * scales: within a run of jobs of one class (observed after every event in which the first
   * pass issued a job; the iterations are its jobs) and over tiles (observed when that pass
   * issues a job that fetches weights, the start of a tile; the iterations are its tiles). A run whose state keeps changing is given up
   * after a while (looking costs time). The input side's results do not depend on the tile they
   * come from (only on its rows and samples), so tiles alike but for their index are one class.
   * Returns the loops to close.
   */
  private observePasses(passes: readonly TilePass[], join: Arrivals): PeriodDetector[] {
    if (!this.steady || passes.length === 0) return [];
    const classes = passes.map((p) => JobClasses.of(p.jobs, { ignoreTileIndex: true }));
    // Over tiles, a period may take a few tiles for DRAM transfers to round alike.
    const tiles = this.steady.loop({ parts: [new PassesInFlight(this.sim, passes, classes, join, 'tiles')], maxPeriod: 16 });
    const runs = this.steady.loop({ parts: [new PassesInFlight(this.sim, passes, classes, join, 'run')], maxPeriod: 16 });
    const observed = passes[0];
    const observedClasses = classes[0];
    let run = -1;
    let looks = 0;
    observed.onIssued = (): void => {
      const issued = observed.issuedJobs - 1;
      const end = observedClasses.runEnd(issued);
      if (end !== run) {
        run = end;
        looks = 0;
        // Tiles are looked at where they start (their weight fetch).
        if (observed.jobs[issued].fetchBytes > 0) {
          tiles.boundary(this.sim.now, 'tiles', observed.jobs.length);
          // The tile loop may have moved the pass on.
          if (observed.issuedJobs - 1 !== issued) return;
        }
      }
      // A run with little after this job has little to skip; a run whose state keeps changing is given up.
      if (end - issued < 4 || ++looks > 48) return;
      if (runs.boundary(this.sim.now, String(end), end - issued).iterations > 0) looks = 0;
    };
    return [runs, tiles];
  }

  /** MWL phase A: W_x . x_t for the window's timesteps, each weight tile fetched once for all of them. */
  private *inputSidePass(plan: LayerPlan, samples: readonly number[], work: readonly StepWork[]): Process {
    const I = plan.layer.inputSize;
    const slices = this.mapper.gateSlices(plan, 'x', I);
    const tiles = slices.reduce((n, s) => n + Math.ceil(s.rows / this.mapper.geometry.tileRows), 0);
    const parked = new Arrivals(this.sim, tiles * samples.length);
    const repeats = samples.map((n, i) => ({ samples: n, activeColumns: work[i].inputColumns ?? I }));
    // The input side runs at one precision for the whole window (a technique may fix it below the full width).
    const bits = this.extensions.find((e) => e.inputSideBits !== undefined)?.inputSideBits;
    // Every (tile, timestep) job loads x_t from the intermediate memory into the input buffer.
    const passes = this.startPasses(slices, repeats, { bits, readsParkedPartialSums: false, reloadsInputEachJob: true }, 'input_load', (_slice, job) => {
      parked.arriveAt(this.partialSumsParked(job.rows * job.samples));
    });
    const detectors = this.observePasses(passes, parked);
    yield parked;
    for (const d of detectors) d.close();
  }

  /**
   * One timestep's recurrent work: dot products over `columns` columns (x and h, or h alone
   * plus the parked partial sums under MWL), activations, cell updates, the projection if any,
   * and the layer output.
   */
  private *recurrentStep(plan: LayerPlan, step: RecurrentStep, repeat: PassRepeat, pass: { part: 'xh' | 'h'; columns: number; readsParkedPartialSums: boolean; bits: number | undefined }): Process {
    const slices = this.mapper.gateSlices(plan, pass.part, pass.columns);
    const tileRows = this.mapper.geometry.tileRows;
    const tilesPerSlice = plan.sliceRows.map((r) => Math.ceil(r / tileRows));
    const gatesDone = plan.sliceRows.map((_, s) => new Array<number>(tilesPerSlice[s]).fill(0));
    const cellUpdates = new Arrivals(this.sim, tilesPerSlice.reduce((a, b) => a + b, 0));
    this.startPasses(slices, [repeat], { bits: pass.bits, readsParkedPartialSums: pass.readsParkedPartialSums, reloadsInputEachJob: false }, 'recurrent_dependency', (i, job) => {
      const gate = Math.floor(i / plan.slices);
      const slice = i % plan.slices;
      spawn(this.sim, this.tileCompletion(plan, gate, slice, job, gatesDone, cellUpdates));
    });
    yield cellUpdates;
    for (const e of this.extensions) e.endCellUpdates?.(step);
    yield* this.afterCellUpdates(plan, repeat.samples, pass.bits);
  }

  /**
   * A tile's dot products are done: its activation, and when every gate's tile of the same
   * hidden units is through, their cell update and the new h_t written for the next pass
   * (which arrives at `cellUpdates` once written).
   */
  private *tileCompletion(plan: LayerPlan, gate: number, slice: number, job: TileSpec, gatesDone: number[][], cellUpdates: Arrivals): Process {
    const elements = job.rows * job.samples;
    const u = this.mapper.unitOf(plan, gate, slice);
    const isLstm = this.workload.cell === 'lstm';
    // LSTM: i, f, o through a sigmoid, g through a tanh; GRU: r, z sigmoid, n's tanh is in the cell update.
    const activation = isLstm ? (gate === 2 ? 'tanh' : 'sigmoid') : gate === 2 ? undefined : 'sigmoid';
    if (activation !== undefined) yield this.units[u].parts.mfu.process(elements, this.mixes[u][activation]);
    if (++gatesDone[slice][job.tile] < plan.gates) return;
    // Every gate of these hidden units is done: the cell update, on one unit's MFU.
    const cellUnit = this.mapper.unitOf(plan, job.tile % plan.gates, slice);
    yield this.units[cellUnit].parts.mfu.process(elements, this.mixes[cellUnit].cellUpdate);
    for (const e of this.extensions) e.observeCellUpdate?.(elements);
    // h_t feeds the next step's dot products; m_t (LSTMP) feeds the projection.
    const consumerLength = plan.layer.projSize > 0 ? plan.layer.hiddenSize : this.mapper.nextStepLength(plan);
    cellUpdates.arriveAt(this.vectorWritten(elements, consumerLength));
  }

  /** After the cell updates: the projection (LSTMP) if any, then the layer output. */
  private *afterCellUpdates(plan: LayerPlan, samples: number, bits: number | undefined): Process {
    if (plan.layer.projSize > 0) {
      const slices = this.mapper.projectionSlices(plan);
      const tiles = slices.reduce((n, s) => n + Math.ceil(s.rows / this.mapper.geometry.tileRows), 0);
      const projected = new Arrivals(this.sim, tiles);
      const repeat = { samples, activeColumns: plan.layer.hiddenSize };
      this.startPasses(slices, [repeat], { bits, readsParkedPartialSums: false, reloadsInputEachJob: false }, 'recurrent_dependency', (_slice, job) => {
        projected.arriveAt(this.vectorWritten(job.rows * job.samples, this.mapper.nextStepLength(plan)));
      });
      yield projected;
    }
    const bits_ = samples * plan.recurrent * this.abits;
    if (plan.outputToDram) {
      // Written back in the background; nothing waits for it, but the run lasts until it is in DRAM.
      this.sim.holdUntil(this.dram.transfer(Math.ceil(bits_ / 8), 'write'));
      return;
    }
    yield this.streamInto(this.intermediate, this.intermediate.wordsFor(bits_));
  }

  /** Charge every unit's idle tail up to the end of the run. */
  finish(endCycle: Cycle): void {
    this.units.forEach((u, i) => u.finish(endCycle, i < this.mapper.mapped ? 'pipeline_drain' : 'unmapped'));
  }
}
