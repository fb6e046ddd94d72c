/**
 * A run's total energy under every pricing the sources allow (issue 13: "ranges, not just
 * points"). Cycles and action counts stay the run's; only prices change, so a run is repriced,
 * never simulated again. The axes, each at its alternatives:
 *
 * - arithmetic: multipliers and adders both Horowitz, or both Aladdin (2.8-4x apart);
 * - sram_banking: CACTI's banked macro or independent banks (with sram_pricing cacti_geometry);
 * - dram_energy: the lowest, the config's or the highest energy per bit among the DRAM preset's
 *   options and the config's own figure;
 * - dram_background: the lowest, the config's or the highest background power among the states
 *   a DRAM can serve accesses in (dramBackgroundRange) and the config's own figure.
 *
 * The variant with the config's choice on every axis is the run as priced, so the range always
 * holds the run's own total (and two runs' own savings).
 *
 * A variant is one choice on every axis; its key names the choices by role (low/selected/high
 * for the DRAM axes), so the same key prices two configs alike and their savings can be compared
 * variant by variant.
 */
import type { Component } from '../engine/component.js';
import type { ArchitectureConfig } from '../config/load-architecture.js';
import { techOptionsFor } from '../config/technology.js';
import { loadTechTable } from '../energy/tech-table.js';
import { Primitives } from '../energy/price.js';
import { loadDramPreset } from '../energy/dram-presets.js';
import { dramBackgroundRange, dramEnergyRange } from '../energy/alternatives.js';
import type { RunReport } from '../simulate.js';
import { InputError } from '../errors.js';
import { PJ_PER_MW_US, energyAndArea, priceAll } from './energy-area.js';

export interface EnergyVariant {
  /** e.g. "arithmetic=aladdin, sram_banking=per_bank, dram_energy=low, dram_background=high". */
  readonly key: string;
  readonly total_uj: number;
}

export interface EnergyRange {
  readonly selected_uj: number;
  readonly low_uj: number;
  readonly high_uj: number;
  readonly low_variant: string;
  readonly high_variant: string;
  /** DRAM figures behind the low/high choices, per DRAM component (pJ/bit and mW). */
  readonly dram: readonly { readonly component: string; readonly energy_pj_per_bit: Readonly<Record<'low' | 'selected' | 'high', number>>; readonly background_mw: Readonly<Record<'low' | 'selected' | 'high', number>> }[];
  readonly variants: readonly EnergyVariant[];
  /** Variants that could not be priced, with why. */
  readonly skipped: readonly string[];
}

interface DramAlternatives {
  readonly component: Component;
  readonly bytes: number;
  /** Lowest, the config's, highest. */
  readonly pjPerBit: Readonly<Record<DramChoice, number>>;
  readonly backgroundMw: Readonly<Record<DramChoice, number>>;
}

type DramChoice = 'low' | 'selected' | 'high';
const DRAM_CHOICES: readonly DramChoice[] = ['low', 'selected', 'high'];

function dramAlternatives(component: Component): DramAlternatives {
  const params = component.params as { preset: string; energy_pj_per_bit: number; background_power_mw: number };
  const counts = component.actionCounts();
  const bytes = (counts.read_byte ?? 0) + (counts.write_byte ?? 0);
  const perBit = [params.energy_pj_per_bit];
  const background = [params.background_power_mw];
  if (params.preset !== 'none') {
    const preset = loadDramPreset(params.preset);
    perBit.push(...dramEnergyRange(preset).alternatives.map((a) => a.value));
    if (preset.background) background.push(...dramBackgroundRange(preset).alternatives.map((a) => a.value));
  }
  return {
    component,
    bytes,
    pjPerBit: { low: Math.min(...perBit), selected: params.energy_pj_per_bit, high: Math.max(...perBit) },
    backgroundMw: { low: Math.min(...background), selected: params.background_power_mw, high: Math.max(...background) },
  };
}

/** Every variant's total energy for a finished run of `config`. */
export function energyRange(report: RunReport, config: ArchitectureConfig): EnergyRange {
  const latencyUs = report.summary.latency_us;
  const base = techOptionsFor(config);
  const drams = report.components.filter((c) => c.kind.kind === 'dram').map(dramAlternatives);
  const dramNames = new Set(drams.map((d) => d.component.name));
  const arithmetic = ['horowitz', 'aladdin'] as const;
  const pricing = loadTechTable(config.technology.node_nm, base).sramPricing;
  const bankings = pricing === 'cacti_geometry' ? (['macro', 'per_bank'] as const) : ([undefined] as const);
  const variants: EnergyVariant[] = [];
  const skipped: string[] = [];
  for (const a of arithmetic) {
    for (const banking of bankings) {
      const tech = loadTechTable(config.technology.node_nm, { ...base, multiplierModel: a, adderModel: a, ...(banking ? { sramBanking: banking } : {}) });
      let prices;
      try {
        prices = priceAll(report.components, new Primitives(tech));
      } catch (err) {
        // A geometry the CACTI grid has as a macro but not as banks (or the reverse): that variant cannot be priced.
        if (!(err instanceof InputError)) throw err;
        skipped.push(`arithmetic=${a}${banking ? `, sram_banking=${banking}` : ''}: ${err.message}`);
        continue;
      }
      const energy = energyAndArea(report.components, prices, latencyUs);
      // Everything but the DRAMs, which the DRAM axes price.
      let rest = 0;
      for (const c of energy.components) if (!dramNames.has(c.component)) rest += c.dynamic_pj + c.leakage_pj;
      for (const e of DRAM_CHOICES) {
        for (const b of DRAM_CHOICES) {
          let dram = 0;
          for (const d of drams) dram += d.bytes * 8 * d.pjPerBit[e] + d.backgroundMw[b] * latencyUs * PJ_PER_MW_US;
          const key = [`arithmetic=${a}`, ...(banking ? [`sram_banking=${banking}`] : []), ...(drams.length > 0 ? [`dram_energy=${e}`, `dram_background=${b}`] : [])].join(', ');
          if (!variants.some((v) => v.key === key)) variants.push({ key, total_uj: (rest + dram) / 1e6 });
        }
      }
    }
  }
  let low = variants[0]!;
  let high = variants[0]!;
  for (const v of variants) {
    if (v.total_uj < low.total_uj) low = v;
    if (v.total_uj > high.total_uj) high = v;
  }
  return {
    selected_uj: report.summary.energy_pj.total / 1e6,
    low_uj: low.total_uj,
    high_uj: high.total_uj,
    low_variant: low.key,
    high_variant: high.key,
    dram: drams.map((d) => ({ component: d.component.name, energy_pj_per_bit: d.pjPerBit, background_mw: d.backgroundMw })),
    variants,
    skipped,
  };
}

/**
 * Energy savings of `run` against `baseline` (baseline total / run total) under each variant
 * both have, lowest and highest: a conclusion "saves energy" survives the sources' spread when
 * the lowest is above 1.
 */
export function savingsRange(run: EnergyRange, baseline: EnergyRange): { readonly low_x: number; readonly high_x: number } | null {
  const base = new Map(baseline.variants.map((v) => [v.key, v.total_uj]));
  const ratios = run.variants.flatMap((v) => (base.has(v.key) ? [base.get(v.key)! / v.total_uj] : []));
  if (ratios.length === 0) return null;
  return { low_x: Math.min(...ratios), high_x: Math.max(...ratios) };
}
