/**
 * A dataflow maps a workload onto components. Like a component kind it declares its parameters
 * and the component roles it needs (for instance a `weight_buffer` that must be an
 * `sram_buffer`), so the config schema and the docs come from the declaration, and a user can
 * add a dataflow without touching the engine.
 */
import type { Component, ParamDecl, ParamValues } from '../engine/component.js';
import type { TechCosts } from '../components/context.js';
import type { StallCause } from './stall-accounting.js';
import type { Workload } from './workload.js';
import type { LoadedTrace } from '../traces/reader.js';

export interface RoleDecl {
  /** Component kind this role must be. */
  readonly kind: string;
  readonly description: string;
  /** Instantiated once per compute unit (true) or shared by the whole accelerator (false). */
  readonly perComputeUnit: boolean;
}

/** One timestep of one direction of one layer of one lockstep group, as it ran. */
export interface StepRecord {
  readonly sequence: number;
  readonly layer: number;
  readonly direction: number;
  readonly timestep: number;
  readonly startCycle: number;
  readonly endCycle: number;
}

export interface SimulationResult {
  readonly cycles: number;
  readonly events: number;
  /** Every component instance, named as in the results (e.g. "cu0.dot_product_unit"). */
  readonly components: readonly Component[];
  readonly macsPerformed: number;
  /**
   * What macsPerformed is checked against: 'dense' = every weight (traceMacs), 'nonzero' = only
   * non-zero weights (traceNonzeroWeightMacs), for dataflows that skip zeros.
   */
  readonly macBasis: 'dense' | 'nonzero';
  /** Element-wise operations performed, by kind (sigmoid, tanh, multiply, add). */
  readonly elementOps: Readonly<Record<string, number>>;
  /** Compute-unit cycles by stall cause; busy + stalls = cycles x computeUnits. */
  readonly stallCycles: Readonly<Record<StallCause, number>>;
  readonly computeBusyCycles: number;
  readonly computeUnits: number;
  /** Multipliers across all compute units (for PE utilization). */
  readonly multipliers: number;
  readonly steps: readonly StepRecord[];
}

export interface SimulationInput {
  readonly workload: Workload;
  readonly dataflowParams: ParamValues;
  /** Resolved parameters of each role's component. */
  readonly roles: Readonly<Record<string, ParamValues>>;
  readonly tech: TechCosts;
  readonly clockMhz: number;
}

export interface DataflowKind {
  readonly kind: string;
  readonly description: string;
  readonly params: Readonly<Record<string, ParamDecl>>;
  readonly roles: Readonly<Record<string, RoleDecl>>;
  /**
   * Optional: read what the dataflow needs from the trace's payload before the (synchronous)
   * simulation, streaming it, and return the workload with it attached (e.g. the per-step
   * precisions a precision-select unit decides from the recorded cell states).
   */
  prepareWorkload?(workload: Workload, input: PrepareInput): Promise<Workload>;
  simulate(input: SimulationInput): SimulationResult;
}

export interface PrepareInput {
  readonly trace: LoadedTrace;
  readonly dataflowParams: ParamValues;
  readonly roles: Readonly<Record<string, ParamValues>>;
}
