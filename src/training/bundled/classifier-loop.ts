/**
 * Epoch loop shared by the two sequence classifiers: seeded shuffling, mini-batches, cosine
 * learning-rate decay, validation accuracy after every epoch.
 */
import { classificationAccuracy, modelClassifier } from '../evaluate.js';
import { Prng } from '../prng.js';
import { TrainingProgress } from '../progress.js';
import { cosineLearningRate } from '../schedule.js';
import type { SequenceInput, SequenceModel } from '../sequence-model.js';
import { Trainer, type TrainerOptions } from '../trainer.js';

export interface ClassificationData {
  readonly count: number;
  /** Batch of the examples with these indices: time-major input and labels. */
  gather(indices: Int32Array): { input: SequenceInput; labels: Int32Array };
}

export interface ClassifierLoopOptions {
  readonly label: string;
  readonly epochs: number;
  readonly batch: number;
  readonly steps: number;
  readonly peakLearningRate: number;
  readonly trainer: Omit<TrainerOptions, 'learningRate'>;
  readonly seed: number;
  /** Stop after this many updates in total (smoke runs); undefined = all epochs. */
  readonly maxUpdates?: number;
}

export function accuracyOn(model: SequenceModel, data: ClassificationData, steps: number): number {
  return classificationAccuracy(modelClassifier(model), data.count, model.spec.outputSize, steps, (start, size) =>
    data.gather(Int32Array.from({ length: size }, (_, i) => start + i)),
  );
}

/** Trains in place; returns the validation accuracy after each epoch. */
export function trainClassifier(model: SequenceModel, train: ClassificationData, validation: ClassificationData, o: ClassifierLoopOptions): number[] {
  const rng = new Prng(o.seed);
  const trainer = new Trainer(model, { ...o.trainer, learningRate: o.peakLearningRate });
  const perEpoch = Math.floor(train.count / o.batch);
  const total = Math.min(perEpoch * o.epochs, o.maxUpdates ?? Infinity);
  const progress = new TrainingProgress(o.label, total);
  const order = Int32Array.from({ length: train.count }, (_, i) => i);
  const history: number[] = [];
  let update = 0;
  let lossSum = 0;
  let lossCount = 0;
  let correctish = 0;
  for (let epoch = 0; epoch < o.epochs && update < total; epoch++) {
    rng.shuffle(order);
    for (let b = 0; b < perEpoch && update < total; b++) {
      trainer.optimizer.learningRate = cosineLearningRate(update, total, o.peakLearningRate);
      const { input, labels } = train.gather(order.subarray(b * o.batch, (b + 1) * o.batch));
      const r = trainer.step(input, labels, o.steps, o.batch);
      lossSum += r.lossSum;
      lossCount += r.count;
      correctish++;
      update++;
      progress.update(update, `loss ${(lossSum / lossCount).toFixed(4)}`);
      if (correctish >= 50) {
        lossSum = 0;
        lossCount = 0;
        correctish = 0;
      }
    }
    const acc = accuracyOn(model, validation, o.steps);
    history.push(acc);
    progress.log(`epoch ${epoch + 1}: validation accuracy ${(100 * acc).toFixed(2)}%`);
  }
  progress.stop();
  return history;
}
