/**
 * The weights a card promises, checked against the safetensors file that holds them: every
 * tensor the topology, embedding and head need, with its shape; nothing else; the card's dtype;
 * no NaN or infinite value. All problems are reported at once, each naming its tensor.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { readInputBytes } from '../input-file.js';
import { parseSafetensors } from '../functional/safetensors.js';
import { directionCount, gatesPerCell, layerInputSize, outputSize, paramName } from '../functional/rnn-model.js';
import type { TensorMap } from '../functional/tensor.js';
import { headHasBias, headOutputs, type LoadedCard, type WeightsDtype } from './card.js';

export interface ExpectedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** Why it is expected, e.g. "layer 1 reverse input weights". */
  readonly role: string;
}

/** safetensors dtype code of each card dtype. */
export const SAFETENSORS_DTYPE: Readonly<Record<WeightsDtype, string>> = { float32: 'F32', float16: 'F16', bfloat16: 'BF16', float64: 'F64' };

/** Every tensor the card's model has, in torch's state_dict order (embedding, core, head). */
export function expectedTensors(c: Pick<LoadedCard, 'card' | 'topology' | 'bias'>): ExpectedTensor[] {
  const t = c.topology;
  const out: ExpectedTensor[] = [];
  const e = c.card.embedding;
  if (e) out.push({ name: 'embedding.weight', shape: [e.num_embeddings, e.embedding_dim], role: 'embedding rows' });
  const rows = gatesPerCell(t) * t.hidden_size;
  const hOut = outputSize(t);
  for (let l = 0; l < t.num_layers; l++) {
    for (let d = 0; d < directionCount(t); d++) {
      const where = `layer ${l}${d === 1 ? ' reverse' : ''}`;
      out.push({ name: paramName('weight_ih', l, d), shape: [rows, layerInputSize(t, l)], role: `${where} input weights` });
      out.push({ name: paramName('weight_hh', l, d), shape: [rows, hOut], role: `${where} recurrent weights` });
      if (c.bias) {
        out.push({ name: paramName('bias_ih', l, d), shape: [rows], role: `${where} input bias` });
        out.push({ name: paramName('bias_hh', l, d), shape: [rows], role: `${where} recurrent bias` });
      }
      if (t.proj_size > 0) out.push({ name: paramName('weight_hr', l, d), shape: [t.proj_size, t.hidden_size], role: `${where} projection weights` });
    }
  }
  const head = c.card.head;
  if (head.type !== 'none') {
    const n = headOutputs(head);
    out.push({ name: 'head.weight', shape: [n, directionCount(t) * hOut], role: 'head weights' });
    if (headHasBias(head)) out.push({ name: 'head.bias', shape: [n], role: 'head bias' });
  }
  return out;
}

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** Problems of `tensors` against the card, one line each (empty when the weights fit). */
export function weightProblems(c: Pick<LoadedCard, 'card' | 'topology' | 'bias' | 'dtype'>, tensors: TensorMap, dtypes: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const expected = expectedTensors(c);
  const names = new Set(expected.map((x) => x.name));
  const wantDtype = SAFETENSORS_DTYPE[c.dtype];
  for (const x of expected) {
    const got = tensors.get(x.name);
    if (!got) {
      problems.push(`missing tensor "${x.name}" (${x.role}, shape ${shapeText(x.shape)})`);
      continue;
    }
    if (got.shape.length !== x.shape.length || got.shape.some((v, i) => v !== x.shape[i])) {
      problems.push(`tensor "${x.name}" (${x.role}) has shape ${shapeText(got.shape)}, the card implies ${shapeText(x.shape)}`);
    }
    const dt = dtypes.get(x.name);
    if (dt !== undefined && dt !== wantDtype) problems.push(`tensor "${x.name}" is stored as ${dt}, the card's dtype is ${c.dtype} (${wantDtype})`);
    let nan = 0;
    let inf = 0;
    let first = -1;
    const v = got.data;
    for (let i = 0; i < v.length; i++) {
      if (Number.isFinite(v[i])) continue;
      if (Number.isNaN(v[i])) nan++;
      else inf++;
      if (first < 0) first = i;
    }
    if (nan + inf > 0) problems.push(`tensor "${x.name}" has ${nan} NaN and ${inf} infinite values (first at flat index ${first})`);
  }
  const unexpected = [...tensors.keys()].filter((n) => !names.has(n)).sort();
  for (const n of unexpected) {
    const hint = /(^|\.)(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?$/.test(n) && n.includes('.')
      ? ' (core tensors must have torch names without a module prefix: tools/export_model.py strips it)'
      : /^bias_/.test(n) && !c.bias
        ? ' (the card says bias: false)'
        : /^head\.bias$/.test(n)
          ? ' (the card says the head has no bias)'
          : ' (not part of the model the card describes)';
    problems.push(`unexpected tensor "${n}" ${shapeText(tensors.get(n)?.shape ?? [])}${hint}`);
  }
  return problems;
}

export interface LoadedWeights {
  readonly tensors: TensorMap;
  readonly dtypes: ReadonlyMap<string, string>;
  /** SHA-256 of the weights file (hex). */
  readonly sha256: string;
}

/** Reads the card's weights file and checks it; InputError naming the weights file and every bad tensor. */
export function loadCheckedWeights(c: LoadedCard): LoadedWeights {
  const bytes = readInputBytes(c.weightsFile, { limitName: 'data_file_bytes', what: `the weights file named by ${c.file} ("weights": ${JSON.stringify(c.card.weights)})` });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const declared = c.card.weights_sha256;
  if (declared !== undefined && declared !== sha256) {
    throw new InputError(
      `its SHA-256 is ${sha256}, but ${c.where(['weights_sha256'])} of the model card ${c.file} says ${declared}: the file changed or was damaged since the card was written (export the model again, or update weights_sha256 if the change is meant)`,
      c.weightsFile,
    );
  }
  const parsed = parseSafetensors(bytes, c.weightsFile);
  const problems = weightProblems(c, parsed.tensors, parsed.dtypes);
  if (problems.length > 0) {
    throw new InputError(`the weights do not match the model card ${c.file}:\n  ${problems.join('\n  ')}`, c.weightsFile);
  }
  return { tensors: parsed.tensors, dtypes: parsed.dtypes, sha256 };
}
