/**
 * The whole command-line path on models exported from torch (test/fixtures/user-models): model
 * check, accuracy, trace model, dps calibrate (small grid), dps trace, and the resulting trace
 * through `rnnsim run --config configs/epur-dps.yaml` with the recorded-precision check on, so
 * the precision-select unit must reach the precision the functional model used at every step.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/datasets/npy.js';
import { readTrace } from '../../src/traces/reader.js';
import type { Calibration } from '../../src/dps/calibrate.js';
import { REPO, runCli, tempDir } from '../helpers/context.js';
import { FIXTURES } from '../helpers/model-cards.js';

const DPS_CONFIG = join(REPO, 'configs', 'epur-dps.yaml');

async function ok(argv: string[]): Promise<string> {
  const r = await runCli(argv);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('rnnsim:')), argv.join(' ')).toEqual([]);
  expect(r.code, `${argv.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

interface Expect {
  readonly fixture: string;
  readonly model: { cell: string; num_layers: number; input_size: number; hidden_size: number; projection_size: number; bidirectional: boolean };
  readonly testSequences: number;
  readonly testSteps: number;
}

const CASES: Expect[] = [
  { fixture: 'lstmp-classifier', model: { cell: 'lstm', num_layers: 2, input_size: 5, hidden_size: 12, projection_size: 6, bidirectional: false }, testSequences: 64, testSteps: 522 },
  { fixture: 'bigru-classifier', model: { cell: 'gru', num_layers: 2, input_size: 6, hidden_size: 10, projection_size: 0, bidirectional: true }, testSequences: 64, testSteps: 566 },
];

describe.each(CASES)('the CLI path on $fixture', (c) => {
  const card = join(FIXTURES, c.fixture, 'model.json');

  it('model check, accuracy, trace model, dps calibrate, dps trace, and the DPS simulation with the recorded-precision check', async () => {
    const { dir, cleanup } = tempDir('rnnsim-user-model-');
    try {
      const check = JSON.parse(await ok(['model', 'check', card, '--json'])) as { topology: Record<string, unknown>; data: { splits: { split: string; sequences: number; steps: number }[] }; sample: { values: number[] } };
      expect(check.data.splits.find((s) => s.split === 'test')).toMatchObject({ sequences: c.testSequences, steps: c.testSteps });
      expect(check.sample.values.length).toBe(c.fixture === 'lstmp-classifier' ? 3 : 2);

      const acc = await ok(['accuracy', '--model', card, '--fine-tune-updates', '0', '--test-limit', '32', '--validation-limit', '24', '--out', join(dir, 'acc')]);
      expect(acc).toMatch(new RegExp(`${c.fixture}: accuracy on 32 of ${c.testSequences} test sequences`));
      const report = JSON.parse(readFileSync(join(dir, 'acc', 'accuracy.json'), 'utf8')) as { models: { rows: { scheme: string; metric: number }[] }[] };
      expect(report.models[0].rows.map((r) => r.scheme)).toEqual(['float32', 'fixed16', 'fixed8', 'fixed6', 'fixed4', 'ternary', 'pow2-ternary', 'exponential', 'binary']);

      const fixed = join(dir, 'fixed8.json');
      await ok(['trace', 'model', '--model', card, '--quant', 'fixed8', '-o', fixed]);
      const t = (await readTrace(fixed)).header;
      expect(t.model).toEqual(c.model);
      expect(t.workload.sequence_lengths_timesteps.length).toBe(c.testSequences);
      expect(t.workload.sequence_lengths_timesteps.reduce((a, b) => a + b, 0)).toBe(c.testSteps);
      expect(t.accuracy?.metric).toBe('accuracy');
      expect(t.provenance.model_file).toBe(join(FIXTURES, c.fixture, 'model.safetensors'));

      const cal = join(dir, 'cal');
      await ok(['dps', 'calibrate', '--model', card, '--grid-deltas', '1/16', '--grid-shares', '0.2,0.5', '--grid-max-abs', '', '--validation-limit', '24', '--test-limit', '32', '--out', cal]);
      const calibration = JSON.parse(readFileSync(join(cal, 'calibration.json'), 'utf8')) as Calibration;
      expect(calibration.models[0].model).toBe(c.fixture);
      expect(calibration.models[0].grid.map((g) => g.policy)).toEqual([
        '{8,16} bits, share of |dc| > 0.0625 above 0.2, hysteresis 0',
        '{8,16} bits, share of |dc| > 0.0625 above 0.5, hysteresis 0',
        '{8,16} bits, share of |dc| > 0.015625 above 1, hysteresis 0',
      ]);
      expect(calibration.models[0].bestPolicy).not.toBeNull();

      const dps = join(dir, 'dps.json');
      await ok(['dps', 'trace', '--model', card, '--calibration', join(cal, 'calibration.json'), '--limit', '16', '-o', dps]);
      const h = (await readTrace(dps)).header;
      expect(h.precision_policy?.chosen_by).toMatch(/rnnsim dps calibrate/);
      expect(h.workload.sequence_lengths_timesteps.length).toBe(16);

      // The DPS design replays the trace's cell states with the recorded policy and must agree
      // with the functional model's precision at every step (check_recorded_precision: true).
      const out = join(dir, 'run');
      await ok(['run', '--config', DPS_CONFIG, '--trace', dps, '--out', out]);
      const summary = readFileSync(join(out, 'summary.json'), 'utf8');
      const steps = h.workload.sequence_lengths_timesteps.reduce((a, b) => a + b, 0) * c.model.num_layers * (c.model.bidirectional ? 2 : 1);
      expect(summary).toContain(`"recorded_precision_checks": ${steps}`);
    } finally {
      cleanup();
    }
  });
});

describe('the CLI on a language model and on a model without a head', () => {
  it('perplexity from the card; dps calibrate uses the perplexity budget', async () => {
    const { dir, cleanup } = tempDir('rnnsim-user-lm-');
    try {
      const card = join(FIXTURES, 'lstm-lm', 'model.json');
      const acc = await ok(['accuracy', '--model', card, '--fine-tune-updates', '0', '--out', join(dir, 'acc')]);
      expect(acc).toMatch(/lstm-lm: perplexity on all 32 test sequences/);
      await ok(['dps', 'calibrate', '--model', card, '--grid-deltas', '1/16', '--grid-shares', '0.5', '--grid-max-abs', '', '--budget-perplexity', '1', '--out', join(dir, 'cal')]);
      const cal = JSON.parse(readFileSync(join(dir, 'cal', 'calibration.json'), 'utf8')) as Calibration;
      expect(cal.models[0].metricName).toBe('perplexity');
      expect(cal.models[0].budget).toBe(1);
      expect(readFileSync(join(dir, 'cal', 'calibration.md'), 'utf8')).toMatch(/or 1% perplexity of loss/);
    } finally {
      cleanup();
    }
  });

  it('no head: the output error against float32 is the metric (no labels needed)', async () => {
    const { dir, cleanup } = tempDir('rnnsim-user-nohead-');
    try {
      const card = join(FIXTURES, 'gru-nohead', 'model.json');
      await ok(['accuracy', '--model', card, '--fine-tune-updates', '0', '--out', join(dir, 'acc')]);
      const r = JSON.parse(readFileSync(join(dir, 'acc', 'accuracy.json'), 'utf8')) as { models: { metricName: string; higherIsBetter: boolean; rows: { scheme: string; metric: number }[] }[] };
      const m = r.models[0];
      expect(m.metricName).toBe('output error vs float32 (relative RMS)');
      expect(m.higherIsBetter).toBe(false);
      const by = Object.fromEntries(m.rows.map((x) => [x.scheme, x.metric]));
      expect(by['float32']).toBe(0);
      // Fewer bits, larger error.
      expect(by['fixed16']).toBeGreaterThan(0);
      expect(by['fixed8']).toBeGreaterThan(by['fixed16']);
      expect(by['fixed4']).toBeGreaterThan(by['fixed8']);
    } finally {
      cleanup();
    }
  });

  it('a classifier on unlabelled data is scored by top-1 agreement with float32', async () => {
    const { dir, cleanup } = tempDir('rnnsim-user-agree-');
    try {
      const card = join(FIXTURES, 'lstmp-classifier', 'model.json');
      const inputs = join(FIXTURES, 'lstmp-classifier', 'data', 'test', 'inputs.npy');
      const acc = await ok(['accuracy', '--model', card, '--data', inputs, '--fine-tune-updates', '0', '--out', join(dir, 'acc')]);
      expect(acc).toMatch(/lstmp-classifier: top-1 agreement with float32 on all 51 test sequences/);
      const r = JSON.parse(readFileSync(join(dir, 'acc', 'accuracy.json'), 'utf8')) as { command: string; models: { rows: { scheme: string; metric: number }[] }[] };
      expect(r.command).toContain(`--data ${inputs}`);
      expect(r.models[0].rows[0].metric).toBe(1);
    } finally {
      cleanup();
    }
  });
});

describe('bad input through the CLI: exit code 1 and a message naming the file', () => {
  it('a card with an unknown key, data of the wrong width, --data with several models', async () => {
    const { dir, cleanup } = tempDir('rnnsim-user-bad-');
    try {
      const card = JSON.parse(readFileSync(join(FIXTURES, 'lstmp-classifier', 'model.json'), 'utf8')) as Record<string, unknown>;
      const badCard = join(dir, 'model.json');
      writeFileSync(badCard, JSON.stringify({ ...card, weights: join(FIXTURES, 'lstmp-classifier', 'model.safetensors'), hidden: 12 }, null, 2));
      let r = await runCli(['model', 'check', badCard]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`rnnsim: error: ${badCard}: model card does not match schemas/model-card.schema.json:`);
      expect(r.stderr).toMatch(/\(at hidden\): unknown key 'hidden'/);

      const wide = join(dir, 'wide');
      mkdirSync(wide);
      writeNpy(join(wide, 'inputs.npy'), new Float32Array(2 * 3 * 7), [2, 3, 7]);
      r = await runCli(['accuracy', '--model', join(FIXTURES, 'lstmp-classifier', 'model.json'), '--data', wide, '--validation-data', wide, '--out', join(dir, 'out')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`rnnsim: error: ${wide}: inputs have 7 features per step, the model's input_size is 5`);

      r = await runCli(['dps', 'calibrate', '--model', 'a.json', '--model', 'b.json', '--data', wide]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/--data, --validation-data and --dataset apply to one model/);
    } finally {
      cleanup();
    }
  });
});
