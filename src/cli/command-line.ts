/**
 * What a report prints so that its result can be reproduced: every option whose value differs
 * from its default, in the order the command declares them, quoted for a POSIX shell. Options
 * that only say where files go or how the work is spread (--out, --cache, --workers) are left
 * out by the caller, so the same inputs give the same report wherever it runs.
 */
import type { Command, OptionValues } from './command.js';
import { shellQuote } from '../sweep/slurm.js';

export function changedOptions(command: Command, options: OptionValues, leaveOut: readonly string[]): string[] {
  const words: string[] = [];
  for (const o of command.options) {
    if (leaveOut.includes(o.name)) continue;
    const value = options[o.name];
    if (value === undefined || JSON.stringify(value) === JSON.stringify(o.default)) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === false) continue;
      // `--name=-x`: a value starting with '-' after a space would read as another option.
      words.push(v === true ? `--${o.name}` : v.startsWith('-') ? `--${o.name}=${shellQuote(v)}` : `--${o.name} ${shellQuote(v)}`);
    }
  }
  return words;
}
