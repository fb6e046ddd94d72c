/**
 * E-PUR with dynamic precision selection (docs/dps.md): the E-PUR dataflow plus a
 * precision-select unit, multi-precision dot-product units and bit-sliced weight storage. Before
 * the run, the unit's decision logic replays the trace's cell states (streamed) and fixes the
 * precision of every step (its threshold registers loaded from the trace's recorded
 * precision_policy, or from the config: param threshold_source); during the run the unit's lanes see each step's new cell-state
 * elements, and the next step starts only when its precision is in the register.
 */
import { PrecisionSelectUnit, policySpecFromParams } from '../../components/precision-select-unit.js';
import { replayPrecisions } from '../../dps/replay.js';
import { registerContents, type RegisterSource } from '../../dps/policy-spec.js';
import type { WeightLayout } from '../../dps/storage.js';
import type { DataflowKind } from '../dataflow-kind.js';
import { epurDataflowKind, runEpur } from './epur-kind.js';

export const epurDpsDataflowKind: DataflowKind = {
  kind: 'epur_dps',
  description: 'E-PUR-like with dynamic precision selection: a precision-select unit picks each step\'s precision from the change of the cell state; multi-precision dot-product units; bit-sliced weights',
  params: {
    ...epurDataflowKind.params,
    schedule: { ...epurDataflowKind.params.schedule, default: 'step_by_step', description: "must be 'step_by_step' (MWL precomputes input-side products before their precision is decided)" },
    weight_layout: { type: 'string', unit: '-', enum: ['bit_sliced', 'packed'], default: 'bit_sliced', description: "'bit_sliced' (a lower precision reads fewer bits from SRAM and DRAM) or 'packed' (always the full word)" },
    residual_guard_bits: { type: 'integer', unit: 'bits', minimum: 0, maximum: 4, default: 1, description: 'extra bits per residual slice (the residual of a rounded code spans one more value than its width)' },
  },
  roles: {
    ...epurDataflowKind.roles,
    precision_select_unit: { kind: 'precision_select_unit', perComputeUnit: false, description: 'the unit choosing each step\'s precision from the cell state' },
  },
  async prepareWorkload(workload, input) {
    const params = input.roles.precision_select_unit;
    const { spec, from } = registerContents(policySpecFromParams(params), input.trace.header.precision_policy, params.threshold_source as RegisterSource, 'precision_select_unit');
    const schedule = await replayPrecisions(input.trace, spec, 'precision_select_unit', params.check_recorded_precision as boolean);
    return { ...workload, precisionSchedule: Object.assign(schedule, { registersFrom: from }) };
  },
  simulate(input) {
    const schedule = input.workload.precisionSchedule;
    if (!schedule) throw new Error('epur_dps: the workload has no precision schedule (prepareWorkload was not run)');
    const p = input.dataflowParams;
    const expectedSteps = [...schedule.stepsByBits.values()].reduce((a, b) => a + b, 0);
    return runEpur(
      input,
      (ctx, make) => ({
        psu: make(new PrecisionSelectUnit('precision_select_unit', input.roles.precision_select_unit, ctx)),
        schedule,
        layout: { layout: p.weight_layout as WeightLayout, precisions: schedule.precisions, guardBits: p.residual_guard_bits as number },
      }),
      (dps) => {
        const s = dps.psu.stats();
        if (s.steps_total !== expectedSteps) throw new Error(`epur_dps: the run charged ${s.steps_total} sequence-steps, the trace has ${expectedSteps}`);
        dps.psu.recordChecks(schedule.checkedSteps);
        dps.psu.recordRegisterSource(schedule.registersFrom === 'trace');
      },
    );
  },
};
