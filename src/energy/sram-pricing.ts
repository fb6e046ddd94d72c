/**
 * SRAM figures at a technology node from the CACTI tables, with the audit record TechTable
 * keeps for every primitive.
 *
 * Nodes: a node with a generated table (45, 32, 28, 22 nm; CACTI's own 28 nm is its linear
 * interpolation of its 32 and 22 nm technology files) is read directly. CACTI 7 has no
 * technology below 22 nm, so a finer node with a technology table that derives from the same
 * base (16 nm, 7 nm) takes the finest generated node's figures (22 nm) scaled by the ratio of
 * the two tables' Stillmaker & Baas factors: read/write energy x energy(node)/energy(22),
 * area x area(node)/area(22); leakage and access time are held at their 22 nm values
 * (assumed, as in 16nm.yaml and 7nm.yaml). Such values are flagged extrapolated. Any other
 * node without a table is an InputError.
 */
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Computed, TableInput } from './computed.js';
import {
  CACTI_QUANTITIES,
  CACTI_QUANTITY_UNIT,
  listCactiNodes,
  loadCactiSramTable,
  type CactiCellType,
  type CactiQuantity,
  type CactiRow,
  type CactiSramTable,
} from './cacti-sram-table.js';
import { displayPath } from './package-paths.js';
import { lookupSram, type SramQuery } from './sram-lookup.js';
import { readTechTableChain, type TechTableFile } from './tech-table-file.js';

/** Cumulative derivation factor of a table chain (leaf first) relative to its base table. */
export function chainFactor(chain: readonly TechTableFile[], name: 'energy' | 'area'): { factor: number; inputs: TableInput[] } {
  let factor = 1;
  const inputs: TableInput[] = [];
  for (const table of chain) {
    if (table.kind !== 'derived') continue;
    const f = table.data.derives_from.scale[name];
    factor *= f.factor;
    inputs.push({ entry: `${path.basename(table.file)}: derives_from.scale.${name}.factor`, value: f.factor, unit: 'ratio', source: f.source, mark: f.mark });
  }
  return { factor, inputs };
}

/** CACTI 7's finest technology file (tech_params/22nm.dat; its 16 nm entry is commented out). */
export const CACTI_FINEST_NODE_NM = 22;

interface NodeSource {
  readonly table: CactiSramTable;
  /** Multipliers applied to the table's values (1 when the table is the node's own). */
  readonly factors: Readonly<Record<CactiQuantity, number>>;
  readonly factorInputs: Readonly<Partial<Record<CactiQuantity, readonly TableInput[]>>>;
  readonly step: string | null;
  readonly extrapolated: boolean;
}

/** Where a node's SRAM figures come from. `chain` is the node's technology table chain. */
export function sramSourceAtNode(nodeNm: number, cells: CactiCellType, chain: readonly TechTableFile[]): NodeSource {
  const nodes = listCactiNodes(cells);
  const ones = Object.fromEntries(CACTI_QUANTITIES.map((q) => [q, 1])) as Record<CactiQuantity, number>;
  if (nodes.includes(nodeNm)) {
    return { table: loadCactiSramTable(nodeNm, cells), factors: ones, factorInputs: {}, step: null, extrapolated: false };
  }
  const finest = CACTI_FINEST_NODE_NM;
  if (nodeNm >= finest || !nodes.includes(finest)) {
    throw new InputError(
      `no CACTI SRAM table for ${nodeNm} nm ${cells} (configs/tech/cacti has ${nodes.map((n) => `${n}`).join(', ') || 'no'} nm)` +
        (nodeNm >= finest ? `; generate one with tools/cacti/generate.py --nodes ${nodeNm}` : `; nodes below ${finest} nm are scaled from the ${finest} nm table, which is missing`),
    );
  }
  // Below CACTI's finest node: scale from it by the technology tables' factors.
  const finestFile = path.join(path.dirname(chain[chain.length - 1]!.file), `${finest}nm.yaml`);
  const finestChain = readTechTableChain(finestFile);
  const base = chain[chain.length - 1]!.file;
  if (path.resolve(finestChain[finestChain.length - 1]!.file) !== path.resolve(base)) {
    throw new InputError(`${nodeNm} nm and ${finest} nm tables derive from different base tables; cannot scale CACTI's ${finest} nm SRAM to ${nodeNm} nm`);
  }
  const energy = chainFactor(chain, 'energy');
  const area = chainFactor(chain, 'area');
  const energyAtFinest = chainFactor(finestChain, 'energy');
  const areaAtFinest = chainFactor(finestChain, 'area');
  const energyRatio = energy.factor / energyAtFinest.factor;
  const areaRatio = area.factor / areaAtFinest.factor;
  const held: TableInput = {
    entry: 'rule: SRAM leakage and access time below CACTI\'s finest node',
    value: 1,
    unit: 'ratio',
    source: `assumed: held at their ${finest} nm values (CACTI 7 has no technology below ${finest} nm)`,
    mark: 'A',
  };
  return {
    table: loadCactiSramTable(finest, cells),
    factors: { ...ones, read_energy_pj: energyRatio, write_energy_pj: energyRatio, area_mm2: areaRatio },
    factorInputs: {
      read_energy_pj: [...energy.inputs, ...energyAtFinest.inputs],
      write_energy_pj: [...energy.inputs, ...energyAtFinest.inputs],
      area_mm2: [...area.inputs, ...areaAtFinest.inputs],
      leakage_mw: [held],
      access_ns: [held],
      cycle_ns: [held],
    },
    step:
      `${nodeNm} nm has no CACTI table: ${finest} nm CACTI values, energy x ${energy.factor}/${energyAtFinest.factor} = ${energyRatio.toFixed(4)}, ` +
      `area x ${area.factor}/${areaAtFinest.factor} = ${areaRatio.toFixed(4)} (Stillmaker & Baas factors of the two tables), leakage and access time held (assumed)`,
    extrapolated: true,
  };
}

/** Provenance text of a CACTI table, for the audit record. */
export function cactiSource(table: CactiSramTable): string {
  return `CACTI ${table.cacti.version.replace(/^CACTI /, '')} (${table.cacti.repository} @ ${table.cacti.commit.slice(0, 12)}), ${table.preset} settings, generated by: ${table.command}`;
}

function rowInput(table: CactiSramTable, row: CactiRow, quantity: CactiQuantity): TableInput {
  return {
    entry: `${displayPath(table.file)}: row size_bytes=${row.size_bytes}, word_bits=${row.word_bits}, rw_ports=${row.rw_ports}, banks=${row.banks}: ${quantity}`,
    value: row[quantity],
    unit: CACTI_QUANTITY_UNIT[quantity],
    source: cactiSource(table),
    mark: 'V',
  };
}

/**
 * Every quantity of one SRAM at a node, each with its audit record. With `voltageV`, read and
 * write energy scale by (voltageV / CACTI's supply at the node)^2; without it they stay at
 * CACTI's supply.
 */
export function priceSram(
  nodeNm: number,
  cells: CactiCellType,
  chain: readonly TechTableFile[],
  query: SramQuery,
  voltage?: { readonly voltageV: number; readonly fallbackNominalV: number },
): Record<CactiQuantity, Computed> {
  const source = sramSourceAtNode(nodeNm, cells, chain);
  const lookup = lookupSram(source.table, query);
  const result = {} as Record<CactiQuantity, Computed>;
  const supply = source.table.supplyVoltageV;
  const nominal = supply ?? voltage?.fallbackNominalV ?? 1;
  const voltageFactor = voltage ? (voltage.voltageV / nominal) ** 2 : 1;
  for (const q of CACTI_QUANTITIES) {
    const isEnergy = q === 'read_energy_pj' || q === 'write_energy_pj';
    const factor = source.factors[q] * (isEnergy ? voltageFactor : 1);
    const steps = [...lookup.steps[q]];
    if (source.step) steps.push(source.step);
    if (isEnergy && voltage) {
      steps.push(
        `x (${voltage.voltageV} V / ${nominal} V)^2 = ${voltageFactor.toFixed(4)} (voltage scaling; ${supply !== null ? "CACTI's supply at this node and cell type" : 'the table records no CACTI supply: the nominal voltage is assumed'})`,
      );
    }
    result[q] = {
      value: lookup.values[q] * factor,
      inputs: [...lookup.rows.map((row) => rowInput(source.table, row, q)), ...(source.factorInputs[q] ?? [])],
      steps,
      extrapolated: source.extrapolated,
    };
  }
  return result;
}
