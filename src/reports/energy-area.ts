/**
 * Energy and area from action counts and the technology table, Accelergy-style: each component
 * prices its actions (cost()), this module multiplies by the counts, adds leakage x time, and
 * keeps the per-action prices so a run's energy can be audited line by line.
 */
import type { Component } from '../engine/component.js';

export interface ComponentEnergy {
  readonly dynamic_pj: number;
  readonly leakage_pj: number;
  readonly total_pj: number;
}

export interface EnergyAreaReport {
  readonly energy_pj: { readonly total: number; readonly dynamic: number; readonly leakage: number; readonly by_component: Record<string, number> };
  readonly energy_detail: Record<string, ComponentEnergy & { readonly actions: Record<string, { count: number; energy_per_action_pj: number; energy_pj: number }> }>;
  readonly area_mm2: { readonly total: number; readonly by_component: Record<string, number> };
}

/** mW x us = 1e-3 J/s x 1e-6 s = 1e-9 J = 1000 pJ. */
const PJ_PER_MW_US = 1000;

/**
 * Group key of an instance, so replicated units add up: the last path segment without its
 * index ("cu3.dot_product_unit" -> "dot_product_unit", "ch0.pe3.weight_buffer" ->
 * "weight_buffer", "ch0.pe3" -> "pe").
 */
export function roleOf(instanceName: string): string {
  const last = instanceName.slice(instanceName.lastIndexOf('.') + 1);
  return last.replace(/(?<=[a-z_])\d+$/, '');
}

export function energyAndArea(components: readonly Component[], latencyUs: number): EnergyAreaReport {
  const byComponent: Record<string, number> = {};
  const areaBy: Record<string, number> = {};
  const detail: EnergyAreaReport['energy_detail'] = {};
  let dynamic = 0;
  let leakage = 0;
  let area = 0;
  for (const c of components) {
    const cost = c.cost();
    const actions: Record<string, { count: number; energy_per_action_pj: number; energy_pj: number }> = {};
    let dyn = 0;
    for (const [action, count] of Object.entries(c.actionCounts())) {
      const per = cost.energyPerActionPj[action];
      if (per === undefined) throw new Error(`internal: ${c.name} has no energy for action '${action}'`);
      actions[action] = { count, energy_per_action_pj: per, energy_pj: count * per };
      dyn += count * per;
    }
    const leak = cost.leakageMw * latencyUs * PJ_PER_MW_US;
    detail[c.name] = { dynamic_pj: dyn, leakage_pj: leak, total_pj: dyn + leak, actions };
    const role = roleOf(c.name);
    byComponent[role] = (byComponent[role] ?? 0) + dyn + leak;
    areaBy[role] = (areaBy[role] ?? 0) + cost.areaMm2;
    dynamic += dyn;
    leakage += leak;
    area += cost.areaMm2;
  }
  return {
    energy_pj: { total: dynamic + leakage, dynamic, leakage, by_component: byComponent },
    energy_detail: detail,
    area_mm2: { total: area, by_component: areaBy },
  };
}
