/**
 * A DeltaRNN-style delta unit on E-PUR (docs/delta.md), attached through E-PUR's extension
 * points: the delta unit and its delta memory are two more roles; before each step the unit says
 * which input and recurrent columns the step computes (StepWork.inputColumns /
 * recurrentColumns, and per step of an MWL input-side window), and the compute units run the dot
 * products over those columns only. The MACs skipped are counted from the trace by the replay,
 * apart from the compute units, so the run's invariant (performed + skipped = dense) checks the
 * schedule against the trace.
 *
 * Before the run the unit's rule replays the trace's activation records with the configured
 * thresholds (replay.ts). During the run: the deltas of x_t are computed ahead of the step
 * (inputs do not depend on the recurrence; under MWL, a window's before its input-side pass),
 * those of h_(t-1) as the new h elements leave the multifunction units; a step starts when its
 * list of propagated columns is ready. The delta memory holds x_hat, h_hat and the accumulated
 * pre-activations M: per step it reads every x_hat / h_hat compared and writes the propagated
 * ones, and reads M_(t-1) and writes M_t of every row.
 */
import { ConfigValueError } from '../../errors.js';
import { acquireTogether } from '../../engine/resource.js';
import type { Process } from '../../engine/process.js';
import type { Cycle } from '../../engine/simulator.js';
import type { OnChipBuffer } from '../../components/interfaces.js';
import type { EpurExtension, EpurTechnique, RecurrentStep, StepWork } from '../../dataflows/epur/extension.js';
import type { ComputeUnit } from '../../dataflows/epur/compute-unit.js';
import type { Workload } from '../../dataflows/workload.js';
import type { PrepareInput } from '../../dataflows/dataflow-kind.js';
import { replayDeltas, type DeltaSchedule } from './replay.js';
import type { DeltaUnit } from './delta-unit.js';

/** The replayed deltas of a prepared workload (keyed by the workload object prepareWorkload returned). */
const schedules = new WeakMap<Workload, DeltaSchedule & { readonly from: 'trace' | 'config' }>();

export const deltaTechnique: EpurTechnique<Record<string, never>> = {
  name: 'delta',
  description: 'a DeltaRNN-style delta unit: only input and recurrent elements that changed by at least a threshold since they were last propagated are multiplied (column skipping)',
  params: {},
  roles: {
    delta_unit: { interface: 'delta_unit', instances: 'one', description: 'compares x_t and h_(t-1) with their last propagated values and lists the columns to compute' },
    delta_memory: { interface: 'sram_buffer', instances: 'one', description: 'the delta unit\'s memory: last propagated x and h (x_hat, h_hat) and the accumulated pre-activations M' },
  },
  // The unit compares x and h element by element at element_bits.
  datapath: [{ role: 'delta_unit', param: 'element_bits', operands: 'activations' }],
  async prepareWorkload(workload: Workload, input: PrepareInput): Promise<Workload> {
    const unit = input.roles.delta_unit.params;
    const recorded = input.trace.header.delta_rule;
    const fromTrace = unit.threshold_source === 'trace' && recorded !== undefined;
    const thresholds = fromTrace ? { input: recorded.theta_input, hidden: recorded.theta_hidden } : { input: Number(unit.theta_input), hidden: Number(unit.theta_hidden) };
    const schedule = Object.assign(await replayDeltas(input.trace, thresholds, 'delta_unit'), { from: fromTrace ? ('trace' as const) : ('config' as const) });
    const prepared = { ...workload };
    schedules.set(prepared, schedule);
    return prepared;
  },
  attach(run, _params, workload): EpurExtension {
    const schedule = schedules.get(workload);
    if (!schedule) throw new Error('epur_delta: the workload has no delta schedule (prepareWorkload was not run)');
    const unit = run.create('delta_unit', 'delta_unit');
    const memory = run.create('delta_memory', 'sram_buffer');
    unit.recordThresholds(schedule.thresholds.input, schedule.thresholds.hidden, schedule.from);
    return new DeltaExtension(run.sim, unit, memory, schedule, workload);
  },
};

function activeAt(lengths: readonly number[], step: number): number {
  let n = 0;
  for (const len of lengths) if (len > step) n++;
  return n;
}

class DeltaExtension implements EpurExtension {
  private schedule: 'step_by_step' | 'mwl' = 'mwl';
  /** Cycle the recurrent deltas of the next step are listed (-1: none pending). */
  private hiddenReadyAt: Cycle = -1;
  /** The input deltas of a step computed ahead (step_by_step). */
  private inputAhead: { readonly step: number; readonly ready: Cycle } | undefined;
  private lanesDone: Cycle = 0;
  private current: RecurrentStep | undefined;
  private readonly accumulators: number;

  constructor(
    private readonly sim: { readonly now: Cycle },
    private readonly unit: DeltaUnit,
    private readonly memory: OnChipBuffer,
    private readonly deltas: DeltaSchedule,
    private readonly workload: Workload,
  ) {
    // Accumulated pre-activations per hidden unit: one per gate; a GRU keeps n's input and recurrent parts apart (r multiplies only the latter).
    this.accumulators = workload.gates + (workload.cell === 'gru' ? 1 : 0);
  }

  check(_units: readonly ComputeUnit[], workload: Workload, schedule: 'step_by_step' | 'mwl'): void {
    this.schedule = schedule;
    const e = this.unit.params.element_bits;
    const acc = this.unit.params.accumulator_bits;
    for (const l of workload.layers) {
      const bits = workload.batchSize * ((l.inputSize + l.recurrentSize) * e + this.accumulators * l.hiddenSize * acc);
      if (bits > this.memory.capacityBits) {
        throw new ConfigValueError(
          `delta_memory (${this.memory.capacityBits / 8192} KiB) cannot hold layer ${l.index}'s last propagated inputs and hidden states (${l.inputSize} + ${l.recurrentSize} elements at ${e} bits) and accumulated pre-activations (${this.accumulators} x ${l.hiddenSize} at ${acc} bits) for batch ${workload.batchSize}: ${Math.ceil(bits / 8192)} KiB needed`,
          ['components', 'delta_memory', 'size_kib'],
        );
      }
    }
  }

  beginLayerDirection(): void {
    this.hiddenReadyAt = -1;
    this.inputAhead = undefined;
  }

  /** Reserve the delta memory for `words` words read or written from now; returns when they are through. */
  private stream(bits: number, kind: 'read' | 'write'): Cycle {
    const words = this.memory.wordsFor(bits);
    if (words === 0) return this.sim.now;
    const g = acquireTogether(this.memory.streamRequests(words), this.sim.now);
    if (kind === 'read') this.memory.recordReads(words);
    else this.memory.recordWrites(words);
    return g.end + (kind === 'read' ? this.memory.readLatencyCycles : this.memory.writeLatencyCycles);
  }

  /** Compare the inputs of step `s` of the current layer-direction (x_hat read, propagated x_hat written); returns when their list is ready. */
  private inputDeltas(step: RecurrentStep, s: number, from: Cycle): Cycle {
    const samples = activeAt(step.lengths, s);
    const I = this.workload.layers[step.layer].inputSize;
    const e = this.unit.params.element_bits;
    const propagated = this.deltas.inputPropagated(step.group, step.layer, step.direction, s);
    const lanes = this.unit.compare('input', samples * I, from);
    this.unit.encode('input', propagated);
    const mem = Math.max(this.stream(samples * I * e, 'read'), this.stream(propagated * e, 'write'));
    return Math.max(lanes + this.unit.encodeLatencyCycles, mem);
  }

  *beginInputSide(steps: readonly RecurrentStep[]): Process<readonly StepWork[]> {
    let ready = this.sim.now;
    for (const step of steps) ready = Math.max(ready, this.inputDeltas(step, step.step, this.sim.now));
    if (ready > this.sim.now) {
      this.unit.chargeCriticalPath(ready - this.sim.now);
      yield ready;
    }
    return steps.map((s) => ({ inputColumns: this.deltas.inputColumns(s.group, s.layer, s.direction, s.step) }));
  }

  *beginStep(step: RecurrentStep): Process<StepWork> {
    const { group, layer, direction } = step;
    const s = step.step;
    this.current = step;
    let ready = this.hiddenReadyAt;
    if (this.schedule === 'step_by_step') {
      const x = this.inputAhead?.step === s ? this.inputAhead.ready : this.inputDeltas(step, s, this.sim.now);
      ready = Math.max(ready, x);
      // The next step's inputs are known already: their deltas are computed while this step runs.
      this.inputAhead = s + 1 < step.steps ? { step: s + 1, ready: this.inputDeltas(step, s + 1, this.sim.now) } : undefined;
    }
    if (ready > this.sim.now) {
      this.unit.chargeCriticalPath(ready - this.sim.now);
      yield ready;
    }
    this.hiddenReadyAt = -1;
    this.lanesDone = this.sim.now;
    this.unit.recordStep();
    // M_(t-1) of every row streams to the dot-product units alongside the tiles (not waited for).
    const samples = activeAt(step.lengths, s);
    this.stream(samples * this.accumulators * this.workload.layers[layer].hiddenSize * this.unit.params.accumulator_bits, 'read');
    return {
      ...(this.schedule === 'step_by_step' ? { inputColumns: this.deltas.inputColumns(group, layer, direction, s) } : {}),
      recurrentColumns: this.deltas.recurrentColumns(group, layer, direction, s),
    };
  }

  observeCellUpdate(elements: number): void {
    const step = this.current;
    // The new h elements are compared with h_hat as they leave the multifunction unit (not after the last step).
    if (step && step.step < step.steps - 1) this.lanesDone = Math.max(this.lanesDone, this.unit.compare('hidden', elements, this.sim.now));
  }

  endCellUpdates(step: RecurrentStep): void {
    const s = step.step;
    const layer = this.workload.layers[step.layer];
    const samples = activeAt(step.lengths, s);
    const e = this.unit.params.element_bits;
    // M_t of every row written back (the last step's is not needed again).
    if (s >= step.steps - 1) return;
    const mWritten = this.stream(samples * this.accumulators * layer.hiddenSize * this.unit.params.accumulator_bits, 'write');
    const next = activeAt(step.lengths, s + 1);
    const propagated = this.deltas.recurrentPropagated(step.group, step.layer, step.direction, s + 1);
    this.unit.encode('hidden', propagated);
    const hat = Math.max(this.stream(next * layer.recurrentSize * e, 'read'), this.stream(propagated * e, 'write'));
    this.hiddenReadyAt = Math.max(this.lanesDone + this.unit.encodeLatencyCycles, hat, mWritten);
  }

  skippedMacs(): number {
    return this.deltas.skippedMacs;
  }

  finish(): void {
    const steps = this.unit.stats().steps;
    if (steps !== this.deltas.groupSteps) throw new Error(`epur_delta: the delta unit prepared ${steps} group steps, the trace has ${this.deltas.groupSteps}`);
  }
}
