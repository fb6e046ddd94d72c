/**
 * TechTable: the priced primitives at one technology node, as components of the simulator
 * ask for them. Every answer is recorded with its inputs, sources and scaling steps;
 * resolved() returns that record as plain JSON so each run can dump it for audit.
 *
 * Units are in the names: pJ per action, um^2 or mm^2, mW of leakage, ns.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { checkReadLatency, type ReadLatencyCheck } from './access-time-check.js';
import { rangeOf, type Alternative, type AlternativeRange } from './alternatives.js';
import { CACTI_QUANTITY_UNIT, type CactiQuantity } from './cacti-sram-table.js';
import { overallMark, scaled, sumOf, type Computed, type TableInput } from './computed.js';
import { logicLeakageNodeRatio, registerBitLeakageMw, requireLogicLeakage, unitLeakageMw, type LeakingUnit } from './logic-leakage.js';
import { BaseNodeModel, DerivedNodeModel, SRAM_QUANTITY_UNIT, type NodeModel, type SramQuantity } from './node-model.js';
import { configsDir, displayPath } from './package-paths.js';
import { priceSram } from './sram-pricing.js';
import {
  readTechTableChain,
  type AdderModel,
  type ArithmeticPrimitiveName,
  type BaseTechTableData,
  type MultiplierModel,
  type LogicLeakageModel,
  type SramBanking,
  type SramCells,
  type SramOutsideGrid,
  type SramPricing,
  type SramModel,
  type TechTableFile,
} from './tech-table-file.js';

export interface TechTableOptions {
  /** Overrides the table's settings.multiplier_model (integer and FP multipliers). */
  readonly multiplierModel?: MultiplierModel;
  /** Overrides the table's settings.adder_model (integer and FP adders). */
  readonly adderModel?: AdderModel;
  /** Overrides the table's settings.sram_model (SRAM read/write energy). */
  readonly sramModel?: SramModel;
  /**
   * Overrides the table's settings.sram_cells. itrs-lstp multiplies every SRAM figure (any
   * size, node and sram_model) by its ratio to itrs-hp at the one 45 nm 32 KB point pair.
   */
  readonly sramCells?: SramCells;
  /** Overrides the table's settings.sram_banking (how sram() prices a banked buffer). */
  readonly sramBanking?: SramBanking;
  /** Overrides the table's settings.sram_pricing (which SRAM model components use). */
  readonly sramPricing?: SramPricing;
  /** Overrides the table's settings.logic_leakage. */
  readonly logicLeakage?: LogicLeakageModel;
  /** Overrides the table's settings.sram_outside_grid. */
  readonly sramOutsideGrid?: SramOutsideGrid;
  /**
   * Supply voltage. Dynamic energies scale by (voltageV / nominal)^2; leakage, area and
   * access time are not scaled (their voltage dependence is not quadratic and not in
   * energy-area.md). Omitted: the table's nominal voltage, no scaling.
   */
  readonly voltageV?: number;
}

export type ActivationFunction = 'sigmoid' | 'tanh';

export interface ResolvedSetting<T extends string> {
  readonly value: T;
  /** The file whose settings chose it, or "option" when loadTechTable's options did. */
  readonly chosen_by: string;
}

export interface ResolvedPrimitive {
  readonly quantity: string;
  readonly args: Readonly<Record<string, number | string>>;
  readonly value: number;
  readonly unit: string;
  /** Weakest mark of the inputs; D when anything was computed from V/S entries. */
  readonly mark: 'V' | 'S' | 'D' | 'A';
  readonly extrapolated: boolean;
  readonly steps: readonly string[];
  readonly inputs: readonly TableInput[];
}

export interface ResolvedTechTable {
  readonly format: 'rnnsim-tech-resolved/1';
  readonly node_nm: number;
  /** The table file and its ancestors, leaf first (relative to the package root when inside it). */
  readonly files: readonly string[];
  readonly settings: {
    readonly multiplier_model: ResolvedSetting<MultiplierModel>;
    readonly adder_model: ResolvedSetting<AdderModel>;
    readonly sram_model: ResolvedSetting<SramModel>;
    readonly sram_cells: ResolvedSetting<SramCells>;
    readonly sram_banking: ResolvedSetting<SramBanking>;
    readonly sram_pricing: ResolvedSetting<SramPricing>;
    readonly logic_leakage: ResolvedSetting<LogicLeakageModel>;
    readonly sram_outside_grid: ResolvedSetting<SramOutsideGrid>;
  };
  readonly voltage: {
    readonly nominal_v: number;
    readonly used_v: number;
    readonly dynamic_energy_factor: number;
    readonly source: string;
  };
  readonly derivation: readonly {
    readonly file: string;
    readonly from_node_nm: number;
    readonly to_node_nm: number;
    readonly scale: Readonly<Record<string, { readonly factor: number; readonly source: string; readonly mark: string }>>;
    readonly sram_direct_points: number;
    readonly note?: string;
  }[];
  /** How itrs-lstp SRAM figures are derived from itrs-hp ones; null with itrs-hp cells. */
  readonly sram_cell_derivation: SramCellDerivation | null;
  /** Buffers priced on the port curve because their geometry is outside the CACTI grid (sram_outside_grid: port_curve). */
  readonly sram_outside_grid: readonly { readonly buffer: string; readonly reason: string }[];
  /** Every primitive asked for, in first-use order. */
  readonly primitives: readonly ResolvedPrimitive[];
  /** quantity(args) of every primitive that went outside the table points. */
  readonly extrapolated: readonly string[];
}

export interface SramCellDerivation {
  readonly from: 'itrs-hp';
  readonly to: 'itrs-lstp';
  /** D: ratios from one point pair, applied at every size and node. */
  readonly mark: 'D';
  readonly file: string;
  readonly reference: { readonly node_nm: number; readonly size_bytes: number; readonly source: string; readonly hp_source: string };
  /** Factor applied to the itrs-hp value of each SRAM quantity. */
  readonly factors: Readonly<Record<SramQuantity, { readonly factor: number; readonly how: string; readonly mark: 'D' | 'A'; readonly source: string }>>;
  readonly assumption: string;
}

interface CellRatio {
  readonly factor: number;
  readonly step: string;
  readonly inputs: readonly TableInput[];
}

const UM2_PER_MM2 = 1e6;

/** A buffer as sram() prices it. Omitted fields: 1 bank, 1 port, the table's settings. */
export interface SramSpec {
  /** Total capacity (all banks). */
  readonly sizeBytes: number;
  /** Width of one access. */
  readonly wordBits: number;
  readonly banks?: number;
  /** Read/write ports of each bank. */
  readonly portsPerBank?: number;
  /** Default: settings.sram_banking. */
  readonly organisation?: SramBanking;
  /** Default: settings.sram_cells. */
  readonly cells?: SramCells;
}

/** One SRAM from the CACTI tables at the real geometry. */
export interface SramFigures {
  /** One read of one word (pJ), bank plus (macro) the H-tree to it. */
  readonly readEnergyPj: number;
  readonly writeEnergyPj: number;
  /** Whole buffer (mW). */
  readonly leakageMw: number;
  /** Whole buffer (mm^2). */
  readonly areaMm2: number;
  /** Random access time (ns). */
  readonly accessNs: number;
  /** Random cycle time (ns). */
  readonly cycleNs: number;
  readonly sizeBytes: number;
  readonly wordBits: number;
  readonly banks: number;
  readonly portsPerBank: number;
  readonly organisation: SramBanking;
  readonly cells: SramCells;
  readonly nodeNm: number;
  /** True when the node has no CACTI table and the figures were scaled from a neighbour's. */
  readonly extrapolated: boolean;
}


export class TechTable {
  readonly nodeNm: number;
  private readonly model: NodeModel;
  private readonly settings: ResolvedTechTable['settings'];
  private readonly voltage: ResolvedTechTable['voltage'];
  private readonly chain: readonly TechTableFile[];
  private readonly record = new Map<string, ResolvedPrimitive>();
  private readonly cellRatios: Readonly<Record<SramQuantity, CellRatio>> | null;
  private readonly cellDerivation: SramCellDerivation | null;
  /** The base node's model: logic leakage starts from base-node areas. */
  private readonly baseModel: BaseNodeModel;
  /** Whether options.voltageV was given (sram() then scales from CACTI's own supply). */
  private readonly voltageGiven: boolean;

  constructor(chain: readonly TechTableFile[], options: TechTableOptions = {}) {
    const base = chain[chain.length - 1];
    if (!base || base.kind !== 'base') throw new Error('a table chain must end in a base table');
    let model: NodeModel = new BaseNodeModel(base.data, base.file);
    for (let i = chain.length - 2; i >= 0; i--) {
      const table = chain[i]!;
      if (table.kind !== 'derived') throw new Error('only the last table of a chain may be a base table');
      model = new DerivedNodeModel(model, table.data, table.file);
    }
    this.model = model;
    this.baseModel = new BaseNodeModel(base.data, base.file);
    this.chain = chain;
    this.nodeNm = model.nodeNm;
    this.settings = {
      multiplier_model: resolveSetting(chain, 'multiplier_model', options.multiplierModel),
      adder_model: resolveSetting(chain, 'adder_model', options.adderModel),
      sram_model: resolveSetting(chain, 'sram_model', options.sramModel),
      sram_cells: resolveSetting(chain, 'sram_cells', options.sramCells),
      sram_banking: resolveBanking(chain, options.sramBanking),
      sram_pricing: resolveSramPricing(chain, options),
      logic_leakage: resolveWithDefault(chain, 'logic_leakage', options.logicLeakage, ['aladdin', 'none'], 'none'),
      sram_outside_grid: resolveWithDefault(chain, 'sram_outside_grid', options.sramOutsideGrid, ['port_curve', 'error'], 'error'),
    };
    if (this.settings.sram_cells.value === 'itrs-lstp') {
      const derived = lstpRatios(base.data, base.file);
      this.cellRatios = derived.ratios;
      this.cellDerivation = derived.derivation;
    } else {
      this.cellRatios = null;
      this.cellDerivation = null;
    }
    const nominal = base.data.nominal_voltage;
    this.voltageGiven = options.voltageV !== undefined;
    const usedV = options.voltageV ?? nominal.voltage_v;
    if (!(usedV > 0) || !Number.isFinite(usedV)) {
      throw new InputError(`voltageV must be a positive number of volts, got ${String(options.voltageV)}`, chain[0]!.file);
    }
    const [low, high] = VOLTAGE_SCALING_RANGE.map((f) => f * nominal.voltage_v) as [number, number];
    if (usedV < low || usedV > high) {
      // No file: the voltage comes from the config, and techFor names its file and key.
      throw new InputError(
        `voltage_v ${usedV} V is outside ${+low.toFixed(3)}..${+high.toFixed(3)} V, the range (${VOLTAGE_SCALING_RANGE[0]}x to ${VOLTAGE_SCALING_RANGE[1]}x the table's nominal ${nominal.voltage_v} V, assumed) in which rnnsim scales dynamic energy with the square of the voltage`,
      );
    }
    this.voltage = {
      nominal_v: nominal.voltage_v,
      used_v: usedV,
      dynamic_energy_factor: (usedV / nominal.voltage_v) ** 2,
      source: nominal.source,
    };
  }

  /** Which SRAM model components' buffers use (settings.sram_pricing). */
  get sramPricing(): SramPricing {
    return this.settings.sram_pricing.value;
  }

  /** What a buffer outside the CACTI grid gets (settings.sram_outside_grid). */
  get sramOutsideGrid(): SramOutsideGrid {
    return this.settings.sram_outside_grid.value;
  }

  private readonly outsideGrid = new Map<string, { readonly buffer: string; readonly reason: string }>();

  /** Record that `buffer` was priced on the port curve because sram() could not price it (for resolved()). */
  noteOutsideGrid(buffer: string, reason: string): void {
    if (!this.outsideGrid.has(buffer)) this.outsideGrid.set(buffer, { buffer, reason });
  }

  /** Whether datapath logic and registers leak (settings.logic_leakage). */
  get logicLeakage(): LogicLeakageModel {
    return this.settings.logic_leakage.value;
  }

  // --- arithmetic -------------------------------------------------------------------------

  intMultiplyEnergyPj(bits: number): number {
    return this.arithmeticEnergy('int_multiply', bits);
  }

  intAddEnergyPj(bits: number): number {
    return this.arithmeticEnergy('int_add', bits);
  }

  fpMultiplyEnergyPj(bits: number): number {
    return this.arithmeticEnergy('fp_multiply', bits);
  }

  fpAddEnergyPj(bits: number): number {
    return this.arithmeticEnergy('fp_add', bits);
  }

  intMultiplyAreaUm2(bits: number): number {
    return this.arithmeticArea('int_multiply', bits);
  }

  intAddAreaUm2(bits: number): number {
    return this.arithmeticArea('int_add', bits);
  }

  fpMultiplyAreaUm2(bits: number): number {
    return this.arithmeticArea('fp_multiply', bits);
  }

  fpAddAreaUm2(bits: number): number {
    return this.arithmeticArea('fp_add', bits);
  }

  /** One multiply at multiplierBits plus one accumulate (add) at accumulatorBits. */
  macEnergyPj(multiplierBits: number, accumulatorBits: number): number {
    return this.remember('mac_energy_pj', { multiplierBits, accumulatorBits }, 'pJ', () =>
      sumOf(
        [this.arithmeticEnergyComputed('int_multiply', multiplierBits), this.arithmeticEnergyComputed('int_add', accumulatorBits)],
        `multiply (${multiplierBits} bits) + add (${accumulatorBits} bits)`,
      ),
    );
  }

  macAreaUm2(multiplierBits: number, accumulatorBits: number): number {
    return this.remember('mac_area_um2', { multiplierBits, accumulatorBits }, 'um^2', () =>
      sumOf(
        [this.arithmeticAreaComputed('int_multiply', multiplierBits), this.arithmeticAreaComputed('int_add', accumulatorBits)],
        `multiplier (${multiplierBits} bits) + adder (${accumulatorBits} bits)`,
      ),
    );
  }

  /** Energy to write one bit into a pipeline/accumulator register. */
  registerEnergyPjPerBit(): number {
    return this.remember('register_energy_pj_per_bit', {}, 'pJ/bit', () => this.voltageScaled(this.model.registerEnergyPjPerBit()));
  }

  registerAreaUm2PerBit(): number {
    return this.remember('register_area_um2_per_bit', {}, 'um^2/bit', () => this.model.registerAreaUm2PerBit());
  }

  // --- SRAM --------------------------------------------------------------------------------

  /** One read of wordBits from an SRAM of sizeBytes: the 64-bit-port energy x wordBits/64. */
  sramReadEnergyPj(sizeBytes: number, wordBits: number): number {
    this.checkSram(sizeBytes, wordBits, 'sramReadEnergyPj');
    return this.remember('sram_read_energy_pj', { sizeBytes, wordBits }, 'pJ', () => this.sramEnergy('read_energy_pj', sizeBytes, wordBits));
  }

  sramWriteEnergyPj(sizeBytes: number, wordBits: number): number {
    this.checkSram(sizeBytes, wordBits, 'sramWriteEnergyPj');
    return this.remember('sram_write_energy_pj', { sizeBytes, wordBits }, 'pJ', () => this.sramEnergy('write_energy_pj', sizeBytes, wordBits));
  }

  /** Leakage power of the whole array; word width does not change it (cells set by size). */
  sramLeakageMw(sizeBytes: number, wordBits: number): number {
    this.checkSram(sizeBytes, wordBits, 'sramLeakageMw');
    return this.remember('sram_leakage_mw', { sizeBytes, wordBits }, 'mW', () => this.sramAtSize('leakage_mw', sizeBytes));
  }

  /** Area of the whole array; word width does not change it here (periphery not modelled). */
  sramAreaMm2(sizeBytes: number, wordBits: number): number {
    this.checkSram(sizeBytes, wordBits, 'sramAreaMm2');
    return this.remember('sram_area_mm2', { sizeBytes, wordBits }, 'mm^2', () => this.sramAtSize('area_mm2', sizeBytes));
  }

  /** Random access time of the array (CACTI's figure for the 64-bit port). */
  sramAccessNs(sizeBytes: number): number {
    this.checkSram(sizeBytes, 8, 'sramAccessNs');
    return this.remember('sram_access_ns', { sizeBytes }, 'ns', () => this.sramAtSize('access_ns', sizeBytes));
  }

  // --- multifunction unit ------------------------------------------------------------------

  /** One read of a table of `entries` words of `bits`, priced as an SRAM read of that size. */
  lookupTableEnergyPj(entries: number, bits: number): number {
    this.checkLookupTable(entries, bits, 'lookupTableEnergyPj');
    return this.remember('lookup_table_energy_pj', { entries, bits }, 'pJ', () => this.lookupTableComputed(entries, bits));
  }

  lookupTableAreaUm2(entries: number, bits: number): number {
    this.checkLookupTable(entries, bits, 'lookupTableAreaUm2');
    return this.remember('lookup_table_area_um2', { entries, bits }, 'um^2', () => {
      const area = this.sramPort('area_mm2', (entries * bits) / 8);
      return scaled(area, UM2_PER_MM2, `table of ${entries} x ${bits} bits priced as an SRAM of ${(entries * bits) / 8} bytes; mm^2 to um^2`);
    });
  }

  lookupTableLeakageMw(entries: number, bits: number): number {
    this.checkLookupTable(entries, bits, 'lookupTableLeakageMw');
    return this.remember('lookup_table_leakage_mw', { entries, bits }, 'mW', () =>
      this.sramPort('leakage_mw', (entries * bits) / 8),
    );
  }

  /**
   * sigmoid or tanh of one `bits`-wide value: a lookup in a table of lutEntries x bits plus
   * one adder-sized comparator for range clamping (multifunction_unit.activation).
   */
  activationEnergyPj(fn: ActivationFunction, bits: number, lutEntries?: number): number {
    const entries = lutEntries ?? this.model.base.multifunction_unit.activation.default_entries;
    this.checkLookupTable(entries, bits, 'activationEnergyPj');
    return this.remember('activation_energy_pj', { fn, bits, lutEntries: entries }, 'pJ', () =>
      this.withActivationModel(
        sumOf([this.lookupTableComputed(entries, bits), this.arithmeticEnergyComputed('int_add', bits)], `${fn}: table read + comparator`),
      ),
    );
  }

  activationAreaUm2(fn: ActivationFunction, bits: number, lutEntries?: number): number {
    const entries = lutEntries ?? this.model.base.multifunction_unit.activation.default_entries;
    this.checkLookupTable(entries, bits, 'activationAreaUm2');
    return this.remember('activation_area_um2', { fn, bits, lutEntries: entries }, 'um^2', () => {
      const table = scaled(
        this.sramPort('area_mm2', (entries * bits) / 8),
        UM2_PER_MM2,
        'table area, mm^2 to um^2',
      );
      return this.withActivationModel(sumOf([table, this.arithmeticAreaComputed('int_add', bits)], `${fn}: table + comparator`));
    });
  }

  /** Element-wise multiply of the multifunction unit: one integer multiply. */
  elementwiseMultiplyEnergyPj(bits: number): number {
    return this.remember('elementwise_multiply_energy_pj', { bits }, 'pJ', () => this.arithmeticEnergyComputed('int_multiply', bits));
  }

  /** Element-wise add of the multifunction unit: one integer add. */
  elementwiseAddEnergyPj(bits: number): number {
    return this.remember('elementwise_add_energy_pj', { bits }, 'pJ', () => this.arithmeticEnergyComputed('int_add', bits));
  }

  /** The table's default activation lookup table shape. */
  activationTableDefaults(): { readonly entries: number; readonly bits: number } {
    const activation = this.model.base.multifunction_unit.activation;
    return { entries: activation.default_entries, bits: activation.default_bits };
  }

  // --- SRAM from CACTI at the real geometry (configs/tech/cacti) ----------------------------

  /**
   * Read/write energy per access, leakage, area, access and cycle time of a buffer of the
   * given geometry, from the CACTI tables: interpolated only between generated points
   * (log-log in size, linear in word width); bank and port counts must be grid values.
   * organisation 'macro' (default from settings.sram_banking) prices the whole banked macro
   * with the H-tree to its banks; 'per_bank' prices banks independent arrays of size/banks.
   */
  sram(spec: SramSpec): SramFigures {
    const banks = spec.banks ?? 1;
    const portsPerBank = spec.portsPerBank ?? 1;
    const organisation = spec.organisation ?? this.settings.sram_banking.value;
    const cells = spec.cells ?? this.settings.sram_cells.value;
    const args = { sizeBytes: spec.sizeBytes, wordBits: spec.wordBits, banks, portsPerBank, organisation, cells };
    let priced: Record<CactiQuantity, Computed> | null = null;
    const voltage = this.voltageGiven ? { voltageV: this.voltage.used_v, fallbackNominalV: this.voltage.nominal_v } : undefined;
    const compute = (q: CactiQuantity): Computed => {
      priced ??= priceSram(this.nodeNm, cells, this.chain, { sizeBytes: spec.sizeBytes, wordBits: spec.wordBits, banks, portsPerBank, organisation }, voltage);
      return priced[q];
    };
    const value = (q: CactiQuantity): number => this.remember(`sram_${q}`, args, CACTI_QUANTITY_UNIT[q], () => compute(q));
    const readEnergyPj = value('read_energy_pj');
    const writeEnergyPj = value('write_energy_pj');
    const leakageMw = value('leakage_mw');
    const areaMm2 = value('area_mm2');
    const accessNs = value('access_ns');
    const cycleNs = value('cycle_ns');
    // Whether the node had to be scaled from another is the same for every quantity.
    const extrapolated = this.record.get(`sram_read_energy_pj(${formatArgs(args)})`)!.extrapolated;
    return { readEnergyPj, writeEnergyPj, leakageMw, areaMm2, accessNs, cycleNs, sizeBytes: spec.sizeBytes, wordBits: spec.wordBits, banks, portsPerBank, organisation, cells, nodeNm: this.nodeNm, extrapolated };
  }

  /**
   * Whether a buffer's configured read latency covers the technology's access time at the
   * clock, and by how many cycles it falls short (for `rnnsim check`).
   */
  sramReadLatencyCheck(spec: SramSpec, timing: { readonly readLatencyCycles: number; readonly clockMhz: number }): ReadLatencyCheck & { readonly sram: SramFigures } {
    const sram = this.sram(spec);
    return { ...checkReadLatency({ readLatencyCycles: timing.readLatencyCycles, clockMhz: timing.clockMhz, accessNs: sram.accessNs }), sram };
  }

  // --- logic leakage ---------------------------------------------------------------------------

  /** Leakage of one register bit (mW). */
  registerLeakageMwPerBit(): number {
    return this.remember('register_leakage_mw_per_bit', {}, 'mW/bit', () => {
      const base = this.chain[this.chain.length - 1]!;
      const data = requireLogicLeakage(this.model.base.logic_leakage, base.file);
      return registerBitLeakageMw(data, base.file, this.logicNodeRatio());
    });
  }

  intMultiplyLeakageMw(bits: number): number {
    return this.unitLeakage('int_multiply', bits);
  }

  intAddLeakageMw(bits: number): number {
    return this.unitLeakage('int_add', bits);
  }

  fpMultiplyLeakageMw(bits: number): number {
    return this.unitLeakage('fp_multiply', bits);
  }

  fpAddLeakageMw(bits: number): number {
    return this.unitLeakage('fp_add', bits);
  }

  /** Leakage of a MAC: the multiplier at multiplierBits plus the adder at accumulatorBits (mW). */
  macLeakageMw(multiplierBits: number, accumulatorBits: number): number {
    return this.intMultiplyLeakageMw(multiplierBits) + this.intAddLeakageMw(accumulatorBits);
  }

  // --- ranges over the alternatives the table keeps --------------------------------------------

  /** Energy of an arithmetic primitive under each model the table has (Horowitz, Aladdin). */
  arithmeticEnergyRange(primitive: ArithmeticPrimitiveName, bits: number): AlternativeRange {
    checkBits(bits, `${primitive} energy`);
    const alternatives: Alternative[] = (['horowitz', 'aladdin'] as const).map((model) => {
      const computed = this.voltageScaled(this.model.arithmeticEnergyPj(primitive, model, bits));
      return { name: model, value: computed.value, source: describeInputs(computed), mark: overallMark(computed) };
    });
    return rangeOf(`${primitive}_energy_pj(bits=${bits})`, 'pJ', this.modelFor(primitive), alternatives);
  }

  /** MAC energy with both units from Horowitz and with both from Aladdin. */
  macEnergyRange(multiplierBits: number, accumulatorBits: number): AlternativeRange {
    checkBits(multiplierBits, 'MAC multiplier');
    checkBits(accumulatorBits, 'MAC accumulator');
    const alternatives: Alternative[] = (['horowitz', 'aladdin'] as const).map((model) => {
      const computed = sumOf(
        [
          this.voltageScaled(this.model.arithmeticEnergyPj('int_multiply', model, multiplierBits)),
          this.voltageScaled(this.model.arithmeticEnergyPj('int_add', model, accumulatorBits)),
        ],
        'multiply + add',
      );
      return { name: model, value: computed.value, source: describeInputs(computed), mark: overallMark(computed) };
    });
    const selected = this.settings.multiplier_model.value === this.settings.adder_model.value ? this.settings.multiplier_model.value : null;
    const range = rangeOf(`mac_energy_pj(multiplierBits=${multiplierBits}, accumulatorBits=${accumulatorBits})`, 'pJ', selected ?? 'horowitz', alternatives);
    if (selected) return range;
    // Mixed models selected: report the table's own MAC as the selected alternative.
    const own: Alternative = { name: `${this.settings.multiplier_model.value} multiplier + ${this.settings.adder_model.value} adder`, value: this.macEnergyPj(multiplierBits, accumulatorBits), source: 'the table\'s settings', mark: 'D' };
    return rangeOf(range.quantity, 'pJ', own.name, [...alternatives, own]);
  }

  /** SRAM read energy priced as CACTI's macro and as independent banks. */
  sramReadEnergyRange(spec: SramSpec): AlternativeRange {
    const alternatives: Alternative[] = (['macro', 'per_bank'] as const).map((organisation) => ({
      name: organisation,
      value: this.sram({ ...spec, organisation }).readEnergyPj,
      source: organisation === 'macro' ? 'CACTI banked macro (H-tree to the banks included)' : 'CACTI single bank of size/banks (no wiring between banks)',
      mark: 'D' as const,
    }));
    const selected = spec.organisation ?? this.settings.sram_banking.value;
    return rangeOf(`sram_read_energy_pj(sizeBytes=${spec.sizeBytes}, wordBits=${spec.wordBits}, banks=${spec.banks ?? 1})`, 'pJ', selected, alternatives);
  }

  // --- audit -------------------------------------------------------------------------------

  resolved(): ResolvedTechTable {
    const primitives = [...this.record.values()];
    return structuredClone({
      format: 'rnnsim-tech-resolved/1',
      node_nm: this.nodeNm,
      files: this.chain.map((table) => displayPath(table.file)),
      settings: this.settings,
      voltage: this.voltage,
      derivation: this.chain.flatMap((table, i) => {
        if (table.kind !== 'derived') return [];
        const parent = this.chain[i + 1]!;
        return [
          {
            file: displayPath(table.file),
            from_node_nm: parent.data.node_nm,
            to_node_nm: table.data.node_nm,
            scale: Object.fromEntries(
              Object.entries(table.data.derives_from.scale).map(([name, f]) => [name, { factor: f.factor, source: f.source, mark: f.mark }]),
            ),
            sram_direct_points: table.data.sram_direct?.points.length ?? 0,
            ...(table.data.derives_from.note ? { note: table.data.derives_from.note } : {}),
          },
        ];
      }),
      sram_cell_derivation: this.cellDerivation,
      sram_outside_grid: [...this.outsideGrid.values()],
      primitives,
      extrapolated: primitives.filter((p) => p.extrapolated).map((p) => `${p.quantity}(${formatArgs(p.args)})`),
    } satisfies ResolvedTechTable);
  }

  // --- internals ---------------------------------------------------------------------------

  private remember(quantity: string, args: Record<string, number | string>, unit: string, compute: () => Computed): number {
    const key = `${quantity}(${formatArgs(args)})`;
    const known = this.record.get(key);
    if (known) return known.value;
    const computed = compute();
    if (!Number.isFinite(computed.value) || computed.value < 0) {
      throw new Error(`${key} came out as ${computed.value}: a bug in the table code or the table`);
    }
    this.record.set(key, {
      quantity,
      args,
      value: computed.value,
      unit,
      mark: overallMark(computed),
      extrapolated: computed.extrapolated,
      steps: computed.steps,
      inputs: dedupeInputs(computed.inputs),
    });
    return computed.value;
  }

  private modelFor(primitive: ArithmeticPrimitiveName): MultiplierModel | AdderModel {
    return primitive === 'int_multiply' || primitive === 'fp_multiply' ? this.settings.multiplier_model.value : this.settings.adder_model.value;
  }

  private arithmeticEnergyComputed(primitive: ArithmeticPrimitiveName, bits: number): Computed {
    checkBits(bits, `${primitive} energy`);
    return this.voltageScaled(this.model.arithmeticEnergyPj(primitive, this.modelFor(primitive), bits));
  }

  private arithmeticAreaComputed(primitive: ArithmeticPrimitiveName, bits: number): Computed {
    checkBits(bits, `${primitive} area`);
    return this.model.arithmeticAreaUm2(primitive, this.modelFor(primitive), bits);
  }

  private arithmeticEnergy(primitive: ArithmeticPrimitiveName, bits: number): number {
    return this.remember(`${primitive}_energy_pj`, { bits }, 'pJ', () => this.arithmeticEnergyComputed(primitive, bits));
  }

  private arithmeticArea(primitive: ArithmeticPrimitiveName, bits: number): number {
    return this.remember(`${primitive}_area_um2`, { bits }, 'um^2', () => this.arithmeticAreaComputed(primitive, bits));
  }

  private logicNodeRatioCache: Computed | null = null;

  private logicNodeRatio(): Computed {
    if (!this.logicNodeRatioCache) {
      const base = this.chain[this.chain.length - 1]!;
      const data = requireLogicLeakage(this.model.base.logic_leakage, base.file);
      this.logicNodeRatioCache = logicLeakageNodeRatio(data, this.chain, [base]);
    }
    return this.logicNodeRatioCache;
  }

  private unitLeakage(unit: LeakingUnit, bits: number): number {
    checkBits(bits, `${unit} leakage`);
    return this.remember(`${unit}_leakage_mw`, { bits }, 'mW', () => {
      const base = this.chain[this.chain.length - 1]!;
      const data = requireLogicLeakage(this.model.base.logic_leakage, base.file);
      const area = this.baseModel.arithmeticAreaUm2(unit, this.modelFor(unit), bits);
      return unitLeakageMw(unit, data[unit], base.file, area, this.logicNodeRatio());
    });
  }

  private voltageScaled(computed: Computed): Computed {
    const factor = this.voltage.dynamic_energy_factor;
    if (factor === 1) return computed;
    return scaled(computed, factor, `x (${this.voltage.used_v} V / ${this.voltage.nominal_v} V)^2 = ${factor.toFixed(4)} (voltage scaling)`);
  }

  private sramEnergy(quantity: 'read_energy_pj' | 'write_energy_pj', sizeBytes: number, wordBits: number): Computed {
    const portBits = this.model.base.sram.cacti.port_bits;
    const atPort = this.sramPort(quantity, sizeBytes);
    const widened = wordBits === portBits ? atPort : scaled(atPort, wordBits / portBits, `x ${wordBits}/${portBits} (energy linear in word width)`);
    return this.voltageScaled(widened);
  }

  private sramAtSize(quantity: SramQuantity, sizeBytes: number): Computed {
    return this.sramPort(quantity, sizeBytes);
  }

  /** The node model's value at the 64-bit port, for the chosen SRAM model and cells. */
  private sramPort(quantity: SramQuantity, sizeBytes: number): Computed {
    if (this.settings.sram_cells.value === 'itrs-lop') {
      throw new InputError(
        'the 64-bit-port SRAM curve (sramReadEnergyPj, sramLeakageMw, lookup tables ...) has itrs-hp and itrs-lstp cells only; itrs-lop SRAM is priced by sram() from the CACTI tables',
        this.chain[0]!.file,
      );
    }
    const computed = this.model.sramAtPort(quantity, this.settings.sram_model.value, sizeBytes);
    if (!this.cellRatios) return computed;
    const ratio = this.cellRatios[quantity];
    const horowitzEnergy = this.settings.sram_model.value === 'horowitz' && (quantity === 'read_energy_pj' || quantity === 'write_energy_pj');
    return {
      value: computed.value * ratio.factor,
      inputs: [...computed.inputs, ...ratio.inputs],
      steps: [...computed.steps, horowitzEnergy ? `${ratio.step}; Horowitz's reads taken as itrs-hp cells (assumed)` : ratio.step],
      extrapolated: computed.extrapolated,
    };
  }

  private lookupTableComputed(entries: number, bits: number): Computed {
    const sizeBytes = (entries * bits) / 8;
    const atPort = this.sramPort('read_energy_pj', sizeBytes);
    const portBits = this.model.base.sram.cacti.port_bits;
    return this.voltageScaled(
      scaled(atPort, bits / portBits, `table of ${entries} x ${bits} bits priced as an SRAM of ${sizeBytes} bytes; x ${bits}/${portBits} (word width)`),
    );
  }

  private withActivationModel(computed: Computed): Computed {
    const activation = this.model.base.multifunction_unit.activation;
    const modelInput: TableInput = {
      entry: `${path.basename(this.chain[this.chain.length - 1]!.file)}: multifunction_unit.activation.model`,
      value: activation.default_entries,
      unit: 'default entries',
      source: activation.source,
      mark: activation.mark,
    };
    return { ...computed, inputs: [...computed.inputs, modelInput] };
  }

  private checkSram(sizeBytes: number, wordBits: number, fn: string): void {
    if (!Number.isInteger(sizeBytes) || sizeBytes < 1) {
      throw new InputError(`${fn}: sizeBytes must be a positive integer, got ${sizeBytes}`);
    }
    checkBits(wordBits, `${fn} wordBits`);
    if (wordBits > sizeBytes * 8) {
      throw new InputError(`${fn}: a ${wordBits}-bit word does not fit in ${sizeBytes} bytes`);
    }
  }

  private checkLookupTable(entries: number, bits: number, fn: string): void {
    if (!Number.isInteger(entries) || entries < 2) {
      throw new InputError(`${fn}: entries must be an integer of at least 2, got ${entries}`);
    }
    checkBits(bits, `${fn} bits`);
  }
}

function checkBits(bits: number, what: string): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 1024) {
    throw new InputError(`${what}: bits must be an integer from 1 to 1024, got ${bits}`);
  }
}

function formatArgs(args: Readonly<Record<string, number | string>>): string {
  return Object.entries(args)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

function dedupeInputs(inputs: readonly TableInput[]): TableInput[] {
  const seen = new Set<string>();
  return inputs.filter((input) => {
    const key = `${input.entry}|${input.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type SettingName = 'multiplier_model' | 'adder_model' | 'sram_model' | 'sram_cells';
type SettingValue<K extends SettingName> = K extends 'multiplier_model'
  ? MultiplierModel
  : K extends 'adder_model'
    ? AdderModel
    : K extends 'sram_model'
      ? SramModel
      : SramCells;

/** The option wins; otherwise the file nearest the leaf that sets it (the base always does). */
function resolveSetting<K extends SettingName>(
  chain: readonly TechTableFile[],
  name: K,
  option: SettingValue<K> | undefined,
): ResolvedSetting<SettingValue<K>> {
  if (option !== undefined) return { value: option, chosen_by: 'option' };
  for (const table of chain) {
    const value = table.data.settings?.[name] as SettingValue<K> | undefined;
    if (value !== undefined) return { value, chosen_by: displayPath(table.file) };
  }
  throw new InputError(`settings.${name} is not set in the table or its parents`, chain[0]?.file);
}

/** sram_banking: the option, else the nearest file that sets it, else macro (tables written before it existed). */
function resolveBanking(chain: readonly TechTableFile[], option: SramBanking | undefined): ResolvedSetting<SramBanking> {
  if (option !== undefined) {
    if (option !== 'macro' && option !== 'per_bank') throw new InputError(`sramBanking must be 'macro' or 'per_bank', got '${String(option)}'`);
    return { value: option, chosen_by: 'option' };
  }
  for (const table of chain) {
    const value = table.data.settings?.sram_banking;
    if (value !== undefined) return { value, chosen_by: displayPath(table.file) };
  }
  return { value: 'macro', chosen_by: 'default (no settings.sram_banking in the table)' };
}

/**
 * sram_pricing. The CACTI tables have no Horowitz alternative: with sram_model horowitz the
 * port curve prices buffers unless sram_pricing is asked for explicitly (then an error).
 */
function resolveSramPricing(chain: readonly TechTableFile[], options: TechTableOptions): ResolvedSetting<SramPricing> {
  const resolved = resolveWithDefault<SramPricing>(chain, 'sram_pricing', options.sramPricing, ['cacti_geometry', 'port_curve'], 'port_curve');
  const horowitz = resolveSetting(chain, 'sram_model', options.sramModel).value === 'horowitz';
  if (!horowitz || resolved.value === 'port_curve') return resolved;
  if (options.sramPricing !== undefined) {
    throw new InputError("sram_model horowitz has 64-bit-port reads only: it needs sram_pricing port_curve (the CACTI tables of cacti_geometry are CACTI's)", chain[0]?.file);
  }
  return { value: 'port_curve', chosen_by: "sram_model horowitz (Horowitz's 64-bit reads are priced on the port curve)" };
}

/**
 * A setting added after tables were first written: the option, else the nearest file that sets
 * it, else `fallback` (the behaviour before the setting existed, so older tables price as they did).
 */
function resolveWithDefault<T extends string>(
  chain: readonly TechTableFile[],
  name: 'sram_pricing' | 'logic_leakage' | 'sram_outside_grid',
  option: T | undefined,
  allowed: readonly T[],
  fallback: T,
): ResolvedSetting<T> {
  if (option !== undefined) {
    if (!allowed.includes(option)) throw new InputError(`${name} must be one of ${allowed.join(', ')}, got '${String(option)}'`);
    return { value: option, chosen_by: 'option' };
  }
  for (const table of chain) {
    const value = table.data.settings?.[name] as T | undefined;
    if (value !== undefined) return { value, chosen_by: displayPath(table.file) };
  }
  return { value: fallback, chosen_by: `default (no settings.${name} in the table)` };
}

/** The inputs of a computed value in one line, for an alternative's source. */
function describeInputs(computed: Computed): string {
  return dedupeInputs(computed.inputs)
    .map((input) => `${input.entry} = ${input.value} ${input.unit} (${input.source})`)
    .join('; ');
}

/**
 * itrs-lstp / itrs-hp ratios from the base table's one itrs-lstp point and the itrs-hp CACTI
 * point of the same size (45 nm 32 KB: leakage 0.006/34.7, read 13.2/10.7, access 1.75/0.59).
 * Write energy takes the read ratio and area the itrs-hp value (both assumed: no figures).
 */
function lstpRatios(base: BaseTechTableData, file: string): { ratios: Record<SramQuantity, CellRatio>; derivation: SramCellDerivation } {
  const lstp = base.sram.lstp;
  if (!lstp) {
    throw new InputError('settings.sram_cells is itrs-lstp, but the base table has no sram.lstp point to derive itrs-lstp figures from', file);
  }
  const hpIndex = base.sram.cacti.points.findIndex((p) => p.size_bytes === lstp.size_bytes);
  const hp = base.sram.cacti.points[hpIndex];
  if (!hp) throw new InputError(`sram.cacti.points has no ${lstp.size_bytes}-byte point to take the itrs-lstp ratios against`, file);
  const name = path.basename(file);
  const where = `${base.node_nm} nm ${lstp.size_bytes} B`;
  const lstpInput = (key: 'read_energy_pj' | 'leakage_mw' | 'access_ns'): TableInput => ({
    entry: `${name}: sram.lstp.${key}`,
    value: lstp[key],
    unit: SRAM_QUANTITY_UNIT[key],
    source: lstp.source,
    mark: lstp.mark,
    ...(lstp.note ? { note: lstp.note } : {}),
  });
  const hpInput = (key: 'read_energy_pj' | 'leakage_mw' | 'access_ns'): TableInput => ({
    entry: `${name}: sram.cacti.points[${hpIndex}].${key}`,
    value: hp[key],
    unit: SRAM_QUANTITY_UNIT[key],
    source: hp.source,
    mark: hp.mark,
  });
  const measured = (key: 'read_energy_pj' | 'leakage_mw' | 'access_ns', label: string) => {
    const factor = lstp[key] / hp[key];
    const how = `${lstp[key]} / ${hp[key]} = ${factor.toPrecision(4)}`;
    const source = `derived: itrs-lstp / itrs-hp ${label} of the CACTI 7 runs at ${where} (${lstp.source}; ${hp.source})`;
    const ratioInput: TableInput = {
      entry: `${name}: sram.lstp.${key} / sram.cacti.points[${hpIndex}].${key}`,
      value: factor,
      unit: 'ratio',
      source,
      mark: 'D',
      note: lstp.ratio_assumption,
    };
    return { factor, how, source, inputs: [lstpInput(key), hpInput(key), ratioInput] };
  };
  const read = measured('read_energy_pj', 'read energy');
  const leakage = measured('leakage_mw', 'leakage');
  const access = measured('access_ns', 'access time');
  const writeRule: TableInput = { entry: `${name}: sram.lstp.write_energy.rule`, value: read.factor, unit: 'ratio', source: lstp.write_energy.source, mark: lstp.write_energy.mark };
  const areaRule: TableInput = { entry: `${name}: sram.lstp.area.rule`, value: 1, unit: 'ratio', source: lstp.area.source, mark: lstp.area.mark };
  const step = (label: string, how: string) => `x ${how} (itrs-lstp/itrs-hp ${label} at ${where}; ratio from one point pair, assumed to hold at every size and node)`;
  const ratios: Record<SramQuantity, CellRatio> = {
    read_energy_pj: { factor: read.factor, step: step('read energy', read.how), inputs: read.inputs },
    write_energy_pj: {
      factor: read.factor,
      step: `${step('read energy', read.how)}; no itrs-lstp write figure, the read ratio is used (assumed)`,
      inputs: [...read.inputs, writeRule],
    },
    leakage_mw: { factor: leakage.factor, step: step('leakage', leakage.how), inputs: leakage.inputs },
    access_ns: { factor: access.factor, step: step('access time', access.how), inputs: access.inputs },
    area_mm2: { factor: 1, step: 'x 1: no itrs-lstp area figure, the itrs-hp area is used (assumed)', inputs: [areaRule] },
  };
  const derivation: SramCellDerivation = {
    from: 'itrs-hp',
    to: 'itrs-lstp',
    mark: 'D',
    file: displayPath(file),
    reference: { node_nm: base.node_nm, size_bytes: lstp.size_bytes, source: lstp.source, hp_source: hp.source },
    factors: {
      read_energy_pj: { factor: read.factor, how: read.how, mark: 'D', source: read.source },
      write_energy_pj: { factor: read.factor, how: `read ratio: ${read.how}`, mark: 'A', source: lstp.write_energy.source },
      leakage_mw: { factor: leakage.factor, how: leakage.how, mark: 'D', source: leakage.source },
      access_ns: { factor: access.factor, how: access.how, mark: 'D', source: access.source },
      area_mm2: { factor: 1, how: 'itrs-hp area', mark: 'A', source: lstp.area.source },
    },
    assumption: lstp.ratio_assumption,
  };
  return { ratios, derivation };
}

// --- loading ---------------------------------------------------------------------------------

/**
 * Supply voltages rnnsim accepts, as multiples of a table's nominal voltage (assumed): the
 * quadratic scaling of dynamic energy holds near nominal; far below it threshold effects
 * dominate, far above it the device fails. Outside the range a config is refused.
 */
export const VOLTAGE_SCALING_RANGE: readonly [number, number] = [0.5, 1.5];

export function techTablesDir(): string {
  return path.join(configsDir(), 'tech');
}

/** Nodes with a shipped table, ascending. */
export function listTechNodes(): number[] {
  return readdirSync(techTablesDir())
    .map((name) => /^(\d+(?:\.\d+)?)nm\.yaml$/.exec(name)?.[1])
    .filter((node): node is string => node !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Loads configs/tech/<nodeNm>nm.yaml (shipped with the package) and its parents. */
export function loadTechTable(nodeNm: number, options: TechTableOptions = {}): TechTable {
  const available = listTechNodes();
  if (!available.includes(nodeNm)) {
    throw new InputError(
      `no technology table for ${nodeNm} nm (expected configs/tech/${nodeNm}nm.yaml); available: ${available.map((n) => `${n} nm`).join(', ')}`,
    );
  }
  const table = loadTechTableFile(path.join(techTablesDir(), `${nodeNm}nm.yaml`), options);
  if (table.nodeNm !== nodeNm) {
    throw new InputError(`node_nm is ${table.nodeNm}, expected ${nodeNm} from the file name`, path.join(techTablesDir(), `${nodeNm}nm.yaml`));
  }
  return table;
}

/** Loads any table file; derives_from paths are relative to the file. */
export function loadTechTableFile(file: string, options: TechTableOptions = {}): TechTable {
  return new TechTable(readTechTableChain(file), options);
}
