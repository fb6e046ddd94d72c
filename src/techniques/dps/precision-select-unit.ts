/**
 * Precision-select unit (PSU) for dynamic precision selection (docs/dps.md). It taps the cell
 * update of the multifunction units: each new cell-state element c_t[j] arrives together with
 * c_(t-1)[j], which the cell update reads anyway (c_t = f * c_(t-1) + i * g), so the unit needs no
 * storage of its own for the cell state. Per element: a subtractor and an absolute value, a
 * comparator against the element threshold (count_above) or the running maximum (max_abs), and
 * a popcount/max reduction into a counter; `lanes` elements per cycle. When the last element of
 * a step has been seen, the counter is compared with the threshold registers and the hysteresis
 * counter is updated: `decision_latency_cycles` later the precision register holds the next
 * step's precision. Only that tail (the last elements' reduction plus the decision) sits between
 * two timesteps on the critical path; the rest overlaps the cell updates.
 *
 * The decision logic is src/dps/policy.ts (the same code as the functional model's hook); the
 * policy's parameters are this component's parameters, i.e. the contents of its registers.
 */
import { Component, defineComponentKind, type ComponentIdentity, type ParamsOf } from '../../engine/component.js';
import { Resource } from '../../engine/resource.js';
import type { ComponentContext } from '../../components/context.js';
import type { DpsPolicySpec } from '../../dps/policy-spec.js';

export const precisionSelectUnitKind = defineComponentKind({
  kind: 'precision_select_unit',
  implements: 'precision_select_unit',
  description: 'dynamic precision selection: per-step cell-state change statistic, threshold registers, precision register',
  params: {
    precisions: { type: 'string', unit: 'bits', default: '8,16', description: "hardware: ascending precisions the unit chooses from, comma-separated (e.g. '4,8,16'); the last is the static precision; one threshold register per precision but the last" },
    decisions: {
      type: 'string',
      unit: '-',
      enum: ['policy', 'recorded'],
      default: 'policy',
      description: "'policy': the unit decides every step from the trace's cell states with its registers' policy (the hardware as built); 'recorded': the unit's decisions are the trace's precision records (a schedule chosen elsewhere, e.g. a random, periodic or oracle control written by `rnnsim dps evaluate`), so the hardware runs exactly the schedule whose accuracy was measured",
    },
    threshold_source: { type: 'string', unit: '-', enum: ['trace', 'config'], default: 'trace', description: "where the register contents (statistic, delta, thresholds, hysteresis_steps, initial_bits) come from: 'trace' = the trace header's precision_policy (each network's calibrated policy, as a deployment would load it), falling back to this config's values when the trace has none; 'config' = always this config's values (override)" },
    statistic: { type: 'string', unit: '-', enum: ['count_above', 'max_abs'], default: 'count_above', description: "register (fallback/override, see threshold_source): 'count_above' (elements with |c_t - c_(t-1)| > delta) or 'max_abs' (largest |c_t - c_(t-1)|)" },
    delta: { type: 'number', unit: 'cell-state units', minimum: 0, default: 0.0625, description: 'register (fallback/override, see threshold_source): count_above element change threshold' },
    thresholds: { type: 'string', unit: 'fraction or cell-state units', default: '0.25', description: 'registers (fallback/override, see threshold_source): ascending thresholds, one fewer than precisions, comma-separated: fractions of the cell state (count_above) or cell-state units (max_abs)' },
    hysteresis_steps: { type: 'integer', unit: 'steps', minimum: 0, maximum: 255, default: 0, description: 'register (fallback/override, see threshold_source): extra consecutive calm decisions required before lowering the precision' },
    initial_bits: { type: 'integer', unit: 'bits', minimum: 0, maximum: 32, default: 0, description: "register (fallback/override, see threshold_source): precision of each sequence's first step; 0 = the highest" },
    lanes: { type: 'integer', unit: 'elements/cycle', minimum: 1, maximum: 4096, default: 4, description: 'cell-state elements subtracted and compared per cycle' },
    element_bits: { type: 'integer', unit: 'bits', minimum: 2, maximum: 32, default: 16, description: 'cell-state element width' },
    counter_bits: { type: 'integer', unit: 'bits', minimum: 2, maximum: 32, default: 16, description: 'width of the counter (or max register) and of the threshold registers' },
    decision_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 64, default: 1, description: 'cycles from the last element to the precision register' },
    check_recorded_precision: { type: 'boolean', unit: '-', default: true, description: "when the trace records precisions, require the unit's decision to equal them at every step (the functional model ran the same policy)" },
  },
  stats: {
    decisions: { unit: 'count', description: 'precision decisions (steps after the first of each sequence-layer-direction)' },
    elements: { unit: 'count', description: 'cell-state elements compared' },
    busy_cycles: { unit: 'cycles', description: 'cycles comparing elements' },
    critical_path_cycles: { unit: 'cycles', description: 'cycles the next step waited for a decision after its other inputs were ready' },
    steps_lowest: { unit: 'count', description: 'layer-direction steps (per sequence) run at the lowest precision' },
    steps_highest: { unit: 'count', description: 'steps run at the highest precision' },
    steps_total: { unit: 'count', description: 'steps of all sequences, layers and directions' },
    precision_bit_steps: { unit: 'bit x count', description: 'sum over steps of their precision (mean = this / steps_total)' },
    recorded_precision_checks: { unit: 'count', description: "steps whose decision was compared with the trace's precision record" },
    registers_from_trace: { unit: 'flag', description: "1 when the threshold registers were loaded from the trace's precision_policy, 0 when from the config" },
  },
  actions: {
    subtract: { description: 'one element: c_t - c_(t-1) and its absolute value (element_bits)' },
    compare: { description: 'one element: |d| against the element threshold or the running maximum' },
    count: { description: 'one counter update (popcount add or max register write)' },
    decide: { description: 'one decision: counter vs threshold registers, hysteresis counter, precision register write' },
  },
});

export type PrecisionSelectParams = ParamsOf<typeof precisionSelectUnitKind.params>;

function numberList(text: string, what: string): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const out = parts.map(Number);
  if (out.some((v) => !Number.isFinite(v))) throw new Error(`${what}: expected comma-separated numbers, found '${text}'`);
  return out;
}

/** The policy a PSU's parameters describe (in real units; resolve per layer with resolvePolicy). */
export function policySpecFromParams(params: PrecisionSelectParams): DpsPolicySpec {
  const precisions = numberList(params.precisions, 'precision_select_unit.precisions');
  const initial = params.initial_bits;
  return {
    precisions,
    statistic: params.statistic,
    delta: params.delta,
    thresholds: params.thresholds === '' ? [] : numberList(params.thresholds, 'precision_select_unit.thresholds'),
    hysteresisSteps: params.hysteresis_steps,
    initialBits: initial === 0 ? undefined : initial,
  };
}

export class PrecisionSelectUnit extends Component<typeof precisionSelectUnitKind.params> {
  readonly unit: Resource;
  readonly lanes: number;
  readonly decisionLatencyCycles: number;
  readonly spec: DpsPolicySpec;
  private elements = 0;
  private decisions = 0;
  private criticalPath = 0;
  private stepsLowest = 0;
  private stepsHighest = 0;
  private stepsTotal = 0;
  private bitSteps = 0;
  private checks = 0;
  private fromTrace = 0;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof precisionSelectUnitKind.params>) {
    super(precisionSelectUnitKind, identity);
    this.spec = policySpecFromParams(this.params);
    this.lanes = this.params.lanes;
    this.decisionLatencyCycles = this.params.decision_latency_cycles;
    this.unit = new Resource(`${this.name}.lanes`, ctx.sim);
  }

  get lowestBits(): number {
    return this.spec.precisions[0];
  }

  get highestBits(): number {
    return this.spec.precisions[this.spec.precisions.length - 1];
  }

  /** Reserve the lanes for `elements` new cell-state elements from `now`; returns when they are through. */
  observeElements(elements: number): number {
    const grant = this.unit.acquire(Math.ceil(elements / this.lanes));
    this.elements += elements;
    this.count('subtract', elements);
    this.count('compare', elements);
    this.count('count', Math.ceil(elements / this.lanes));
    return grant.end;
  }

  /** One decision once the lanes are through at `lanesDone`; returns the cycle the precision is known. */
  decide(lanesDone: number): number {
    this.decisions++;
    this.count('decide', 1);
    return lanesDone + this.decisionLatencyCycles;
  }

  /** The next step waited `cycles` for the decision. */
  chargeCriticalPath(cycles: number): void {
    this.criticalPath += cycles;
  }

  /** Count `sequences` sequence-steps of one layer-direction run at `bits`. */
  recordSteps(bits: number, sequences: number): void {
    this.stepsTotal += sequences;
    this.bitSteps += bits * sequences;
    if (bits === this.lowestBits) this.stepsLowest += sequences;
    if (bits === this.highestBits) this.stepsHighest += sequences;
  }

  recordChecks(n: number): void {
    this.checks += n;
  }

  /** Where the threshold registers were loaded from. */
  recordRegisterSource(from: 'trace' | 'config'): void {
    this.fromTrace = from === 'trace' ? 1 : 0;
  }

  stats(): Record<string, number> {
    return {
      decisions: this.decisions,
      elements: this.elements,
      busy_cycles: this.unit.busyCycles,
      critical_path_cycles: this.criticalPath,
      steps_lowest: this.stepsLowest,
      steps_highest: this.stepsHighest,
      steps_total: this.stepsTotal,
      precision_bit_steps: this.bitSteps,
      recorded_precision_checks: this.checks,
      registers_from_trace: this.fromTrace,
    };
  }
}
