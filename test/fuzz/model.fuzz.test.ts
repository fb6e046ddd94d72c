/**
 * Fuzzing the model loader (issue 12): a small model card (LSTM, 2 layers, classifier head) with
 * values set, removed and added at random places; its safetensors file with bytes cut, flipped
 * or inserted; and its safetensors header with entries mutated (data section kept). loadModel
 * must return the model or throw an InputError naming the card or the weights file; never
 * another exception. Settings: test/fuzz/fuzz-kit.ts.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadModel } from '../../src/models/load-model.js';
import { coreFields, tinyTensors, writeModel } from '../helpers/model-cards.js';
import { tempDir } from '../helpers/context.js';
import { applyByteEdits, applyMutations, byteEdits, countOutcome, countOutcomesAs, fuzzParams, fuzzTimeout, mutations, nodePaths, outcomeReport } from './fuzz-kit.js';

const { dir, cleanup } = tempDir('rnnsim-fuzz-model-');
afterAll(() => {
  console.log(outcomeReport());
  cleanup();
}, 120_000);

const topology = { cell: 'lstm' as const, input_size: 3, hidden_size: 4, num_layers: 2, bidirectional: false, proj_size: 0 };
const card: Record<string, unknown> = { name: 'fuzz', ...coreFields(topology), head: { type: 'classifier', classes: ['a', 'b', 'c'] }, weights: 'model.safetensors' };
const cardFile = writeModel(join(dir, 'seed'), card, tinyTensors({ topology, headRows: 3 }));
const weights = readFileSync(join(dir, 'seed', 'model.safetensors'));
const headerLength = Number(weights.readBigUInt64LE(0));
const stHeader = JSON.parse(weights.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
let counter = 0;

/** Load a model written as `cardObject` + `weightBytes`; the outcome must be a model or an InputError naming one of the files. */
function expectModelOrInputError(cardObject: unknown, weightBytes: Buffer): void {
  const sub = join(dir, `m${counter++}`);
  const file = writeModel(sub, {}, new Map());
  writeFileSync(file, JSON.stringify(cardObject));
  writeFileSync(join(sub, 'model.safetensors'), weightBytes);
  try {
    loadModel(file);
    countOutcome(true);
  } catch (err) {
    countOutcome(false);
    if (!(err instanceof InputError)) expect.fail(`not an InputError: ${(err as Error).stack}`);
    expect(err.message.includes(file) || err.message.includes(join(sub, 'model.safetensors')) || err.message.includes(sub), err.message).toBe(true);
  } finally {
    rmSync(sub, { recursive: true, force: true });
  }
}

describe('fuzz: model loader', () => {
  it('the seed model loads', () => {
    expect(loadModel(cardFile).topology.num_layers).toBe(2);
  });

  it(
    'mutated cards: a model or an InputError naming the file',
    () => {
      countOutcomesAs('model, mutated cards');
      fc.assert(
        fc.property(mutations(nodePaths(card)), (muts) => expectModelOrInputError(applyMutations(card, muts), weights)),
        fuzzParams(60),
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'damaged weight bytes: a model or an InputError naming the file',
    () => {
      countOutcomesAs('model, damaged weights');
      fc.assert(
        fc.property(byteEdits, (edits) => expectModelOrInputError(card, applyByteEdits(weights, edits))),
        fuzzParams(60),
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'mutated safetensors headers (data section kept): a model or an InputError naming the file',
    () => {
      countOutcomesAs('model, mutated safetensors headers');
      fc.assert(
        fc.property(mutations(nodePaths(stHeader)), (muts) => {
          const json = Buffer.from(JSON.stringify(applyMutations(stHeader, muts)), 'utf8');
          const length = Buffer.alloc(8);
          length.writeBigUInt64LE(BigInt(json.length));
          expectModelOrInputError(card, Buffer.concat([length, json, weights.subarray(8 + headerLength)]));
        }),
        fuzzParams(60),
      );
    },
    fuzzTimeout(60_000),
  );
});
