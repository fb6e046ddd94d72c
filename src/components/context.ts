/**
 * What a component needs from its surroundings while it runs: the simulator (for resources and
 * time) and the accelerator clock (to turn ns into cycles). Pricing is not a component's
 * business: src/energy/ prices the actions components count.
 */
import type { Simulator } from '../engine/simulator.js';
import { resolveParams, type ComponentIdentity, type ComponentKind, type ParamDecls } from '../engine/component.js';

export interface ComponentContext {
  readonly sim: Simulator;
  readonly clockMhz: number;
}

/** Convert a time in nanoseconds to whole accelerator cycles, rounding up (a partial cycle is a cycle). */
export function nsToCycles(ns: number, clockMhz: number): number {
  return Math.ceil((ns * clockMhz) / 1000 - 1e-9);
}

/** An identity for a component built outside a config (tests, tools): defaults filled, role = kind. */
export function identityOf<P extends ParamDecls>(kind: ComponentKind<P>, name: string, given: Readonly<Record<string, unknown>>, role = kind.kind): ComponentIdentity<P> {
  return { name, role, params: resolveParams(kind.params, given, name) };
}
