/**
 * The on-disk form of a technology table (configs/tech/<node>nm.yaml) and its loading:
 * YAML with positions, the JSON schema (schemas/tech-table.schema.json), then the checks a
 * schema cannot express (base vs derived shape, sorted points, derivation chains).
 */
import path from 'node:path';
import { InputError } from '../errors.js';
import { readYamlFile, validateAgainstSchema, type KeyPath, type LoadedYaml } from './yaml-loader.js';

export type Mark = 'V' | 'S' | 'D' | 'A' | 'assumed';
export type MultiplierModel = 'horowitz' | 'aladdin';
export type AdderModel = 'horowitz' | 'aladdin';
export type SramModel = 'cacti' | 'horowitz';
/**
 * CACTI's SRAM cell technology: high performance, low standby power, low operating power.
 * The 64-bit-port curve (sramReadEnergyPj and friends) knows itrs-hp and itrs-lstp; the
 * CACTI tables behind sram() have all three.
 */
export type SramCells = 'itrs-hp' | 'itrs-lstp' | 'itrs-lop';
/** How sram() prices a banked buffer: CACTI's whole macro, or independent arrays. */
export type SramBanking = 'macro' | 'per_bank';
/**
 * Which SRAM model components' buffers are priced with: the CACTI tables at the buffer's own
 * size, word width, banks and ports (sram()), or the 64-bit-port curve scaled by rules of
 * thumb (sramReadEnergyPj and friends; the model before issue 13).
 */
export type SramPricing = 'cacti_geometry' | 'port_curve';
/** Leakage of datapath logic and registers: Aladdin's synthesized units, or none (before issue 13). */
export type LogicLeakageModel = 'aladdin' | 'none';
/** With cacti_geometry, a buffer outside the CACTI grid: priced on the port curve (stated, recorded) or an error. */
export type SramOutsideGrid = 'port_curve' | 'error';
export type BitScaling = 'linear' | 'quadratic';
export type ArithmeticPrimitiveName = 'int_add' | 'int_multiply' | 'fp_add' | 'fp_multiply';

export interface Sourced {
  readonly source: string;
  readonly mark: Mark;
  readonly note?: string;
}

export interface TechSettings {
  readonly multiplier_model?: MultiplierModel;
  readonly adder_model?: AdderModel;
  readonly sram_model?: SramModel;
  readonly sram_cells?: SramCells;
  readonly sram_banking?: SramBanking;
  readonly sram_pricing?: SramPricing;
  readonly logic_leakage?: LogicLeakageModel;
  readonly sram_outside_grid?: SramOutsideGrid;
}

export interface BitEnergyPoint extends Sourced {
  readonly bits: number;
  readonly energy_pj: number;
  readonly measured_at_node_nm?: number;
}

export interface BitAreaPoint extends Sourced {
  readonly bits: number;
  readonly area_um2: number;
  readonly measured_at_node_nm?: number;
}

export interface ArithmeticModelData {
  readonly energy: readonly BitEnergyPoint[];
  readonly area: readonly BitAreaPoint[];
}

export interface ArithmeticPrimitiveData {
  readonly bit_scaling: BitScaling;
  readonly models: Readonly<Record<'horowitz' | 'aladdin', ArithmeticModelData>>;
}

export interface CactiPoint extends Sourced {
  readonly size_bytes: number;
  readonly read_energy_pj: number;
  readonly write_energy_pj: number;
  readonly leakage_mw: number;
  readonly area_mm2: number;
  readonly access_ns: number;
}

export interface CactiCurve {
  readonly port_bits: number;
  readonly config?: string;
  readonly points: readonly CactiPoint[];
}

export interface HorowitzSramPoint extends Sourced {
  readonly size_bytes: number;
  readonly read_energy_pj: number;
}

export interface DepthExponentRule extends Sourced {
  readonly depth_exponent: number;
}

/**
 * One CACTI itrs-lstp point at the base node, at a size that has an itrs-hp point in
 * sram.cacti. Its ratios to that point give the itrs-lstp values at every size and node.
 */
export interface LstpCellPoint extends Sourced {
  readonly size_bytes: number;
  readonly read_energy_pj: number;
  readonly leakage_mw: number;
  readonly access_ns: number;
  /** The assumption that the ratios hold away from this point (recorded with every use). */
  readonly ratio_assumption: string;
  /** No itrs-lstp write energy: priced with the read ratio. */
  readonly write_energy: Sourced & { readonly rule: 'read_ratio' };
  /** No itrs-lstp area: the itrs-hp area is used. */
  readonly area: Sourced & { readonly rule: 'itrs_hp_area' };
}

export interface SramData {
  readonly cacti: CactiCurve;
  /** Needed only when settings.sram_cells is itrs-lstp. */
  readonly lstp?: LstpCellPoint;
  readonly horowitz: { readonly port_bits: number; readonly points: readonly HorowitzSramPoint[] };
  readonly extrapolation: {
    readonly energy: DepthExponentRule;
    readonly area: DepthExponentRule;
    readonly leakage: DepthExponentRule;
    readonly access_time: Sourced & { readonly rule: 'last_segment_power_law' };
  };
}

export interface ScaleFactor extends Sourced {
  readonly factor: number;
}

export interface Derivation {
  readonly file: string;
  readonly note?: string;
  readonly scale: {
    readonly energy: ScaleFactor;
    readonly area: ScaleFactor;
    readonly leakage?: ScaleFactor;
    readonly access_time?: ScaleFactor;
  };
}

export interface MultifunctionUnitData {
  readonly activation: Sourced & {
    readonly model: 'lut_read_plus_comparator';
    readonly default_entries: number;
    readonly default_bits: number;
  };
  readonly elementwise_multiply: Sourced & { readonly priced_as: 'int_multiply' };
  readonly elementwise_add: Sourced & { readonly priced_as: 'int_add' };
}

interface TechTableFileCommon {
  readonly format: 'rnnsim-tech-table/1';
  readonly node_nm: number;
  readonly description?: string;
  readonly settings?: TechSettings;
}

export interface UnitLeakage extends Sourced {
  readonly leakage_mw: number;
  readonly area_um2: number;
  readonly measured_at_node_nm?: number;
}

export interface LogicLeakageData {
  readonly int_add: UnitLeakage;
  readonly int_multiply: UnitLeakage;
  readonly fp_add: UnitLeakage;
  readonly fp_multiply: UnitLeakage;
  readonly register: Sourced & { readonly leakage_mw_per_bit: number; readonly area_um2_per_bit: number; readonly measured_at_node_nm?: number };
  readonly node_scaling: Sourced & {
    readonly rule: 'cacti_leakage_per_bit';
    readonly reference: { readonly size_bytes: number; readonly word_bits: number; readonly rw_ports: number; readonly banks: number; readonly cells: SramCells };
  };
}

export interface BaseTechTableData extends TechTableFileCommon {
  readonly nominal_voltage: Sourced & { readonly voltage_v: number };
  readonly settings: TechSettings;
  readonly arithmetic: Readonly<Record<ArithmeticPrimitiveName, ArithmeticPrimitiveData>>;
  readonly register: {
    readonly energy: Sourced & { readonly energy_pj_per_bit: number; readonly measured_at_node_nm?: number };
    readonly area: Sourced & { readonly area_um2_per_bit: number; readonly measured_at_node_nm?: number };
  };
  readonly sram: SramData;
  readonly multifunction_unit: MultifunctionUnitData;
  /** Optional: without it the table prices no logic leakage. */
  readonly logic_leakage?: LogicLeakageData;
}

export interface DerivedTechTableData extends TechTableFileCommon {
  readonly derives_from: Derivation;
  readonly sram_direct?: CactiCurve;
}

export type TechTableFile =
  | { readonly kind: 'base'; readonly file: string; readonly data: BaseTechTableData }
  | { readonly kind: 'derived'; readonly file: string; readonly data: DerivedTechTableData };

const BASE_ONLY_KEYS = ['nominal_voltage', 'arithmetic', 'register', 'sram', 'multifunction_unit'] as const;

/** Reads and checks one table file (not its parents). */
export function readTechTableFile(file: string): TechTableFile {
  const loaded = readYamlFile(file);
  const data = validateAgainstSchema<Record<string, unknown>>(loaded, 'tech-table.schema.json');
  const fail = (keyPath: KeyPath, expected: string): never => {
    throw new InputError(`${loaded.where(keyPath)}: ${expected}`, file);
  };
  if ('derives_from' in data) {
    for (const key of [...BASE_ONLY_KEYS, 'logic_leakage'] as const) {
      if (key in data) fail([key], `a derived table (derives_from) must not contain '${key}'; it comes from the parent table`);
    }
    const derived = data as unknown as DerivedTechTableData;
    if (derived.sram_direct) checkAscending(loaded, ['sram_direct', 'points'], derived.sram_direct.points.map((p) => p.size_bytes), 'size_bytes');
    if (!derived.sram_direct) {
      for (const key of ['leakage', 'access_time'] as const) {
        if (!derived.derives_from.scale[key]) {
          fail(['derives_from', 'scale'], `missing '${key}' factor: required when the table has no sram_direct points to take SRAM ${key} from`);
        }
      }
    }
    return { kind: 'derived', file, data: derived };
  }
  if ('sram_direct' in data) fail(['sram_direct'], 'sram_direct is only allowed in a derived table (with derives_from)');
  for (const key of [...BASE_ONLY_KEYS, 'settings'] as const) {
    if (!(key in data)) fail([], `missing required key '${key}' (a base table, without derives_from, needs it)`);
  }
  const base = data as unknown as BaseTechTableData;
  for (const [name, primitive] of Object.entries(base.arithmetic)) {
    for (const [model, modelData] of Object.entries(primitive.models)) {
      checkAscending(loaded, ['arithmetic', name, 'models', model, 'energy'], modelData.energy.map((p) => p.bits), 'bits');
      checkAscending(loaded, ['arithmetic', name, 'models', model, 'area'], modelData.area.map((p) => p.bits), 'bits');
    }
  }
  checkAscending(loaded, ['sram', 'cacti', 'points'], base.sram.cacti.points.map((p) => p.size_bytes), 'size_bytes');
  checkAscending(loaded, ['sram', 'horowitz', 'points'], base.sram.horowitz.points.map((p) => p.size_bytes), 'size_bytes');
  const lstp = base.sram.lstp;
  if (lstp && !base.sram.cacti.points.some((p) => p.size_bytes === lstp.size_bytes)) {
    fail(['sram', 'lstp', 'size_bytes'], `sram.cacti.points has no itrs-hp point of ${lstp.size_bytes} bytes to take the itrs-lstp ratios against (sizes: ${base.sram.cacti.points.map((p) => p.size_bytes).join(', ')})`);
  }
  return { kind: 'base', file, data: base };
}

function checkAscending(loaded: LoadedYaml, keyPath: KeyPath, values: readonly number[], key: string): void {
  for (let i = 1; i < values.length; i++) {
    if (values[i]! <= values[i - 1]!) {
      throw new InputError(
        `${loaded.where([...keyPath, i, key])}: points must be in strictly ascending ${key} (got ${values[i]} after ${values[i - 1]})`,
        loaded.file,
      );
    }
  }
}

/** The table and its ancestors, leaf first, base last. */
export function readTechTableChain(file: string): TechTableFile[] {
  const chain: TechTableFile[] = [];
  const seen = new Set<string>();
  let current = path.resolve(file);
  for (;;) {
    if (seen.has(current)) {
      throw new InputError(`derives_from forms a cycle: ${[...seen].join(' -> ')} -> ${current}`, file);
    }
    seen.add(current);
    const table = readTechTableFile(current);
    chain.push(table);
    if (table.kind === 'base') return chain;
    current = path.resolve(path.dirname(current), table.data.derives_from.file);
  }
}
