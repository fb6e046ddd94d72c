/**
 * The parts of a parameter set that inference needs: the recurrent core as an RnnModel, the
 * embedding table and the head as plain float arrays, and how a classifier reads the core's
 * output. The core runs in float32 (forwardFloat) or through the integer datapath
 * (QuantizedRnn); the embedding lookup and the head always run in float32.
 */
import { InputError } from '../errors.js';
import { directionCount, loadRnnModel, outputSize, type RnnModel } from '../functional/rnn-model.js';
import type { RnnTopology, TensorMap } from '../functional/tensor.js';
import type { ClassifierReadout } from './card.js';
import type { EvalSequence } from './eval-data.js';

export interface InferenceParts {
  readonly rnn: RnnModel;
  /** [vocab, input_size], or null for dense inputs. */
  readonly embedding: Float32Array | null;
  /** [classes, D * H_out], or null without a head. */
  readonly headWeight: Float32Array | null;
  /** [classes], or null (no head, or a head without bias). */
  readonly headBias: Float32Array | null;
  /** Head rows (classes or vocabulary size), or D * H_out without a head. */
  readonly classes: number;
  /** Where a classifier reads the core's output. */
  readonly readout: ClassifierReadout;
}

export interface InferenceOptions {
  /** File name for error messages. */
  readonly source?: string;
  readonly readout?: ClassifierReadout;
}

/** Binds the tensors (head present when head.weight is). Shapes of the core are checked. */
export function inferenceParts(tensors: TensorMap, topology: RnnTopology, options: InferenceOptions = {}): InferenceParts {
  const hw = tensors.get('head.weight');
  const hb = tensors.get('head.bias');
  const width = directionCount(topology) * outputSize(topology);
  if (hw && (hw.shape.length !== 2 || hw.shape[1] !== width)) {
    throw new InputError(`tensor "head.weight" has shape [${hw.shape.join(', ')}], expected [classes, ${width}]`, options.source);
  }
  return {
    rnn: loadRnnModel(tensors, { topology, source: options.source }),
    embedding: tensors.get('embedding.weight')?.data ?? null,
    headWeight: hw?.data ?? null,
    headBias: hw ? (hb?.data ?? null) : null,
    classes: hw ? hw.shape[0] : width,
    readout: options.readout ?? 'last_step',
  };
}

/** Layer-0 input [steps, input_size] of a sequence: the embedding rows of its tokens, or its values. */
export function sequenceInput(seq: EvalSequence, parts: InferenceParts): Float32Array {
  if (seq.values) return seq.values;
  if (!seq.tokens || !parts.embedding) throw new Error('sequence has tokens but the model has no embedding (or neither)');
  const E = parts.rnn.topology.input_size;
  const out = new Float32Array(seq.steps * E);
  for (let t = 0; t < seq.steps; t++) out.set(parts.embedding.subarray(seq.tokens[t] * E, (seq.tokens[t] + 1) * E), t * E);
  return out;
}
