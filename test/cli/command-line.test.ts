import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/command.js';
import { changedOptions } from '../../src/cli/command-line.js';

const command: Command = {
  path: ['demo'],
  summary: 'a command to print',
  options: [
    { name: 'budget', type: 'string', default: '1', description: 'a number with a default' },
    { name: 'model', type: 'string', multiple: true, description: 'repeatable' },
    { name: 'tags', type: 'string', multiple: true, default: ['a'] as unknown as string, description: 'repeatable with a default' },
    { name: 'skip', type: 'boolean', description: 'a switch' },
    { name: 'out', type: 'string', default: 'results/x', description: 'where files go' },
  ],
  run: async () => 0,
};

describe('changedOptions: the options a report prints to reproduce its result', () => {
  it('lists only values that differ from their defaults, in declaration order, quoted for a shell', () => {
    const words = changedOptions(command, { out: 'elsewhere', skip: true, model: ['m one', 'm2'], budget: '1', tags: ['a'] }, ['out']);
    expect(words).toEqual(["--model 'm one'", '--model m2', '--skip']);
  });

  it('writes a value starting with a dash as --name=value, so it is not read as an option', () => {
    expect(changedOptions(command, { budget: '-2', skip: false, tags: ['b', 'c'] }, [])).toEqual(['--budget=-2', '--tags b', '--tags c']);
  });
});
