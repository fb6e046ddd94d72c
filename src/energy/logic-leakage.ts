/**
 * Leakage of logic: datapath units and register bits (45nm.yaml logic_leakage).
 *
 * At the base node a unit leaks its area (the selected arithmetic model's area for its bit
 * width) times the leakage density of a synthesized unit of the same kind (Aladdin's leakage /
 * area); a register bit leaks Aladdin's per-bit figure. At another node the base-node value is
 * multiplied by the leakage ratio of a fixed-capacity CACTI array (logic_leakage.node_scaling:
 * a unit of fixed function keeps its gate count, like an array keeps its bit count).
 */
import path from 'node:path';
import { InputError } from '../errors.js';
import type { Computed, TableInput } from './computed.js';
import { priceSram } from './sram-pricing.js';
import type { LogicLeakageData, TechTableFile, UnitLeakage } from './tech-table-file.js';

export type LeakingUnit = 'int_add' | 'int_multiply' | 'fp_add' | 'fp_multiply';

export function requireLogicLeakage(data: LogicLeakageData | undefined, baseFile: string): LogicLeakageData {
  if (!data) throw new InputError('the base table has no logic_leakage section: logic leakage cannot be priced', baseFile);
  return data;
}

function entryInput(baseFile: string, key: string, value: number, unit: string, entry: { source: string; mark: TableInput['mark'] }): TableInput {
  return { entry: `${path.basename(baseFile)}: logic_leakage.${key}`, value, unit, source: entry.source, mark: entry.mark };
}

/**
 * CACTI leakage of the reference array at the node over the same at the base node. 1 at the
 * base node. Nodes below CACTI's finest hold its ratio (sram-pricing.ts).
 */
export function logicLeakageNodeRatio(data: LogicLeakageData, chain: readonly TechTableFile[], baseChain: readonly TechTableFile[]): Computed {
  const base = baseChain[0]!;
  const leaf = chain[0]!;
  const rule = data.node_scaling;
  const ruleInput = entryInput(base.file, 'node_scaling', 1, 'rule', rule);
  if (leaf.data.node_nm === base.data.node_nm) {
    return { value: 1, inputs: [ruleInput], steps: ['table point: base node, no node scaling of logic leakage'], extrapolated: false };
  }
  const ref = rule.reference;
  const query = { sizeBytes: ref.size_bytes, wordBits: ref.word_bits, banks: ref.banks, portsPerBank: ref.rw_ports, organisation: 'macro' as const };
  const atNode = priceSram(leaf.data.node_nm, ref.cells, chain, query).leakage_mw;
  const atBase = priceSram(base.data.node_nm, ref.cells, baseChain, query).leakage_mw;
  return {
    value: atNode.value / atBase.value,
    inputs: [ruleInput, ...atNode.inputs, ...atBase.inputs],
    steps: [
      `x ${(atNode.value / atBase.value).toFixed(4)}: CACTI ${ref.cells} leakage of a ${ref.size_bytes}-byte x ${ref.word_bits}-bit array, ${leaf.data.node_nm} nm / ${base.data.node_nm} nm (${atNode.value.toPrecision(6)} / ${atBase.value.toPrecision(6)} mW)`,
    ],
    extrapolated: atNode.extrapolated,
  };
}

/** Leakage of one unit: its base-node area x the unit's leakage density x the node ratio. */
export function unitLeakageMw(unit: LeakingUnit, entry: UnitLeakage, baseFile: string, areaAtBase: Computed, nodeRatio: Computed): Computed {
  const density = entry.leakage_mw / entry.area_um2;
  return {
    value: areaAtBase.value * density * nodeRatio.value,
    inputs: [
      ...areaAtBase.inputs,
      entryInput(baseFile, `${unit}.leakage_mw`, entry.leakage_mw, 'mW', entry),
      entryInput(baseFile, `${unit}.area_um2`, entry.area_um2, 'um^2', entry),
      ...nodeRatio.inputs,
    ],
    steps: [
      ...areaAtBase.steps.map((s) => `area: ${s}`),
      `x ${entry.leakage_mw} mW / ${entry.area_um2} um^2 = ${density.toPrecision(4)} mW/um^2 (leakage density of the synthesized ${unit})`,
      ...nodeRatio.steps,
    ],
    extrapolated: areaAtBase.extrapolated || nodeRatio.extrapolated,
  };
}

/** Leakage of one register bit at the node. */
export function registerBitLeakageMw(data: LogicLeakageData, baseFile: string, nodeRatio: Computed): Computed {
  const reg = data.register;
  return {
    value: reg.leakage_mw_per_bit * nodeRatio.value,
    inputs: [entryInput(baseFile, 'register.leakage_mw_per_bit', reg.leakage_mw_per_bit, 'mW/bit', reg), ...nodeRatio.inputs],
    steps: [`register bit ${reg.leakage_mw_per_bit} mW`, ...nodeRatio.steps],
    extrapolated: nodeRatio.extrapolated,
  };
}
