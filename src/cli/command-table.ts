/**
 * The CLI's commands as main() needs them: their declarations (words, summary, options) for
 * help and argument parsing, and a way to load a command's code. They come from
 * dist/cli/commands/manifest.json (written by scripts/build.mjs) when it matches the compiled
 * command modules, so `rnnsim --help` loads no command and a command loads only its own
 * module and what that imports. Otherwise (a run from the sources, a dist/ compiled without the
 * manifest or changed since) they come from the registry itself, which imports every command.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from './command.js';

export type CommandDeclaration = Pick<Command, 'path' | 'summary' | 'positionals' | 'options'>;

export interface CommandEntry extends CommandDeclaration {
  /** The command itself (its module imported on the first call). */
  load(): Promise<Command>;
}

interface Manifest {
  readonly modules: ReadonlyArray<{ readonly file: string; readonly size: number; readonly mtimeMs: number }>;
  readonly commands: ReadonlyArray<CommandDeclaration & { readonly module: string; readonly exportName: string; readonly index?: number }>;
}

const commandsDir = new URL('./commands/', import.meta.url);

/** The manifest, if there is one and every module it was made from is unchanged. */
function currentManifest(): Manifest | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('manifest.json', commandsDir), 'utf8')) as Manifest;
    for (const m of manifest.modules) {
      const s = statSync(new URL(m.file, commandsDir));
      if (s.size !== m.size || s.mtimeMs !== m.mtimeMs) return undefined;
    }
  } catch {
    return undefined;
  }
  return manifest;
}

export async function commandTable(): Promise<CommandEntry[]> {
  const manifest = currentManifest();
  if (manifest) {
    return manifest.commands.map((c) => ({
      path: c.path,
      summary: c.summary,
      positionals: c.positionals,
      options: c.options,
      async load(): Promise<Command> {
        const mod = (await import(new URL(c.module, commandsDir).href)) as Record<string, Command | Command[]>;
        const value = mod[c.exportName];
        const command = Array.isArray(value) ? value[c.index ?? -1] : value;
        if (!command || command.path.join(' ') !== c.path.join(' ')) throw new Error(`internal: ${c.module} does not export the command '${c.path.join(' ')}' the manifest says it does; rebuild (npm run build)`);
        return command;
      },
    }));
  }
  const { commands } = await import('./commands/index.js');
  return commands.map((c) => ({ path: c.path, summary: c.summary, positionals: c.positionals, options: c.options, load: async () => c }));
}
