/**
 * Fuzzing the trace reader (issue 12): headers with values set, removed and added at random
 * places, damaged JSON text, and payloads with bytes cut, flipped or inserted (with the header's
 * size and SHA-256 recomputed, so the record checks are reached, or left stale). `trace check`
 * and `run` (E-PUR, which reads no payload, and E-PUR with DPS, which reads the cell states)
 * must exit 0, or exit 1 naming the header or payload file. Settings: test/fuzz/fuzz-kit.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceHeader } from '../../src/traces/header.js';
import { shapeTraceHeader } from '../../src/traces/shape.js';
import { TraceWriter } from '../../src/traces/writer.js';
import { gemmTraceHeader } from '../../src/traces/gemm.js';
import { REPO, runCli, tempDir } from '../helpers/context.js';
import { applyByteEdits, applyMutations, applyTextEdits, byteEdits, countOutcomesAs, expectCleanOutcome, fuzzParams, fuzzTimeout, mutations, nodePaths, outcomeReport, textEdits } from './fuzz-kit.js';

const { dir, cleanup } = tempDir('rnnsim-fuzz-trace-');
afterAll(() => {
  console.log(outcomeReport());
  cleanup();
}, 120_000);

const CONFIGS = [join(REPO, 'configs', 'epur.yaml'), join(REPO, 'configs', 'epur-dps.yaml')];
let header: TraceHeader;
let payload: Buffer;
let counter = 0;

/** LSTM I=8 H=8 with 2 layers, two sequences of 3 steps: cell states of every step, a sparsity mask. */
beforeAll(async () => {
  const shape = shapeTraceHeader({ cell: 'lstm', input_size: 8, hidden_size: 8, num_layers: 2, timesteps: 3, batch_size: 2, name: 'seed-trace', weight_bits: 16, activation_bits: 16 });
  const w = await TraceWriter.create(join(dir, 'seed-trace.json'), shape);
  for (let s = 0; s < 2; s++) {
    for (let t = 0; t < 3; t++) {
      for (let l = 0; l < 2; l++) {
        await w.appendCellState({ sequence_index: s, timestep: t, layer_index: l, direction: 0, fractional_bits: 8, values: [1, -2, 300, 4, -5000, 6, 7, t] });
      }
    }
  }
  await w.appendSparsityMask({ layer_index: 0, direction: 0, matrix: 'input', rows: 32, cols: 8, mask: new Uint8Array(32).fill(0x5a) });
  header = await w.finish();
  payload = readFileSync(join(dir, 'seed-trace.bin'));
});

/** Write a trace named `trace-N` (header and, when given, payload) and return the header path. */
function writeTraceFiles(h: unknown, bin?: Buffer, headerText?: string): { headerPath: string; payloadPath: string } {
  const name = `trace-${counter++}`;
  const payloadPath = join(dir, `${name}.bin`);
  if (bin) writeFileSync(payloadPath, bin);
  const headerPath = join(dir, `${name}.json`);
  writeFileSync(headerPath, headerText ?? JSON.stringify(h));
  return { headerPath, payloadPath };
}

/** The seed header renamed to `name` (the payload file is named after the trace). */
function renamed(h: TraceHeader, name: string, bin: Buffer, recompute: boolean): TraceHeader {
  const p = h.payload!;
  return { ...h, name, payload: { ...p, file: `${name}.bin`, ...(recompute ? { size_bytes: bin.length, sha256: createHash('sha256').update(bin).digest('hex') } : {}) } };
}

/** trace check and a run of each config; the trace's files are removed afterwards. */
async function checkAndRun(headerPath: string, files: string[], configs: readonly string[]): Promise<void> {
  try {
    expectCleanOutcome(await runCli(['trace', 'check', headerPath]), files);
    for (const config of configs) expectCleanOutcome(await runCli(['run', '--config', config, '--trace', headerPath]), [...files, config]);
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
}

describe('fuzz: trace reader', () => {
  it('the seed trace, renamed, passes trace check and both runs (the properties start from a good input)', async () => {
    const { headerPath } = writeTraceFiles(renamed(header, `trace-${counter}`, payload, false), payload);
    for (const argv of [['trace', 'check', headerPath], ...CONFIGS.map((c) => ['run', '--config', c, '--trace', headerPath])]) {
      const r = await runCli(argv);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it(
    'mutated headers: trace check and run exit 0 or 1 naming the trace',
    async () => {
      countOutcomesAs('trace, mutated headers');
      await fc.assert(
        fc.asyncProperty(mutations(nodePaths(header)), fc.constantFrom(...CONFIGS), async (muts, config) => {
          const name = `trace-${counter}`;
          const h = applyMutations(renamed(header, name, payload, false), muts);
          const { headerPath, payloadPath } = writeTraceFiles(h, payload);
          await checkAndRun(headerPath, [headerPath, payloadPath], [config]);
        }),
        fuzzParams(40),
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'damaged payloads (size and SHA-256 recomputed or not): trace check and run exit 0 or 1 naming the trace',
    async () => {
      countOutcomesAs('trace, damaged payloads');
      await fc.assert(
        fc.asyncProperty(byteEdits, fc.boolean(), fc.constantFrom(...CONFIGS), async (edits, recompute, config) => {
          const bin = applyByteEdits(payload, edits);
          const { headerPath, payloadPath } = writeTraceFiles(renamed(header, `trace-${counter}`, bin, recompute), bin);
          await checkAndRun(headerPath, [headerPath, payloadPath], [config]);
        }),
        fuzzParams(40),
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'damaged header text: trace check exits 0 or 1 naming the header',
    async () => {
      countOutcomesAs('trace, damaged header text');
      await fc.assert(
        fc.asyncProperty(textEdits, async (edits) => {
          const h = renamed(header, `trace-${counter}`, payload, false);
          const { headerPath, payloadPath } = writeTraceFiles(undefined, payload, applyTextEdits(JSON.stringify(h, null, 1), edits));
          await checkAndRun(headerPath, [headerPath, payloadPath], []);
        }),
        fuzzParams(40),
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'mutated GEMM headers: trace check and a run on the TPU exit 0 or 1 naming the trace',
    async () => {
      // At the TPU's 8 bits, so the seed runs (a 16-bit GEMM stops at the datapath check).
      const gemm = gemmTraceHeader({ m: 16, n: 16, k: 16, name: 'gemm', weight_bits: 8, activation_bits: 8 }, 'fuzz');
      countOutcomesAs('trace, mutated GEMM headers');
      await fc.assert(
        fc.asyncProperty(mutations(nodePaths(gemm)), async (muts) => {
          const { headerPath } = writeTraceFiles(applyMutations(gemm, muts));
          await checkAndRun(headerPath, [headerPath], [join(REPO, 'configs', 'tpu-v1.yaml')]);
        }),
        fuzzParams(30),
      );
    },
    fuzzTimeout(60_000),
  );
});
