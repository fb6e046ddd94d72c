/**
 * GPU roofline dataflow, shaped like cuDNN's standard LSTM/GRU path at small batch:
 *  - per layer and direction, one kernel computes the input products W_x x_t of every timestep
 *    (a GEMM with M = the sample-timesteps of the group), reading W_x once;
 *  - then one kernel per timestep computes W_h h_(t-1) (and the projection, for LSTMP) fused
 *    with the element-wise cell update, reading the recurrent weights from DRAM every step.
 * Each kernel takes max(flops / peak, bytes / bandwidth) plus the launch overhead, scheduled as
 * events on the GPU; the overhead is the 'kernel_launch' stall, the roofline part is busy time.
 *
 * FLOP convention: rnnsim counts the input product (2 FLOP per MAC of 4H(I+R)); DeepBench's own
 * TFLOP/s figures count only the recurrent product (8 h^2 per LSTM step). Latency, which is what
 * we validate, does not depend on the convention.
 */
import { spawn, type Process } from '../../engine/process.js';
import { defineDataflowKind, type DataflowOutcome, type StepRecord } from '../dataflow-kind.js';
import type { RunContext } from '../run-context.js';
import { activeSamples, type Workload } from '../workload.js';

export const gpuRooflineDataflowKind = defineDataflowKind({
  kind: 'gpu_roofline',
  description: 'GPU roofline: an input-projection GEMM per layer and direction, then one fused recurrent kernel per timestep; each kernel max(flops/peak, bytes/bandwidth) + launch overhead',
  params: {},
  roles: {
    gpu: { interface: 'gpu', instances: 'one', description: 'the GPU' },
  },
  simulate: simulateGpu,
});

function simulateGpu(run: RunContext, _params: Record<string, never>, w: Workload): DataflowOutcome {
  const sim = run.sim;
  const gpu = run.create('gpu', 'gpu');
  const unit = run.computeUnit('gpu');
  const bytesPer = gpu.datatypeBits / 8;
  // The run's own list: a progress display counts it while the run goes on.
  const steps = run.steps;
  // Element-wise work is fused into the recurrent kernels: no component of its own.
  const perUnit = w.cell === 'lstm' ? { sigmoid: 3, tanh: 2, multiply: 3, add: 1 + 4 } : { sigmoid: 2, tanh: 1, multiply: 3, add: 3 + 4 };
  let macs = 0;

  // Kernels in program order; each starts when the previous one ends (one stream).
  interface Kernel {
    readonly macs: number;
    readonly bytes: number;
    readonly elements: number;
    readonly group: number;
    readonly layer: number;
    readonly direction: number;
    readonly step?: Omit<StepRecord, 'startCycle' | 'endCycle' | 'macs'>;
  }
  const kernels: Kernel[] = [];
  w.groups.forEach((group, seq) => {
    const T = Math.max(...group);
    const sampleSteps = group.reduce((a, b) => a + b, 0);
    for (const layer of w.layers) {
      const G = w.gates * layer.hiddenSize;
      for (let d = 0; d < layer.directions; d++) {
        const I = layer.inputSize;
        kernels.push({ macs: sampleSteps * I * G, bytes: (I * G + sampleSteps * (I + G)) * bytesPer, elements: 0, group: seq, layer: layer.index, direction: d });
        for (let t = 0; t < T; t++) {
          const m = activeSamples(group, d === 0 ? t : T - 1 - t);
          if (m === 0) continue;
          const Rr = layer.recurrentSize;
          const H = layer.hiddenSize;
          const P = layer.projSize;
          const recMacs = m * (Rr * G + P * H);
          // Weights, plus per sample: h_(t-1), the precomputed input products, c_(t-1) in and out, h_t out.
          const bytes = (Rr * G + P * H + m * (Rr + G + 3 * H)) * bytesPer;
          kernels.push({ macs: recMacs, bytes, elements: m * H, group: seq, layer: layer.index, direction: d, step: { sequence: seq, layer: layer.index, direction: d, timestep: t } });
        }
      }
    }
  });

  // One stream: each kernel starts when the previous one ends.
  function* stream(): Process {
    yield 0;
    for (const k of kernels) {
      if (k.step?.timestep === 0 || !k.step) run.phases.begin({ group: k.group, layer: k.layer, direction: k.direction, phase: k.step ? 'recurrent' : 'input_side' });
      const t = gpu.kernelTime(2 * k.macs, k.bytes);
      const start = sim.now;
      unit.stalls.add('kernel_launch', gpu.launchCycles);
      const g = gpu.unit.acquire(t.cycles, start + gpu.launchCycles);
      unit.addBusy(t.cycles);
      gpu.recordKernel(2 * k.macs, k.bytes, t.computeBound);
      macs += k.macs;
      run.recordElementOps(k.elements, perUnit);
      if (k.step) steps.push({ ...k.step, startCycle: start, endCycle: g.end, macs: k.macs });
      yield g.end;
    }
  }
  spawn(sim, stream());
  const cycles = sim.run();
  return { cycles, macsPerformed: macs, macBasis: 'dense', macsSkipped: 0, multipliers: gpu.multipliers, steps };
}
