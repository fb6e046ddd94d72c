/**
 * Energy and area of a run, Accelergy-style: components count actions (timing code), the
 * registered pricing of each kind (src/energy/prices/) turns the technology table into an
 * energy per action, a leakage power and an area, each with the formula it came from; this
 * module multiplies, adds leakage x time, and keeps every line so a run's energy can be audited
 * (energy.csv, area.csv). Energy is grouped by role (replicated instances add up).
 */
import type { Component } from '../engine/component.js';
import { priceComponent } from '../components/registry.js';
import type { Primitives } from '../energy/price.js';
import type { ComponentPrice } from '../energy/prices/component-price.js';

/** One line of the action-energy table: a component's action, how often, at what price. */
export interface ActionEnergyRow {
  readonly component: string;
  readonly role: string;
  readonly kind: string;
  readonly action: string;
  readonly count: number;
  readonly energy_per_action_pj: number;
  readonly energy_pj: number;
  readonly formula: string;
}

/** One line of the area and leakage table. */
export interface ComponentAreaRow {
  readonly component: string;
  readonly role: string;
  readonly kind: string;
  readonly area_mm2: number;
  readonly area_formula: string;
  readonly leakage_mw: number;
  readonly leakage_formula: string;
  readonly leakage_pj: number;
  readonly dynamic_pj: number;
}

export interface EnergyAreaReport {
  readonly energy_pj: { readonly total: number; readonly dynamic: number; readonly leakage: number; readonly by_component: Record<string, number> };
  readonly area_mm2: { readonly total: number; readonly by_component: Record<string, number> };
  readonly actions: readonly ActionEnergyRow[];
  readonly components: readonly ComponentAreaRow[];
}

/** mW x us = 1e-3 J/s x 1e-6 s = 1e-9 J = 1000 pJ. */
export const PJ_PER_MW_US = 1000;

/** Prices of a run's components, computed once (phase reports reuse them). */
export function priceAll(components: readonly Component[], primitives: Primitives): Map<Component, ComponentPrice> {
  return new Map(components.map((c) => [c, priceComponent(c, primitives)]));
}

/** Energy of `counts` (action -> count) at a component's prices. */
export function dynamicEnergyPj(component: Component, price: ComponentPrice, counts: Readonly<Record<string, number>>): number {
  let pj = 0;
  for (const [action, count] of Object.entries(counts)) {
    const per = price.actions[action];
    if (per === undefined) throw new Error(`internal: ${component.name} (${component.kind.kind}) has no price for action '${action}'`);
    pj += count * per.value;
  }
  return pj;
}

export function energyAndArea(components: readonly Component[], prices: ReadonlyMap<Component, ComponentPrice>, latencyUs: number): EnergyAreaReport {
  const byRole: Record<string, number> = {};
  const areaByRole: Record<string, number> = {};
  const actions: ActionEnergyRow[] = [];
  const rows: ComponentAreaRow[] = [];
  let dynamic = 0;
  let leakage = 0;
  let area = 0;
  for (const c of components) {
    const price = prices.get(c);
    if (!price) throw new Error(`internal: ${c.name} was not priced`);
    let dyn = 0;
    for (const [action, count] of Object.entries(c.actionCounts())) {
      const per = price.actions[action];
      if (per === undefined) throw new Error(`internal: ${c.name} (${c.kind.kind}) has no price for action '${action}'`);
      const pj = count * per.value;
      actions.push({ component: c.name, role: c.role, kind: c.kind.kind, action, count, energy_per_action_pj: per.value, energy_pj: pj, formula: per.formula });
      dyn += pj;
    }
    const leak = price.leakageMw.value * latencyUs * PJ_PER_MW_US;
    rows.push({
      component: c.name,
      role: c.role,
      kind: c.kind.kind,
      area_mm2: price.areaMm2.value,
      area_formula: price.areaMm2.formula,
      leakage_mw: price.leakageMw.value,
      leakage_formula: price.leakageMw.formula,
      leakage_pj: leak,
      dynamic_pj: dyn,
    });
    byRole[c.role] = (byRole[c.role] ?? 0) + dyn + leak;
    areaByRole[c.role] = (areaByRole[c.role] ?? 0) + price.areaMm2.value;
    dynamic += dyn;
    leakage += leak;
    area += price.areaMm2.value;
  }
  return {
    energy_pj: { total: dynamic + leakage, dynamic, leakage, by_component: byRole },
    area_mm2: { total: area, by_component: areaByRole },
    actions,
    components: rows,
  };
}
