import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { InputError } from '../../src/errors.js';
import { traceCheckCommand, traceShapeCommand } from '../../src/cli/commands/trace-shape.js';
import { traceDeepbenchCommand } from '../../src/cli/commands/trace-deepbench.js';
import { readTrace } from '../../src/traces/reader.js';
import { traceMacs } from '../../src/traces/work.js';
import { tempDir } from './helpers.js';

function quiet(): () => void {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return () => {
    out.mockRestore();
    err.mockRestore();
  };
}

describe('rnnsim trace shape', () => {
  it('writes the trace named after the output file', async () => {
    const file = join(tempDir(), 'my.json');
    const restore = quiet();
    try {
      const code = await traceShapeCommand.run(
        { cell: 'lstm', input: '153', hidden: '1024', projection: '512', layers: '2', bidirectional: true, timesteps: '10', batch: '2', 'weight-bits': '12', 'activation-bits': '16', density: '0.1', output: file },
        [],
      );
      expect(code).toBe(0);
    } finally {
      restore();
    }
    const t = await readTrace(file);
    expect(t.header.name).toBe('my');
    expect(t.header.model).toEqual({ cell: 'lstm', num_layers: 2, input_size: 153, hidden_size: 1024, projection_size: 512, bidirectional: true });
    expect(t.header.workload.sequence_lengths_timesteps).toEqual([10, 10]);
    expect(t.header.sparsity.weight_density).toBe(0.1);
    // layer 0 per direction: 4*1024*(153+512) + 512*1024 = 3,248,128
    // layer 1 input 2*512 = 1024: 4*1024*(1024+512) + 512*1024 = 6,291,456 + 524,288 = 6,815,744
    // (3,248,128 + 6,815,744) * 2 directions * 20 sample-timesteps = 402,554,880
    expect(traceMacs(t.header)).toBe(402_554_880);
  });

  it('bad flags are InputErrors naming the flag', async () => {
    const base = { cell: 'lstm', input: '8', hidden: '8', timesteps: '4', output: join(tempDir(), 'x.json') };
    await expect(traceShapeCommand.run({ ...base, cell: 'rnn' }, [])).rejects.toThrow(/--cell must be lstm or gru/);
    await expect(traceShapeCommand.run({ ...base, hidden: '8.5' }, [])).rejects.toThrow(/--hidden must be a whole number/);
    await expect(traceShapeCommand.run({ ...base, density: 'NaN' }, [])).rejects.toThrow(/--density must be a number from 0 to 1/);
    await expect(traceShapeCommand.run({ ...base, batch: '0' }, [])).rejects.toThrow(/--batch must be at least 1/);
    await expect(traceShapeCommand.run({ ...base, 'weight-bits': '40' }, [])).rejects.toThrow(InputError);
    await expect(traceShapeCommand.run({ ...base, output: 'x.txt' }, [])).rejects.toThrow(/--output must name a \.json file/);
  });
});

describe('rnnsim trace deepbench / check', () => {
  it('regenerates the DeepBench traces and checks one', async () => {
    const dir = tempDir();
    const restore = quiet();
    try {
      expect(await traceDeepbenchCommand.run({ output: dir }, [])).toBe(0);
      expect(await traceCheckCommand.run({}, [join(dir, 'gru-h2816-b4-t1500.json')])).toBe(0);
    } finally {
      restore();
    }
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/vanilla-RNN kernel 32 x 1 x 672/);
  });

  it('a bad trace exits with code 1 and a message naming the file', async () => {
    const file = join(tempDir(), 'bad.json');
    writeFileSync(file, '{"format_version": 7}');
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      stderr += String(s);
      return true;
    });
    try {
      expect(await main(['trace', 'check', file])).toBe(1);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(stderr).toContain(`${file}: at /format_version: unsupported trace format version 7`);
  });
});
