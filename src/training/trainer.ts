/**
 * One optimisation step: refresh quantized/masked weights, forward, softmax cross-entropy,
 * backpropagation through time, mask gradients, clip the global norm, Adam, clip weights.
 */
import { Adam } from './adam.js';
import { clipGlobalNorm } from './gradient-clipping.js';
import { zeroGrads } from './parameter.js';
import type { SequenceInput, SequenceModel } from './sequence-model.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { WeightTransformer, type QuantizationAwareTraining } from './weight-transform.js';

export interface TrainerOptions {
  readonly learningRate: number;
  /** Global gradient-norm bound. */
  readonly maxGradNorm: number;
  readonly qat?: QuantizationAwareTraining;
  /** Pruning masks by parameter name (1 keeps, 0 prunes), for masked fine-tuning. */
  readonly masks?: ReadonlyMap<string, Uint8Array>;
}

export interface StepResult {
  /** Summed cross-entropy in nats over `count` predictions. */
  readonly lossSum: number;
  readonly count: number;
  readonly gradNorm: number;
}

export class Trainer {
  readonly optimizer: Adam;
  readonly weights: WeightTransformer;
  private dlogits = new Float32Array(0);

  constructor(
    readonly model: SequenceModel,
    readonly options: TrainerOptions,
  ) {
    this.optimizer = new Adam(model.params, { learningRate: options.learningRate });
    this.weights = new WeightTransformer(model.params, options.qat, options.masks);
  }

  /** One update on a batch; targets are per step (every-step readout) or per sequence (last-step). */
  step(input: SequenceInput, targets: Int32Array, steps: number, batch: number, initial?: readonly (readonly Float32Array[])[]): StepResult {
    const model = this.model;
    this.weights.refresh();
    zeroGrads(model.params);
    const logits = model.forward(input, steps, batch, initial);
    const rows = model.outputRows(steps, batch);
    const classes = model.spec.outputSize;
    if (this.dlogits.length < rows * classes) this.dlogits = new Float32Array(rows * classes);
    const dlogits = this.dlogits.subarray(0, rows * classes);
    const lossSum = softmaxCrossEntropy(logits, targets, rows, classes, dlogits, rows);
    model.backward(dlogits);
    this.weights.maskGradients();
    const gradNorm = clipGlobalNorm(model.params, this.options.maxGradNorm);
    this.optimizer.step();
    this.weights.afterUpdate();
    return { lossSum, count: rows, gradNorm };
  }
}
