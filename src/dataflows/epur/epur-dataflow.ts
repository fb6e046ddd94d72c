/**
 * The E-PUR-like dataflow: compute units (one per gate, or several per gate when there are
 * more units than gates), each a dot-product unit, a multifunction unit, a weight buffer and an
 * input buffer, sharing an intermediate memory and DRAM.
 *
 * Mapping. Gate g's H rows are split into k = floor(units / gates) slices; unit g*k+s owns
 * slice s of gate g. A projection's P rows are split over all mapped units. Each slice runs in
 * tiles of `tile_rows` rows; a tile's result goes through the unit's multifunction unit
 * (activation), and once every gate's tile for the same hidden units is done, a cell update on
 * one of the units' multifunction units produces those hidden units' h_t.
 *
 * Schedules.
 *  - step_by_step: each timestep computes [W_x W_h] . [x_t; h_(t-1)] for every row.
 *  - mwl (E-PUR's Maximizing Weight Locality): first the input-side products W_x x_t of every
 *    timestep of a window, one pass over W_x, with partial sums parked in the intermediate
 *    memory; then timestep by timestep only W_h h_(t-1) plus the parked partial sum.
 * A weight slice that fits in the weight buffer (next to any staging space the phase needs)
 * is fetched once and stays; one that does not is streamed from DRAM at every use.
 */
import type { Cycle, Simulator } from '../../engine/simulator.js';
import type { Dram } from '../../components/dram.js';
import type { SramBuffer } from '../../components/sram-buffer.js';
import { acquireTogether } from '../../engine/resource.js';
import { ConfigValueError, InputError } from '../../errors.js';
import { ComputeUnit, type TileJob } from './compute-unit.js';
import { WeightResidency } from './weight-residency.js';
import { activeSamples, type LayerWork, type Workload } from '../workload.js';
import type { StepRecord } from '../dataflow-kind.js';
import type { PrecisionSelectUnit } from '../../components/precision-select-unit.js';
import type { PrecisionSchedule } from '../../dps/replay.js';
import { readBits, storedBits, type SliceLayout } from '../../dps/storage.js';

export interface EpurParams {
  readonly schedule: 'step_by_step' | 'mwl';
  readonly tileRows: number;
  readonly stagingTiles: number;
  readonly partialSumBits: number;
  /** Dynamic precision selection (epur_dps): the unit, the decided precisions, the storage layout. */
  readonly dps?: EpurDpsParts;
}

export interface EpurDpsParts {
  readonly psu: PrecisionSelectUnit;
  readonly schedule: PrecisionSchedule;
  readonly layout: SliceLayout;
}


/** Everything a phase needs to know about the layer being run. */
interface LayerPlan {
  readonly layer: LayerWork;
  readonly direction: number;
  readonly gates: number;
  readonly slices: number; // k
  readonly sliceRows: number[]; // rows of slice s
  readonly projRows: number[]; // projection rows per mapped unit
  readonly recurrent: number; // R
  readonly inputFromDram: boolean;
  readonly outputToDram: boolean;
}

export class EpurDataflow {
  private readonly mapped: number;
  readonly steps: StepRecord[] = [];
  private readonly residency: WeightResidency[];

  constructor(
    private readonly sim: Simulator,
    readonly units: readonly ComputeUnit[],
    private readonly intermediate: SramBuffer,
    private readonly dram: Dram,
    private readonly params: EpurParams,
    private readonly workload: Workload,
  ) {
    const gates = workload.gates;
    if (units.length < gates) {
      throw new ConfigValueError(`the epur dataflow needs at least one compute unit per gate: ${workload.cell} has ${gates} gates, the config has ${units.length} units`, ['dataflow', 'compute_units']);
    }
    this.mapped = gates * Math.floor(units.length / gates);
    let first = 0;
    for (const g of workload.groups) {
      this.groupFirst.push(first);
      first += g.length;
    }
    if (params.dps) {
      if (params.schedule !== 'step_by_step') {
        throw new InputError(
          "dynamic precision selection needs dataflow.schedule: step_by_step: Maximizing Weight Locality computes W_x x_t for a window of timesteps before the precision of those steps is decided (docs/dps.md)",
        );
      }
      const top = params.dps.layout.precisions[params.dps.layout.precisions.length - 1];
      if (top !== workload.weightBits || top !== workload.activationBits) {
        throw new InputError(`the precision-select unit's highest precision (${top} bits) must equal the trace's weight and activation precision (${workload.weightBits}/${workload.activationBits} bits)`);
      }
      for (const u of units) {
        if (u.parts.dpu.precisionBits < top) throw new InputError(`dot-product unit of compute unit ${u.index} has precision_bits ${u.parts.dpu.precisionBits} < ${top}`);
      }
    }
    this.residency = units.map((u) => new WeightResidency(u.parts.weightBuffer.capacityBits));
    this.checkCapacities();
  }

  /** Bits each weight occupies in the weight buffer and in DRAM (all slices under DPS). */
  private get wbits(): number {
    return this.params.dps ? storedBits(this.params.dps.layout) : this.workload.weightBits;
  }

  /** Bits each activation occupies in the input buffer / intermediate memory. */
  private get abits(): number {
    return this.params.dps ? storedBits(this.params.dps.layout) : this.workload.activationBits;
  }

  /** Bits read per weight or input element for a step at `bits` (the static width without DPS). */
  private readWidth(bits: number | undefined, staticBits: number): number {
    return this.params.dps && bits !== undefined ? readBits(this.params.dps.layout, bits) : staticBits;
  }

  /** Precision of processing step `s` of a layer-direction: the highest any active sequence of the group decided. */
  private stepBits(seq: number, group: readonly number[], layer: number, direction: number, s: number): number | undefined {
    const dps = this.params.dps;
    if (!dps) return undefined;
    let bits = 0;
    const first = this.groupFirst[seq];
    group.forEach((len, k) => {
      if (len <= s) return;
      const t = direction === 0 ? s : len - 1 - s;
      const b = dps.schedule.bitsAt(first + k, layer, direction, t);
      dps.psu.recordSteps(b, 1);
      bits = Math.max(bits, b);
    });
    return bits;
  }

  private readonly groupFirst: number[] = [];
  /** Whether the layer just run left its output sequence in the intermediate memory (else DRAM). */
  private previousOutputOnChip = false;

  private get batch(): number {
    return this.workload.batchSize;
  }

  /** Refuse configurations that cannot hold what this dataflow must hold, with the reason. */
  private checkCapacities(): void {
    const maxK = Math.max(...this.workload.layers.map((l) => l.inputSize + l.recurrentSize));
    for (const u of this.units) {
      const staging = this.params.stagingTiles * this.params.tileRows * maxK * this.wbits;
      if (staging > u.parts.weightBuffer.capacityBits) {
        throw new ConfigValueError(
          `the weight buffer (${u.parts.weightBuffer.capacityBits / 8192} KiB per compute unit) cannot hold ${this.params.stagingTiles} staging tiles of ${this.params.tileRows} rows x ${maxK} weights at ${this.wbits} bits (${staging / 8192} KiB); lower dataflow.tile_rows or dataflow.staging_tiles, or enlarge the weight buffer`,
          ['components', 'weight_buffer', 'size_kib'],
        );
      }
      if (u.parts.inputBuffer.capacityBits < this.batch * this.abits * 2) {
        throw new ConfigValueError(`the input buffer cannot hold one element per sample of batch ${this.batch}`, ['components', 'input_buffer', 'size_kib']);
      }
    }
    const maxH = Math.max(...this.workload.layers.map((l) => l.hiddenSize));
    const psumPerStep = this.workload.gates * maxH * this.batch * this.params.partialSumBits;
    if (psumPerStep > this.intermediate.capacityBits) {
      throw new ConfigValueError(`the intermediate memory (${this.intermediate.capacityBits / 8192} KiB) cannot hold the partial sums of one timestep (${psumPerStep / 8192} KiB)`, ['components', 'intermediate_memory', 'size_kib']);
    }
  }

  /** Schedule the whole workload from cycle 0; call sim.run() afterwards. */
  start(): void {
    const order: Array<() => void> = [];
    const next = (): void => {
      const f = order.shift();
      if (f) f();
    };
    this.workload.groups.forEach((group, seq) => {
      const steps = Math.max(...group);
      this.workload.layers.forEach((layer, li) => {
        for (let dir = 0; dir < layer.directions; dir++) {
          order.push(() => this.runLayerDirection(seq, group, this.plan(layer, dir, li === this.workload.layers.length - 1, steps), next));
        }
      });
    });
    this.sim.at(0, next);
  }

  private plan(layer: LayerWork, direction: number, isLast: boolean, steps: number): LayerPlan {
    const gates = this.workload.gates;
    const slices = this.mapped / gates;
    const split = (n: number, parts: number): number[] => Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
    const out = layer.directions * layer.recurrentSize;
    // A layer's output sequence stays on chip when it fits in half the intermediate memory;
    // the other half is kept for partial sums. Larger ones spill to DRAM.
    const outputFits = steps * this.batch * out * this.abits <= this.intermediate.capacityBits / 2;
    return {
      layer,
      direction,
      gates,
      slices,
      sliceRows: split(layer.hiddenSize, slices),
      projRows: split(layer.projSize, this.mapped),
      recurrent: layer.recurrentSize,
      inputFromDram: layer.index === 0 || !this.previousOutputOnChip,
      outputToDram: isLast || !outputFits,
    };
  }

  /** Cycle the precision-select unit's decision for the next step is in its register (-1: none pending). */
  private decisionReadyAt: Cycle = -1;

  private unitOf(gate: number, slice: number, plan: LayerPlan): ComputeUnit {
    return this.units[gate * plan.slices + slice];
  }

  private words(bits: number, buffer: SramBuffer): number {
    return Math.ceil(bits / buffer.wordBits);
  }

  /** Run every timestep of one direction of one layer, then call `done`. */
  private runLayerDirection(seq: number, group: readonly number[], plan: LayerPlan, done: () => void): void {
    const { layer } = plan;
    const steps = Math.max(...group);
    const mwl = this.params.schedule === 'mwl';
    const finish = (): void => {
      this.previousOutputOnChip = !plan.outputToDram;
      done();
    };
    if (!mwl) {
      let t = 0;
      this.decisionReadyAt = -1;
      const step = (): void => {
        if (t === steps) return finish();
        // The precision of this step is known once the unit has decided on the previous one.
        if (this.params.dps && this.decisionReadyAt > this.sim.now) {
          this.params.dps.psu.chargeCriticalPath(this.decisionReadyAt - this.sim.now);
          this.sim.at(this.decisionReadyAt, step);
          return;
        }
        const timestep = t++;
        const samples = activeSamples(group, timestep);
        const bits = this.stepBits(seq, group, layer.index, plan.direction, timestep);
        const decideNext = this.params.dps !== undefined && t < steps;
        const startCycle = this.sim.now;
        this.loadInputs(plan, [samples], () =>
          this.broadcastInput(plan, samples, () => this.recurrentStep(plan, samples, layer.inputSize + plan.recurrent, false, 'xh', bits, decideNext, () => {
            this.steps.push({ sequence: seq, layer: layer.index, direction: plan.direction, timestep, startCycle, endCycle: this.sim.now });
            step();
          })),
        );
      };
      step();
      return;
    }
    // MWL: windows of timesteps whose input-side partial sums fit in the intermediate memory.
    const psumBitsPerStep = plan.gates * layer.hiddenSize * this.batch * this.params.partialSumBits;
    const window = Math.max(1, Math.floor(this.intermediate.capacityBits / 2 / psumBitsPerStep));
    let t = 0;
    const nextWindow = (): void => {
      if (t === steps) return finish();
      const first = t;
      const count = Math.min(window, steps - t);
      const samples = Array.from({ length: count }, (_, i) => activeSamples(group, first + i));
      this.loadInputs(plan, samples, () =>
        this.inputSidePass(plan, samples, () => {
          const step = (): void => {
            if (t === first + count) return nextWindow();
            const timestep = t++;
            const startCycle = this.sim.now;
            this.recurrentStep(plan, samples[timestep - first], plan.recurrent, true, 'h', undefined, false, () => {
              this.steps.push({ sequence: seq, layer: layer.index, direction: plan.direction, timestep, startCycle, endCycle: this.sim.now });
              step();
            });
          };
          step();
        }),
      );
    };
    nextWindow();
  }

  /** Bring the layer input of some timesteps (active samples of each given) into the intermediate memory. */
  private loadInputs(plan: LayerPlan, samplesPerStep: readonly number[], then: () => void): void {
    const bits = samplesPerStep.reduce((a, b) => a + b, 0) * plan.layer.inputSize * this.abits;
    if (!plan.inputFromDram) return then();
    const arrival = this.dram.transfer(Math.ceil(bits / 8), 'read');
    this.sim.at(arrival, () => {
      const w = this.words(bits, this.intermediate);
      const g = acquireTogether(this.intermediate.streamRequests(w), this.sim.now);
      this.intermediate.recordWrites(w);
      this.sim.at(g.end + this.intermediate.writeLatencyCycles, then);
    });
  }

  /**
   * Largest input chunk (elements per sample) the input buffer holds for the whole batch,
   * with room for the next chunk and the next hidden state (double-buffered).
   */
  private chunkElements(unit: ComputeUnit, length: number): number {
    const fits = Math.floor(unit.parts.inputBuffer.capacityBits / (2 * this.batch * this.abits));
    return Math.min(length, fits);
  }

  /**
   * Tile jobs for one unit over `rows` rows of a matrix slice with dot products of `length`,
   * the input streamed in chunks that fit the input buffer. `onTile` gets each row tile's result.
   */
  private tileJobs(
    unit: ComputeUnit,
    sliceId: string,
    rows: number,
    length: number,
    streamed: boolean,
    samplesPerRepeat: readonly number[],
    psumRead: boolean,
    reloadInputEachJob: boolean,
    onTile: (tile: number, rows: number, repeat: number, cycle: Cycle) => void,
    bits?: number,
  ): TileJob[] {
    const jobs: TileJob[] = [];
    const chunk = this.chunkElements(unit, length);
    const chunks = Math.ceil(length / chunk);
    const tiles = Math.ceil(rows / this.params.tileRows);
    const wb = unit.parts.weightBuffer;
    const ib = unit.parts.inputBuffer;
    const firstFetch = !streamed && this.residency[unit.index].needsFirstFetch(sliceId);
    const repeats = samplesPerRepeat.length;
    for (let c = 0; c < chunks; c++) {
      const len = Math.min(chunk, length - c * chunk);
      // With one chunk the inputs were broadcast into the input buffer before the pass;
      // otherwise each chunk is loaded from the intermediate memory before its first tile.
      const chunkBitsPerSample = len * this.abits;
      for (let r = 0; r < tiles; r++) {
        const tileRows = Math.min(this.params.tileRows, rows - r * this.params.tileRows);
        // Bits the dot products read at this step's precision; a streamed tile fetches only
        // those (bit-sliced), a tile fetched to stay resident fetches every slice.
        const weightBits = tileRows * len * this.readWidth(bits, this.wbits);
        const fetchedBits = streamed ? weightBits : tileRows * len * this.wbits;
        const fetch = streamed || firstFetch;
        for (let rep = 0; rep < repeats; rep++) {
          const samples = samplesPerRepeat[rep];
          const last = c === chunks - 1;
          const loadBits = reloadInputEachJob || (chunks > 1 && rep === 0 && r === 0) ? chunkBitsPerSample * samples : 0;
          const psumBits = psumRead || c > 0 ? tileRows * samples * this.params.partialSumBits : 0;
          jobs.push({
            dotProducts: tileRows * samples,
            length: len,
            bits,
            weightWords: this.words(weightBits, wb),
            fetchBytes: fetch && rep === 0 ? Math.ceil(fetchedBits / 8) : 0,
            releasesStaging: fetch && rep === repeats - 1,
            inputWords: tileRows * samples * this.words(len * this.readWidth(bits, this.abits), ib),
            inputLoadWords: this.words(loadBits, ib),
            intermediateReadWords: this.words(psumBits, this.intermediate) + this.words(loadBits, this.intermediate),
            onResult: (cycle) => {
              if (!last) this.writePartialSums(tileRows * samples, () => undefined);
              else onTile(r, tileRows, rep, cycle);
            },
          });
        }
      }
    }
    return jobs;
  }

  private writePartialSums(sums: number, then: () => void): void {
    this.writeIntermediate(sums * this.params.partialSumBits, then);
  }

  /** Write `bits` into the intermediate memory; `then` runs when they are readable. */
  private writeIntermediate(bits: number, then: () => void): void {
    const w = this.words(bits, this.intermediate);
    const g = acquireTogether(this.intermediate.streamRequests(w), this.sim.now);
    this.intermediate.recordWrites(w);
    this.sim.at(g.end + this.intermediate.writeLatencyCycles, then);
  }


  /** MWL phase A: W_x . x_t for `count` timesteps, each weight tile fetched once for all of them. */
  private inputSidePass(plan: LayerPlan, samples: readonly number[], then: () => void): void {
    const count = samples.length;
    const I = plan.layer.inputSize;
    const passStart = this.sim.now;
    const streamedIds = this.planResidency(plan, 'x', I);
    let left = 0;
    for (let s = 0; s < plan.slices; s++) left += plan.gates * count * Math.ceil(plan.sliceRows[s] / this.params.tileRows);
    for (let g = 0; g < plan.gates; g++) {
      for (let s = 0; s < plan.slices; s++) {
        const unit = this.unitOf(g, s, plan);
        const id = this.sliceId(plan, 'x', g, s);
        // Every (tile, timestep) job loads x_t from the intermediate memory into the input buffer.
        const jobs = this.tileJobs(unit, id, plan.sliceRows[s], I, streamedIds.has(id), samples, false, true, (_tile, tileRows, rep) => {
          this.writePartialSums(tileRows * samples[rep], () => {
            if (--left === 0) then();
          });
        });
        unit.runPass(jobs, passStart, 'input_load');
      }
    }
  }

  private sliceId(plan: LayerPlan, part: string, gate: number, slice: number): string {
    return `L${plan.layer.index}.d${plan.direction}.${part}.g${gate}.s${slice}`;
  }

  /** Decide which slices of this phase stay in each unit's weight buffer. */
  private planResidency(plan: LayerPlan, part: string, length: number): Set<string> {
    const streamed = new Set<string>();
    for (let g = 0; g < plan.gates; g++) {
      for (let s = 0; s < plan.slices; s++) {
        const unit = this.unitOf(g, s, plan);
        const id = this.sliceId(plan, part, g, s);
        const staging = this.params.stagingTiles * this.params.tileRows * length * this.wbits;
        for (const x of this.residency[unit.index].planPhase([{ id, bits: plan.sliceRows[s] * length * this.wbits }], staging)) streamed.add(x);
      }
    }
    return streamed;
  }

  /**
   * One timestep's recurrent work: dot products of `length` (x and h, or h alone plus the
   * parked partial sums under MWL), activations, cell updates, the projection if any, and the
   * new hidden state broadcast into every unit's input buffer.
   */
  private recurrentStep(plan: LayerPlan, samples: number, length: number, psumRead: boolean, part: string, bits: number | undefined, decideNext: boolean, then: () => void): void {
    const passStart = this.sim.now;
    const H = plan.layer.hiddenSize;
    const streamedIds = this.planResidency(plan, part, length);
    const tilesPerSlice = plan.sliceRows.map((r) => Math.ceil(r / this.params.tileRows));
    const gateDone = plan.sliceRows.map((_, s) => new Array<number>(tilesPerSlice[s]).fill(0));
    let cellUpdatesLeft = tilesPerSlice.reduce((a, b) => a + b, 0);
    const isLstm = this.workload.cell === 'lstm';
    const psu = decideNext ? this.params.dps?.psu : undefined;
    let lanesDone = 0;
    if (psu) this.decisionReadyAt = Number.MAX_SAFE_INTEGER; // pending until the last cell update

    for (let g = 0; g < plan.gates; g++) {
      for (let s = 0; s < plan.slices; s++) {
        const unit = this.unitOf(g, s, plan);
        const id = this.sliceId(plan, part, g, s);
        const activation = isLstm ? (g === 2 ? 'tanh' : 'sigmoid') : g === 2 ? undefined : 'sigmoid';
        const jobs = this.tileJobs(unit, id, plan.sliceRows[s], length, streamedIds.has(id), [samples], psumRead, false, (tile, tileRows) => {
          const elements = tileRows * samples;
          const afterActivation = (): void => {
            if (++gateDone[s][tile] < plan.gates) return;
            // Every gate of these hidden units is done: the cell update, on one unit's MFU.
            const mfuUnit = this.unitOf(tile % plan.gates, s, plan);
            const mfu = mfuUnit.parts.mfu;
            const g2 = mfu.unit.acquire(mfu.issueCycles(elements));
            // Bias additions (4 per hidden unit, pre-summed where torch keeps two) are done here too.
            mfu.recordElements(elements, isLstm ? { multiply: 3, add: 1 + 4, tanh: 1 } : { multiply: 3, add: 3 + 4, tanh: 1 });
            this.sim.at(g2.end + mfu.latencyCycles, () => {
              // The precision-select unit sees these new cell-state elements as they leave the MFU.
              if (psu) lanesDone = Math.max(lanesDone, psu.observeElements(elements));
              // h_t feeds the next step's dot products; m_t (LSTMP) feeds the projection.
              const consumerLength = plan.layer.projSize > 0 ? H : this.nextStepLength(plan);
              this.broadcastHidden(elements, consumerLength, () => {
                if (--cellUpdatesLeft === 0) {
                  if (psu) this.decisionReadyAt = psu.decide(lanesDone);
                  this.afterCellUpdates(plan, samples, bits, then);
                }
              });
            });
          };
          if (activation === undefined) return afterActivation();
          const mfu = unit.parts.mfu;
          const grant = mfu.unit.acquire(mfu.issueCycles(elements));
          mfu.recordElements(elements, { [activation]: 1 });
          this.sim.at(grant.end + mfu.latencyCycles, afterActivation);
        }, bits);
        unit.runPass(jobs, passStart, 'recurrent_dependency');
      }
    }
  }

  /** After the cell updates: the projection (LSTMP) if any, then the layer output. */
  private afterCellUpdates(plan: LayerPlan, samples: number, bits: number | undefined, then: () => void): void {
    const writeOutput = (): void => {
      const bits = samples * plan.recurrent * this.abits;
      if (plan.outputToDram) {
        // Written back in the background; nothing waits for it.
        // The run is not over until the last output is in DRAM: an (empty) event at that cycle.
        this.sim.at(this.dram.transfer(Math.ceil(bits / 8), 'write'), () => undefined);
        then();
      } else {
        const w = this.words(bits, this.intermediate);
        const g = acquireTogether(this.intermediate.streamRequests(w), this.sim.now);
        this.intermediate.recordWrites(w);
        this.sim.at(g.end, then);
      }
    };
    if (plan.layer.projSize === 0) return writeOutput();
    const passStart = this.sim.now;
    let left = 0;
    const H = plan.layer.hiddenSize;
    const streamedIds = new Set<string>();
    for (let u = 0; u < this.mapped; u++) {
      if (plan.projRows[u] === 0) continue;
      const id = `L${plan.layer.index}.d${plan.direction}.proj.u${u}`;
      const staging = this.params.stagingTiles * this.params.tileRows * H * this.wbits;
      for (const x of this.residency[u].planPhase([{ id, bits: plan.projRows[u] * H * this.wbits }], staging)) streamedIds.add(x);
      left += Math.ceil(plan.projRows[u] / this.params.tileRows);
    }
    for (let u = 0; u < this.mapped; u++) {
      if (plan.projRows[u] === 0) continue;
      const id = `L${plan.layer.index}.d${plan.direction}.proj.u${u}`;
      const jobs = this.tileJobs(
        this.units[u],
        id,
        plan.projRows[u],
        H,
        streamedIds.has(id),
        [samples],
        false,
        false,
        (_tile, tileRows) => {
          this.broadcastHidden(tileRows * samples, this.nextStepLength(plan), () => {
            if (--left === 0) writeOutput();
          });
        },
        bits,
      );
      this.units[u].runPass(jobs, passStart, 'recurrent_dependency');
    }
  }

  /**
   * Step-by-step schedule: copy x_t from the intermediate memory into every mapped unit's input
   * buffer, unless the vector is too large for the buffer (then each pass loads it in chunks).
   */
  private broadcastInput(plan: LayerPlan, samples: number, then: () => void): void {
    const K = plan.layer.inputSize + plan.recurrent;
    if (this.chunkElements(this.units[0], K) < K) return then();
    const bits = samples * plan.layer.inputSize * this.abits;
    const w = this.words(bits, this.intermediate);
    const read = acquireTogether(this.intermediate.streamRequests(w), this.sim.now);
    this.intermediate.recordReads(w);
    this.sim.at(read.end + this.intermediate.readLatencyCycles, () => this.broadcastHidden(samples * plan.layer.inputSize, K, then));
  }

  /** Write `elements` new recurrent-input elements into every mapped unit's input buffer. */
  /** Dot-product length of the next timestep's recurrent pass (x and h, or h alone under MWL). */
  private nextStepLength(plan: LayerPlan): number {
    return this.params.schedule === 'mwl' ? plan.recurrent : plan.layer.inputSize + plan.recurrent;
  }

  /**
   * Write `elements` new vector elements where the consumer, a pass of dot products of length
   * `consumerLength`, reads them: into every mapped unit's input buffer when that vector fits
   * there, otherwise into the intermediate memory, from which the pass loads it chunk by chunk.
   */
  private broadcastHidden(elements: number, consumerLength: number, then: () => void): void {
    if (this.chunkElements(this.units[0], consumerLength) < consumerLength) {
      this.writeIntermediate(elements * this.abits, then);
      return;
    }
    let end = this.sim.now;
    for (let u = 0; u < this.mapped; u++) {
      const ib = this.units[u].parts.inputBuffer;
      const w = this.words(elements * this.abits, ib);
      const g = acquireTogether(ib.streamRequests(w), this.sim.now);
      ib.recordWrites(w);
      end = Math.max(end, g.end + ib.writeLatencyCycles);
    }
    this.sim.at(end, then);
  }


  /** Charge every unit's idle tail and return the final cycle. */
  finish(endCycle: Cycle): void {
    this.units.forEach((u, i) => u.finish(endCycle, i < this.mapped));
  }
}

