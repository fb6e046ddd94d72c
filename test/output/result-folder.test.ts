/**
 * --out never destroys what rnnsim did not write (issue 12): each case below was a data-loss or
 * escape seen with the earlier writer, which deleted whatever was at --out.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESULT_MANIFEST, writeResultFolder } from '../../src/output/result-folder.js';
import { writeOwnedFile, TRACE_HEADER_FILE } from '../../src/output/owned-file.js';
import { InputError } from '../../src/errors.js';
import { runCli, tempDir, writeEpurConfig, writeTrace } from '../helpers/context.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const files = (tag: string): Map<string, string> => new Map([['a.txt', `${tag} a\n`], ['sub/b.txt', `${tag} b\n`]]);
const run = { command: 'run' };

/** Every path under dir, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      return e.isDirectory() ? [rel, ...tree(join(dir, e.name), rel)] : [rel];
    });
}

describe('writeResultFolder', () => {
  it('writes a new folder with a manifest listing its files', () => {
    const out = join(tmp.dir, 'new', 'res');
    writeResultFolder(out, files('one'), run);
    expect(tree(out)).toEqual(['a.txt', RESULT_MANIFEST, 'sub', 'sub/b.txt']);
    expect(JSON.parse(readFileSync(join(out, RESULT_MANIFEST), 'utf8'))).toEqual({ format: 'rnnsim-result/1', command: 'run', files: ['a.txt', 'sub/b.txt'] });
    expect(readdirSync(join(tmp.dir, 'new'))).toEqual(['res']);
  });

  it("refuses a folder of the user's and leaves every file in it", () => {
    const home = join(tmp.dir, 'home', 'user');
    mkdirSync(join(home, 'Documents'), { recursive: true });
    writeFileSync(join(home, 'Documents', 'thesis.tex'), 'chapter 1');
    expect(() => writeResultFolder(home, files('x'), run)).toThrow(/existing folder that rnnsim did not write \(no rnnsim-result.json; it holds Documents, Documents\/thesis.tex\)/);
    expect(readFileSync(join(home, 'Documents', 'thesis.tex'), 'utf8')).toBe('chapter 1');
    expect(readdirSync(join(tmp.dir, 'home'))).toEqual(['user']);
  });

  it('refuses an existing file and a symbolic link, and the root folder', () => {
    const file = join(tmp.dir, 'notes.txt');
    writeFileSync(file, 'mine');
    expect(() => writeResultFolder(file, files('x'), run)).toThrow(/names an existing file/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    const link = join(tmp.dir, 'link');
    symlinkSync(tmp.dir, link);
    expect(() => writeResultFolder(link, files('x'), run)).toThrow(/symbolic link/);
    expect(() => writeResultFolder('/', files('x'), run)).toThrow(/root of the file system/);
  });

  it('uses an empty folder', () => {
    const out = join(tmp.dir, 'empty');
    mkdirSync(out);
    writeResultFolder(out, files('one'), run);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('one a\n');
  });

  it("replaces its own result of the same command, leaving no trace of the old one", () => {
    const out = join(tmp.dir, 'res');
    writeResultFolder(out, files('one'), run);
    writeResultFolder(out, new Map([['c.txt', 'two']]), run);
    expect(tree(out)).toEqual(['c.txt', RESULT_MANIFEST]);
    expect(readdirSync(tmp.dir)).toEqual(['res']);
  });

  it('replaces the result of another command only with --force', () => {
    const out = join(tmp.dir, 'res');
    writeResultFolder(out, files('one'), { command: 'compare' });
    expect(() => writeResultFolder(out, files('two'), run)).toThrow(/holds the result of `rnnsim compare`; pass --force/);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('one a\n');
    writeResultFolder(out, files('two'), { command: 'run', force: true });
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('two a\n');
  });

  it('refuses, even with --force, a result folder the user added files to', () => {
    const out = join(tmp.dir, 'res');
    writeResultFolder(out, files('one'), run);
    writeFileSync(join(out, 'sub', 'my-notes.md'), 'keep me');
    expect(() => writeResultFolder(out, files('two'), { command: 'run', force: true })).toThrow(/also holds files rnnsim did not write \(sub\/my-notes.md\)/);
    expect(readFileSync(join(out, 'sub', 'my-notes.md'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('one a\n');
  });

  it('never writes outside the folder: file names with .. or absolute paths are refused', () => {
    const out = join(tmp.dir, 'res');
    expect(() => writeResultFolder(out, new Map([['../escape.txt', 'x']]), run)).toThrow(InputError);
    expect(() => writeResultFolder(out, new Map([['/etc/x', 'x']]), run)).toThrow(InputError);
    expect(() => writeResultFolder(out, new Map([['a/./b', 'x']]), run)).toThrow(InputError);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it("cleans up after a killed writer: a dead process's staging folder goes, its superseded result comes back", () => {
    const out = join(tmp.dir, 'res');
    writeResultFolder(out, files('one'), run);
    // What a writer killed between its two renames leaves: the old result aside, the new one staged.
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default range: no such process
    renameSync(out, join(tmp.dir, `.res.rnnsim-old-${deadPid}`));
    mkdirSync(join(tmp.dir, `.res.rnnsim-staging-${deadPid}`));
    // A folder with the pattern but not ours (no manifest, not empty), and a live process's staging folder: left alone.
    mkdirSync(join(tmp.dir, `.res.rnnsim-staging-${deadPid + 1}`));
    writeFileSync(join(tmp.dir, `.res.rnnsim-staging-${deadPid + 1}`, 'user-file'), 'x');
    mkdirSync(join(tmp.dir, `.res.rnnsim-staging-${process.ppid}`));
    expect(() => writeResultFolder(out, files('two'), { command: 'compare' })).toThrow(/holds the result of `rnnsim run`/);
    // The refused write still restored the old result and removed the dead staging folder.
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('one a\n');
    expect(readdirSync(tmp.dir).sort()).toEqual([`.res.rnnsim-staging-${deadPid + 1}`, `.res.rnnsim-staging-${process.ppid}`, 'res'].sort());
  });
});

describe('single files', () => {
  it("replace only a file of the same kind that rnnsim wrote", () => {
    const path = join(tmp.dir, 'trace.json');
    writeFileSync(path, '{"my": "data"}');
    expect(() => writeOwnedFile(path, '{\n  "format_version": 1,\n}', TRACE_HEADER_FILE)).toThrow(/not a trace header rnnsim wrote/);
    expect(readFileSync(path, 'utf8')).toBe('{"my": "data"}');
    writeFileSync(path, '{\n  "format_version": 1,\n  "name": "old"\n}');
    writeOwnedFile(path, '{\n  "format_version": 1,\n  "name": "new"\n}', TRACE_HEADER_FILE);
    expect(readFileSync(path, 'utf8')).toContain('"new"');
    expect(readdirSync(tmp.dir)).toEqual(['trace.json']);
  });
});

describe('the CLI', () => {
  it("`run --out` on a user's folder exits 1 before simulating, and deletes nothing", async () => {
    const config = writeEpurConfig(tmp.dir, 'c.yaml');
    const trace = writeTrace(tmp.dir, { cell: 'lstm', input_size: 16, hidden_size: 16, timesteps: 2 });
    const home = join(tmp.dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'thesis.tex'), 'chapter 1');
    const r = await runCli(['run', '--config', config, '--trace', trace, '--out', home]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/home: --out is an existing folder that rnnsim did not write/);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(home, 'thesis.tex'), 'utf8')).toBe('chapter 1');
  });

  it('`run --out` twice replaces its own result; `compare` over it needs --force', async () => {
    const config = writeEpurConfig(tmp.dir, 'c.yaml');
    const trace = writeTrace(tmp.dir, { cell: 'lstm', input_size: 16, hidden_size: 16, timesteps: 2 });
    const out = join(tmp.dir, 'res');
    expect((await runCli(['run', '--config', config, '--trace', trace, '--out', out])).code).toBe(0);
    expect((await runCli(['run', '--config', config, '--trace', trace, '--out', out])).code).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    const c = await runCli(['compare', '--config', config, '--trace', trace, '--out', out]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/holds the result of `rnnsim run`; pass --force/);
    expect((await runCli(['compare', '--config', config, '--trace', trace, '--out', out, '--force'])).code).toBe(0);
    expect(existsSync(join(out, 'compare.csv'))).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });

  it("a config named '..' is refused by the schema", async () => {
    const config = writeEpurConfig(tmp.dir, 'c.yaml', { name: '..' });
    const trace = writeTrace(tmp.dir, { cell: 'lstm', input_size: 16, hidden_size: 16, timesteps: 2 });
    const r = await runCli(['run', '--config', config, '--trace', trace]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/name/);
  });
});
