/**
 * Help that helps (issue 12): --version, help for command groups, "did you mean" for commands,
 * flags, config keys and component kinds, and bad flag values as exit-1 messages (they were
 * exit 2 with a stack trace, or no suggestion at all).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EPUR_YAML, REPO, runCli, tempDir, writeEpurText } from '../helpers/context.js';

const { dir, cleanup } = tempDir('rnnsim-cli-habits-');
afterAll(() => cleanup());

describe('rnnsim command-line habits', () => {
  it('--version prints the package version', async () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await runCli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `rnnsim ${version}\n`, stderr: '' });
  });

  it('rnnsim trace --help lists the trace commands (it was an unknown command)', async () => {
    const r = await runCli(['trace', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rnnsim trace <command>: trace commands/);
    for (const c of ['trace shape', 'trace deepbench', 'trace check', 'trace model', 'trace gemm']) expect(r.stdout).toContain(`  ${c} `);
    const dps = await runCli(['dps', '--help']);
    expect(dps.code).toBe(0);
    expect(dps.stdout).toContain('  dps evaluate ');
  });

  it('a bare group is an error listing its commands', async () => {
    const r = await runCli(['dps']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rnnsim: error: 'dps' needs a command; the dps commands/);
  });

  it('did you mean: a command, a group command, a flag', async () => {
    expect((await runCli(['rnu'])).stderr).toBe("rnnsim: error: unknown command 'rnu' (did you mean 'run'?). Run 'rnnsim --help' for the list.\n");
    expect((await runCli(['trace', 'chek'])).stderr).toMatch(/^rnnsim: error: unknown command 'trace chek' \(did you mean 'trace check'\?\)/);
    const flag = await runCli(['run', '--confg', EPUR_YAML]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toBe("rnnsim: error: unknown option '--confg' (did you mean '--config'?) (see 'rnnsim run --help')\n");
    // Nothing close: no suggestion.
    expect((await runCli(['frobnicate'])).stderr).toBe("rnnsim: error: unknown command 'frobnicate'. Run 'rnnsim --help' for the list.\n");
  });

  it('did you mean: a config key and a component kind, with the known kinds listed once per place', async () => {
    const key = await runCli(['check', writeEpurText(dir, 'key.yaml', (t) => t.replace('size_kib: 2048', 'sise_kib: 2048'))]);
    expect(key.code).toBe(1);
    expect(key.stderr).toMatch(/\(at components\.weight_buffer\.sise_kib\): unknown key 'sise_kib' \(did you mean 'size_kib'\?\)/);
    const kind = await runCli(['check', writeEpurText(dir, 'kind.yaml', (t) => t.replace('kind: dram', 'kind: drma'))]);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toMatch(/\(at components\.dram\.kind\): unknown kind 'drma' \(did you mean 'dram'\?\); known kinds: dot_product_unit, multifunction_unit, sram_buffer, dram, /);
    // The component is not dumped whole any more.
    expect(kind.stderr).not.toContain('"preset"');
  });

  it("bench --pattern '(' is an exit-1 message (it was exit 2)", async () => {
    const r = await runCli(['bench', '--pattern', '(']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rnnsim: error: --pattern '\(' is not a regular expression: /);
  });
});
