/**
 * TPU-v1-like dataflow: each timestep's gate pre-activations are one GEMM
 * (active samples x (I + R)) . ((I + R) x gates*H) on a systolic array (weight- or output-
 * stationary: the array's `stationary`), run fold by fold with every weight tile streamed from
 * DRAM through a weight FIFO (the weights of a large recurrent model do not stay on chip: TPU v1
 * keeps weights in off-chip DDR3 only). Activations and the cell update run on a vector unit; a
 * projection (LSTMP) is a second GEMM. A plain GEMM trace (workload_kind gemm) is one GEMM whose
 * result is written to the unified buffer.
 *
 * Event-driven: a DRAM fetch is issued whenever the FIFO has a free tile slot (a slot frees
 * when its tile has shifted into the array), so weight stalls come from the DRAM resource's
 * bandwidth, not from a formula. Layers run one after the other, each over all timesteps.
 */
import { Signal, spawn, type Process } from '../../engine/process.js';
import { ConfigValueError, InputError } from '../../errors.js';
import { defineDataflowKind, type DataflowOutcome } from '../dataflow-kind.js';
import type { RunContext } from '../run-context.js';
import type { GemmWorkload, Workload } from '../workload.js';
import type { MainMemory, OnChipBuffer } from '../../components/interfaces.js';
import { FoldSchedule } from './fold-schedule.js';
import { OutputStationarySchedule } from './output-stationary-schedule.js';
import { plainGemmMapping, systolicMapping, type Fold, type SystolicMapping } from './mapping.js';

export const systolicDataflowKind = defineDataflowKind({
  kind: 'systolic',
  description: 'TPU-v1-like: per-timestep gate GEMMs (or one plain GEMM) on a weight- or output-stationary systolic array, fold by fold, weights streamed from DRAM through a weight FIFO; element-wise on a vector unit',
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
  simulateGemm: simulateSystolicGemm,
  datapath: [{ role: 'systolic_array', param: 'precision_bits', operands: 'weights and activations' }],
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

interface SystolicParams {
  readonly fetch_whole_tiles: boolean;
}

/** The dataflow's components, created by role, and the FIFO's tile slots. */
function systolicParts(run: RunContext, weightBits: number) {
  const array = run.create('systolic_array', 'systolic_array');
  const fifo = run.create('weight_fifo', 'sram_buffer');
  const ub = run.create('unified_buffer', 'sram_buffer');
  const vector = run.create('vector_unit', 'multifunction_unit');
  const dram = run.create('dram', 'dram');
  const tileBitsMax = array.rows * array.cols * weightBits;
  const slots = Math.floor(fifo.capacityBits / tileBitsMax);
  if (slots < 1) {
    throw new ConfigValueError(`weight_fifo (${fifo.capacityBits / 8192} KiB) cannot hold one ${array.rows} x ${array.cols} weight tile at ${weightBits} bits (${tileBitsMax / 8192} KiB)`, ['components', 'weight_fifo', 'size_kib']);
  }
  return { array, fifo, ub, vector, dram, slots };
}

type SystolicParts = ReturnType<typeof systolicParts>;

function simulateSystolic(run: RunContext, params: SystolicParams, w: Workload): DataflowOutcome {
  const parts = systolicParts(run, w.weightBits);
  const activationBytes = Math.max(...w.layers.map((l) => (l.inputSize + l.recurrentSize) * w.batchSize * w.activationBits)) / 8;
  if (activationBytes * 2 > parts.ub.capacityBits / 8) {
    throw new ConfigValueError(`unified_buffer cannot hold the inputs and outputs of one timestep (${activationBytes * 2} bytes)`, ['components', 'unified_buffer', 'size_kib']);
  }
  const mapping = systolicMapping(w, parts.array.rows, parts.array.cols, parts.array.stationary);
  return runMapping(run, parts, params, mapping, { weightBits: w.weightBits, activationBits: w.activationBits, cell: w.cell, gates: w.gates });
}

function simulateSystolicGemm(run: RunContext, params: SystolicParams, g: GemmWorkload): DataflowOutcome {
  const parts = systolicParts(run, g.weightBits);
  const bytes = ((g.m * g.k + g.m * g.n) * g.activationBits) / 8;
  if (bytes > parts.ub.capacityBits / 8) {
    throw new ConfigValueError(`unified_buffer (${parts.ub.capacityBits / 8192} KiB) cannot hold A (${g.m} x ${g.k}) and the result (${g.m} x ${g.n}) at ${g.activationBits} bits (${bytes} bytes)`, ['components', 'unified_buffer', 'size_kib']);
  }
  const mapping = plainGemmMapping(g, parts.array.rows, parts.array.cols, parts.array.stationary);
  return runMapping(run, parts, params, mapping, { weightBits: g.weightBits, activationBits: g.activationBits, cell: 'lstm', gates: 0 });
}

/** Run the tiles of a mapping fold by fold; the fold timing is the array's (weight- or output-stationary). */
function runMapping(
  run: RunContext,
  parts: SystolicParts,
  params: SystolicParams,
  { gemms, folds }: SystolicMapping,
  w: { readonly weightBits: number; readonly activationBits: number; readonly cell: 'lstm' | 'gru'; readonly gates: number },
): DataflowOutcome {
  const sim = run.sim;
  const { array, fifo, ub, vector, dram, slots } = parts;
  const unit = run.computeUnit('systolic_array');
  const R = array.rows;
  const C = array.cols;
  const fetcher = new WeightFetcher(folds, slots, (f) => (params.fetch_whole_tiles ? R * C : f.rows * f.cols) * w.weightBits, dram, fifo);
  const ws = array.stationary === 'weight' ? new FoldSchedule(R, C, array.doubleBuffered) : undefined;
  const os = array.stationary === 'output' ? new OutputStationarySchedule(R, C) : undefined;
  // The run's own list: a progress display counts it while the run goes on.
  const steps = run.steps;
  const isLstm = w.cell === 'lstm';
  let inputsReady = 0; // for the current GEMM
  let layerInputsReady = 0; // the previous layer's last output
  let lastOutput = 0;
  let gemmStart = 0;
  let stepMacs = 0;
  let end = 0;

  /** Time tile i on the array; returns when its GEMM's result is out (its last tile) or undefined. */
  const timeTile = (f: Fold, weightsArrive: number, ready: number): number | undefined => {
    if (ws) {
      const grant = ws.next({ m: f.m, weightsArrive, inputsReady: ready });
      if (gemmStart < 0) gemmStart = grant.streamStart;
      for (const [cause, n] of grant.stalls) {
        unit.stalls.add(cause, n);
        if (cause === 'weight_load') array.recordExposedLoad(n);
      }
      array.unit.acquire(grant.streamEnd - grant.streamStart, grant.streamStart);
      // The tile leaves the FIFO once it is in the array: its slot takes the next fetch.
      sim.at(grant.loadEnd, () => fetcher.release());
      return grant.streamEnd;
    }
    const grant = (os as OutputStationarySchedule).next({ k: f.rows, weightsArrive, inputsReady: ready, firstOfFold: f.firstOfFold, lastOfFold: f.lastOfFold });
    if (gemmStart < 0) gemmStart = grant.start;
    for (const [cause, n] of grant.stalls) unit.stalls.add(cause, n);
    array.unit.acquire((grant.foldEnd ?? grant.end) - grant.start, grant.start);
    // The tile's weights have streamed through the array: its slot takes the next fetch.
    sim.at(grant.end, () => fetcher.release());
    return grant.foldEnd;
  };

  const runFold = (i: number): void => {
    const f = folds[i];
    const g = gemms[f.gemm];
    if (f.firstOfGemm) {
      if (g.part !== 'projection' && g.firstOfLayer) {
        inputsReady = layerInputsReady;
        run.phases.begin({ group: g.group, layer: g.layer, direction: g.direction, phase: g.part === 'plain' ? 'gemm' : 'recurrent' });
      }
      gemmStart = -1;
      array.recordGemm(g.m, g.k, g.n);
      stepMacs += g.m * g.k * g.n;
    }
    const done = timeTile(f, fetcher.arrival[i], inputsReady);
    fifo.recordReads(fifo.wordsFor(f.rows * f.cols * w.weightBits));
    ub.recordReads(ub.wordsFor(f.m * f.rows * w.activationBits));
    if (!f.lastOfGemm) return;
    let ready = done as number;
    if (g.part === 'gates') {
      // Activations of every gate pre-activation, then the fused cell update, on the vector unit.
      const elements = g.m * g.hidden;
      const v = vector.unit.acquire(vector.issueCycles(elements * w.gates), ready);
      vector.recordElements(elements, isLstm ? { sigmoid: 3, tanh: 2, multiply: 3, add: 1 + 4 } : { sigmoid: 2, tanh: 1, multiply: 3, add: 3 + 4 });
      ready = v.end + vector.latencyCycles;
    }
    const outputs = g.part === 'gates' && g.hasProjection ? 0 : g.m * (g.part === 'gates' ? g.hidden : g.n);
    if (outputs > 0) ub.recordWrites(ub.wordsFor(outputs * w.activationBits));
    inputsReady = ready;
    lastOutput = Math.max(lastOutput, ready);
    end = Math.max(end, ready);
    const next = gemms[f.gemm + 1];
    if (!next || next.part !== 'projection') {
      steps.push({ sequence: g.group, layer: g.layer, direction: g.direction, timestep: g.timestep, startCycle: gemmStart, endCycle: ready, macs: stepMacs });
      stepMacs = 0;
    }
    if (next && next.layer !== g.layer) layerInputsReady = lastOutput;
  };

  // The array, tile by tile, each once its weights' fetch has been issued.
  function* tileByTile(): Process {
    yield 0;
    fetcher.more();
    for (let i = 0; i < folds.length; i++) {
      yield fetcher.issued(i);
      // A later tile starts in an event of its own at the cycle it became possible.
      if (i > 0) yield sim.now;
      runFold(i);
    }
  }
  spawn(sim, tileByTile());
  sim.run();
  // The run lasts until the last output is written.
  sim.at(Math.max(end, sim.now), () => undefined);
  const cycles = sim.run();
  const schedule = ws ?? (os as OutputStationarySchedule);
  unit.stalls.add('pipeline_drain', cycles - schedule.lastStreamEnd);
  unit.addBusy(schedule.busyCycles);
  return { cycles, macsPerformed: array.macsPerformed, macBasis: 'dense', macsSkipped: 0, multipliers: R * C, steps };
}
