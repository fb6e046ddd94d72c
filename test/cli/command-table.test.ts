/**
 * The built CLI takes its command declarations from dist/cli/commands/manifest.json (written by
 * scripts/build.mjs) and loads a command's module only to run it; run from the sources it
 * imports the registry. Both must present the same commands, the same help and the same
 * behaviour.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtModule } from '../helpers/built.js';
import { REPO, runCli } from '../helpers/context.js';
import { commands } from '../../src/cli/commands/index.js';

function builtCli(args: string[]): string {
  return execFileSync(process.execPath, [builtModule('cli/run.js'), ...args], { cwd: REPO, encoding: 'utf8' });
}

describe('command table', () => {
  it('the manifest lists every registered command, in order, with its declaration', () => {
    builtModule('cli/run.js');
    const manifest = JSON.parse(readFileSync(join(REPO, 'dist', 'cli', 'commands', 'manifest.json'), 'utf8')) as {
      commands: Array<{ path: string[]; summary: string; options: unknown[]; module: string }>;
    };
    expect(manifest.commands.map((c) => c.path.join(' '))).toEqual(commands.map((c) => c.path.join(' ')));
    // Each from its own module, not the registry (which imports every command).
    expect(manifest.commands.filter((c) => c.module === 'index.js')).toEqual([]);
    expect(manifest.commands.find((c) => c.path.join(' ') === 'run')?.module).toBe('run.js');
    for (const [i, c] of commands.entries()) {
      expect(manifest.commands[i].summary).toBe(c.summary);
      expect(manifest.commands[i].options).toEqual(JSON.parse(JSON.stringify(c.options)));
    }
  });

  it('help from the manifest equals help from the registry', async () => {
    for (const args of [['--help'], ['run', '--help'], ['trace', 'shape', '--help']]) {
      const fromSources = await runCli(args);
      expect(builtCli(args)).toBe(fromSources.stdout);
    }
  });

  it('a command loaded through the manifest runs as from the sources', async () => {
    const args = ['check', join('configs', 'epur.yaml')];
    const fromSources = await runCli(args);
    expect(fromSources.code).toBe(0);
    expect(builtCli(args)).toBe(fromSources.stdout);
  });
});
