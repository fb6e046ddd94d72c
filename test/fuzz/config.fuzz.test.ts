/**
 * Fuzzing the config loader (issue 12): configs/epur.yaml with values set, removed and added at
 * random places, or its text damaged. Every input must end in exit 0, or exit 1 with a message
 * naming the config file; `run` must leave either a whole result folder (exit 0) or nothing
 * (exit 1), and nothing beside it. Settings: test/fuzz/fuzz-kit.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { EPUR_YAML, epurConfigObject, runCli, tempDir, writeTrace } from '../helpers/context.js';
import { RESULT_MANIFEST } from '../../src/output/result-folder.js';
import { applyMutations, applyTextEdits, countOutcomesAs, expectCleanOutcome, fuzzParams, fuzzTimeout, heapBytes, listTree, mutations, nodePaths, outcomeReport, textEdits } from './fuzz-kit.js';

const { dir, cleanup } = tempDir('rnnsim-fuzz-config-');
afterAll(() => {
  console.log(outcomeReport());
  cleanup();
}, 120_000);

const base = epurConfigObject();
const paths = nodePaths(base);
const trace = writeTrace(dir, { cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 2, name: 'tiny' }, 'tiny.json');
let counter = 0;

function writeConfig(text: string): string {
  const file = join(dir, `config-${counter++}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('fuzz: config loader', () => {
  it('the seed config, written back by the generator, passes check and runs (the properties start from a good input)', async () => {
    const file = writeConfig(stringify(applyMutations(base, [])));
    const r = await runCli(['check', file, '--trace', trace]);
    expect(r.code).toBe(0);
    expect((await runCli(['run', '--config', file, '--trace', trace])).code).toBe(0);
  });

  it(
    'check: mutated configs exit 0 or 1 with a message naming the file',
    async () => {
      const heapBefore = heapBytes();
      countOutcomesAs('config check, mutated');
      await fc.assert(
        fc.asyncProperty(mutations(paths), async (muts) => {
          const file = writeConfig(stringify(applyMutations(base, muts)));
          try {
            expectCleanOutcome(await runCli(['check', file, '--trace', trace]), [file]);
          } finally {
            rmSync(file, { force: true });
          }
        }),
        fuzzParams(60),
      );
      expect(heapBytes() - heapBefore).toBeLessThan(512 * 2 ** 20);
    },
    fuzzTimeout(60_000),
  );

  it(
    'check: damaged YAML text exits 0 or 1 with a message naming the file',
    async () => {
      const text = readFileSync(EPUR_YAML, 'utf8');
      countOutcomesAs('config check, damaged text');
      await fc.assert(
        fc.asyncProperty(textEdits, async (edits) => {
          const file = writeConfig(applyTextEdits(text, edits));
          try {
            expectCleanOutcome(await runCli(['check', file]), [file]);
          } finally {
            rmSync(file, { force: true });
          }
        }),
        fuzzParams(60),
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'run --out: a whole result folder on exit 0, nothing on exit 1, nothing beside it either way',
    async () => {
      countOutcomesAs('config run --out, mutated');
      await fc.assert(
        fc.asyncProperty(mutations(paths, 2), async (muts) => {
          const root = mkdtempSync(join(tmpdir(), 'rnnsim-fuzz-run-'));
          try {
            const file = join(root, 'config.yaml');
            writeFileSync(file, stringify(applyMutations(base, muts)));
            mkdirSync(join(root, 'work'));
            const out = join(root, 'work', 'out');
            const r = await runCli(['run', '--config', file, '--trace', trace, '--out', out]);
            expectCleanOutcome(r, [file, trace]);
            expect(listTree(root).filter((p) => !p.startsWith('work/out/'))).toEqual(r.code === 0 ? ['config.yaml', 'work', 'work/out'] : ['config.yaml', 'work']);
            if (r.code === 0) expect(JSON.parse(readFileSync(join(out, RESULT_MANIFEST), 'utf8')).files.length).toBeGreaterThan(0);
          } finally {
            rmSync(root, { recursive: true, force: true });
          }
        }),
        fuzzParams(25),
      );
    },
    fuzzTimeout(90_000),
  );
});
