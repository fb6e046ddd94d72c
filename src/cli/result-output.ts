/**
 * The --out of a command that writes a result folder: checked when the command starts (so a
 * refused --out fails at once, not after a long run) and written whole at the end
 * (src/output/result-folder.ts).
 */
import { stringOption, type OptionValues } from './command.js';
import { checkResultTarget, writeResultFolder, type ResultFolderOptions } from '../output/result-folder.js';

export interface ResultOutput {
  readonly dir: string;
  write(files: ReadonlyMap<string, string | Uint8Array>): void;
}

/** The checked --out of `command` (its words, e.g. "dps calibrate"), or undefined when --out is not given. */
export function resultOutput(options: OptionValues, command: string): ResultOutput | undefined {
  const dir = stringOption(options, 'out');
  if (dir === undefined) return undefined;
  const folder: ResultFolderOptions = { command, force: options['force'] === true };
  checkResultTarget(dir, folder);
  return { dir, write: (files) => writeResultFolder(dir, files, folder) };
}
