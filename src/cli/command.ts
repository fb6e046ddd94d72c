/**
 * One CLI command: its options (with units) and what it runs. `rnnsim --help` and
 * `rnnsim <command> --help` are generated from these declarations.
 */
export interface CommandOption {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** Unit of the value, shown in --help (for example "cycles", "bits", "MHz"). */
  readonly unit?: string;
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  readonly required?: boolean;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  /** Words that select the command, for example ['trace', 'shape']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Description of positional arguments, if any, for --help. */
  readonly positionals?: string;
  readonly options: readonly CommandOption[];
  /** Returns the process exit code. Throw InputError for bad input. */
  run(options: OptionValues, positionals: string[]): Promise<number>;
}

/** Read a required string option or throw a message naming the flag. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const v = options[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new TypeError(`--${name} must be given once as a string`);
  return v;
}

/** --force: replace an rnnsim result folder written by another command (never anything rnnsim did not write). */
export const FORCE_OPTION: CommandOption = {
  name: 'force',
  type: 'boolean',
  description: 'replace an rnnsim result folder at --out written by another command; a folder or file rnnsim did not write is never replaced',
};
