/**
 * TPU-v1-like dataflow: each timestep's gate pre-activations are one GEMM
 * (active samples x (I + R)) . ((I + R) x gates*H) on a weight-stationary systolic array, run
 * fold by fold with every weight tile streamed from DRAM through a weight FIFO (the weights of
 * a large recurrent model do not stay on chip: TPU v1 keeps weights in off-chip DDR3 only).
 * Activations and the cell update run on a vector unit; a projection (LSTMP) is a second GEMM.
 *
 * Event-driven: a DRAM fetch is issued whenever the FIFO has a free tile slot (a slot frees
 * when its tile has shifted into the array), so weight stalls come from the DRAM resource's
 * bandwidth, not from a formula. Layers run one after the other, each over all timesteps.
 */
import { Signal, spawn, type Process } from '../../engine/process.js';
import { InputError } from '../../errors.js';
import { defineDataflowKind, type DataflowOutcome, type StepRecord } from '../dataflow-kind.js';
import type { RunContext } from '../run-context.js';
import type { Workload } from '../workload.js';
import type { MainMemory, OnChipBuffer } from '../../components/interfaces.js';
import { FoldSchedule } from './fold-schedule.js';
import { systolicMapping, type Fold } from './mapping.js';

export const systolicDataflowKind = defineDataflowKind({
  kind: 'systolic',
  description: 'TPU-v1-like: per-timestep gate GEMMs on a weight-stationary systolic array, fold by fold, weights streamed from DRAM through a weight FIFO; element-wise on a vector unit',
  params: {
    fetch_whole_tiles: {
      type: 'boolean',
      unit: '-',
      default: true,
      description: 'fetch every weight tile as a full rows x cols block (edge tiles padded) rather than only its real weights',
    },
  },
  roles: {
    systolic_array: { interface: 'systolic_array', instances: 'one', description: 'the matrix unit' },
    weight_fifo: { interface: 'sram_buffer', instances: 'one', description: 'weight tiles staged between DRAM and the array; its size sets how many tiles can be in flight' },
    unified_buffer: { interface: 'sram_buffer', instances: 'one', description: 'activations: layer inputs, hidden states, outputs' },
    vector_unit: { interface: 'multifunction_unit', instances: 'one', description: 'activations, cell update (element-wise)' },
    dram: { interface: 'dram', instances: 'one', description: 'off-chip weight memory' },
  },
  simulate: simulateSystolic,
});

/** An already-triggered signal: waiting on it does not wait. */
const READY = new Signal();
READY.trigger();

/**
 * The weight fetcher: issues a DRAM read for the next fold whenever the FIFO has a free slot
 * (weights are data-independent, so it runs ahead of the array as far as the FIFO allows).
 */
class WeightFetcher {
  readonly arrival: number[];
  private next = 0;
  private readonly waiting = new Map<number, Signal>();

  constructor(
    private readonly folds: readonly Fold[],
    private freeSlots: number,
    private readonly tileBits: (f: Fold) => number,
    private readonly dram: MainMemory,
    private readonly fifo: OnChipBuffer,
  ) {
    this.arrival = new Array<number>(folds.length);
  }

  /** Issue fetches while slots are free. */
  more(): void {
    while (this.freeSlots > 0 && this.next < this.folds.length) {
      const bits = this.tileBits(this.folds[this.next]);
      this.arrival[this.next] = this.dram.transfer(Math.ceil(bits / 8), 'read');
      this.fifo.recordWrites(this.fifo.wordsFor(bits));
      this.freeSlots--;
      const signal = this.waiting.get(this.next);
      this.next++;
      signal?.trigger();
    }
  }

  /** A tile has shifted into the array: its slot takes the next fetch. */
  release(): void {
    this.freeSlots++;
    this.more();
  }

  /** Triggers once fold i's fetch has been issued (its arrival cycle is known). */
  issued(i: number): Signal {
    if (i < this.next) return READY;
    const s = new Signal();
    this.waiting.set(i, s);
    return s;
  }
}

function simulateSystolic(run: RunContext, params: { readonly fetch_whole_tiles: boolean }, w: Workload): DataflowOutcome {
  const sim = run.sim;
  const array = run.create('systolic_array', 'systolic_array');
  const fifo = run.create('weight_fifo', 'sram_buffer');
  const ub = run.create('unified_buffer', 'sram_buffer');
  const vector = run.create('vector_unit', 'multifunction_unit');
  const dram = run.create('dram', 'dram');
  const unit = run.computeUnit('systolic_array');
  const R = array.rows;
  const C = array.cols;
  const tileBitsMax = R * C * w.weightBits;
  const slots = Math.floor(fifo.capacityBits / tileBitsMax);
  if (slots < 1) {
    throw new InputError(`weight_fifo (${fifo.capacityBits / 8192} KiB) cannot hold one ${R} x ${C} weight tile at ${w.weightBits} bits (${tileBitsMax / 8192} KiB)`);
  }
  const activationBytes = Math.max(...w.layers.map((l) => (l.inputSize + l.recurrentSize) * w.batchSize * w.activationBits)) / 8;
  if (activationBytes * 2 > ub.capacityBits / 8) {
    throw new InputError(`unified_buffer cannot hold the inputs and outputs of one timestep (${activationBytes * 2} bytes)`);
  }
  const { gemms, folds } = systolicMapping(w, R, C);
  const fetcher = new WeightFetcher(folds, slots, (f) => (params.fetch_whole_tiles ? R * C : f.rows * f.cols) * w.weightBits, dram, fifo);
  const schedule = new FoldSchedule(R, C, array.doubleBuffered);
  const steps: StepRecord[] = [];
  const isLstm = w.cell === 'lstm';
  let inputsReady = 0; // for the current GEMM
  let layerInputsReady = 0; // the previous layer's last output
  let lastOutput = 0;
  let gemmStart = 0;
  let stepMacs = 0;
  let end = 0;

  const runFold = (i: number): void => {
    const f = folds[i];
    const g = gemms[f.gemm];
    if (f.firstOfGemm) {
      if (g.part === 'gates' && g.firstOfLayer) {
        inputsReady = layerInputsReady;
        run.phases.begin({ group: g.group, layer: g.layer, direction: g.direction, phase: 'recurrent' });
      }
      gemmStart = -1;
      array.recordGemm(g.m, g.k, g.n);
      stepMacs += g.m * g.k * g.n;
    }
    const grant = schedule.next({ m: g.m, weightsArrive: fetcher.arrival[i], inputsReady });
    if (gemmStart < 0) gemmStart = grant.streamStart;
    for (const [cause, n] of grant.stalls) {
      unit.stalls.add(cause, n);
      if (cause === 'weight_load') array.recordExposedLoad(n);
    }
    array.unit.acquire(grant.streamEnd - grant.streamStart, grant.streamStart);
    fifo.recordReads(fifo.wordsFor(f.rows * f.cols * w.weightBits));
    ub.recordReads(ub.wordsFor(g.m * f.rows * w.activationBits));
    // The tile leaves the FIFO once it is in the array: its slot takes the next fetch.
    sim.at(grant.loadEnd, () => fetcher.release());
    if (!f.lastOfGemm) return;
    let ready = grant.streamEnd;
    if (g.part === 'gates') {
      // Activations of every gate pre-activation, then the fused cell update, on the vector unit.
      const elements = g.m * g.hidden;
      const v = vector.unit.acquire(vector.issueCycles(elements * w.gates), grant.streamEnd);
      vector.recordElements(elements, isLstm ? { sigmoid: 3, tanh: 2, multiply: 3, add: 1 + 4 } : { sigmoid: 2, tanh: 1, multiply: 3, add: 3 + 4 });
      ready = v.end + vector.latencyCycles;
    }
    const outputs = g.part === 'gates' && g.hasProjection ? 0 : g.m * (g.part === 'gates' ? g.hidden : g.n);
    if (outputs > 0) ub.recordWrites(ub.wordsFor(outputs * w.activationBits));
    inputsReady = ready;
    lastOutput = Math.max(lastOutput, ready);
    end = Math.max(end, ready);
    const next = gemms[f.gemm + 1];
    if (!next || next.part === 'gates') {
      steps.push({ sequence: g.group, layer: g.layer, direction: g.direction, timestep: g.timestep, startCycle: gemmStart, endCycle: ready, macs: stepMacs });
      stepMacs = 0;
    }
    if (next && next.layer !== g.layer) layerInputsReady = lastOutput;
  };

  // The array, fold by fold, each fold once its weights' fetch has been issued.
  function* foldByFold(): Process {
    yield 0;
    fetcher.more();
    for (let i = 0; i < folds.length; i++) {
      yield fetcher.issued(i);
      // A later fold starts in an event of its own at the cycle it became possible.
      if (i > 0) yield sim.now;
      runFold(i);
    }
  }
  spawn(sim, foldByFold());
  sim.run();
  // The run lasts until the last output is written.
  sim.at(Math.max(end, sim.now), () => undefined);
  const cycles = sim.run();
  unit.stalls.add('pipeline_drain', cycles - schedule.lastStreamEnd);
  unit.addBusy(schedule.busyCycles);
  return { cycles, macsPerformed: array.macsPerformed, macBasis: 'dense', macsSkipped: 0, multipliers: R * C, steps };
}
