/**
 * Fuzzing the command line (issue 12): argument lists built from the commands' own declarations
 * (flags of the command, of other commands, typos, missing values) and from values that are
 * good files, bad files, paths that climb out of the working folder, numbers at extremes and
 * plain garbage. Commands run in a fresh working folder inside a fuzz root; every outcome must
 * be exit 0, or exit 1 with one `rnnsim: error:` message, and nothing may appear in the fuzz
 * root outside the working folder. Long-running commands (start, validate, bench, train,
 * accuracy, dps, sweep) are left out: their flags go through the same parser.
 * Settings: test/fuzz/fuzz-kit.ts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandTable, type CommandDeclaration } from '../../src/cli/command-table.js';
import { EPUR_YAML, runCli, writeTrace } from '../helpers/context.js';
import { coreFields, tinyTensors, writeModel } from '../helpers/model-cards.js';
import { countOutcomesAs, expectCleanOutcome, fuzzParams, fuzzTimeout, outcomeReport } from './fuzz-kit.js';

const COMMANDS = ['run', 'check', 'schema', 'docs', 'trace shape', 'trace check', 'trace gemm', 'compare', 'model check', 'report', 'sweep merge'];
/** Flags whose value is an output path the user chose. */
const OUTPUT_FLAGS = ['--out', '-o', '--output'];
const root = mkdtempSync(join(tmpdir(), 'rnnsim-fuzz-cli-'));
const seedDir = join(root, 'seed');
let declarations: CommandDeclaration[] = [];
const startDir = process.cwd();

beforeAll(async () => {
  declarations = (await commandTable()).filter((c) => COMMANDS.includes(c.path.join(' ')));
  mkdirSync(seedDir);
  copyFileSync(EPUR_YAML, join(seedDir, 'epur.yaml'));
  writeFileSync(join(seedDir, 'bad.yaml'), 'name: [unclosed\n');
  writeTrace(seedDir, { cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 2, name: 'tiny' }, 'tiny.json');
  const topology = { cell: 'gru' as const, input_size: 2, hidden_size: 3, num_layers: 1, bidirectional: false, proj_size: 0 };
  writeModel(join(seedDir, 'model'), { name: 'm', ...coreFields(topology), head: { type: 'none' } }, tinyTensors({ topology }));
});
afterAll(() => {
  console.log(outcomeReport());
  process.chdir(startDir);
  rmSync(root, { recursive: true, force: true });
}, 120_000);

/** Values a flag or positional may get: good inputs, bad ones, escaping paths, extreme numbers, garbage. */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('epur.yaml', 'tiny.json', 'bad.yaml', 'missing.yaml', 'model', 'model/model.json', 'out', 'out', 'out2', 'sub/out', '.', '..', '../escape', '', 'epur.yaml,tiny.json') },
  { weight: 2, arbitrary: fc.constantFrom('0', '-1', '1', '3', '8', '1e300', 'NaN', '-0', '2e9', '0x10', 'lstm', 'gru', 'gemm', 'toString', '__proto__') },
  { weight: 1, arbitrary: fc.constantFrom('components.dot_product_unit.multipliers=0', 'clock_mhz=1e-300', 'name=..', 'technology.node_nm=1', 'x=1', '=', 'macs=1', 'layers=0') },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** An argument list: a command (or a typo of one), flags of it or of others with values, positionals. */
function argvArb(): fc.Arbitrary<string[]> {
  const allFlags = [...new Set(declarations.flatMap((c) => c.options.map((o) => `--${o.name}`)))];
  return fc
    .record({
      command: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...declarations) }, { weight: 1, arbitrary: fc.constant(undefined) }),
      typo: fc.constantFrom('rnu', 'trace', 'chek', 'help', '--help', '--version', 'dps'),
      parts: fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.tuple(fc.constant('own'), fc.nat(), value) },
          { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...allFlags, '--confg', '-x', '--', '--set-limit', '--help'), fc.constant(0), value) },
          { weight: 2, arbitrary: fc.tuple(fc.constant('positional'), fc.constant(0), value) },
        ),
        { maxLength: 6 },
      ),
    })
    .map(({ command, typo, parts }) => {
      const argv = command ? [...command.path] : [typo];
      for (const [kind, index, v] of parts) {
        if (kind === 'positional') argv.push(v);
        else if (kind === 'own' && command && command.options.length > 0) {
          const o = command.options[index % command.options.length]!;
          argv.push(`--${o.name}`);
          if (o.type === 'string') argv.push(v);
        } else if (kind !== 'own') argv.push(kind, v);
      }
      return argv;
    });
}

describe('fuzz: command-line arguments', () => {
  it(
    'every argument list exits 0 or 1 and writes nothing outside the working folder',
    async () => {
      countOutcomesAs('command line');
      let n = 0;
      try {
        await fc.assert(
          fc.asyncProperty(argvArb(), async (argv) => {
            const cwd = join(root, `cwd-${n++}`);
            mkdirSync(cwd);
            for (const name of readdirSync(seedDir)) {
              if (name === 'model') {
                mkdirSync(join(cwd, 'model'));
                for (const f of readdirSync(join(seedDir, 'model'))) copyFileSync(join(seedDir, 'model', f), join(cwd, 'model', f));
              } else copyFileSync(join(seedDir, name), join(cwd, name));
            }
            process.chdir(cwd);
            try {
              const r = await runCli(argv);
              expectCleanOutcome(r);
            } finally {
              process.chdir(startDir);
            }
            // '..' and '../escape' lead into the fuzz root: nothing but the seed and working folders may be there.
            // What the user named as output may be anywhere; nothing else may leave the working folder.
            const named = argv.flatMap((a, i) => (OUTPUT_FLAGS.includes(a) && argv[i + 1] !== undefined ? [resolve(cwd, argv[i + 1]!)] : []));
            const written = readdirSync(root).filter((f) => f !== 'seed' && !f.startsWith('cwd-'));
            const outside = written.filter((f) => !named.includes(join(root, f)));
            // Removed before the next input (and before failing, so shrinking sees only what each input writes).
            for (const f of written) rmSync(join(root, f), { recursive: true, force: true });
            expect(outside, `argv ${JSON.stringify(argv)}`).toEqual([]);
            rmSync(cwd, { recursive: true, force: true });
          }),
          fuzzParams(80),
        );
      } finally {
        process.chdir(startDir);
      }
    },
    fuzzTimeout(120_000),
  );
});
