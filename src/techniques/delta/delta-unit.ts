/**
 * Delta unit (DeltaRNN-style, Gao et al., FPGA 2018; the delta rule of Neil et al., ICML 2017):
 * before a step's dot products, it compares every element of the step's input x_t and recurrent
 * input h_(t-1) with the last value it propagated for that element (x_hat, h_hat, kept in the
 * delta memory) and propagates only the elements that changed by at least the threshold,
 * |x - x_hat| >= theta (and x != x_hat): their delta x - x_hat goes to the dot-product units and
 * x_hat takes x. The dot products then run over the propagated columns only (their weight
 * columns are neither fetched nor read), and add into the accumulated pre-activations M_(t-1)
 * of the previous step, which the delta memory also holds (M_t = M_(t-1) + W dx_t + W dh_(t-1)).
 *
 * Per element a subtractor with absolute value, a comparator against the threshold register and
 * a conditional write of x_hat; `lanes` elements per cycle. The propagated elements are encoded
 * into a compact list (value and column index) for the dot-product units; the list is ready
 * `encode_latency_cycles` after the last element. The new h_t elements are compared as they
 * leave the multifunction units (the unit taps the cell update), so only the tail of the last
 * elements and the encoding sit between two steps; the deltas of the next x_(t+1) are computed
 * while the current step runs (inputs do not depend on the recurrence).
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../../engine/component.js';
import { Resource } from '../../engine/resource.js';
import type { ComponentContext } from '../../components/context.js';

export const deltaUnitKind = defineComponentKind({
  kind: 'delta_unit',
  implements: 'delta_unit',
  description: 'DeltaRNN-style delta unit: per-element change of x_t and h_(t-1) against the last propagated value, threshold compare, encoding of the propagated columns',
  params: {
    threshold_source: { type: 'string', unit: '-', enum: ['trace', 'config'], default: 'trace', description: "where the threshold registers come from: 'trace' = the trace header's delta_rule (the thresholds the functional model ran with in the loop), falling back to theta_input/theta_hidden when the trace has none; 'config' = always theta_input/theta_hidden (an open-loop what-if when they differ from the trace's)" },
    theta_input: { type: 'number', unit: 'activation units', minimum: 0, default: 0, description: 'threshold register (fallback/override, see threshold_source) for input elements: x_t[j] propagates when |x_t[j] - x_hat[j]| >= theta_input and x_t[j] != x_hat[j] (0 = lossless: only unchanged elements are skipped)' },
    theta_hidden: { type: 'number', unit: 'activation units', minimum: 0, default: 0, description: 'threshold register (fallback/override, see threshold_source) for recurrent elements h_(t-1)[j] (same rule against h_hat)' },
    lanes: { type: 'integer', unit: 'elements/cycle', minimum: 1, maximum: 4096, default: 16, description: 'elements subtracted and compared per cycle' },
    element_bits: { type: 'integer', unit: 'bits', minimum: 2, maximum: 32, default: 16, description: 'width of an activation element (x, h and their deltas)' },
    index_bits: { type: 'integer', unit: 'bits', minimum: 1, maximum: 32, default: 12, description: 'width of a column index in the encoded list of propagated elements' },
    accumulator_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'width of an accumulated pre-activation M in the delta memory' },
    encode_latency_cycles: { type: 'integer', unit: 'cycles', minimum: 0, maximum: 64, default: 2, description: 'cycles from the last compared element to the list of propagated columns being ready' },
  },
  stats: {
    input_elements: { unit: 'count', description: 'input elements compared (x_t, per sample)' },
    hidden_elements: { unit: 'count', description: 'recurrent elements compared (h_(t-1), per sample)' },
    input_propagated: { unit: 'count', description: 'input elements propagated (per sample)' },
    hidden_propagated: { unit: 'count', description: 'recurrent elements propagated (per sample)' },
    busy_cycles: { unit: 'cycles', description: 'cycles the lanes were comparing' },
    critical_path_cycles: { unit: 'cycles', description: 'cycles a step waited for its deltas after its other inputs were ready' },
    steps: { unit: 'count', description: 'layer-direction steps (of lockstep groups) the unit prepared' },
    theta_input: { unit: 'activation units', description: 'input threshold the run used' },
    theta_hidden: { unit: 'activation units', description: 'recurrent threshold the run used' },
    thresholds_from_trace: { unit: 'flag', description: "1 when the thresholds came from the trace's delta_rule, 0 when from the config" },
  },
  actions: {
    compare: { description: 'one element: subtract the last propagated value, absolute value, compare with the threshold register (element_bits)' },
    encode: { description: 'one propagated element: its delta and column index appended to the list for the dot-product units' },
  },
});

export class DeltaUnit extends Component<typeof deltaUnitKind.params> {
  readonly lanesResource: Resource;
  readonly lanes: number;
  readonly encodeLatencyCycles: number;
  private inputElements = 0;
  private hiddenElements = 0;
  private inputPropagated = 0;
  private hiddenPropagated = 0;
  private criticalPath = 0;
  private steps = 0;
  private thresholds = { input: 0, hidden: 0, fromTrace: 0 };

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof deltaUnitKind.params>) {
    super(deltaUnitKind, identity);
    this.lanes = this.params.lanes;
    this.encodeLatencyCycles = this.params.encode_latency_cycles;
    this.lanesResource = new Resource(`${this.name}.lanes`, ctx.sim);
  }

  /** Compare `elements` elements of one vector on the lanes from `from` (or when they are free); returns the cycle they are through. */
  compare(vector: 'input' | 'hidden', elements: number, from: number): number {
    const grant = this.lanesResource.acquire(Math.ceil(elements / this.lanes), from);
    if (vector === 'input') this.inputElements += elements;
    else this.hiddenElements += elements;
    this.count('compare', elements);
    return grant.end;
  }

  /** `propagated` elements of one vector go into the list for the dot-product units. */
  encode(vector: 'input' | 'hidden', propagated: number): void {
    if (vector === 'input') this.inputPropagated += propagated;
    else this.hiddenPropagated += propagated;
    this.count('encode', propagated);
  }

  /** A step waited `cycles` for its deltas. */
  chargeCriticalPath(cycles: number): void {
    this.criticalPath += cycles;
  }

  /** The thresholds loaded into the registers and where from. */
  recordThresholds(input: number, hidden: number, from: 'trace' | 'config'): void {
    this.thresholds = { input, hidden, fromTrace: from === 'trace' ? 1 : 0 };
  }

  recordStep(): void {
    this.steps++;
  }

  stats(): Record<string, number> {
    return {
      input_elements: this.inputElements,
      hidden_elements: this.hiddenElements,
      input_propagated: this.inputPropagated,
      hidden_propagated: this.hiddenPropagated,
      busy_cycles: this.lanesResource.busyCycles,
      critical_path_cycles: this.criticalPath,
      steps: this.steps,
      theta_input: this.thresholds.input,
      theta_hidden: this.thresholds.hidden,
      thresholds_from_trace: this.thresholds.fromTrace,
    };
  }
}
