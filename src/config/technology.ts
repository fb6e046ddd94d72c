/** The technology table a config's `technology` block selects (energy and area figures of its node). */
import { loadTechTable, type TechTable } from '../energy/tech-table.js';
import type { ArchitectureConfig } from './load-architecture.js';

export function techFor(config: ArchitectureConfig): TechTable {
  const t = config.technology;
  return loadTechTable(t.node_nm, {
    voltageV: t.voltage_v,
    sramModel: t.sram_model,
    sramCells: t.sram_cells,
    sramPricing: t.sram_pricing,
    sramBanking: t.sram_banking,
    logicLeakage: t.logic_leakage,
    multiplierModel: t.multiplier_model,
    adderModel: t.adder_model,
  });
}
