/** The technology table a config's `technology` block selects (energy and area figures of its node). */
import { loadTechTable, type TechTable, type TechTableOptions } from '../energy/tech-table.js';
import type { ArchitectureConfig } from './load-architecture.js';

export function techFor(config: ArchitectureConfig): TechTable {
  return loadTechTable(config.technology.node_nm, techOptionsFor(config));
}

/** The table options a config's `technology` block sets. */
export function techOptionsFor(config: ArchitectureConfig): TechTableOptions {
  const t = config.technology;
  return {
    voltageV: t.voltage_v,
    sramModel: t.sram_model,
    sramCells: t.sram_cells,
    sramPricing: t.sram_pricing,
    sramBanking: t.sram_banking,
    logicLeakage: t.logic_leakage,
    sramOutsideGrid: t.sram_outside_grid,
    multiplierModel: t.multiplier_model,
    adderModel: t.adder_model,
  };
}
