/**
 * Where sources disagree the tables keep every alternative with its source and a config
 * selects one. An AlternativeRange reports the selected value beside the lowest and the
 * highest alternative, so a user can see whether a conclusion survives the spread.
 */
import { InputError } from '../errors.js';
import { DRAM_POWER_STATES, dramBackgroundPowerMw, type DramPreset } from './dram-presets.js';
import type { Mark } from './tech-table-file.js';

export interface Alternative {
  /** The model or option name, e.g. "horowitz", "aladdin", "accelergy", "active_standby". */
  readonly name: string;
  readonly value: number;
  readonly source: string;
  readonly mark: Mark;
}

export interface AlternativeRange {
  /** What is priced, e.g. "int_multiply_energy_pj(bits=16)". */
  readonly quantity: string;
  readonly unit: string;
  readonly selected: Alternative;
  readonly low: Alternative;
  readonly high: Alternative;
  /** high / low. */
  readonly spread: number;
  readonly alternatives: readonly Alternative[];
}

export function rangeOf(quantity: string, unit: string, selectedName: string, alternatives: readonly Alternative[]): AlternativeRange {
  const selected = alternatives.find((a) => a.name === selectedName);
  if (!selected) throw new InputError(`${quantity}: selected alternative '${selectedName}' is not one of ${alternatives.map((a) => a.name).join(', ')}`);
  let low = alternatives[0]!;
  let high = alternatives[0]!;
  for (const a of alternatives) {
    if (a.value < low.value) low = a;
    if (a.value > high.value) high = a;
  }
  return { quantity, unit, selected, low, high, spread: low.value > 0 ? high.value / low.value : Number.POSITIVE_INFINITY, alternatives: [...alternatives] };
}

/** DRAM energy per bit over the preset's energy options (e.g. Accelergy, DRAMsim3, Horowitz). */
export function dramEnergyRange(preset: DramPreset): AlternativeRange {
  const alternatives = Object.entries(preset.energy_options).map(([name, option]) => ({
    name,
    value: option.energy_pj_per_bit,
    source: option.source,
    mark: option.mark,
  }));
  return rangeOf(`dram_energy_pj_per_bit(${preset.name})`, 'pJ/bit', preset.energy_option, alternatives);
}

/**
 * DRAM background power over the states a DRAM can sit in while it serves the accelerator
 * (refresh included): active standby, precharge standby, precharge power-down. Self refresh
 * is left out unless it is the selected state: the DRAM cannot be accessed in it.
 */
export function dramBackgroundRange(preset: DramPreset): AlternativeRange {
  if (!preset.background) throw new InputError(`DRAM preset '${preset.name}' has no idd currents to derive background power from`, preset.file);
  const background = preset.background;
  const alternatives = DRAM_POWER_STATES.filter((state) => state !== 'self_refresh' || state === background.state).map((state) => ({
    name: state,
    value: dramBackgroundPowerMw(preset, state),
    source: `derived: vdd x IDD x ${background.devices} devices + refresh; ${background.source}`,
    mark: 'D' as const,
  }));
  return rangeOf(`dram_background_mw(${preset.name})`, 'mW', background.state, alternatives);
}
