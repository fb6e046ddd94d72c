/**
 * DRAM presets (configs/dram/<name>.yaml): organisation, timing and energy per bit, each with
 * its source. Latencies come from the timing preset: an access to a closed row costs
 * tRCD + CL, one that must first close another row tRP + tRCD + CL (all at tCK).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { configsDir } from './package-paths.js';
import type { Mark } from './tech-table-file.js';
import { readYamlFile, validateAgainstSchema, type LoadedYaml } from './yaml-loader.js';

interface SourcedValue {
  readonly value: number;
  readonly source: string;
  readonly mark: Mark;
}

interface EnergyOption {
  readonly energy_pj_per_bit: number;
  readonly source: string;
  readonly mark: Mark;
}

interface DramPresetFile {
  readonly format: 'rnnsim-dram-preset/1';
  readonly name: string;
  readonly standard: string;
  readonly description?: string;
  readonly channels: SourcedValue;
  readonly bus_width_bits_per_channel: SourcedValue;
  readonly data_rate_mt_per_s: SourcedValue;
  readonly burst_length_beats: SourcedValue;
  readonly timing: {
    readonly tck_ns: number;
    readonly cl_cycles: number;
    readonly trcd_cycles: number;
    readonly trp_cycles: number;
    readonly tras_cycles?: number;
    readonly source: string;
    readonly mark: Mark;
  };
  readonly energy: {
    readonly selected: string;
    readonly options: Readonly<Record<string, EnergyOption>>;
    readonly other_reported?: readonly { readonly what: string; readonly source: string; readonly mark: Mark }[];
  };
  readonly background_power_mw?: SourcedValue;
  readonly idd?: IddCurrents;
  readonly background?: { readonly selected: DramPowerState; readonly source: string; readonly mark: Mark };
  readonly derived: {
    readonly peak_bandwidth_gb_per_s: number;
    readonly burst_bytes: number;
    readonly access_latency_ns: number;
    readonly row_miss_latency_ns: number;
    readonly background_active_standby_mw?: number;
    readonly background_precharge_standby_mw?: number;
    readonly background_precharge_powerdown_mw?: number;
    readonly background_self_refresh_mw?: number;
    readonly refresh_mw?: number;
  };
}

/** The IDD currents of one device and its refresh timing (DRAMsim3's [power] and [timing]). */
export interface IddCurrents {
  readonly source: string;
  readonly mark: Mark;
  readonly device_width_bits: number;
  readonly vdd_v: number;
  readonly idd2p_ma: number;
  readonly idd2n_ma: number;
  readonly idd3n_ma: number;
  readonly idd5ab_ma: number;
  readonly idd6x_ma: number;
  readonly trfc_cycles: number;
  readonly trefi_cycles: number;
}

/**
 * Power states a DRAM rank sits in between commands (DRAMsim3's background energy):
 * active_standby IDD3N (a row open), precharge_standby IDD2N (all banks closed),
 * precharge_powerdown IDD2P (clock enable low), self_refresh IDD6x (refresh included).
 */
export type DramPowerState = 'active_standby' | 'precharge_standby' | 'precharge_powerdown' | 'self_refresh';
export const DRAM_POWER_STATES: readonly DramPowerState[] = ['active_standby', 'precharge_standby', 'precharge_powerdown', 'self_refresh'];

/** Background (time-proportional) power of a preset from its IDD currents. */
export interface DramBackground {
  /** channels x bus width per channel / device width. */
  readonly devices: number;
  /** The state selected by the file (background.selected) or by DramPresetOptions.backgroundState. */
  readonly state: DramPowerState;
  readonly state_chosen_by: 'file' | 'option';
  /** vdd x IDD x devices for each state (mW), refresh not included. */
  readonly state_power_mw: Readonly<Record<DramPowerState, number>>;
  /** Average refresh power vdd x (IDD5AB - IDD3N) x devices x tRFC / tREFI (mW); not added in self refresh. */
  readonly refresh_mw: number;
  /** The selected state's power plus refresh (except in self refresh) (mW). */
  readonly total_mw: number;
  readonly source: string;
  readonly mark: Mark;
  readonly state_source: string;
}

export interface FieldSource {
  readonly source: string;
  readonly mark: Mark;
}

export interface DramPreset {
  readonly name: string;
  readonly standard: string;
  readonly file: string;
  readonly channels: number;
  readonly bus_width_bits_per_channel: number;
  readonly data_rate_mt_per_s: number;
  /** Peak over all channels, in gigabytes (1e9 bytes) per second. */
  readonly bandwidth_gb_per_s: number;
  readonly bandwidth_per_channel_gb_per_s: number;
  readonly burst_length_beats: number;
  /** Bytes one burst moves on one channel. */
  readonly burst_bytes: number;
  readonly tck_ns: number;
  readonly cl_cycles: number;
  readonly trcd_cycles: number;
  readonly trp_cycles: number;
  /** tRCD + CL at tCK: activate a closed row, then read. */
  readonly access_latency_ns: number;
  /** tRP + tRCD + CL at tCK: close the open row first. */
  readonly row_miss_latency_ns: number;
  /** Energy per bit transferred under the selected energy option. */
  readonly energy_pj_per_bit: number;
  /** Key of the selected option in energy_options (e.g. "accelergy", "dramsim3_core_row_miss"). */
  readonly energy_option: string;
  readonly energy_options: Readonly<Record<string, { readonly energy_pj_per_bit: number } & FieldSource>>;
  /**
   * Legacy single background figure from the file's background_power_mw (DDR4 only; null
   * elsewhere). New code should use `background` (from the IDD currents) or
   * dramBackgroundPowerMw().
   */
  readonly background_power_mw: number | null;
  /** Background power from the preset's IDD currents, or null when the file has no idd section. */
  readonly background: DramBackground | null;
  /** Source and mark of every figure, by field name. */
  readonly sources: Readonly<Record<string, FieldSource>>;
}

export interface DramPresetOptions {
  /** Overrides the file's energy.selected (one of the keys of energy.options). */
  readonly energyOption?: string;
  /** Overrides the file's background.selected. */
  readonly backgroundState?: DramPowerState;
}

/** Derived figures in the file may be rounded; they must agree to this relative tolerance. */
const DERIVED_RELATIVE_TOLERANCE = 0.005;

export function dramPresetsDir(): string {
  return path.join(configsDir(), 'dram');
}

/** File stems of the shipped presets, e.g. ["ddr3", "ddr4", "hbm2", "lpddr4"]. */
export function listDramPresets(): string[] {
  return readdirSync(dramPresetsDir())
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

/** By file stem ("lpddr4") or by the preset's own name ("lpddr4-2400"). */
export function loadDramPreset(name: string, options: DramPresetOptions = {}): DramPreset {
  const stems = listDramPresets();
  if (stems.includes(name)) return loadDramPresetFile(path.join(dramPresetsDir(), `${name}.yaml`), options);
  for (const stem of stems) {
    // Match on the file's own selection first: an energy option may exist in one file only.
    const file = path.join(dramPresetsDir(), `${stem}.yaml`);
    if (loadDramPresetFile(file).name === name) return loadDramPresetFile(file, options);
  }
  throw new InputError(`no DRAM preset '${name}' in configs/dram/; available: ${stems.join(', ')}`);
}

export function loadDramPresetFile(file: string, options: DramPresetOptions = {}): DramPreset {
  const loaded = readYamlFile(file);
  const data = validateAgainstSchema<DramPresetFile>(loaded, 'dram-preset.schema.json');
  const selected = options.energyOption ?? data.energy.selected;
  const energy = data.energy.options[selected];
  if (!energy) {
    const where = options.energyOption ? 'energyOption' : loaded.where(['energy', 'selected']);
    throw new InputError(`${where}: energy option '${selected}' is not one of ${Object.keys(data.energy.options).join(', ')}`, file);
  }
  const t = data.timing;
  const bytesPerBeat = data.bus_width_bits_per_channel.value / 8;
  const perChannelGbPerS = (bytesPerBeat * data.data_rate_mt_per_s.value) / 1000;
  const computed = {
    peak_bandwidth_gb_per_s: perChannelGbPerS * data.channels.value,
    burst_bytes: bytesPerBeat * data.burst_length_beats.value,
    access_latency_ns: (t.trcd_cycles + t.cl_cycles) * t.tck_ns,
    row_miss_latency_ns: (t.trp_cycles + t.trcd_cycles + t.cl_cycles) * t.tck_ns,
  };
  for (const [key, value] of Object.entries(computed) as [keyof typeof computed, number][]) {
    const shown = data.derived[key];
    if (Math.abs(shown - value) > DERIVED_RELATIVE_TOLERANCE * value) {
      throw new InputError(`${loaded.where(['derived', key])}: shows ${shown}, but the fields above give ${value}`, file);
    }
  }
  const background = backgroundFromIdd(data, loaded, file, options);
  const timingSource = { source: t.source, mark: t.mark };
  const sourceOf = (field: SourcedValue): FieldSource => ({ source: field.source, mark: field.mark });
  return {
    name: data.name,
    standard: data.standard,
    file,
    channels: data.channels.value,
    bus_width_bits_per_channel: data.bus_width_bits_per_channel.value,
    data_rate_mt_per_s: data.data_rate_mt_per_s.value,
    bandwidth_gb_per_s: computed.peak_bandwidth_gb_per_s,
    bandwidth_per_channel_gb_per_s: perChannelGbPerS,
    burst_length_beats: data.burst_length_beats.value,
    burst_bytes: computed.burst_bytes,
    tck_ns: t.tck_ns,
    cl_cycles: t.cl_cycles,
    trcd_cycles: t.trcd_cycles,
    trp_cycles: t.trp_cycles,
    access_latency_ns: computed.access_latency_ns,
    row_miss_latency_ns: computed.row_miss_latency_ns,
    energy_pj_per_bit: energy.energy_pj_per_bit,
    energy_option: selected,
    energy_options: structuredClone(data.energy.options),
    background_power_mw: data.background_power_mw?.value ?? null,
    background,
    sources: {
      channels: sourceOf(data.channels),
      bus_width_bits_per_channel: sourceOf(data.bus_width_bits_per_channel),
      data_rate_mt_per_s: sourceOf(data.data_rate_mt_per_s),
      burst_length_beats: sourceOf(data.burst_length_beats),
      timing: timingSource,
      access_latency_ns: { source: `derived: (tRCD + CL) x tCK; timing from ${t.source}`, mark: 'D' },
      row_miss_latency_ns: { source: `derived: (tRP + tRCD + CL) x tCK; timing from ${t.source}`, mark: 'D' },
      bandwidth_gb_per_s: { source: 'derived: channels x bus width / 8 x data rate', mark: 'D' },
      energy_pj_per_bit: { source: energy.source, mark: energy.mark },
      background_power_mw: data.background_power_mw
        ? sourceOf(data.background_power_mw)
        : { source: 'not in energy-area.md; not modelled (null)', mark: 'A' },
      ...(background ? { background: { source: `derived from IDD currents: ${background.source}`, mark: 'D' as const } } : {}),
    },
  };
}

function backgroundFromIdd(data: DramPresetFile, loaded: LoadedYaml, file: string, options: DramPresetOptions): DramBackground | null {
  const idd = data.idd;
  if (!idd) {
    if (data.background) throw new InputError(`${loaded.where(['background'])}: a background state needs the idd currents (an idd section)`, file);
    if (options.backgroundState) throw new InputError(`backgroundState '${options.backgroundState}' given, but ${path.basename(file)} has no idd section to price it`, file);
    return null;
  }
  const totalBits = data.channels.value * data.bus_width_bits_per_channel.value;
  if (totalBits % idd.device_width_bits !== 0) {
    throw new InputError(
      `${loaded.where(['idd', 'device_width_bits'])}: ${data.channels.value} channels x ${data.bus_width_bits_per_channel.value} bits is not a whole number of ${idd.device_width_bits}-bit devices`,
      file,
    );
  }
  const devices = totalBits / idd.device_width_bits;
  if (options.backgroundState !== undefined && !DRAM_POWER_STATES.includes(options.backgroundState)) {
    throw new InputError(`backgroundState '${String(options.backgroundState)}' is not one of ${DRAM_POWER_STATES.join(', ')}`, file);
  }
  const state = options.backgroundState ?? data.background?.selected ?? 'active_standby';
  const power = (ma: number) => idd.vdd_v * ma * devices;
  const statePower: Record<DramPowerState, number> = {
    active_standby: power(idd.idd3n_ma),
    precharge_standby: power(idd.idd2n_ma),
    precharge_powerdown: power(idd.idd2p_ma),
    self_refresh: power(idd.idd6x_ma),
  };
  const refreshMw = (power(idd.idd5ab_ma) - power(idd.idd3n_ma)) * (idd.trfc_cycles / idd.trefi_cycles);
  const shown: Record<string, number> = {
    background_active_standby_mw: statePower.active_standby,
    background_precharge_standby_mw: statePower.precharge_standby,
    background_precharge_powerdown_mw: statePower.precharge_powerdown,
    background_self_refresh_mw: statePower.self_refresh,
    refresh_mw: refreshMw,
  };
  for (const [key, value] of Object.entries(shown)) {
    const inFile = data.derived[key as keyof DramPresetFile['derived']];
    if (inFile !== undefined && Math.abs(inFile - value) > DERIVED_RELATIVE_TOLERANCE * value) {
      throw new InputError(`${loaded.where(['derived', key])}: shows ${inFile}, but the idd currents give ${value}`, file);
    }
  }
  return {
    devices,
    state,
    state_chosen_by: options.backgroundState ? 'option' : 'file',
    state_power_mw: statePower,
    refresh_mw: refreshMw,
    total_mw: statePower[state] + (state === 'self_refresh' ? 0 : refreshMw),
    source: idd.source,
    mark: idd.mark,
    state_source: options.backgroundState ? 'option' : (data.background?.source ?? 'assumed: active standby (no background.selected in the file)'),
  };
}

/** Background power of the preset (mW) in a state (default: the preset's selected one), refresh included. */
export function dramBackgroundPowerMw(preset: DramPreset, state?: DramPowerState): number {
  const background = requireBackground(preset);
  const s = state ?? background.state;
  return background.state_power_mw[s] + (s === 'self_refresh' ? 0 : background.refresh_mw);
}

function requireBackground(preset: DramPreset): DramBackground {
  if (!preset.background) throw new InputError(`DRAM preset '${preset.name}' has no idd currents to derive background power from`, preset.file);
  return preset.background;
}
