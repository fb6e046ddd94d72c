/**
 * Records a trace from a model (bundled or a user's) run in fixed point through the integer datapath
 * (QuantizedRnn): the header gives topology, quantization formats, the task metric of this very
 * run (and of float32 on the same sequences) and provenance (model file and SHA-256, data
 * split); the payload has, per sequence, layer, direction and timestep, the quantized cell state
 * and the precision used, plus one sparsity mask per weight matrix when the model is pruned.
 *
 * Streaming: records of one sequence are buffered by the step observer and appended (awaiting
 * back-pressure) before the next sequence runs, so at most one sequence is held in memory.
 * The header is written by TraceWriter.finish() and then rewritten once (atomically) with the
 * accuracy, which is only known at the end of the run.
 */
import { basename } from 'node:path';
import { formatsAtPrecision } from '../functional/quantization-config.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import { wordBits, type FixedFormat } from '../functional/fixed-point.js';
import type { QuantizedStepRecord } from '../functional/quantized-network.js';
import { pruneRnnWeights } from '../functional/pruning.js';
import type { TensorMap } from '../functional/tensor.js';
import type { SplitName } from '../datasets/split-rule.js';
import { TRACE_HEADER_FILE, writeOwnedFile } from '../output/owned-file.js';
import { headerToJson, type TraceFixedFormat, type TraceHeader } from '../traces/header.js';
import { packMask, type Direction } from '../traces/payload-format.js';
import { validateTraceHeader } from '../traces/validate-header.js';
import { TraceWriter, type TraceHeaderWithoutPayload } from '../traces/writer.js';
import { loadModel, partsOf, type LoadedModel } from '../models/load-model.js';
import type { DataFlags } from '../models/model-data.js';
import { evaluateParts, type EvaluationResult } from './evaluate.js';
import { chooseFixedPointConfig, defaultValidationLimit } from './table.js';

export const TRACE_SCHEMES = ['fixed16', 'fixed8', 'fixed6', 'fixed4'] as const;
export type TraceScheme = (typeof TRACE_SCHEMES)[number];

export function schemeBits(scheme: string): number {
  const m = /^fixed(\d+)$/.exec(scheme);
  if (!m || !(TRACE_SCHEMES as readonly string[]).includes(scheme)) throw new RangeError(`--quant must be one of ${TRACE_SCHEMES.join(', ')}, found '${scheme}'`);
  return Number(m[1]);
}

export interface ModelTraceOptions {
  /** A bundled model's name or a model card's path. */
  readonly model: string;
  readonly modelsDir?: string;
  /** Data flags (--data, --validation-data, --dataset); default the card's data. */
  readonly data?: DataFlags;
  readonly split: SplitName;
  readonly scheme: TraceScheme;
  /** Header path <name>.json. */
  readonly output: string;
  /** Evenly spread examples (classifiers) / first characters (language model); default the whole split. */
  readonly limit?: number;
  /** Fraction of weights kept by magnitude pruning before quantization; 1 = as trained. */
  readonly density?: number;
  /** Use this configuration instead of choosing it on the validation split. */
  readonly quantization?: QuantizationConfig;
  readonly progress?: (done: number, total: number) => void;
  /** Observer of every step (tests compare against the payload). */
  readonly onStep?: (r: QuantizedStepRecord) => void;
}

export interface ModelTraceResult {
  readonly header: TraceHeader;
  readonly quantized: EvaluationResult;
  readonly float: EvaluationResult;
}

function traceFormat(f: FixedFormat): TraceFixedFormat {
  return { int_bits: f.intBits, frac_bits: f.fracBits };
}

const MATRICES: readonly { readonly kind: 'weight_ih' | 'weight_hh' | 'weight_hr'; readonly matrix: 'input' | 'recurrent' | 'projection' }[] = [
  { kind: 'weight_ih', matrix: 'input' },
  { kind: 'weight_hh', matrix: 'recurrent' },
  { kind: 'weight_hr', matrix: 'projection' },
];

/** Zero-weight layout of a parameter set: masks when any core matrix has exact zeros, else null. */
function sparsityOf(tensors: TensorMap, numLayers: number, dirs: number): { density: number; masks: { layer: number; direction: Direction; matrix: 'input' | 'recurrent' | 'projection'; rows: number; cols: number; mask: Uint8Array }[] } | null {
  let total = 0;
  let nonzero = 0;
  const masks: { layer: number; direction: Direction; matrix: 'input' | 'recurrent' | 'projection'; rows: number; cols: number; mask: Uint8Array }[] = [];
  for (let l = 0; l < numLayers; l++) {
    for (let d = 0; d < dirs; d++) {
      for (const m of MATRICES) {
        const t = tensors.get(`${m.kind}_l${l}${d === 1 ? '_reverse' : ''}`);
        if (!t) continue;
        const flags = new Uint8Array(t.data.length);
        for (let i = 0; i < flags.length; i++) flags[i] = t.data[i] !== 0 ? 1 : 0;
        const nz = flags.reduce((a, b) => a + b, 0);
        total += flags.length;
        nonzero += nz;
        masks.push({ layer: l, direction: d as Direction, matrix: m.matrix, rows: t.shape[0], cols: t.shape[1], mask: packMask(flags) });
      }
    }
  }
  return nonzero === total ? null : { density: nonzero / total, masks };
}

/** The command-line flags that select data, for provenance. */
export function dataFlagsText(data: DataFlags | undefined): string {
  if (!data) return '';
  return `${data.dataset !== undefined ? ` --dataset ${data.dataset}` : ''}${data.data !== undefined ? ` --data ${data.data}` : ''}${data.validationData !== undefined ? ` --validation-data ${data.validationData}` : ''}`;
}

export async function writeModelTrace(o: ModelTraceOptions): Promise<ModelTraceResult> {
  const bits = schemeBits(o.scheme);
  const model: LoadedModel = loadModel(o.model, { modelsDir: o.modelsDir, data: o.data });
  const t = model.topology;
  let tensors = model.tensors;
  if (o.density !== undefined && o.density < 1) {
    tensors = new Map([...model.tensors].map(([k, v]) => [k, { shape: [...v.shape], data: v.data.slice() }]));
    pruneRnnWeights(tensors, o.density);
  }
  const pruned: LoadedModel = { ...model, tensors };
  const data = model.data.load(o.split, o.limit);
  const config =
    o.quantization ?? (await chooseFixedPointConfig(pruned, bits, model.data.load('validation', defaultValidationLimit(model)))).config;
  const parts = partsOf(model, tensors);
  const float = await evaluateParts(parts, data, { metric: model.metric });
  const dirs = t.bidirectional ? 2 : 1;
  const sparsity = sparsityOf(tensors, t.num_layers, dirs);
  const name = basename(o.output, '.json');
  const trainedBy = String(model.card.command ?? 'rnnsim train');
  const source = model.bundled
    ? `bundled model ${o.model} (${model.safetensorsPath}, trained by '${trainedBy}') run through rnnsim's bit-exact integer datapath (src/functional/quantized-network.ts)`
    : `model ${model.name} (card ${model.cardFile}, weights ${model.safetensorsPath}${model.card.command ? `, made by '${model.card.command}'` : ''}) on ${model.data.origin}, run through rnnsim's bit-exact integer datapath (src/functional/quantized-network.ts)`;
  const header: TraceHeaderWithoutPayload = {
    format_version: 1,
    name,
    description: `${model.name} (${t.cell} ${t.num_layers}x${t.hidden_size}) run in ${bits}-bit fixed point on ${data.description}`,
    model: { cell: t.cell, num_layers: t.num_layers, input_size: t.input_size, hidden_size: t.hidden_size, projection_size: t.proj_size, bidirectional: t.bidirectional },
    workload: { batch_size: 1, sequence_lengths_timesteps: data.sequences.map((s) => s.steps) },
    precision: {
      weight_bits: Math.max(...config.layers.map((l) => wordBits(l.weight))),
      activation_bits: Math.max(...config.layers.map((l) => wordBits(l.activation))),
    },
    sparsity: { weight_density: sparsity ? sparsity.density : 1 },
    provenance: {
      generator: `rnnsim trace model --model ${o.model}${dataFlagsText(o.data)} --split ${o.split} --quant ${o.scheme}${o.limit !== undefined ? ` --limit ${o.limit}` : ''}${o.density !== undefined && o.density < 1 ? ` --density ${o.density}` : ''}`,
      source,
      assumptions: [
        `sequences run one at a time (batch 1), each from a zero state${model.data.unit === 'characters' ? '; the language model reads 32 contiguous segments of the text' : ''}`,
        'cell_state records: LSTM c_t codes (GRU: h_t) after each step, in the layer cell format (value = code * 2^-fractional_bits)',
        'precision records: the static precision of the layer at every step (no dynamic precision selection)',
        'embedding lookup and output head run in float32 and are not part of the trace',
        ...(o.density !== undefined && o.density < 1 ? [`weights magnitude-pruned to density ${o.density} per matrix before quantization, no fine-tuning`] : []),
      ],
      model_file: model.safetensorsPath,
      model_sha256: model.sha256,
      data_split: o.split,
      data: data.description,
    },
    quantization: {
      scheme: o.scheme,
      method: o.quantization
        ? 'given configuration'
        : `post-training fixed point (Rapuano et al.): weights and activations ${bits} bits, integer bits from ranges observed on the validation split, integer/fraction split chosen on validation; gates and cell 16 bits`,
      layers: config.layers.map((l) => ({ weight: traceFormat(l.weight), activation: traceFormat(l.activation), gate: traceFormat(l.gate), cell: traceFormat(l.cell) })),
    },
  };
  const writer = await TraceWriter.create(o.output, header);
  let pending: QuantizedStepRecord[] = [];
  let quantized: EvaluationResult;
  try {
    if (sparsity) {
      for (const m of sparsity.masks) await writer.appendSparsityMask({ layer_index: m.layer, direction: m.direction, matrix: m.matrix, rows: m.rows, cols: m.cols, mask: m.mask });
    }
    quantized = await evaluateParts(parts, data, {
      quantization: config,
      onStep: (r) => {
        pending.push(r);
        o.onStep?.(r);
      },
      afterSequence: async () => {
        const records = pending;
        pending = [];
        for (const r of records) {
          const direction = r.direction as Direction;
          await writer.appendCellState({ sequence_index: r.sequence, timestep: r.timestep, layer_index: r.layer, direction, fractional_bits: r.cellFracBits, values: r.cellState });
          const f = formatsAtPrecision(config.layers[r.layer], r.precisionBits);
          await writer.appendPrecision({ sequence_index: r.sequence, timestep: r.timestep, layer_index: r.layer, direction, weight_bits: wordBits(f.weight), activation_bits: wordBits(f.activation) });
        }
      },
      progress: o.progress,
    });
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const finished = await writer.finish();
  const { payload, ...rest } = finished;
  const withAccuracy: TraceHeader = {
    ...rest,
    accuracy: { metric: quantized.metricName, value: quantized.metric, higher_is_better: quantized.higherIsBetter, float_value: float.metric, count: quantized.count },
    ...(payload ? { payload } : {}),
  };
  const checked = validateTraceHeader(JSON.parse(JSON.stringify(withAccuracy)) as unknown, o.output);
  writeOwnedFile(o.output, headerToJson(checked), TRACE_HEADER_FILE);
  return { header: checked, quantized, float };
}
