/**
 * Every payload is verified before a run uses the trace, whatever the config reads of it:
 * configs/epur.yaml reads nothing from a payload, yet a truncated or corrupted one (size and
 * sha256 recomputed, so only the records are wrong) ends `rnnsim run` with exit 1 and the same
 * message `rnnsim trace check` gives.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceHeader } from '../../src/traces/header.js';
import { TraceWriter } from '../../src/traces/writer.js';
import { shapeTraceHeader } from '../../src/traces/shape.js';
import { EPUR_YAML, REPO, runCli, tempDir } from '../helpers/context.js';

let dir = '';
let cleanup = (): void => undefined;
let header: TraceHeader;
let original: Buffer;

/** LSTM I=8 H=8, one sequence of 3 steps; payload: a 32 x 8 input-weight mask and 3 cell states. */
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('rnnsim-payload-run-'));
  const w = await TraceWriter.create(join(dir, 'good.json'), shapeTraceHeader({ cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 3, name: 'good', weight_bits: 16, activation_bits: 16 }));
  for (let t = 0; t < 3; t++) await w.appendCellState({ sequence_index: 0, timestep: t, layer_index: 0, direction: 0, fractional_bits: 8, values: [1, 2, 3, 4, 5, 6, 7, t] });
  header = await w.finish();
  original = readFileSync(join(dir, 'good.bin'));
});
afterAll(() => cleanup());

/** Write trace `name` whose payload is `edit(original)`, with size and sha256 recomputed so they agree. */
function tampered(name: string, edit: (b: Buffer) => Buffer, recordCounts?: Record<string, number>): string {
  const bin = edit(Buffer.from(original));
  writeFileSync(join(dir, `${name}.bin`), bin);
  const payload = { ...header.payload!, file: `${name}.bin`, size_bytes: bin.length, sha256: createHash('sha256').update(bin).digest('hex'), record_counts: recordCounts ?? header.payload!.record_counts };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...header, name, payload }));
  return path;
}

// The file header is 12 bytes; each cell-state record is an 8-byte record header and a body.
interface TamperCase {
  readonly label: string;
  readonly edit: (b: Buffer) => Buffer;
  readonly message: RegExp;
  readonly counts?: Record<string, number>;
}
const CASES: readonly TamperCase[] = [
  { label: 'cut inside the last record', edit: (b) => b.subarray(0, b.length - 5), message: /record 2 at byte offset \d+: body length \d+ bytes runs past the end of the payload/ },
  { label: 'bad magic', edit: (b) => (b.write('XXXX', 0), b), message: /magic|file header/i },
  { label: 'record flags not 0', edit: (b) => (b.writeUInt16LE(1, 12 + 2), b), message: /record 0 at byte offset 12: expected record flags 0, found 1/ },
  { label: 'a record of a timestep past the sequence', edit: (b) => (b.writeUInt32LE(9, 12 + 8 + 4), b), message: /record 0 \(cell_state\) at byte offset 12: disagrees with/ },
  { label: 'record counts disagree with the header', edit: (b) => b, message: /record_counts\/cell_state says 4 records, the payload has 3/, counts: { cell_state: 4 } },
];

describe('rnnsim run verifies the payload although configs/epur.yaml reads none of it', () => {
  it('the untouched trace runs (exit 0)', async () => {
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', join(dir, 'good.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each(CASES)('$label: run exits 1 with the message trace check gives', async ({ label, edit, message, counts }) => {
    const path = tampered(label.replace(/\W+/g, '-'), edit, counts);
    const check = await runCli(['trace', 'check', path]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(message);
    const run = await runCli(['run', '--config', EPUR_YAML, '--trace', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(check.stderr);
  });

  it('rnnsim check --trace verifies it too', async () => {
    const path = tampered('check-flags', (b) => (b.writeUInt16LE(1, 12 + 2), b));
    const r = await runCli(['check', EPUR_YAML, '--trace', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/expected record flags 0, found 1/);
  });

  it('a bundled DPS trace cut in half (size and sha recomputed) is refused by configs/epur.yaml', async () => {
    const h = JSON.parse(readFileSync(join(REPO, 'traces/dps/mnist-columns-dps.json'), 'utf8')) as TraceHeader;
    const bin = readFileSync(join(REPO, 'traces/dps/mnist-columns-dps.bin')).subarray(0, 431_200);
    writeFileSync(join(dir, 'half.bin'), bin);
    writeFileSync(join(dir, 'half.json'), JSON.stringify({ ...h, name: 'half', payload: { ...h.payload!, file: 'half.bin', size_bytes: bin.length, sha256: createHash('sha256').update(bin).digest('hex') } }));
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', join(dir, 'half.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/half\.bin: record \d+ at byte offset \d+: .*truncated|half\.bin: .*record_counts/);
  });
});
