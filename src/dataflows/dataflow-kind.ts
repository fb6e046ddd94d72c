/**
 * A dataflow maps a workload onto components. Like a component kind it declares its parameters
 * and the roles it needs, each role naming an interface (src/components/interfaces.ts) that the
 * component the config puts there must implement; the config schema and the docs come from
 * the declaration, and a user adds a dataflow by registering one (src/dataflows/registry.ts).
 *
 * A dataflow's simulate() gets a RunContext (run-context.ts: the simulator, components created
 * by role, compute-unit accounts, phase records) and returns what only it knows; the run's
 * result, its checks and its reports are assembled once, in src/simulate.ts.
 */
import type { ParamDecls, ParamsOf } from '../engine/component.js';
import type { GemmWorkload, Workload } from './workload.js';
import type { LoadedTrace } from '../traces/reader.js';
import type { RunContext } from './run-context.js';
import type { DiagnoseHook } from './diagnostics.js';

export interface RoleDecl {
  /** The interface the role's component must implement (e.g. 'sram_buffer'). */
  readonly interface: string;
  readonly description: string;
  /** How many instances the dataflow creates, for the docs ("one", "per compute unit", "per PE"). */
  readonly instances: string;
}

/** One timestep of one direction of one layer of one lockstep group, as it ran. */
export interface StepRecord {
  readonly sequence: number;
  readonly layer: number;
  readonly direction: number;
  readonly timestep: number;
  readonly startCycle: number;
  readonly endCycle: number;
  /** MACs this step performed (its samples; under MWL the recurrent part only: W_x x_t ran in the input-side phase). */
  readonly macs: number;
}

/** What a dataflow's run yields; everything else is derived from the RunContext and the components. */
export interface DataflowOutcome {
  readonly cycles: number;
  /** MACs the compute units performed. */
  readonly macsPerformed: number;
  /**
   * What the trace requires of this dataflow: every weight ('dense', traceMacs) or only the
   * non-zero ones ('nonzero', traceNonzeroWeightMacs), for dataflows that skip zero weights.
   */
  readonly macBasis: 'dense' | 'nonzero';
  /**
   * MACs a technique skipped (e.g. a delta unit's unchanged inputs), counted by the technique from
   * the trace, independently of the compute units: performed + skipped must equal the basis.
   */
  readonly macsSkipped: number;
  /** Peak products per cycle of all compute units (for PE utilization). */
  readonly multipliers: number;
  readonly steps: readonly StepRecord[];
}

export interface DataflowKind<P extends ParamDecls = ParamDecls> {
  readonly kind: string;
  readonly description: string;
  readonly params: P;
  readonly roles: Readonly<Record<string, RoleDecl>>;
  /**
   * Optional: read what the dataflow needs from the trace's payload before the (synchronous)
   * simulation, streaming it, and return the workload with it attached (e.g. the per-step
   * precisions a precision-select unit decides from the recorded cell states).
   */
  prepareWorkload?(workload: Workload, input: PrepareInput<P>): Promise<Workload>;
  simulate(run: RunContext, params: ParamsOf<P>, workload: Workload): DataflowOutcome;
  /** Optional: run one plain GEMM (a trace with workload_kind gemm); dataflows without it refuse such traces. */
  simulateGemm?(run: RunContext, params: ParamsOf<P>, gemm: GemmWorkload): DataflowOutcome;
  /** Optional: warnings about a configuration that starves a unit (src/dataflows/diagnostics.ts). */
  readonly diagnose?: DiagnoseHook;
  /**
   * Optional: which component parameters set the datapath's operand widths. A trace whose
   * weights or activations are wider is refused unless the config says `narrow_datapath:
   * requantize` (src/dataflows/datapath-width.ts).
   */
  readonly datapath?: readonly DatapathWidthDecl[];
  /**
   * Optional: how many StepRecords a run of `workload` keeps (bounded by the step_records limit
   * before it starts). Default: one per lockstep group, layer, direction and timestep of the
   * group's longest sequence.
   */
  stepRecords?(workload: Workload): number;
}

/** One operand width of a dataflow's datapath: a role's integer parameter, and which operands it bounds. */
export interface DatapathWidthDecl {
  readonly role: string;
  readonly param: string;
  readonly operands: 'weights' | 'activations' | 'weights and activations';
}

export interface PrepareInput<P extends ParamDecls = ParamDecls> {
  readonly trace: LoadedTrace;
  readonly dataflowParams: ParamsOf<P>;
  /** Resolved parameters of each role's component. */
  readonly roles: Readonly<Record<string, RoleConfig>>;
}

/** A role as the config fills it: the component kind and its resolved parameters. */
export interface RoleConfig {
  readonly kind: string;
  readonly params: Readonly<Record<string, number | boolean | string>>;
}

/** Declare a dataflow kind; `const` keeps the literal parameter types for ParamsOf. */
export function defineDataflowKind<const P extends ParamDecls>(kind: DataflowKind<P>): DataflowKind<P> {
  return kind;
}
