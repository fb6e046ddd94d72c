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
import { Simulator } from '../../engine/simulator.js';
import type { Component } from '../../engine/component.js';
import type { ComponentContext } from '../../components/context.js';
import { SystolicArray } from '../../components/systolic-array.js';
import { SramBuffer } from '../../components/sram-buffer.js';
import { Dram } from '../../components/dram.js';
import { MultifunctionUnit } from '../../components/multifunction-unit.js';
import { InputError } from '../../errors.js';
import type { DataflowKind, SimulationInput, SimulationResult, StepRecord } from '../dataflow-kind.js';
import { StallAccount } from '../stall-accounting.js';
import { activeSamples } from '../workload.js';
import { FoldSchedule } from './fold-schedule.js';

export const systolicDataflowKind: DataflowKind = {
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
    systolic_array: { kind: 'systolic_array', perComputeUnit: false, description: 'the matrix unit' },
    weight_fifo: { kind: 'sram_buffer', perComputeUnit: false, description: 'weight tiles staged between DRAM and the array; its size sets how many tiles can be in flight' },
    unified_buffer: { kind: 'sram_buffer', perComputeUnit: false, description: 'activations: layer inputs, hidden states, outputs' },
    vector_unit: { kind: 'multifunction_unit', perComputeUnit: false, description: 'activations, cell update (element-wise)' },
    dram: { kind: 'dram', perComputeUnit: false, description: 'off-chip weight memory' },
  },
  simulate: simulateSystolic,
};

interface Gemm {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

function simulateSystolic(input: SimulationInput): SimulationResult {
  const sim = new Simulator();
  const ctx: ComponentContext = { sim, tech: input.tech, clockMhz: input.clockMhz };
  const w = input.workload;
  const array = new SystolicArray('systolic_array', input.roles.systolic_array, ctx);
  const fifo = new SramBuffer('weight_fifo', input.roles.weight_fifo, ctx);
  const ub = new SramBuffer('unified_buffer', input.roles.unified_buffer, ctx);
  const vector = new MultifunctionUnit('vector_unit', input.roles.vector_unit, ctx);
  const dram = new Dram('dram', input.roles.dram, ctx);
  const components: Component[] = [array, fifo, ub, vector, dram];
  const R = array.rows;
  const C = array.cols;
  const wholeTiles = input.dataflowParams.fetch_whole_tiles as boolean;
  const tileBitsMax = R * C * w.weightBits;
  const slots = Math.floor(fifo.capacityBits / tileBitsMax);
  if (slots < 1) {
    throw new InputError(`weight_fifo (${fifo.capacityBits / 8192} KiB) cannot hold one ${R} x ${C} weight tile at ${w.weightBits} bits (${tileBitsMax / 8192} KiB)`);
  }
  const activationBytes = Math.max(...w.layers.map((l) => (l.inputSize + l.recurrentSize) * w.batchSize * w.activationBits)) / 8;
  if (activationBytes * 2 > ub.capacityBits / 8) {
    throw new InputError(`unified_buffer cannot hold the inputs and outputs of one timestep (${activationBytes * 2} bytes)`);
  }

  // The whole run as an ordered list of folds, each knowing its GEMM; weights are data-independent,
  // so the fetcher can run ahead of the array as far as the FIFO allows.
  interface Fold {
    readonly rows: number;
    readonly cols: number;
    readonly gemm: number; // index into gemms
    readonly lastOfGemm: boolean;
  }
  interface GemmJob extends Gemm {
    readonly seq: number;
    readonly layer: number;
    readonly direction: number;
    readonly timestep: number;
    /** 'gates' GEMMs are followed by the vector unit; 'projection' GEMMs produce r_t. */
    readonly part: 'gates' | 'projection';
    readonly hasProjection: boolean;
    readonly hidden: number;
    readonly firstOfLayer: boolean;
  }
  const gemms: GemmJob[] = [];
  const folds: Fold[] = [];
  const addGemm = (g: GemmJob): void => {
    const gi = gemms.length;
    gemms.push(g);
    const nk = Math.ceil(g.k / R);
    const nn = Math.ceil(g.n / C);
    for (let j = 0; j < nn; j++) {
      for (let i = 0; i < nk; i++) {
        folds.push({ rows: Math.min(R, g.k - i * R), cols: Math.min(C, g.n - j * C), gemm: gi, lastOfGemm: i === nk - 1 && j === nn - 1 });
      }
    }
  };
  w.groups.forEach((group, seq) => {
    const steps = Math.max(...group);
    for (const layer of w.layers) {
      for (let d = 0; d < layer.directions; d++) {
        for (let t = 0; t < steps; t++) {
          const m = activeSamples(group, d === 0 ? t : steps - 1 - t);
          if (m === 0) continue;
          const common = { seq, layer: layer.index, direction: d, timestep: t, hidden: layer.hiddenSize, hasProjection: layer.projSize > 0, firstOfLayer: t === 0 };
          addGemm({ ...common, m, k: layer.inputSize + layer.recurrentSize, n: w.gates * layer.hiddenSize, part: 'gates' });
          if (layer.projSize > 0) addGemm({ ...common, firstOfLayer: false, m, k: layer.hiddenSize, n: layer.projSize, part: 'projection' });
        }
      }
    }
  });

  // --- weight fetcher ---
  const arrival: number[] = new Array<number>(folds.length);
  let nextFetch = 0;
  let freeSlots = slots;
  const waiting = new Map<number, () => void>();
  const fetchMore = (): void => {
    while (freeSlots > 0 && nextFetch < folds.length) {
      const f = folds[nextFetch];
      const bits = (wholeTiles ? R * C : f.rows * f.cols) * w.weightBits;
      arrival[nextFetch] = dram.transfer(Math.ceil(bits / 8), 'read');
      fifo.recordWrites(fifo.wordsFor(bits));
      freeSlots--;
      const cb = waiting.get(nextFetch);
      nextFetch++;
      if (cb) cb();
    }
  };
  const whenFetched = (i: number, fn: () => void): void => {
    if (i < nextFetch) fn();
    else waiting.set(i, fn);
  };

  // --- the array, fold by fold ---
  const schedule = new FoldSchedule(R, C, array.doubleBuffered);
  const stalls = new StallAccount();
  const steps: StepRecord[] = [];
  const elementOps = { sigmoid: 0, tanh: 0, multiply: 0, add: 0 };
  const isLstm = w.cell === 'lstm';
  let inputsReady = 0; // for the current GEMM
  let layerInputsReady = 0; // the previous layer's last output
  let lastOutput = 0;
  let gemmStart = 0;
  let end = 0;

  const runFold = (i: number): void => {
    const f = folds[i];
    const g = gemms[f.gemm];
    const first = i === 0 || folds[i - 1].gemm !== f.gemm;
    if (first) {
      if (g.part === 'gates' && g.firstOfLayer) inputsReady = layerInputsReady;
      gemmStart = -1;
      array.recordGemm(g.m, g.k, g.n);
    }
    const grant = schedule.next({ m: g.m, weightsArrive: arrival[i], inputsReady });
    if (gemmStart < 0) gemmStart = grant.streamStart;
    for (const [cause, n] of grant.stalls) stalls.add(cause, n);
    array.unit.acquire(grant.streamEnd - grant.streamStart, grant.streamStart);
    fifo.recordReads(fifo.wordsFor(f.rows * f.cols * w.weightBits));
    ub.recordReads(ub.wordsFor(g.m * f.rows * w.activationBits));
    // The tile leaves the FIFO once it is in the array: its slot takes the next fetch.
    sim.at(grant.loadEnd, () => {
      freeSlots++;
      fetchMore();
    });
    if (f.lastOfGemm) {
      let ready = grant.streamEnd;
      if (g.part === 'gates') {
        // Activations of every gate pre-activation, then the fused cell update, on the vector unit.
        const elements = g.m * g.hidden;
        const v = vector.unit.acquire(vector.issueCycles(elements * w.gates), grant.streamEnd);
        const ops = isLstm ? { sigmoid: 3, tanh: 2, multiply: 3, add: 1 + 4 } : { sigmoid: 2, tanh: 1, multiply: 3, add: 3 + 4 };
        vector.recordElements(elements, ops);
        elementOps.sigmoid += elements * ops.sigmoid;
        elementOps.tanh += elements * ops.tanh;
        elementOps.multiply += elements * ops.multiply;
        elementOps.add += elements * ops.add;
        ready = v.end + vector.latencyCycles;
      }
      const outputs = g.part === 'gates' && g.hasProjection ? 0 : g.m * (g.part === 'gates' ? g.hidden : g.n);
      if (outputs > 0) ub.recordWrites(ub.wordsFor(outputs * w.activationBits));
      inputsReady = ready;
      lastOutput = Math.max(lastOutput, ready);
      end = Math.max(end, ready);
      const next = gemms[f.gemm + 1];
      if (!next || next.part === 'gates') {
        steps.push({ sequence: g.seq, layer: g.layer, direction: g.direction, timestep: g.timestep, startCycle: gemmStart, endCycle: ready });
      }
      if (next && next.layer !== g.layer) layerInputsReady = lastOutput;
    }
    if (i + 1 < folds.length) whenFetched(i + 1, () => sim.at(sim.now, () => runFold(i + 1)));
  };

  sim.at(0, () => {
    fetchMore();
    if (folds.length > 0) whenFetched(0, () => runFold(0));
  });
  sim.run();
  sim.at(Math.max(end, sim.now), () => undefined);
  const cycles = sim.run();
  stalls.add('pipeline_drain', cycles - schedule.lastStreamEnd);
  return {
    cycles,
    events: sim.eventsProcessed,
    components,
    macsPerformed: array.macsPerformed,
    macBasis: 'dense',
    elementOps,
    stallCycles: stalls.byCause(),
    computeBusyCycles: schedule.busyCycles,
    computeUnits: 1,
    multipliers: R * C,
    steps,
  };
}
