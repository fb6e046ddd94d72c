/**
 * FINN-L-like dataflow (Rybalkin et al., FPL 2018; Xilinx/LSTM-PYNQ): the gate products of a
 * timestep run on PE/SIMD-folded matrix-vector units with all weights on chip, the element-wise
 * cell update streams behind them on a multifunction unit (one element per lane per cycle), and
 * h_t is usable a pipeline depth after both finish. Directions of a bidirectional layer run one
 * after the other on the same hardware (assumed); samples of a batch run one after the other.
 */
import { spawn, type Process } from '../../engine/process.js';
import { ConfigValueError, InputError } from '../../errors.js';
import { defineDataflowKind, type DataflowOutcome } from '../dataflow-kind.js';
import type { RunContext } from '../run-context.js';
import { activeSamples, type Workload } from '../workload.js';

export const finnDataflowKind = defineDataflowKind({
  kind: 'finn',
  description: 'FINN-L-like: PE/SIMD-folded gate matrix-vector units with weights on chip, streamed element-wise cell update; directions in sequence',
  params: {},
  roles: {
    mvau: { interface: 'mvau', instances: 'one', description: 'the gate matrix-vector units' },
    elementwise_unit: { interface: 'multifunction_unit', instances: 'one', description: 'activations and cell update, streamed behind the gate units' },
  },
  simulate: simulateFinn,
  // A narrower unit is refused (or requantized to) like any datapath; a wider one is refused below:
  // FINN-L synthesizes its units for exactly the network's widths.
  datapath: [
    { role: 'mvau', param: 'weight_bits', operands: 'weights' },
    { role: 'mvau', param: 'activation_bits', operands: 'activations' },
  ],
});

function simulateFinn(run: RunContext, _params: Record<string, never>, w: Workload): DataflowOutcome {
  const sim = run.sim;
  const mvau = run.create('mvau', 'mvau');
  const ew = run.create('elementwise_unit', 'multifunction_unit');
  if (mvau.weightBits !== w.weightBits || mvau.activationBits !== w.activationBits) {
    throw new ConfigValueError(`the mvau is built for W${mvau.weightBits}A${mvau.activationBits} but the trace is W${w.weightBits}A${w.activationBits}`, ['components', 'mvau', 'weight_bits']);
  }
  const unit = run.computeUnit('mvau');
  // The run's own list: a progress display counts it while the run goes on.
  const steps = run.steps;
  const isLstm = w.cell === 'lstm';
  const ops = isLstm ? { sigmoid: 3, tanh: 2, multiply: 3, add: 1 + 4 } : { sigmoid: 2, tanh: 1, multiply: 3, add: 3 + 4 };
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

  function* timesteps(): Process {
    yield 0;
    for (const s of work) {
      if (s.timestep === 0) run.phases.begin({ group: s.seq, layer: s.layer, direction: s.direction, phase: 'recurrent' });
      const start = sim.now;
      // Samples one after another through the same units; the element-wise stream follows each.
      let perSample = mvau.cycles(w.gates, s.H, s.I, s.R);
      if (s.P > 0) perSample += Math.ceil(s.P / mvau.pe) * Math.ceil(s.H / mvau.simdRecurrent);
      const mv = mvau.unit.acquire(perSample * s.samples, start);
      const e = ew.unit.acquire(ew.issueCycles(s.H * s.samples), start);
      const macs = s.samples * (w.gates * s.H * (s.I + s.R) + s.P * s.H);
      mvau.record(macs);
      ew.recordElements(s.H * s.samples, ops);
      const done = Math.max(mv.end, e.end) + mvau.pipelineDepth;
      unit.stalls.add('recurrent_dependency', mv.start - mvauFreeAt);
      unit.addBusy(mv.end - mv.start);
      mvauFreeAt = mv.end;
      steps.push({ sequence: s.seq, layer: s.layer, direction: s.direction, timestep: s.timestep, startCycle: start, endCycle: done, macs });
      yield done;
    }
  }
  spawn(sim, timesteps());
  const cycles = sim.run();
  unit.stalls.add('recurrent_dependency', cycles - mvauFreeAt);
  return { cycles, macsPerformed: mvau.macsPerformed, macBasis: 'dense', macsSkipped: 0, multipliers: mvau.multipliers, steps };
}
