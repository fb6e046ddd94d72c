/**
 * rnnsim command-line entry point. Parses `rnnsim <command words> [flags]`, dispatches to a
 * Command from the registry, and maps errors to exit codes: 0 ok, 1 bad input, 2 internal.
 * Help and argument parsing use the commands' declarations; a command's code is loaded only
 * when it runs (command-table.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionConfig = NonNullable<ParseArgsConfig['options']>[string];
import { commandTable, type CommandDeclaration, type CommandEntry } from './command-table.js';
import type { CommandOption } from './command.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL, InputError } from '../errors.js';
import { limitsHelp, resetLimits, setLimits } from '../limits.js';
import { didYouMean } from '../did-you-mean.js';

/** The version in package.json (two levels above src/cli/ and dist/cli/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const SET_LIMIT = '--set-limit';

/**
 * Take the global `--set-limit NAME=VALUE` flags (any command, anywhere in argv) out of argv;
 * returns the rest and the assignments. A flag without its value is an InputError.
 */
function takeLimitFlags(argv: readonly string[]): { rest: string[]; assignments: string[] } {
  const rest: string[] = [];
  const assignments: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === SET_LIMIT) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new InputError(`${SET_LIMIT} needs NAME=VALUE, e.g. ${SET_LIMIT} macs=1e15`);
      assignments.push(value);
      i++;
    } else if (a.startsWith(`${SET_LIMIT}=`)) assignments.push(a.slice(SET_LIMIT.length + 1));
    else rest.push(a);
  }
  return { rest, assignments };
}

function optionLine(o: CommandOption): string {
  const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'string' ? ' <value>' : ''}`;
  const unit = o.unit ? ` [${o.unit}]` : '';
  const extra = [o.required ? 'required' : '', o.multiple ? 'repeatable' : '', o.default !== undefined ? `default: ${String(o.default)}` : '']
    .filter(Boolean)
    .join(', ');
  return `  ${flag.padEnd(34)} ${o.description}${unit}${extra ? ` (${extra})` : ''}`;
}

function commandHelp(c: CommandDeclaration): string {
  const lines = [`rnnsim ${c.path.join(' ')}${c.positionals ? ` ${c.positionals}` : ''} [options]`, '', c.summary, ''];
  if (c.options.length > 0) lines.push('Options:', ...c.options.map(optionLine));
  return lines.join('\n') + '\n';
}

function globalHelp(commands: readonly CommandDeclaration[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = [
    'rnnsim: a discrete-event, cycle-accurate simulator of LSTM and GRU inference accelerators',
    '',
    'Usage: rnnsim <command> [options]      (rnnsim <command> --help for its options and units; rnnsim --version)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 bad input (config, trace or flag), 2 internal error.',
    '',
    `Limits: inputs larger than these are refused before any work (exit 1). Any command takes`,
    `${SET_LIMIT} NAME=VALUE (repeatable) to raise one for that run:`,
    limitsHelp(),
    '',
    'Every command with its options:',
    '',
    ...commands.map((c) => commandHelp(c)),
  ];
  return lines.join('\n');
}

/** Longest command path that prefixes argv. */
function findCommand(commands: readonly CommandEntry[], argv: readonly string[]): { command: CommandEntry; rest: string[] } | undefined {
  let best: CommandEntry | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}

/**
 * argv names no command: a command group alone or with --help lists its commands; anything else
 * is an error with the nearest command suggested.
 */
function noSuchCommand(commands: readonly CommandEntry[], argv: readonly string[]): number {
  // A command group (`rnnsim trace`, `rnnsim dps --help`): list its commands.
  const group = commands.filter((c) => c.path.length > 1 && c.path[0] === argv[0]);
  if (group.length > 0) {
    const asksHelp = argv[1] === '--help' || argv[1] === '-h';
    const lines = group.map((c) => `  ${c.path.join(' ').padEnd(20)}  ${c.summary}`);
    const sub = argv[1] ?? '';
    if (argv.length === 1) {
      process.stderr.write(`rnnsim: error: '${argv[0]}' needs a command; the ${argv[0]} commands (rnnsim ${argv[0]} <command> --help for options):\n${lines.join('\n')}\n`);
      return EXIT_BAD_INPUT;
    }
    if (asksHelp) {
      process.stdout.write(`rnnsim ${argv[0]} <command>: ${argv[0]} commands (rnnsim ${argv[0]} <command> --help for options):\n${lines.join('\n')}\n`);
      return 0;
    }
    process.stderr.write(`rnnsim: error: unknown command '${argv[0]} ${sub}'${didYouMean(`${argv[0]} ${sub}`, group.map((c) => c.path.join(' ')))}. The ${argv[0]} commands:\n${lines.join('\n')}\n`);
    return EXIT_BAD_INPUT;
  }
  const word = argv[0] as string;
  process.stderr.write(`rnnsim: error: unknown command '${word}'${didYouMean(word, new Set(commands.map((c) => c.path[0] as string)))}. Run 'rnnsim --help' for the list.\n`);
  return EXIT_BAD_INPUT;
}

export async function main(fullArgv: readonly string[]): Promise<number> {
  resetLimits();
  let argv: string[];
  try {
    const taken = takeLimitFlags(fullArgv);
    setLimits(taken.assignments);
    argv = taken.rest;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`rnnsim: error: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`rnnsim ${packageVersion()}\n`);
    return 0;
  }
  const commands = await commandTable();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(globalHelp(commands));
    return argv.length === 0 ? EXIT_BAD_INPUT : 0;
  }
  const found = findCommand(commands, argv);
  if (!found) return noSuchCommand(commands, argv);
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: Object.fromEntries(
          command.options.map((o) => [
            o.name,
            // parseArgs rejects keys present with the value undefined.
            {
              type: o.type,
              ...(o.short !== undefined ? { short: o.short } : {}),
              ...(o.multiple !== undefined ? { multiple: o.multiple } : {}),
              ...(o.default !== undefined ? { default: o.default } : {}),
            } as OptionConfig,
          ]),
        ),
      });
    } catch (err) {
      const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec((err as Error).message)?.[1];
      const message = unknown === undefined ? (err as Error).message : `unknown option '${unknown}'${didYouMean(unknown, command.options.map((o) => `--${o.name}`))}`;
      throw new InputError(`${message} (see 'rnnsim ${command.path.join(' ')} --help')`);
    }
    for (const o of command.options) {
      if (o.required && parsed.values[o.name] === undefined) {
        throw new InputError(`missing required option --${o.name} (see 'rnnsim ${command.path.join(' ')} --help')`);
      }
    }
    return await (await command.load()).run(parsed.values, parsed.positionals);
  } catch (err) {
    if (err instanceof InputError) {
      process.stderr.write(`rnnsim: error: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`rnnsim: internal error (please report): ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_INTERNAL;
  }
}
