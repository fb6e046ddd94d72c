/** The --set option shared by run, compare and check (src/config/overrides.ts applies it). */
import type { CommandOption, OptionValues } from './command.js';
import { setOptions, type Override } from '../config/overrides.js';

export const SET_OPTION: CommandOption = {
  name: 'set',
  type: 'string',
  multiple: true,
  description: "override a config value, KEY=VALUE with KEY a dotted path (e.g. components.weight_buffer.size_kib=1024); validated as if written in the file",
};

/** The parsed --set overrides of a command's options (none when not given). */
export function overridesOf(options: OptionValues): Override[] {
  return setOptions(options['set']);
}
