import { copyFileSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { runFiles } from '../../src/reports/run-files.js';
import { EPUR_YAML, REPO, tempDir, writeTrace } from '../helpers/context.js';

describe('determinism', () => {
  it('the same run twice gives byte-identical result files', async () => {
    const trace = join(REPO, 'traces', 'deepbench', 'lstm-h512-b1-t25.json');
    const a = runFiles(await simulate(EPUR_YAML, trace));
    const b = runFiles(await simulate(EPUR_YAML, trace));
    expect([...a.keys()]).toEqual(['summary.json', 'timesteps.csv', 'layers.csv', 'energy.csv', 'area.csv', 'tech-resolved.json']);
    expect(Buffer.from(b.get('summary.json')!)).toEqual(Buffer.from(a.get('summary.json')!));
    for (const [name, text] of a) expect(b.get(name), name).toBe(text);
    // Paths in summary.json are relative to the package, so the bytes do not depend on the checkout.
    const summary = JSON.parse(a.get('summary.json')!) as { config: { file: string }; trace: { file: string } };
    expect(summary.config.file).toBe('configs/epur.yaml');
    expect(summary.trace.file).toBe('traces/deepbench/lstm-h512-b1-t25.json');
  });
});

describe('paths in summary.json do not depend on how they were given (issue 12)', () => {
  it('a config and a trace outside the package, given plain, with ./ and absolute, are written the same way', async () => {
    const { dir, cleanup } = tempDir('rnnsim-paths-');
    const cwd = process.cwd();
    try {
      copyFileSync(EPUR_YAML, join(dir, 'mine.yaml'));
      writeTrace(dir, { cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 2, name: 'tiny' }, 'tiny.json');
      mkdirSync(join(dir, 'sub'));
      process.chdir(dir);
      const spellings = [
        ['mine.yaml', 'tiny.json'],
        ['./mine.yaml', './tiny.json'],
        [join(dir, 'mine.yaml'), join(dir, 'tiny.json')],
        ['sub/../mine.yaml', 'sub/../tiny.json'],
      ];
      const summaries = await Promise.all(spellings.map(async ([c, t]) => runFiles(await simulate(c, t)).get('summary.json')!));
      const first = JSON.parse(summaries[0]) as { config: { file: string }; trace: { file: string } };
      expect(first.config.file).toBe('mine.yaml');
      expect(first.trace.file).toBe('tiny.json');
      for (const s of summaries.slice(1)) expect(s).toBe(summaries[0]);
      // From a folder the files are not under, the path is absolute (and still one spelling).
      mkdirSync(join(dir, 'elsewhere'));
      process.chdir(join(dir, 'elsewhere'));
      const away = JSON.parse(runFiles(await simulate('../mine.yaml', join(dir, 'tiny.json'))).get('summary.json')!) as { config: { file: string }; trace: { file: string } };
      expect(away.config.file).toBe(join(realpathSync(dir), 'mine.yaml'));
      expect(away.trace.file).toBe(join(realpathSync(dir), 'tiny.json'));
    } finally {
      process.chdir(cwd);
      cleanup();
    }
  });

  it('a shipped config given from another working directory is still written relative to the package', async () => {
    const cwd = process.cwd();
    try {
      process.chdir(join(REPO, 'docs'));
      const s = JSON.parse(runFiles(await simulate('../configs/epur.yaml', join(REPO, 'traces', 'deepbench', 'lstm-h512-b1-t25.json'))).get('summary.json')!) as { config: { file: string }; trace: { file: string } };
      expect(s.config.file).toBe('configs/epur.yaml');
      expect(s.trace.file).toBe('traces/deepbench/lstm-h512-b1-t25.json');
    } finally {
      process.chdir(cwd);
    }
  });
});
