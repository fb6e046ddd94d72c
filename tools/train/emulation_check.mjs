// Runs rnnsim's bit-exact integer datapath (dist/, so `npm run build` first) on the weights,
// inputs and formats check_emulation.py writes, and saves the last layer's output codes.
// Usage: node tools/train/emulation_check.mjs DIR   (DIR holds weights.safetensors, inputs.npy, case.json)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRnnModel, readSafetensors, QuantizedRnn, DEFAULT_SIGMOID_SPEC, DEFAULT_TANH_SPEC } from '../../dist/functional/index.js';
import { readNpy, writeNpy } from '../../dist/datasets/npy.js';

const dir = process.argv[2];
const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
const model = loadRnnModel(readSafetensors(join(dir, 'weights.safetensors')));
const f = ([intBits, fracBits]) => ({ intBits, fracBits });
const config = {
  layers: spec.formats.map((l) => ({ weight: f(l.weight), activation: f(l.activation), gate: f(l.gate), cell: f(l.cell), sigmoid: DEFAULT_SIGMOID_SPEC, tanh: DEFAULT_TANH_SPEC })),
};
const q = new QuantizedRnn(model, config);
const x = readNpy(join(dir, 'inputs.npy'));
const [B, T, I] = x.shape;
const H = model.topology.hidden_size;
const out = new Int32Array(B * T * H);
for (let b = 0; b < B; b++) {
  const r = q.forward(x.data.subarray(b * T * I, (b + 1) * T * I), T, { choosePrecision: () => spec.step_bits });
  out.set(r.outputCodes, b * T * H);
}
writeNpy(join(dir, 'codes.npy'), out, [B, T, H]);
