/**
 * Extension points of the E-PUR-like dataflow: what a technique (dynamic precision selection, a
 * delta unit, ...) can change without editing the dataflow. A technique is declared once
 * (EpurTechnique: its parameters, the roles it adds, what it reads from the trace) and, for a
 * run, attaches an EpurExtension: storage widths, per-step hooks (wait before a step, the
 * step's precision and the columns it computes), observation of cell updates, and its own
 * share of the run's checks. `withTechnique(epur, technique)` registers the combination as a
 * dataflow kind of its own (src/techniques/<name>/register.ts).
 */
import type { ParamDecls, ParamsOf } from '../../engine/component.js';
import type { Process } from '../../engine/process.js';
import type { RunContext } from '../run-context.js';
import type { PrepareInput, DatapathWidthDecl, RoleDecl } from '../dataflow-kind.js';
import type { Workload } from '../workload.js';
import type { ComputeUnit } from './compute-unit.js';
import type { StorageWidths } from './mapping.js';

/** One recurrent timestep of one layer-direction of one lockstep group, as hooks see it. */
export interface RecurrentStep {
  readonly group: number;
  /** Lengths of the group's sequences. */
  readonly lengths: readonly number[];
  readonly layer: number;
  readonly direction: number;
  /** Processing order within the layer-direction (the reverse direction visits timesteps backwards). */
  readonly step: number;
  /** Steps of the layer-direction (the longest sequence of the group). */
  readonly steps: number;
}

/** What a step computes, as decided by the extensions before it starts. */
export interface StepWork {
  /** Precision of the step's products and operand reads (undefined: the trace's full precision). */
  readonly bits?: number;
  /** Columns of W_x (input side) and W_h (recurrent side) the step computes (undefined: all). */
  readonly inputColumns?: number;
  readonly recurrentColumns?: number;
}

export interface EpurExtension {
  /** Storage widths, when the technique changes how weights and activations are stored (one extension at most). */
  readonly storage?: StorageWidths;
  /** Refuse a configuration the technique cannot run (with an InputError naming the keys). */
  check?(units: readonly ComputeUnit[], workload: Workload, schedule: 'step_by_step' | 'mwl'): void;
  /** A layer-direction starts. */
  beginLayerDirection?(): void;
  /** Before a recurrent step: may wait (yield), then says what the step computes. */
  beginStep?(step: RecurrentStep): Process<StepWork>;
  /**
   * Before MWL's input-side pass over a window of timesteps (W_x x_t for each): may wait, then
   * says what each of the window's steps computes on the input side (one StepWork per step, in
   * order; only inputColumns applies: the pass's precision is inputSideBits).
   */
  beginInputSide?(steps: readonly RecurrentStep[]): Process<readonly StepWork[]>;
  /** `elements` new cell-state elements have left a multifunction unit (now). */
  observeCellUpdate?(elements: number): void;
  /** Every cell update of the step is done (now). */
  endCellUpdates?(step: RecurrentStep): void;
  /** Precision of MWL's input-side pass (W_x x_t for a window of timesteps), fixed before their steps' precisions are known. */
  readonly inputSideBits?: number;
  /** The lowest precision the DPUs run at (peak products per cycle are measured there). */
  readonly lowestBits?: number;
  /** MACs the technique skipped, counted from the trace (0 if none). */
  skippedMacs?(): number;
  /** After the run: the technique's own consistency checks. */
  finish?(): void;
}

/** A technique that extends the E-PUR dataflow, registered as a dataflow kind of its own. */
export interface EpurTechnique<P extends ParamDecls = ParamDecls> {
  /** Appended to the base kind's name: epur + dps = 'epur_dps'. */
  readonly name: string;
  readonly description: string;
  /** Dataflow parameters it adds (or overrides, e.g. a different default). */
  readonly params: P;
  readonly roles: Readonly<Record<string, RoleDecl>>;
  /** Width parameters of its own units, checked against the trace next to E-PUR's (DataflowKind.datapath). */
  readonly datapath?: readonly DatapathWidthDecl[];
  prepareWorkload?(workload: Workload, input: PrepareInput): Promise<Workload>;
  /** Create the technique's components (run.create) and return its extension for this run. */
  attach(run: RunContext, params: ParamsOf<P>, workload: Workload): EpurExtension;
}
