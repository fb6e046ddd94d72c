/**
 * Dynamic precision selection on E-PUR (docs/dps.md): a precision-select unit, multi-precision
 * dot-product units and bit-sliced weight storage, attached through E-PUR's extension points.
 *
 * Before the run, the unit's decision logic replays the trace's cell states (streamed) and fixes
 * the precision of every step (its threshold registers loaded from the trace's recorded
 * precision_policy, or from the config: threshold_source). During the run the unit's lanes see
 * each step's new cell-state elements as they leave the multifunction units, and the next step
 * starts only when its precision is in the register.
 */
import { ConfigValueError, InputError } from '../../errors.js';
import type { Process } from '../../engine/process.js';
import type { Cycle } from '../../engine/simulator.js';
import { recordedPrecisions, replayPrecisions, type PrecisionSchedule } from '../../dps/replay.js';
import { registerContents } from '../../dps/policy-spec.js';
import { readBits, storedBits, type SliceLayout } from '../../dps/storage.js';
import { epurDataflowKind } from '../../dataflows/epur/kind.js';
import type { EpurExtension, EpurTechnique, RecurrentStep, StepWork } from '../../dataflows/epur/extension.js';
import type { StorageWidths } from '../../dataflows/epur/mapping.js';
import type { Workload } from '../../dataflows/workload.js';
import type { PrepareInput } from '../../dataflows/dataflow-kind.js';
import { policySpecFromParams, type PrecisionSelectParams, type PrecisionSelectUnit } from './precision-select-unit.js';

/** The decided precisions of a prepared workload (keyed by the workload object prepareWorkload returned). */
const schedules = new WeakMap<Workload, PrecisionSchedule & { readonly registersFrom: 'trace' | 'config' }>();

const params = {
  schedule: {
    ...epurDataflowKind.params.schedule,
    default: 'step_by_step',
    description: "'step_by_step' (both sides of each step at its decided precision) or 'mwl' (Maximizing Weight Locality: the input side of a window at input_side_bits, fixed before the steps' precisions are decided; only the recurrent side dynamic)",
  },
  input_side_bits: {
    type: 'integer',
    unit: 'bits',
    minimum: 0,
    maximum: 32,
    default: 0,
    description: "precision of the input-side products W_x x_t: 0 = each step's decided precision (step_by_step only); a fixed width (e.g. 8 or 16) is what lets the mwl schedule keep its weight locality; the functional model must use the same (rnnsim dps evaluate does)",
  },
  weight_layout: {
    type: 'string',
    unit: '-',
    enum: ['bit_sliced', 'msb_first', 'packed'],
    default: 'bit_sliced',
    description:
      "'bit_sliced' (the low-precision code, then residual slices with guard bits: a lower precision reads fewer bits), 'msb_first' (the full word, most significant bit first: a step at b bits reads b + 1 and rounds half up; needs the dot-product unit's operand_rounding: increment) or 'packed' (always the full word)",
  },
  residual_guard_bits: { type: 'integer', unit: 'bits', minimum: 0, maximum: 4, default: 1, description: 'extra bits per residual slice (the residual of a rounded code spans one more value than its width)' },
} as const;

export const dpsTechnique: EpurTechnique<typeof params> = {
  name: 'dps',
  description: 'dynamic precision selection: a precision-select unit picks each step\'s precision from the change of the cell state; multi-precision dot-product units; bit-sliced weights',
  params,
  roles: {
    precision_select_unit: { interface: 'precision_select_unit', instances: 'one', description: "the unit choosing each step's precision from the cell state" },
  },
  async prepareWorkload(workload: Workload, input: PrepareInput): Promise<Workload> {
    const unitParams = input.roles.precision_select_unit.params as unknown as PrecisionSelectParams;
    const { spec, from } = registerContents(policySpecFromParams(unitParams), input.trace.header.precision_policy, unitParams.threshold_source, 'precision_select_unit');
    const schedule =
      unitParams.decisions === 'recorded'
        ? await recordedPrecisions(input.trace, spec.precisions, 'precision_select_unit')
        : await replayPrecisions(input.trace, spec, 'precision_select_unit', unitParams.check_recorded_precision);
    const prepared = { ...workload };
    schedules.set(prepared, Object.assign(schedule, { registersFrom: from }));
    return prepared;
  },
  attach(run, p, workload): EpurExtension {
    const schedule = schedules.get(workload);
    if (!schedule) throw new Error('epur_dps: the workload has no precision schedule (prepareWorkload was not run)');
    const psu = run.create('precision_select_unit', 'precision_select_unit');
    const layout: SliceLayout = { layout: p.weight_layout, precisions: schedule.precisions, guardBits: p.residual_guard_bits };
    return new DpsExtension(run.sim, psu, schedule, layout, workload, p.input_side_bits === 0 ? undefined : p.input_side_bits);
  },
};

class DpsExtension implements EpurExtension {
  readonly storage: StorageWidths;
  readonly lowestBits: number;
  readonly inputSideBits: number | undefined;
  /** Cycle the decision for the next step is in the precision register (-1: none pending). */
  private decisionReadyAt: Cycle = -1;
  /** Whether the current step's cell updates feed a decision (every step but a layer-direction's last). */
  private deciding = false;
  private lanesDone = 0;
  private readonly firstSequence: number[] = [];

  constructor(
    private readonly sim: { readonly now: Cycle },
    private readonly psu: PrecisionSelectUnit,
    private readonly schedule: PrecisionSchedule & { readonly registersFrom: 'trace' | 'config' },
    private readonly layout: SliceLayout,
    workload: Workload,
    inputSideBits: number | undefined,
  ) {
    const stored = storedBits(layout);
    // A width that is one of the slices reads those slices; any other reads the whole stored word.
    const sliced = (bits: number | undefined): number => (bits !== undefined && layout.precisions.includes(bits) ? readBits(layout, bits) : stored);
    this.inputSideBits = inputSideBits;
    this.storage = {
      // W_x at a fixed input-side width is kept at that width; every other part in slices.
      weightBits: (part) => (part === 'x' && inputSideBits !== undefined ? inputSideBits : stored),
      activationBits: stored,
      readWeightBits: (part, bits) => (part === 'x' && inputSideBits !== undefined ? inputSideBits : sliced(bits)),
      readActivationBits: sliced,
    };
    this.lowestBits = Math.min(layout.precisions[0], inputSideBits ?? Infinity);
    let first = 0;
    for (const g of workload.groups) {
      this.firstSequence.push(first);
      first += g.length;
    }
    this.expectedSteps = [...schedule.stepsByBits.values()].reduce((a, b) => a + b, 0);
  }

  private readonly expectedSteps: number;

  check(units: Parameters<NonNullable<EpurExtension['check']>>[0], workload: Workload, schedule: 'step_by_step' | 'mwl'): void {
    const top = this.layout.precisions[this.layout.precisions.length - 1];
    if (schedule === 'mwl' && this.inputSideBits === undefined) {
      throw new ConfigValueError(
        "dataflow.schedule: mwl with dynamic precision needs a fixed dataflow.input_side_bits: Maximizing Weight Locality computes W_x x_t for a window of timesteps before the precision of those steps is decided (docs/dps.md)",
        ['dataflow', 'schedule'],
      );
    }
    if (schedule === 'step_by_step' && this.inputSideBits !== undefined) {
      throw new ConfigValueError('dataflow.input_side_bits applies to the mwl schedule only: step_by_step computes [W_x W_h] . [x_t; h_(t-1)] as one dot product at the step\'s precision; set it to 0 or use schedule: mwl', ['dataflow', 'input_side_bits']);
    }
    if (this.inputSideBits !== undefined && this.inputSideBits > top) {
      throw new ConfigValueError(`dataflow.input_side_bits (${this.inputSideBits}) is above the precision-select unit's highest precision (${top} bits)`, ['dataflow', 'input_side_bits']);
    }
    if (top !== workload.weightBits || top !== workload.activationBits) {
      throw new ConfigValueError(`the precision-select unit's highest precision (${top} bits) must equal the trace's weight and activation precision (${workload.weightBits}/${workload.activationBits} bits)`, ['components', 'precision_select_unit', 'precisions']);
    }
    for (const u of units) {
      if (u.parts.dpu.precisionBits < top) throw new ConfigValueError(`dot-product unit of compute unit ${u.index} has precision_bits ${u.parts.dpu.precisionBits} < ${top}`, ['components', 'dot_product_unit', 'precision_bits']);
      if (this.layout.layout === 'msb_first' && !u.parts.dpu.roundsOperands) {
        throw new ConfigValueError(
          `dataflow.weight_layout: msb_first reads one bit below a step's precision and rounds it in the operand path: the dot-product unit (compute unit ${u.index}) needs operand_rounding: increment`,
          ['components', 'dot_product_unit', 'operand_rounding'],
        );
      }
    }
  }

  beginLayerDirection(): void {
    this.decisionReadyAt = -1;
  }

  /** Wait for the precision register, then run at the highest precision any active sequence of the group decided. */
  *beginStep(step: RecurrentStep): Process<StepWork> {
    // The precision of this step is known once the unit has decided on the previous one.
    if (this.decisionReadyAt > this.sim.now) {
      this.psu.chargeCriticalPath(this.decisionReadyAt - this.sim.now);
      yield this.decisionReadyAt;
    }
    let bits = 0;
    const first = this.firstSequence[step.group];
    step.lengths.forEach((len, k) => {
      if (len <= step.step) return;
      const t = step.direction === 0 ? step.step : len - 1 - step.step;
      const b = this.schedule.bitsAt(first + k, step.layer, step.direction, t);
      this.psu.recordSteps(b, 1);
      bits = Math.max(bits, b);
    });
    this.deciding = step.step < step.steps - 1;
    this.lanesDone = 0;
    // Pending until the last cell update of this step has been seen.
    if (this.deciding) this.decisionReadyAt = Number.MAX_SAFE_INTEGER;
    return { bits };
  }

  observeCellUpdate(elements: number): void {
    // The unit sees these new cell-state elements as they leave the multifunction unit.
    if (this.deciding) this.lanesDone = Math.max(this.lanesDone, this.psu.observeElements(elements));
  }

  endCellUpdates(): void {
    if (this.deciding) this.decisionReadyAt = this.psu.decide(this.lanesDone);
  }

  finish(): void {
    const s = this.psu.stats();
    if (s.steps_total !== this.expectedSteps) throw new Error(`epur_dps: the run charged ${s.steps_total} sequence-steps, the trace has ${this.expectedSteps}`);
    this.psu.recordChecks(this.schedule.checkedSteps);
    this.psu.recordRegisterSource(this.schedule.registersFrom);
  }
}
