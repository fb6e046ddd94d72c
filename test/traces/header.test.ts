import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readTrace } from '../../src/traces/reader.js';
import { shapeTraceHeader, shapeTraceName } from '../../src/traces/shape.js';
import { validateTraceHeader } from '../../src/traces/validate-header.js';
import { lineAndColumn } from '../../src/traces/json-text.js';
import { mutableHeader, tempDir } from './helpers.js';

async function readError(text: string): Promise<InputError> {
  const file = join(tempDir(), 'bad.json');
  writeFileSync(file, text);
  try {
    await readTrace(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.message).toContain(file);
    return e;
  }
  throw new Error('expected readTrace to fail');
}

function withPath(path: string[], value: unknown): string {
  const h = mutableHeader();
  let o = h;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1] as string] = value;
  return JSON.stringify(h, null, 2);
}

describe('shape-only headers', () => {
  it('names traces <cell>-h<H>-b<B>-t<T> with suffixes for non-default shape', () => {
    expect(shapeTraceName({ cell: 'lstm', input_size: 1024, hidden_size: 1024, timesteps: 25 })).toBe('lstm-h1024-b1-t25');
    expect(
      shapeTraceName({ cell: 'lstm', input_size: 153, hidden_size: 1024, projection_size: 512, num_layers: 2, bidirectional: true, batch_size: 4, timesteps: 7 }),
    ).toBe('lstm-h1024-i153-l2-p512-bi-b4-t7');
  });

  it('a batch of B gives B sequences of T timesteps', () => {
    const h = shapeTraceHeader({ cell: 'gru', input_size: 8, hidden_size: 8, batch_size: 3, timesteps: 5 });
    expect(h.workload).toEqual({ batch_size: 3, sequence_lengths_timesteps: [5, 5, 5] });
    expect(h.precision).toEqual({ weight_bits: 16, activation_bits: 16 });
    expect(h.provenance.assumptions.join(' ')).toMatch(/default 16-bit/);
  });

  it('reads back a written shape trace', async () => {
    const file = join(tempDir(), 'ok.json');
    writeFileSync(file, JSON.stringify(mutableHeader()));
    const t = await readTrace(file);
    expect(t.payloadPath).toBeUndefined();
    expect(t.header.model.hidden_size).toBe(6);
  });
});

describe('bad headers are InputErrors that say where and what', () => {
  it('unknown format version', async () => {
    const e = await readError(withPath(['format_version'], 2));
    expect(e.message).toMatch(/\/format_version: unsupported trace format version 2; this rnnsim reads version 1/);
  });

  it('missing format version', async () => {
    const h = mutableHeader();
    delete h['format_version'];
    expect((await readError(JSON.stringify(h))).message).toMatch(/\/format_version: missing; expected 1/);
  });

  it('JSON syntax error gives line and column', async () => {
    // line 3 is `  "name": "x",,` ; the second comma is column 15
    const e = await readError('{\n  "format_version": 1,\n  "name": "x",,\n}');
    expect(e.message).toMatch(/invalid JSON at line 3, column 15/);
  });

  it('NaN is not JSON: a syntax error with line and column', async () => {
    const text = withPath(['sparsity', 'weight_density'], 0.5).replace('0.5', 'NaN');
    const offset = text.indexOf('NaN');
    const { line, column } = lineAndColumn(text, offset);
    const e = await readError(text);
    expect(e.message).toContain(`line ${line}, column ${column}`);
  });

  it('a number that overflows to Infinity is rejected at its JSON pointer', async () => {
    const text = withPath(['sparsity', 'weight_density'], 0.5).replace('0.5', '1e999');
    const e = await readError(text);
    expect(e.message).toMatch(/at \/sparsity\/weight_density: expected a finite number, found Infinity/);
  });

  it('end of input', async () => {
    expect((await readError('{"format_version": 1,')).message).toMatch(/invalid JSON at line 1, column 22/);
  });

  it('schema violations name the pointer and the value found', async () => {
    expect((await readError(withPath(['model', 'hidden_size'], 0))).message).toMatch(/at \/model\/hidden_size: must be >= 1 \(found 0\)/);
    expect((await readError(withPath(['model', 'cell'], 'rnn'))).message).toMatch(/at \/model\/cell: must be equal to one of the allowed values: \["lstm","gru"\] \(found "rnn"\)/);
    expect((await readError(withPath(['sparsity', 'weight_density'], 1.5))).message).toMatch(/weight_density: must be <= 1/);
    expect((await readError(withPath(['model', 'hidden_units'], 3))).message).toMatch(/at \/model: unknown field 'hidden_units'/);
    expect((await readError(withPath(['workload', 'sequence_lengths_timesteps'], [3, 2.5]))).message).toMatch(/sequence_lengths_timesteps\/1: must be integer/);
  });

  it('cross-field rules: GRU projection, projection >= hidden, partial batches, payload name', () => {
    const gru = mutableHeader();
    (gru['model'] as Record<string, unknown>)['cell'] = 'gru';
    expect(() => validateTraceHeader(gru, 'f.json')).toThrow(/a gru has no projection; expected 0, found 4/);
    const big = mutableHeader();
    (big['model'] as Record<string, unknown>)['projection_size'] = 6;
    expect(() => validateTraceHeader(big, 'f.json')).toThrow(/smaller than hidden_size 6/);
    const batches = mutableHeader();
    (batches['workload'] as Record<string, unknown>)['batch_size'] = 3;
    expect(() => validateTraceHeader(batches, 'f.json')).toThrow(/2 sequences do not fill whole batches of batch_size 3/);
    const payload = mutableHeader();
    payload['payload'] = { file: 'other.bin', size_bytes: 12, sha256: '0'.repeat(64), record_counts: {} };
    expect(() => validateTraceHeader(payload, 'f.json')).toThrow(/\/payload\/file: expected 'small.bin'/);
  });

  it('a missing header file is an InputError', async () => {
    await expect(readTrace(join(tempDir(), 'none.json'))).rejects.toThrow(InputError);
  });
});

describe('docs/trace-format.md', () => {
  it('holds the header field table generated from the schema', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderHeaderFieldTable } = await import('../../src/traces/schema-doc.js');
    const doc = readFileSync(new URL('../../docs/trace-format.md', import.meta.url), 'utf8');
    const between = /<!-- header-fields:begin -->\n([\s\S]*?)\n<!-- header-fields:end -->/.exec(doc);
    expect(between?.[1]).toBe(renderHeaderFieldTable());
  });
});
