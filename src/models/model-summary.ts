/**
 * What `rnnsim model check` reports about a model: parameters by part, multiply-accumulates per
 * timestep (the work a trace of this model asks an accelerator for), and the float32 model's
 * output on one sample sequence.
 */
import { forwardFloat } from '../functional/network.js';
import { directionCount, gatesPerCell, layerInputSize, outputSize } from '../functional/rnn-model.js';
import { SeededRandom } from '../functional/random.js';
import { headLabels } from './card.js';
import type { EvalData, EvalSequence } from './eval-data.js';
import { sequenceInput } from './inference.js';
import { partsOf, type LoadedModel } from './load-model.js';
import { argmax, forEachReadout, makeReadoutScratch } from './readout.js';
import { isCoreTensor } from '../accuracy/footprint.js';

export interface ParameterCounts {
  readonly core: number;
  readonly embedding: number;
  readonly head: number;
  readonly total: number;
  /** float32 bytes of all of them. */
  readonly float32Bytes: number;
}

export function parameterCounts(model: LoadedModel): ParameterCounts {
  let core = 0;
  let embedding = 0;
  let head = 0;
  for (const [name, t] of model.tensors) {
    if (isCoreTensor(name)) core += t.data.length;
    else if (name === 'embedding.weight') embedding += t.data.length;
    else head += t.data.length;
  }
  const total = core + embedding + head;
  return { core, embedding, head, total, float32Bytes: 4 * total };
}

export interface LayerMacs {
  readonly layer: number;
  /** Per direction: G * H * input width. */
  readonly inputSide: number;
  /** Per direction: G * H * H_out. */
  readonly recurrentSide: number;
  /** Per direction: proj_size * H (LSTM projection), else 0. */
  readonly projection: number;
  /** All directions: (input + recurrent + projection) * D. */
  readonly total: number;
}

export interface MacsPerStep {
  readonly layers: readonly LayerMacs[];
  /** Core MACs per timestep of one sequence (every layer and direction). */
  readonly core: number;
  /** Head MACs per readout: per sequence (classifier) or per step (language model); 0 without a head. */
  readonly head: number;
  readonly headPer: 'sequence' | 'step' | 'none';
}

/** MACs per timestep as the traces count them (src/traces/work.ts), plus the float32 head. */
export function macsPerStep(model: LoadedModel): MacsPerStep {
  const t = model.topology;
  const g = gatesPerCell(t);
  const d = directionCount(t);
  const hOut = outputSize(t);
  const layers: LayerMacs[] = [];
  for (let l = 0; l < t.num_layers; l++) {
    const inputSide = g * t.hidden_size * layerInputSize(t, l);
    const recurrentSide = g * t.hidden_size * hOut;
    const projection = t.proj_size > 0 ? t.proj_size * t.hidden_size : 0;
    layers.push({ layer: l, inputSide, recurrentSide, projection, total: d * (inputSide + recurrentSide + projection) });
  }
  const head = model.card.head;
  const headMacs = head.type === 'none' ? 0 : (model.tensors.get('head.weight')?.data.length ?? 0);
  return {
    layers,
    core: layers.reduce((a, x) => a + x.total, 0),
    head: headMacs,
    headPer: head.type === 'none' ? 'none' : head.type === 'classifier' ? 'sequence' : 'step',
  };
}

export interface SampleOutput {
  /** Where the sample came from. */
  readonly source: string;
  readonly steps: number;
  /** The label (classifier) or the last step's target (language model), when known. */
  readonly label?: string;
  /** Outputs of the last readout row: logits (head) or h (no head). */
  readonly values: readonly number[];
  /** Top class / next token (head), else undefined. */
  readonly top?: string;
}

/** A deterministic synthetic sequence when there are no data: 8 steps of U(-1, 1) values, or token ids 0, 1, 2, ... */
export function syntheticSequence(model: LoadedModel, steps = 8): EvalSequence {
  const e = model.card.embedding;
  if (e) return { steps, tokens: Int32Array.from({ length: steps }, (_, i) => i % e.num_embeddings) };
  const rng = new SeededRandom(1);
  const values = new Float32Array(steps * model.topology.input_size);
  for (let i = 0; i < values.length; i++) values[i] = 2 * rng.next() - 1;
  return { steps, values };
}

/** The float32 model's output on one sequence (the first of `data`, else a synthetic one). */
export function sampleOutput(model: LoadedModel, data: EvalData | null): SampleOutput {
  const parts = partsOf(model);
  const seq = data ? data.sequences[0] : syntheticSequence(model);
  const out = forwardFloat(parts.rnn, sequenceInput(seq, parts), seq.steps).output;
  const task = data?.task ?? (model.card.head.type === 'classifier' ? 'classification' : model.card.head.type === 'language_model' ? 'language-model' : 'sequence-output');
  let last: Float64Array = new Float64Array(0);
  forEachReadout(parts, task, out, seq.steps, makeReadoutScratch(parts), (row) => {
    last = row.slice();
  });
  const names = headLabels(model.card.head);
  const labelIndex = seq.label ?? seq.targets?.[seq.steps - 1];
  return {
    source: data ? `sequence 0 of ${data.description}` : `a synthetic sequence (${seq.tokens ? 'token ids 0, 1, 2, ...' : 'U(-1, 1) values, seed 1'}): no data given`,
    steps: seq.steps,
    ...(labelIndex !== undefined && names.length ? { label: names[labelIndex] } : {}),
    values: Array.from(last),
    ...(names.length ? { top: names[argmax(last)] } : {}),
  };
}
