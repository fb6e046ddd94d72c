/**
 * The DRAM figures a run was priced with, for tech-resolved.json: per DRAM component, its
 * energy per bit and background power, each with the preset's value and source beside it, so a
 * reader sees whether the config's figure is the preset's (and which option and power state)
 * or the config's own.
 */
import type { ArchitectureConfig } from '../config/load-architecture.js';
import { displayPath } from './package-paths.js';

export interface DramFigureRecord {
  readonly value: number;
  readonly unit: string;
  /** "preset" when the value is the preset's, else "config" (the config or a --set gave it). */
  readonly from: 'preset' | 'config';
  readonly preset_value: number | null;
  readonly source: string;
  readonly mark: string;
}

export interface DramRecord {
  readonly role: string;
  readonly preset: string | null;
  readonly file: string | null;
  readonly energy_pj_per_bit: DramFigureRecord;
  readonly background_power_mw: DramFigureRecord;
}

export function dramRecords(config: ArchitectureConfig): DramRecord[] {
  const preset = config.dramPreset;
  return Object.entries(config.roles)
    .filter(([, r]) => r.kind === 'dram')
    .map(([role, r]) => {
      const p = r.params as { preset: string; energy_pj_per_bit: number; background_power_mw: number };
      const usesPreset = preset !== undefined && p.preset !== 'none';
      const energy = usesPreset ? preset.energy_pj_per_bit : null;
      const background = usesPreset ? (preset.background?.total_mw ?? preset.background_power_mw) : null;
      const bg = usesPreset ? preset.background : null;
      return {
        role,
        preset: usesPreset ? preset.name : null,
        file: usesPreset ? displayPath(preset.file) : null,
        energy_pj_per_bit: {
          value: p.energy_pj_per_bit,
          unit: 'pJ/bit',
          from: energy === p.energy_pj_per_bit ? 'preset' : 'config',
          preset_value: energy,
          source: usesPreset ? `${preset.sources.energy_pj_per_bit?.source ?? ''} (option ${preset.energy_option})` : 'the config',
          mark: usesPreset ? (preset.sources.energy_pj_per_bit?.mark ?? 'A') : 'A',
        },
        background_power_mw: {
          value: p.background_power_mw,
          unit: 'mW',
          from: background === p.background_power_mw ? 'preset' : 'config',
          preset_value: background,
          source: bg
            ? `derived: ${bg.state} state power ${bg.state_power_mw[bg.state]} mW + refresh ${bg.refresh_mw} mW from the IDD currents (${bg.source}); state: ${bg.state_source}`
            : usesPreset
              ? (preset.sources.background_power_mw?.source ?? 'the preset')
              : 'the config',
          mark: bg ? 'D' : 'A',
        },
      };
    });
}
