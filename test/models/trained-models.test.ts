/**
 * The bundled models trained with PyTorch (tools/train/) against references recorded outside
 * rnnsim when they were bundled (tools/train/export_recipe.py, test/reference/trained/<name>.json):
 *   - the bundled data set gives the same test sequences (split size, evenly spread indices) the
 *     reference was computed on from the `rnnsim data export` arrays;
 *   - rnnsim's float32 model gives torch's head outputs (within 1e-4) and per-example metric;
 *   - rnnsim's integer datapath (QuantizedRnn) with the formats of the model's static-precision
 *     screen, every step at 16, 8, 6 and 4 bits, gives the output codes of the PyTorch emulation
 *     (tools/train/quantize.py) exactly, and its per-example metric.
 * Each reference holds a few test sequences only, to keep the test short.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/accuracy/head.js';
import { subsetIndices } from '../../src/datasets/split-data.js';
import { DEFAULT_SIGMOID_SPEC, DEFAULT_TANH_SPEC } from '../../src/functional/activation-tables.js';
import { q } from '../../src/functional/fixed-point.js';
import { forwardFloat } from '../../src/functional/network.js';
import { QuantizedRnn } from '../../src/functional/quantized-network.js';
import type { QuantizationConfig } from '../../src/functional/quantization-config.js';
import { sequenceInput, type InferenceParts } from '../../src/models/inference.js';
import type { EvalData } from '../../src/models/eval-data.js';
import { listBundledModels, loadModel, partsOf } from '../../src/models/load-model.js';
import { argmax, forEachReadout, makeReadoutScratch } from '../../src/models/readout.js';
import { REPO } from '../helpers/context.js';

type Format = [number, number];

interface Reference {
  readonly model: string;
  readonly split_size: number;
  readonly subset: number;
  readonly indices: number[];
  readonly float: { readonly per_example: number[]; readonly logits: number[][] | number[][][]; readonly logit_steps?: number[] };
  readonly fixed_point: {
    readonly by_bits: Record<string, {
      readonly formats: { weight: Format; activation: Format; gate: Format; cell: Format }[];
      readonly last_step_codes: number[][];
      readonly code_sum: number;
      readonly code_abs_sum: number;
      readonly per_example: number[];
    }>;
  };
}

const REFERENCES = join(REPO, 'test', 'reference', 'trained');
const MODELS_DIR = join(REPO, 'models');
const names = readdirSync(REFERENCES).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

/** Per-example metric of one sequence's outputs (reals [steps, H]): 1/0 correct, or bits per character. */
function metricOf(parts: InferenceParts, data: EvalData, k: number, output: Float32Array, logitsOut?: number[][]): number {
  const seq = data.sequences[k];
  const scratch = makeReadoutScratch(parts);
  let nats = 0;
  let value = 0;
  forEachReadout(parts, data.task, output, seq.steps, scratch, (row, s) => {
    logitsOut?.push(Array.from(row));
    if (data.task === 'classification') value = argmax(row) === seq.label ? 1 : 0;
    else nats += crossEntropy(row, (seq.targets as Int32Array)[s]);
  });
  return data.task === 'classification' ? value : nats / seq.steps / Math.LN2;
}

describe('bundled PyTorch-trained models against their recorded references', () => {
  it('every reference names a bundled model, and there is at least one', () => {
    expect(names.length).toBeGreaterThanOrEqual(1);
    for (const n of names) expect(listBundledModels(MODELS_DIR)).toContain(n);
  });

  for (const name of names) {
    it(`${name}: same test sequences, float32 = torch, integer datapath = the emulation at 16/8/6/4 bits`, () => {
      const ref = JSON.parse(readFileSync(join(REFERENCES, `${name}.json`), 'utf8')) as Reference;
      const model = loadModel(name, { modelsDir: MODELS_DIR });
      const data = model.data.load('test', ref.subset);
      expect(data.splitSize).toBe(ref.split_size);
      expect(subsetIndices(ref.split_size, ref.subset)).toEqual(ref.indices);
      expect(data.sequences.length).toBe(ref.subset);
      const parts = partsOf(model);

      // Float32 against torch.
      let maxLogit = 0;
      data.sequences.forEach((seq, k) => {
        const out = forwardFloat(parts.rnn, sequenceInput(seq, parts), seq.steps).output;
        const rows: number[][] = [];
        const m = metricOf(parts, data, k, out, rows);
        expect(m).toBeCloseTo(ref.float.per_example[k], 4);
        const want = data.task === 'classification' ? [ref.float.logits[k] as number[]] : (ref.float.logits[k] as number[][]);
        const got = data.task === 'classification' ? rows : (ref.float.logit_steps ?? []).map((s) => rows[s]);
        expect(got.length).toBe(want.length);
        got.forEach((row, i) => row.forEach((v, c) => (maxLogit = Math.max(maxLogit, Math.abs(v - want[i][c])))));
      });
      expect(maxLogit).toBeLessThan(1e-4);

      // Integer datapath against the emulation.
      const bitsList = Object.keys(ref.fixed_point.by_bits);
      expect(bitsList.sort()).toEqual(['16', '4', '6', '8']);
      for (const bits of bitsList) {
        const r = ref.fixed_point.by_bits[bits];
        const config: QuantizationConfig = {
          layers: r.formats.map((l) => ({ weight: q(...l.weight), activation: q(...l.activation), gate: q(...l.gate), cell: q(...l.cell), sigmoid: DEFAULT_SIGMOID_SPEC, tanh: DEFAULT_TANH_SPEC })),
        };
        const rnn = new QuantizedRnn(parts.rnn, config);
        let sum = 0;
        let absSum = 0;
        data.sequences.forEach((seq, k) => {
          const res = rnn.forward(sequenceInput(seq, parts), seq.steps, { choosePrecision: () => Number(bits) });
          const H = res.outputCodes.length / seq.steps;
          for (const c of res.outputCodes) {
            sum += c;
            absSum += Math.abs(c);
          }
          expect([bits, k, Array.from(res.outputCodes.subarray((seq.steps - 1) * H))]).toEqual([bits, k, r.last_step_codes[k]]);
          expect(metricOf(parts, data, k, res.output)).toBeCloseTo(r.per_example[k], 4);
        });
        expect([bits, sum, absSum]).toEqual([bits, r.code_sum, r.code_abs_sum]);
      }
    });
  }
});
