/**
 * Metrics of the bundled models, written against plain forward functions so that the same
 * code scores the float trainer model and any quantized / fixed-point inference model:
 * bits per character for the language model, accuracy for the classifiers, and the trivial
 * baselines they are reported next to.
 */
import type { SequenceInput, SequenceModel } from './sequence-model.js';
import { argmaxRows, softmaxCrossEntropy } from './softmax-cross-entropy.js';

/**
 * Runs `streams` sequences side by side for `steps` steps (tokens time-major, [steps, streams])
 * from `state` (undefined: zeros) and returns logits [steps, streams, vocab] and the state after.
 */
export type StreamForward<S> = (tokens: Int32Array, steps: number, streams: number, state: S | undefined) => { logits: Float32Array; state: S };

/** Classifies `batch` sequences (time-major input) and returns logits [batch, classes]. */
export type BatchClassifier = (input: SequenceInput, steps: number, batch: number) => Float32Array;

/**
 * Bits per character of next-character prediction over `text`. The text is cut into `streams`
 * contiguous segments evaluated in parallel, each from a zero state, carrying the state across
 * chunks of `chunk` characters; every character except the first of a segment is predicted once.
 */
export function bitsPerCharacter<S>(forward: StreamForward<S>, text: Int32Array, vocabSize: number, streams = 32, chunk = 128): number {
  const segment = Math.floor(text.length / streams);
  if (segment < 2) throw new Error('text too short for the number of streams');
  const inputs = new Int32Array(chunk * streams);
  const targets = new Int32Array(chunk * streams);
  let state: S | undefined;
  let nats = 0;
  let count = 0;
  for (let pos = 0; pos < segment - 1; pos += chunk) {
    const steps = Math.min(chunk, segment - 1 - pos);
    for (let t = 0; t < steps; t++) {
      for (let s = 0; s < streams; s++) {
        inputs[t * streams + s] = text[s * segment + pos + t];
        targets[t * streams + s] = text[s * segment + pos + t + 1];
      }
    }
    const out = forward(inputs.subarray(0, steps * streams), steps, streams, state);
    state = out.state;
    nats += softmaxCrossEntropy(out.logits, targets, steps * streams, vocabSize);
    count += steps * streams;
  }
  return nats / count / Math.LN2;
}

/** Accuracy of a classifier over examples fetched in batches by `batchAt` (start, size). */
export function classificationAccuracy(
  classify: BatchClassifier,
  count: number,
  classes: number,
  steps: number,
  batchAt: (start: number, size: number) => { input: SequenceInput; labels: Int32Array },
  batchSize = 64,
): number {
  let correct = 0;
  const predicted = new Int32Array(batchSize);
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const { input, labels } = batchAt(start, size);
    argmaxRows(classify(input, steps, size), size, classes, predicted);
    for (let i = 0; i < size; i++) if (predicted[i] === labels[i]) correct++;
  }
  return correct / count;
}

/** Adapter: the trainer's float model as a StreamForward. */
export function modelStreamForward(model: SequenceModel): StreamForward<Float32Array[][]> {
  return (tokens, steps, streams, state) => {
    const logits = model.forward({ tokens }, steps, streams, state);
    return { logits, state: model.finalStates() };
  };
}

/** Adapter: the trainer's float model as a BatchClassifier. */
export function modelClassifier(model: SequenceModel): BatchClassifier {
  return (input, steps, batch) => model.forward(input, steps, batch);
}

/** Trivial baseline: bits per character of an add-one-smoothed unigram model fitted on train. */
export function unigramBitsPerCharacter(train: Int32Array, test: Int32Array, vocabSize: number): number {
  const counts = new Float64Array(vocabSize).fill(1);
  for (let i = 0; i < train.length; i++) counts[train[i]]++;
  const total = train.length + vocabSize;
  let bits = 0;
  for (let i = 0; i < test.length; i++) bits -= Math.log2(counts[test[i]] / total);
  return bits / test.length;
}

/** Trivial baseline: accuracy of always answering the most frequent training class. */
export function majorityClassAccuracy(trainLabels: Int32Array, testLabels: Int32Array, classes: number): { cls: number; accuracy: number } {
  const counts = new Int32Array(classes);
  for (const y of trainLabels) counts[y]++;
  let cls = 0;
  for (let c = 1; c < classes; c++) if (counts[c] > counts[cls]) cls = c;
  let hit = 0;
  for (const y of testLabels) if (y === cls) hit++;
  return { cls, accuracy: hit / testLabels.length };
}
