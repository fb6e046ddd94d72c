/**
 * FINN-L-like dataflow (Rybalkin et al., FPL 2018; Xilinx/LSTM-PYNQ): the gate products of a
 * timestep run on PE/SIMD-folded matrix-vector units with all weights on chip, the element-wise
 * cell update streams behind them on a multifunction unit (one element per lane per cycle), and
 * h_t is usable a pipeline depth after both finish. Directions of a bidirectional layer run one
 * after the other on the same hardware (assumed); samples of a batch run one after the other.
 */
import { Simulator } from '../../engine/simulator.js';
import type { ComponentContext } from '../../components/context.js';
import { Mvau } from '../../components/mvau.js';
import { MultifunctionUnit } from '../../components/multifunction-unit.js';
import { InputError } from '../../errors.js';
import type { DataflowKind, SimulationInput, SimulationResult, StepRecord } from '../dataflow-kind.js';
import { StallAccount } from '../stall-accounting.js';
import { activeSamples } from '../workload.js';

export const finnDataflowKind: DataflowKind = {
  kind: 'finn',
  description: 'FINN-L-like: PE/SIMD-folded gate matrix-vector units with weights on chip, streamed element-wise cell update; directions in sequence',
  params: {},
  roles: {
    mvau: { kind: 'mvau', perComputeUnit: false, description: 'the gate matrix-vector units' },
    elementwise_unit: { kind: 'multifunction_unit', perComputeUnit: false, description: 'activations and cell update, streamed behind the gate units' },
  },
  simulate: simulateFinn,
};

function simulateFinn(input: SimulationInput): SimulationResult {
  const sim = new Simulator();
  const ctx: ComponentContext = { sim, tech: input.tech, clockMhz: input.clockMhz };
  const mvau = new Mvau('mvau', input.roles.mvau, ctx);
  const ew = new MultifunctionUnit('elementwise_unit', input.roles.elementwise_unit, ctx);
  const w = input.workload;
  if (mvau.weightBits !== w.weightBits || mvau.activationBits !== w.activationBits) {
    throw new InputError(`the mvau is built for W${mvau.weightBits}A${mvau.activationBits} but the trace is W${w.weightBits}A${w.activationBits}`);
  }
  const stalls = new StallAccount();
  const steps: StepRecord[] = [];
  const isLstm = w.cell === 'lstm';
  const ops = isLstm ? { sigmoid: 3, tanh: 2, multiply: 3, add: 1 + 4 } : { sigmoid: 2, tanh: 1, multiply: 3, add: 3 + 4 };
  const elementOps = { sigmoid: 0, tanh: 0, multiply: 0, add: 0 };
  let busy = 0;
  let mvauFreeAt = 0;

  interface Step {
    readonly seq: number;
    readonly layer: number;
    readonly direction: number;
    readonly timestep: number;
    readonly samples: number;
    readonly I: number;
    readonly R: number;
    readonly H: number;
    readonly P: number;
  }
  const work: Step[] = [];
  w.groups.forEach((group, seq) => {
    const T = Math.max(...group);
    for (const l of w.layers) {
      for (let d = 0; d < l.directions; d++) {
        for (let t = 0; t < T; t++) {
          const samples = activeSamples(group, d === 0 ? t : T - 1 - t);
          if (samples > 0) work.push({ seq, layer: l.index, direction: d, timestep: t, samples, I: l.inputSize, R: l.recurrentSize, H: l.hiddenSize, P: l.projSize });
        }
      }
    }
  });

  let i = 0;
  const step = (): void => {
    if (i === work.length) return;
    const s = work[i++];
    const start = sim.now;
    // Samples one after another through the same units; the element-wise stream follows each.
    let perSample = mvau.cycles(w.gates, s.H, s.I, s.R);
    if (s.P > 0) perSample += Math.ceil(s.P / mvau.pe) * Math.ceil(s.H / mvau.simdRecurrent);
    const mv = mvau.unit.acquire(perSample * s.samples, start);
    const e = ew.unit.acquire(ew.issueCycles(s.H * s.samples), start);
    mvau.record(s.samples * (w.gates * s.H * (s.I + s.R) + s.P * s.H));
    ew.recordElements(s.H * s.samples, ops);
    for (const k of Object.keys(elementOps) as Array<keyof typeof elementOps>) elementOps[k] += s.H * s.samples * ops[k];
    const done = Math.max(mv.end, e.end) + mvau.pipelineDepth;
    stalls.add('recurrent_dependency', mv.start - mvauFreeAt);
    busy += mv.end - mv.start;
    mvauFreeAt = mv.end;
    steps.push({ sequence: s.seq, layer: s.layer, direction: s.direction, timestep: s.timestep, startCycle: start, endCycle: done });
    sim.at(done, step);
  };
  sim.at(0, step);
  const cycles = sim.run();
  stalls.add('recurrent_dependency', cycles - mvauFreeAt);
  return {
    cycles,
    events: sim.eventsProcessed,
    components: [mvau, ew],
    macsPerformed: mvau.macsPerformed,
    macBasis: 'dense',
    elementOps,
    stallCycles: stalls.byCause(),
    computeBusyCycles: busy,
    computeUnits: 1,
    multipliers: mvau.multipliers,
    steps,
  };
}
