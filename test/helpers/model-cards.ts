/**
 * Small models written as model cards + safetensors in temporary directories, for tests of the
 * one model path (src/models): deterministic weights of any topology, a card in torch's terms.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSafetensors } from '../../src/functional/safetensors.js';
import type { RnnTopology, TensorMap } from '../../src/functional/tensor.js';
import { directionCount, gatesPerCell, layerInputSize, outputSize, paramName } from '../../src/functional/rnn-model.js';

/** Deterministic values in [-a, a) (an LCG). */
export function lcgValues(n: number, seed: number, a: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * a;
  }
  return out;
}

export interface TinyModelSpec {
  readonly topology: RnnTopology;
  readonly bias?: boolean;
  /** Embedding rows (token inputs). */
  readonly vocabulary?: number;
  /** Head rows; undefined = no head. */
  readonly headRows?: number;
  readonly headBias?: boolean;
  readonly seed?: number;
}

/** Tensors of a model in torch's names. */
export function tinyTensors(spec: TinyModelSpec): TensorMap {
  const t = spec.topology;
  const m: TensorMap = new Map();
  let seed = spec.seed ?? 1;
  const put = (name: string, shape: number[], a: number): void => {
    m.set(name, { shape, data: lcgValues(shape.reduce((x, y) => x * y, 1), seed++, a) });
  };
  if (spec.vocabulary !== undefined) put('embedding.weight', [spec.vocabulary, t.input_size], 1);
  const rows = gatesPerCell(t) * t.hidden_size;
  for (let l = 0; l < t.num_layers; l++) {
    for (let d = 0; d < directionCount(t); d++) {
      put(paramName('weight_ih', l, d), [rows, layerInputSize(t, l)], 0.6);
      put(paramName('weight_hh', l, d), [rows, outputSize(t)], 0.6);
      if (spec.bias !== false) {
        put(paramName('bias_ih', l, d), [rows], 0.3);
        put(paramName('bias_hh', l, d), [rows], 0.3);
      }
      if (t.proj_size > 0) put(paramName('weight_hr', l, d), [t.proj_size, t.hidden_size], 0.6);
    }
  }
  if (spec.headRows !== undefined) {
    put('head.weight', [spec.headRows, directionCount(t) * outputSize(t)], 1);
    if (spec.headBias !== false) put('head.bias', [spec.headRows], 0.3);
  }
  return m;
}

/** The card fields of a topology. */
export function coreFields(t: RnnTopology, bias = true): Record<string, unknown> {
  return { cell: t.cell, input_size: t.input_size, hidden_size: t.hidden_size, num_layers: t.num_layers, bias, bidirectional: t.bidirectional, proj_size: t.proj_size };
}

export function tempModelDir(prefix = 'rnnsim-model-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes <dir>/<file> (card) and <dir>/model.safetensors; returns the card path. */
export function writeModel(dir: string, card: Record<string, unknown>, tensors: TensorMap, file = 'model.json'): string {
  mkdirSync(dir, { recursive: true });
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({ weights: 'model.safetensors', ...card }, null, 2));
  return path;
}

/** Models exported from torch by test/reference/make_user_models.py, with data and torch's outputs. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/user-models/', import.meta.url));
