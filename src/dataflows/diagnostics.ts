/**
 * Diagnostics: what a dataflow can tell about a configuration before it runs, such as a unit
 * that the rest of the design cannot feed (a starved design). A dataflow kind declares a
 * `diagnose` hook (src/dataflows/dataflow-kind.ts); `rnnsim check` and every sweep point call
 * it. A diagnostic is a warning, not an error: the design runs, but slower than its datapath
 * suggests, and the message says which keys limit it and by how much.
 */
import type { ParamValues } from '../engine/component.js';
import type { RoleConfig } from './dataflow-kind.js';
import type { Workload } from './workload.js';

export interface Diagnostic {
  /** Short stable identifier of the kind of problem (e.g. "input_buffer_bandwidth"), for tables. */
  readonly code: string;
  /** One sentence naming the keys and the numbers, and what to change. */
  readonly message: string;
  /** The config keys (dotted paths) the problem comes from. */
  readonly keys: readonly string[];
}

export interface DiagnoseInput {
  readonly clockMhz: number;
  readonly dataflowParams: ParamValues;
  /** Each role's component kind and resolved parameters. */
  readonly roles: Readonly<Record<string, RoleConfig>>;
  /** The workload of a trace, when one is given (residency and fetch rates depend on it). */
  readonly workload?: Workload;
}

export type DiagnoseHook = (input: DiagnoseInput) => Diagnostic[];

/** "warning: <message>" lines for a terminal. */
export function diagnosticsText(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `warning: ${d.message}\n`).join('');
}
