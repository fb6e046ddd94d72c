/**
 * Paths in summary.json do not depend on how they were given (issue 12: two path lines did). The
 * runs are separate processes of the built CLI, each in its own working directory (a test worker
 * cannot change its own).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtModule } from '../helpers/built.js';
import { EPUR_YAML, REPO, tempDir, writeTrace } from '../helpers/context.js';

const { dir, cleanup } = tempDir('rnnsim-paths-');
afterAll(() => cleanup());
let cli = '';
beforeAll(() => {
  cli = builtModule('cli/run.js');
  copyFileSync(EPUR_YAML, join(dir, 'mine.yaml'));
  writeTrace(dir, { cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 2, name: 'tiny' }, 'tiny.json');
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'elsewhere'));
});

interface Paths {
  config: { file: string };
  trace: { file: string };
}

/** Run in `cwd` and return summary.json's text. */
function summaryOf(cwd: string, config: string, trace: string, out: string): string {
  const r = spawnSync(process.execPath, [cli, 'run', '--config', config, '--trace', trace, '--out', join(dir, out)], { cwd, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(join(dir, out, 'summary.json'), 'utf8');
}

describe('paths in summary.json', () => {
  it('a config and a trace outside the package, given plain, with ./, absolute or through sub/.., are written the same way', () => {
    const spellings = [
      ['mine.yaml', 'tiny.json'],
      ['./mine.yaml', './tiny.json'],
      [join(dir, 'mine.yaml'), join(dir, 'tiny.json')],
      ['sub/../mine.yaml', 'sub/../tiny.json'],
    ];
    const texts = spellings.map(([c, t], i) => summaryOf(dir, c, t, `out${i}`));
    const first = JSON.parse(texts[0]) as Paths;
    expect(first.config.file).toBe('mine.yaml');
    expect(first.trace.file).toBe('tiny.json');
    for (const t of texts.slice(1)) expect(t).toBe(texts[0]);
  });

  it('from a folder the files are not under, the path is absolute (still one spelling)', () => {
    const away = JSON.parse(summaryOf(join(dir, 'elsewhere'), '../mine.yaml', join(dir, 'tiny.json'), 'away')) as Paths;
    expect(away.config.file).toBe(join(realpathSync(dir), 'mine.yaml'));
    expect(away.trace.file).toBe(join(realpathSync(dir), 'tiny.json'));
  });

  it('a shipped config given from another working directory is written relative to the package', () => {
    const s = JSON.parse(summaryOf(join(REPO, 'docs'), '../configs/epur.yaml', join(REPO, 'traces', 'deepbench', 'lstm-h512-b1-t25.json'), 'shipped')) as Paths;
    expect(s.config.file).toBe('configs/epur.yaml');
    expect(s.trace.file).toBe('traces/deepbench/lstm-h512-b1-t25.json');
  });
});
