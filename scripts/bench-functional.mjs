#!/usr/bin/env node
// Speed of the integer datapath on the bundled models, as JSON on stdout (progress on stderr).
// Usage: npm run bench:functional -- [--model NAME]... [--limit N] [--bits B] [--workers N] [--batch N] [--skip-reference]
// Runs the compiled code in dist/ (the npm script builds it first). See src/accuracy/functional-bench.ts.
import { parseArgs } from 'node:util';
import { benchFunctional } from '../dist/accuracy/functional-bench.js';
import { listBundledModels } from '../dist/models/load-model.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    limit: { type: 'string' },
    bits: { type: 'string' },
    workers: { type: 'string' },
    batch: { type: 'string' },
    'skip-reference': { type: 'boolean' },
  },
});
const int = (name) => {
  const v = values[name];
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) {
    process.stderr.write(`bench-functional: --${name} must be a whole number, got '${v}'\n`);
    process.exit(1);
  }
  return Number(v);
};
const models = values.model ?? listBundledModels();
const result = await benchFunctional({
  models,
  limit: int('limit'),
  bits: int('bits'),
  workers: int('workers'),
  batchSize: int('batch'),
  skipReference: values['skip-reference'] === true,
  log: (line) => process.stderr.write(line + '\n'),
});
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
