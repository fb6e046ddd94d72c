/**
 * One unit of work of the design evaluator (design-evaluation.ts): a chunk of consecutive
 * sequences of a split, run under every design of the evaluation, in lockstep batches on the
 * integer datapath (QuantizedRnn.forwardBatch) or through the float32 pass. The same code runs
 * in the calling thread and in worker threads (design-worker.ts), so results do not depend on
 * where a chunk ran; everything a chunk returns is per sequence, merged in sequence order.
 */
import { forwardFloat } from '../functional/network.js';
import { QuantizedRnn, type BatchSequence, type PrecisionChooser, type StepObserver } from '../functional/quantized-network.js';
import type { QuantizationConfig } from '../functional/quantization-config.js';
import { directionCount } from '../functional/rnn-model.js';
import type { RnnTopology } from '../functional/tensor.js';
import type { EvalSequence } from '../models/eval-data.js';
import { sequenceInput, type InferenceParts } from '../models/inference.js';
import { argmax, forEachReadout, makeReadoutScratch } from '../models/readout.js';
import { crossEntropy } from './head.js';

/** Precision bits are < 64: counts are kept per layer in rows of this many entries. */
export const BITS_SLOTS = 64;

/**
 * How a design picks each step's precision. 'static': every step at `bits` (default the
 * layer's static precision). 'module': `export` of the ES module `module` (a file URL or
 * path) is a ChooserFactory called with `args` once per sequence; it can run in worker threads
 * (args must be structured-cloneable). 'function': a factory in this thread (no workers).
 */
export type PrecisionPlan =
  | { readonly kind: 'static'; readonly bits?: number }
  | { readonly kind: 'module'; readonly module: string; readonly export: string; readonly args?: unknown }
  | { readonly kind: 'function'; readonly chooserFor: (sequence: number) => PrecisionChooser };

/** The export a 'module' plan names: one fresh chooser per sequence (sequence = index in the split's evaluated list). */
export type ChooserFactory = (args: unknown, sequence: number, topology: RnnTopology) => PrecisionChooser;

/** A design as a chunk sees it. */
export interface ChunkDesign {
  /** Position in the evaluation's design list. */
  readonly index: number;
  /** Absent: float32 inference. */
  readonly quantization?: QuantizationConfig;
  readonly precision: PrecisionPlan;
  readonly inputSideBits?: number;
}

export interface ChunkTask {
  /** Identifies `parts` across tasks (caches of integer weights are kept per parts and config). */
  readonly partsId: string;
  readonly parts: InferenceParts;
  readonly taskKind: 'classification' | 'language-model';
  /** Index of the chunk's first sequence in the evaluated list. */
  readonly first: number;
  readonly sequences: readonly EvalSequence[];
  readonly designs: readonly ChunkDesign[];
  /** Sequences advanced together. */
  readonly batchSize: number;
  /** Return each sequence's per-step precisions. */
  readonly keepStepPrecisions: boolean;
}

export interface ChunkDesignResult {
  readonly index: number;
  /** Classification: 1 = correct, per sequence. */
  readonly correct: Uint8Array | null;
  /** Language model: loss in nats of every prediction, sequence after sequence. */
  readonly nats: Float64Array | null;
  /** Language model: predictions per sequence. */
  readonly predictions: Int32Array | null;
  /** Steps (layer-direction-timestep of each sequence) at each precision: [layer * BITS_SLOTS + bits]. */
  readonly stepsByLayerBits: Float64Array;
  /** Per sequence: the precision of every step ([(layer * D + direction) * steps + timestep]), if kept. */
  readonly stepPrecisions: Uint8Array[] | null;
  /** Thread time spent on this design in this chunk. */
  readonly seconds: number;
}

export interface ChunkResult {
  readonly first: number;
  readonly count: number;
  readonly designs: ChunkDesignResult[];
}

export interface ChunkHooks {
  /** Observer of every quantized step (calling thread only). */
  readonly onStep?: StepObserver;
}

/** Runs chunks; keeps integer weights per (parts, formats) and imported chooser modules between them. */
export class ChunkRunner {
  private readonly engines = new Map<string, QuantizedRnn>();
  private readonly factories = new Map<string, ChooserFactory>();
  private partsId = '';

  async run(task: ChunkTask, hooks: ChunkHooks = {}): Promise<ChunkResult> {
    if (task.partsId !== this.partsId) {
      this.engines.clear();
      this.partsId = task.partsId;
    }
    const parts = task.parts;
    const inputs = task.sequences.map((s) => sequenceInput(s, parts));
    const designs: ChunkDesignResult[] = [];
    for (const d of task.designs) {
      const t0 = performance.now();
      const outputs = d.quantization ? await this.quantizedOutputs(task, d, inputs, hooks) : this.floatOutputs(task, inputs);
      designs.push(scoreOutputs(task, d.index, outputs, performance.now() - t0));
    }
    return { first: task.first, count: task.sequences.length, designs };
  }

  private floatOutputs(task: ChunkTask, inputs: Float32Array[]): RunOutputs {
    const t = task.parts.rnn.topology;
    const states = t.num_layers * directionCount(t);
    return {
      outputs: task.sequences.map((s, k) => forwardFloat(task.parts.rnn, inputs[k], s.steps).output),
      // A float32 step counts as 32 bits.
      precisions: task.sequences.map((s) => new Uint8Array(states * s.steps).fill(32)),
    };
  }

  private async quantizedOutputs(task: ChunkTask, d: ChunkDesign, inputs: Float32Array[], hooks: ChunkHooks): Promise<RunOutputs> {
    const config = d.quantization as QuantizationConfig;
    const key = JSON.stringify(config);
    let engine = this.engines.get(key);
    if (engine === undefined) {
      engine = new QuantizedRnn(task.parts.rnn, config);
      this.engines.set(key, engine);
    }
    const chooserFor = await this.chooserFactory(d.precision, task.parts.rnn.topology);
    const outputs: Float32Array[] = [];
    const precisions: Uint8Array[] = [];
    for (let b0 = 0; b0 < task.sequences.length; b0 += task.batchSize) {
      const batch: BatchSequence[] = [];
      for (let k = b0; k < Math.min(task.sequences.length, b0 + task.batchSize); k++) {
        const sequence = task.first + k;
        batch.push({ input: inputs[k], seqLen: task.sequences[k].steps, sequence, choosePrecision: chooserFor?.(sequence) });
      }
      for (const r of engine.forwardBatch(batch, { onStep: hooks.onStep, inputSideBits: d.inputSideBits })) {
        outputs.push(r.output);
        precisions.push(r.stepPrecisions);
      }
    }
    return { outputs, precisions };
  }

  private async chooserFactory(plan: PrecisionPlan, topology: RnnTopology): Promise<((sequence: number) => PrecisionChooser) | undefined> {
    switch (plan.kind) {
      case 'static': {
        const bits = plan.bits;
        return bits === undefined ? undefined : () => () => bits;
      }
      case 'function':
        return plan.chooserFor;
      case 'module': {
        const key = `${plan.module}#${plan.export}`;
        let factory = this.factories.get(key);
        if (factory === undefined) {
          const mod = (await import(plan.module)) as Record<string, unknown>;
          const f = mod[plan.export];
          if (typeof f !== 'function') throw new Error(`precision plan: ${plan.module} has no function export '${plan.export}'`);
          factory = f as ChooserFactory;
          this.factories.set(key, factory);
        }
        const make = factory;
        return (sequence) => make(plan.args, sequence, topology);
      }
    }
  }
}

interface RunOutputs {
  /** Per sequence: the last layer's output [steps, D * H_out] as floats. */
  readonly outputs: Float32Array[];
  readonly precisions: Uint8Array[];
}

/** Head, metric terms and precision counts of one design's outputs on a chunk. */
function scoreOutputs(task: ChunkTask, index: number, run: RunOutputs, ms: number): ChunkDesignResult {
  const parts = task.parts;
  const t = parts.rnn.topology;
  const scratch = makeReadoutScratch(parts);
  const n = task.sequences.length;
  const classification = task.taskKind === 'classification';
  const correct = classification ? new Uint8Array(n) : null;
  const predictions = classification ? null : new Int32Array(n);
  let totalPredictions = 0;
  if (!classification) for (const s of task.sequences) totalPredictions += s.steps;
  const nats = classification ? null : new Float64Array(totalPredictions);
  let p = 0;
  task.sequences.forEach((seq, k) => {
    const output = run.outputs[k];
    // The same rows as the sequential evaluator (the card's readout: last step or final state).
    if (correct) {
      forEachReadout(parts, 'classification', output, seq.steps, scratch, (row) => (correct[k] = argmax(row) === seq.label ? 1 : 0));
    } else if (nats && predictions) {
      const targets = seq.targets as Int32Array;
      forEachReadout(parts, 'language-model', output, seq.steps, scratch, (row, s) => (nats[p++] = crossEntropy(row, targets[s])));
      predictions[k] = seq.steps;
    }
  });
  const dirs = directionCount(t);
  const stepsByLayerBits = new Float64Array(t.num_layers * BITS_SLOTS);
  for (let k = 0; k < n; k++) {
    const pr = run.precisions[k];
    const steps = task.sequences[k].steps;
    for (let i = 0; i < pr.length; i++) {
      const layer = Math.floor(i / (dirs * steps));
      stepsByLayerBits[layer * BITS_SLOTS + pr[i]]++;
    }
  }
  return {
    index,
    correct,
    nats,
    predictions,
    stepsByLayerBits,
    stepPrecisions: task.keepStepPrecisions ? run.precisions : null,
    seconds: ms / 1000,
  };
}
