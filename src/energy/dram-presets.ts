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
import { readYamlFile, validateAgainstSchema } from './yaml-loader.js';

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
  readonly derived: {
    readonly peak_bandwidth_gb_per_s: number;
    readonly burst_bytes: number;
    readonly access_latency_ns: number;
    readonly row_miss_latency_ns: number;
  };
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
  /** Background (static) power, or null when no source gives it. */
  readonly background_power_mw: number | null;
  /** Source and mark of every figure, by field name. */
  readonly sources: Readonly<Record<string, FieldSource>>;
}

export interface DramPresetOptions {
  /** Overrides the file's energy.selected (one of the keys of energy.options). */
  readonly energyOption?: string;
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
    },
  };
}
