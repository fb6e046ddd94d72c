/** The technology table a config's `technology` block selects (energy and area figures of its node). */
import { InputError } from '../errors.js';
import { listTechNodes, loadTechTable, type TechTable, type TechTableOptions } from '../energy/tech-table.js';
import type { ArchitectureConfig } from './load-architecture.js';

/** The config's technology table; a problem with the block is an InputError naming the config file and the key. */
export function techFor(config: ArchitectureConfig): TechTable {
  const t = config.technology;
  if (!listTechNodes().includes(t.node_nm)) {
    throw new InputError(
      `${config.where(['technology', 'node_nm'])}: no technology table for ${t.node_nm} nm (expected configs/tech/${t.node_nm}nm.yaml); available: ${listTechNodes().map((n) => `${n} nm`).join(', ')}`,
      config.file,
    );
  }
  try {
    return loadTechTable(t.node_nm, techOptionsFor(config));
  } catch (err) {
    // A problem the table finds with the block's options (voltage, models) carries no file of its own.
    if (err instanceof InputError && err.file === undefined) throw new InputError(`${config.where(['technology'])}: ${err.message}`, config.file);
    throw err;
  }
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
