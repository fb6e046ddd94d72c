/**
 * Evaluates a model on a split under many "designs" in one call: float32, static precisions,
 * per-step precision policies, each with or without a fixed input-side precision. Returns each
 * design's task metric with per-example results (for paired confidence intervals) and the share
 * of steps at each precision.
 *
 *   const r = await evaluateDesigns(parts, data, [
 *     { name: 'float32' },
 *     { name: 'static-16', quantization: q16 },
 *     { name: 'static-8', quantization: q8 },
 *     { name: 'dps-8-16', quantization: qDps, precision: dpsPrecisionPlan(policy), inputSideBits: 16 },
 *   ], { workers: 'auto' });
 *
 * Work shared across designs: the data are read and embedded once per chunk of sequences; integer
 * weights are built once per formats and precision (per worker); sequences run in lockstep
 * batches (QuantizedRnn.forwardBatch). Chunks of consecutive sequences go to worker threads
 * (tinypool) when asked; results are merged in sequence order, so they are identical whatever
 * the number of workers, and identical to evaluateParts' one-sequence-at-a-time loop.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { StepObserver } from '../functional/quantized-network.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import { directionCount, gatesPerCell, layerInputSize, outputSize, type RnnModel } from '../functional/rnn-model.js';
import type { EvalData } from '../models/eval-data.js';
import type { InferenceParts } from '../models/inference.js';
import { BITS_SLOTS, ChunkRunner, type ChunkDesign, type ChunkResult, type ChunkTask, type PrecisionPlan } from './design-chunk.js';

export type { PrecisionPlan, ChooserFactory } from './design-chunk.js';

export interface Design {
  /** Label reported back (e.g. "static-8", "dps-8-16"). */
  readonly name: string;
  /** Fixed-point formats; absent: float32 inference. */
  readonly quantization?: QuantizationConfig;
  /** Per-step precision; default static (every step at the formats' static precision). */
  readonly precision?: PrecisionPlan;
  /** Fixed precision of the input-side products W_ih x_t (docs/functional-model.md); absent: the step's. */
  readonly inputSideBits?: number;
}

export interface EvaluateDesignsOptions {
  /**
   * Worker threads: a number (0 = this thread only) or 'auto' (default): one per available core
   * when the compiled worker (dist/) exists, there is more than one chunk and the designs that
   * can leave this thread need at least 2e9 multiply-accumulates; else 0.
   * Designs with a 'function' precision plan always run in this thread.
   */
  readonly workers?: number | 'auto';
  /** Sequences advanced together on the integer datapath (default 64). */
  readonly batchSize?: number;
  /** Sequences per unit of work handed to a worker (default: the batch size). */
  readonly chunkSize?: number;
  /** Keep every step's precision per sequence and design (DesignResult.stepPrecisions). */
  readonly keepStepPrecisions?: boolean;
  /** Observer of every quantized step; forces this thread (steps of a batch's sequences interleave). */
  readonly onStep?: StepObserver;
  /** Called as chunks finish: (sequence-designs done, total). */
  readonly progress?: (done: number, total: number) => void;
}

export interface DesignResult {
  readonly design: string;
  /** accuracy (fraction) or bits per character. */
  readonly metric: number;
  readonly metricName: 'accuracy' | 'bits per character';
  readonly higherIsBetter: boolean;
  /** Examples (classification) or predicted characters (language model). */
  readonly count: number;
  readonly sequences: number;
  readonly timesteps: number;
  /** Classification: correct[k] = 1 if example k was right (pair by k across designs). */
  readonly correct: Uint8Array | null;
  /** Language model: bits of every prediction, sequence after sequence (pair by index across designs). */
  readonly predictionBits: Float64Array | null;
  /** Language model: predictions of each sequence (segment), to group predictionBits. */
  readonly predictionsPerSequence: Int32Array | null;
  /** Steps (sequence x layer x direction x timestep) at each precision in bits (float32 designs: 32). */
  readonly stepsByBits: Record<number, number>;
  /** The same per layer. */
  readonly stepsByBitsPerLayer: Record<number, number>[];
  readonly steps: number;
  /** stepsByBits / steps. */
  readonly shareByBits: Record<number, number>;
  /** Mean precision over steps, in bits. */
  readonly meanBits: number;
  /** Multiply-accumulates of the recurrent core (gate products and projection) over the evaluated data. */
  readonly macs: number;
  /** Thread time spent on this design, summed over threads (s). */
  readonly computeSeconds: number;
  /** Per sequence, every step's precision ([(layer * D + direction) * steps + timestep]) when keepStepPrecisions. */
  readonly stepPrecisions: Uint8Array[] | null;
}

export interface DesignEvaluation {
  readonly designs: DesignResult[];
  readonly description: string;
  /** Worker threads used (0 = this thread). */
  readonly workers: number;
  /** Wall time of the whole evaluation (s). */
  readonly seconds: number;
}

/** MACs of one timestep of every layer and direction of the recurrent core. */
export function macsPerTimestep(rnn: RnnModel): number {
  const t = rnn.topology;
  const hOut = outputSize(t);
  let macs = 0;
  for (let l = 0; l < t.num_layers; l++) {
    macs += directionCount(t) * (gatesPerCell(t) * t.hidden_size * (layerInputSize(t, l) + hOut) + (t.proj_size > 0 ? t.proj_size * t.hidden_size : 0));
  }
  return macs;
}

/** The compiled worker next to this module, or null when running from TypeScript sources. */
function workerFile(): string | null {
  const url = new URL('./design-worker.js', import.meta.url);
  if (url.protocol !== 'file:') return null;
  const path = fileURLToPath(url);
  return existsSync(path) ? path : null;
}

/** Copies every typed array of `parts` into shared memory, so tasks pass them to workers without copying. */
function shareParts(parts: InferenceParts): InferenceParts {
  const share = (a: Float32Array): Float32Array => {
    const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
    s.set(a);
    return s;
  };
  return {
    rnn: {
      topology: parts.rnn.topology,
      layers: parts.rnn.layers.map((dirs) =>
        dirs.map((p) => ({ ...p, wIh: share(p.wIh), wHh: share(p.wHh), bIh: share(p.bIh), bHh: share(p.bHh), wHr: p.wHr === null ? null : share(p.wHr) })),
      ),
    },
    embedding: parts.embedding === null ? null : share(parts.embedding),
    headWeight: parts.headWeight === null ? null : share(parts.headWeight),
    headBias: parts.headBias === null ? null : share(parts.headBias),
    classes: parts.classes,
    readout: parts.readout,
  };
}

function checkDesigns(designs: readonly Design[]): void {
  const names = new Set<string>();
  for (const d of designs) {
    if (names.has(d.name)) throw new Error(`evaluateDesigns: design name '${d.name}' appears twice`);
    names.add(d.name);
    if (!d.quantization && (d.precision !== undefined || d.inputSideBits !== undefined)) {
      throw new Error(`evaluateDesigns: design '${d.name}' has a precision plan or input-side bits but no quantization config (float32 has neither)`);
    }
  }
}

let evaluationCounter = 0;

/**
 * 'auto' starts worker threads only for at least this many multiply-accumulates (about a second
 * of one thread): starting a pool (module loading, compilation and weights in every worker)
 * costs a few tenths of a second.
 */
const AUTO_WORKERS_MIN_MACS = 2e9;

/** Evaluates `parts` on `data` under every design (see the file comment). */
export async function evaluateDesigns(parts: InferenceParts, data: EvalData, designs: readonly Design[], options: EvaluateDesignsOptions = {}): Promise<DesignEvaluation> {
  const t0 = performance.now();
  checkDesigns(designs);
  if (data.task === 'sequence-output' || !parts.headWeight) throw new Error('evaluateDesigns: a model without a head is judged by agreement with float32 (evaluateParts)');
  const task = data.task;
  const batchSize = options.batchSize ?? 64;
  const chunkSize = options.chunkSize ?? batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || !Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new Error(`evaluateDesigns: batchSize and chunkSize must be positive integers (got ${batchSize}, ${chunkSize})`);
  }
  const n = data.sequences.length;
  const chunks: [number, number][] = [];
  for (let first = 0; first < n; first += chunkSize) chunks.push([first, Math.min(n, first + chunkSize)]);

  const chunkDesigns: ChunkDesign[] = designs.map((d, index) => ({ index, quantization: d.quantization, precision: d.precision ?? { kind: 'static' }, inputSideBits: d.inputSideBits }));
  const local = options.onStep ? chunkDesigns : chunkDesigns.filter((d) => d.precision.kind === 'function');
  const portable = options.onStep ? [] : chunkDesigns.filter((d) => d.precision.kind !== 'function');
  const file = workerFile();
  let workers = options.workers ?? 'auto';
  if (workers === 'auto') {
    const work = portable.length * data.sequences.reduce((a, s) => a + s.steps, 0) * macsPerTimestep(parts.rnn);
    workers = file !== null && chunks.length > 1 && work >= AUTO_WORKERS_MIN_MACS ? Math.min(availableParallelism(), chunks.length) : 0;
  }
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`evaluateDesigns: workers must be a non-negative integer or 'auto', got ${String(options.workers)}`);
  if (workers > 0 && file === null) throw new Error('evaluateDesigns: worker threads need the compiled evaluator (run `npm run build`; from TypeScript sources use workers: 0)');
  if (portable.length === 0) workers = 0;

  const partsId = `${process.pid}-${++evaluationCounter}`;
  const total = n * designs.length;
  let done = 0;
  const results: ChunkResult[] = [];
  const makeTask = (first: number, end: number, ds: readonly ChunkDesign[], p: InferenceParts): ChunkTask => ({
    partsId,
    parts: p,
    taskKind: task,
    first,
    sequences: data.sequences.slice(first, end),
    designs: ds,
    batchSize,
    keepStepPrecisions: options.keepStepPrecisions ?? false,
  });
  const finished = (r: ChunkResult): void => {
    results.push(r);
    done += r.count * r.designs.length;
    options.progress?.(done, total);
  };

  const runner = new ChunkRunner();
  const inThread = workers === 0 ? chunkDesigns : local;
  if (workers > 0) {
    const pool = new Tinypool({ filename: file as string, minThreads: workers, maxThreads: workers });
    try {
      const shared = shareParts(parts);
      const all = Promise.all(chunks.map(([first, end]) => (pool.run(makeTask(first, end, portable, shared)) as Promise<ChunkResult>).then(finished)));
      // Observed by the await below; this keeps a failure from going unhandled if this thread's work throws first.
      all.catch(() => undefined);
      // Designs that cannot leave this thread run here meanwhile.
      if (inThread.length > 0) for (const [first, end] of chunks) finished(await runner.run(makeTask(first, end, inThread, parts), { onStep: options.onStep }));
      await all;
    } finally {
      await pool.destroy();
    }
  } else {
    for (const [first, end] of chunks) finished(await runner.run(makeTask(first, end, inThread, parts), { onStep: options.onStep }));
  }
  return {
    designs: designs.map((d, i) => mergeDesign(d, i, data, parts, results)),
    description: data.description,
    workers,
    seconds: (performance.now() - t0) / 1000,
  };
}

function mergeDesign(design: Design, index: number, data: EvalData, parts: InferenceParts, results: readonly ChunkResult[]): DesignResult {
  const t = parts.rnn.topology;
  const n = data.sequences.length;
  const classification = data.task === 'classification';
  const pieces = results
    .map((r) => ({ first: r.first, d: r.designs.find((x) => x.index === index) }))
    .filter((p): p is { first: number; d: NonNullable<typeof p.d> } => p.d !== undefined)
    .sort((a, b) => a.first - b.first);
  const correct = classification ? new Uint8Array(n) : null;
  const perSequence = classification ? null : new Int32Array(n);
  const timesteps = data.sequences.reduce((a, s) => a + s.steps, 0);
  const nats = classification ? null : new Float64Array(timesteps);
  const counts = new Float64Array(t.num_layers * BITS_SLOTS);
  const stepPrecisions: Uint8Array[] | null = pieces.some((p) => p.d.stepPrecisions !== null) ? [] : null;
  let computeSeconds = 0;
  let natsAt = 0;
  for (const { first, d } of pieces) {
    if (correct && d.correct) correct.set(d.correct, first);
    if (nats && d.nats && perSequence && d.predictions) {
      nats.set(d.nats, natsAt);
      natsAt += d.nats.length;
      perSequence.set(d.predictions, first);
    }
    for (let i = 0; i < counts.length; i++) counts[i] += d.stepsByLayerBits[i];
    if (stepPrecisions && d.stepPrecisions) stepPrecisions.push(...d.stepPrecisions);
    computeSeconds += d.seconds;
  }
  let metric: number;
  let count: number;
  if (correct) {
    let right = 0;
    for (let k = 0; k < n; k++) right += correct[k];
    count = n;
    metric = right / n;
  } else {
    // Summed in sequence and step order, as evaluateParts does: the same double.
    let sum = 0;
    for (let i = 0; i < (nats as Float64Array).length; i++) sum += (nats as Float64Array)[i];
    count = timesteps;
    metric = sum / count / Math.LN2;
  }
  const stepsByBitsPerLayer: Record<number, number>[] = [];
  const stepsByBits: Record<number, number> = {};
  let steps = 0;
  let bitSteps = 0;
  for (let l = 0; l < t.num_layers; l++) {
    const row: Record<number, number> = {};
    for (let b = 0; b < BITS_SLOTS; b++) {
      const c = counts[l * BITS_SLOTS + b];
      if (c === 0) continue;
      row[b] = c;
      stepsByBits[b] = (stepsByBits[b] ?? 0) + c;
      steps += c;
      bitSteps += b * c;
    }
    stepsByBitsPerLayer.push(row);
  }
  const shareByBits: Record<number, number> = {};
  for (const [b, c] of Object.entries(stepsByBits)) shareByBits[Number(b)] = steps === 0 ? 0 : c / steps;
  return {
    design: design.name,
    metric,
    metricName: classification ? 'accuracy' : 'bits per character',
    higherIsBetter: classification,
    count,
    sequences: n,
    timesteps,
    correct,
    predictionBits: nats ? nats.map((v) => v / Math.LN2) : null,
    predictionsPerSequence: perSequence,
    stepsByBits,
    stepsByBitsPerLayer,
    steps,
    shareByBits,
    meanBits: steps === 0 ? 0 : bitSteps / steps,
    macs: timesteps * macsPerTimestep(parts.rnn),
    computeSeconds,
    stepPrecisions,
  };
}
