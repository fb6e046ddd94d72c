/**
 * The model card (schemas/model-card.schema.json): one format for every model rnnsim runs, the
 * bundled ones (models/<name>/model.json) and a user's (any path, JSON or YAML). The recurrent
 * core is described with torch.nn.LSTM / torch.nn.GRU's constructor argument names, then the
 * optional embedding, the head, the weights file, the metric and the data.
 *
 * Reading a card: parse (JSON is read by the YAML parser too, so every error has a line and
 * column), validate against the JSON Schema, then the rules a schema cannot say (embedding_dim =
 * input_size, proj_size < hidden_size for an LSTM only, a metric that fits the head, ...). Every
 * failure is an InputError naming the card file and the field.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InputError } from '../errors.js';
import { shownLines } from '../input-shape.js';
import { limitProblem } from '../limits.js';
import { readYamlFile, formatKeyPath, type KeyPath, type LoadedYaml } from '../energy/yaml-loader.js';
import type { RnnTopology } from '../functional/tensor.js';

export const MODEL_CARD_FORMAT_VERSION = 1;

/** schemas/ sits two levels above both src/models/ (tests) and dist/models/ (the CLI). */
export const MODEL_CARD_SCHEMA_URL = new URL('../../schemas/model-card.schema.json', import.meta.url);

export type MetricName = 'accuracy' | 'bits_per_char' | 'perplexity' | 'agreement';
export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'bits_per_char', 'perplexity', 'agreement'];

export type ClassifierReadout = 'last_step' | 'final_state';

export interface EmbeddingSpec {
  readonly num_embeddings: number;
  readonly embedding_dim: number;
  readonly padding_idx?: number | null;
  readonly vocabulary?: readonly string[];
}

export type HeadSpec =
  | { readonly type: 'none' }
  | { readonly type: 'classifier'; readonly classes: readonly string[] | number; readonly readout?: ClassifierReadout; readonly bias?: boolean }
  | { readonly type: 'language_model'; readonly vocabulary: readonly string[] | number; readonly bias?: boolean };

export interface CardData {
  readonly dataset?: string;
  readonly train?: string;
  readonly validation?: string;
  readonly test?: string;
  readonly source?: string;
  readonly split_rule?: string;
  readonly sizes?: Record<string, unknown>;
  readonly encoding?: Record<string, unknown>;
  readonly notes?: Record<string, unknown>;
}

export type WeightsDtype = 'float32' | 'float16' | 'bfloat16' | 'float64';

/** A model card as written (optional fields may be absent; see the resolved values on LoadedCard). */
export interface ModelCard {
  readonly $schema?: string;
  readonly format_version?: 1;
  readonly name?: string;
  readonly description?: string;
  readonly cell: 'lstm' | 'gru';
  readonly input_size: number;
  readonly hidden_size: number;
  readonly num_layers?: number;
  readonly bias?: boolean;
  readonly batch_first?: boolean;
  readonly bidirectional?: boolean;
  readonly proj_size?: number;
  readonly dropout?: number;
  readonly embedding?: EmbeddingSpec;
  readonly head: HeadSpec;
  readonly weights: string;
  /** SHA-256 of the weights file (hex), checked before the weights are read when given. */
  readonly weights_sha256?: string;
  readonly dtype?: WeightsDtype;
  readonly metric?: MetricName;
  readonly data?: CardData;
  readonly seed?: number;
  readonly command?: string;
  readonly hyperparameters?: Record<string, unknown>;
  readonly metrics?: Record<string, unknown>;
  readonly training?: Record<string, unknown>;
  readonly notes?: Record<string, unknown>;
}

/** A validated card with its defaults resolved. */
export interface LoadedCard {
  readonly card: ModelCard;
  /** The card file as given. */
  readonly file: string;
  /** Directory relative paths in the card are resolved against (relative when the card path is). */
  readonly dir: string;
  readonly name: string;
  readonly topology: RnnTopology;
  readonly bias: boolean;
  readonly metric: MetricName;
  /** The weights file, joined to the card's directory (relative when both paths are). */
  readonly weightsFile: string;
  readonly dtype: WeightsDtype;
  /** "line L, column C (at a.b)" of a key path, for error messages. */
  where(keyPath: KeyPath): string;
}

/** Rows of head.weight: classes, vocabulary size, or 0 without a head. */
export function headOutputs(head: HeadSpec): number {
  if (head.type === 'none') return 0;
  const v = head.type === 'classifier' ? head.classes : head.vocabulary;
  return typeof v === 'number' ? v : v.length;
}

/** Class names (classifier) or tokens (language model), numbered when the card gives only a count. */
export function headLabels(head: HeadSpec): string[] {
  if (head.type === 'none') return [];
  const v = head.type === 'classifier' ? head.classes : head.vocabulary;
  return typeof v === 'number' ? Array.from({ length: v }, (_, i) => String(i)) : [...v];
}

export function headHasBias(head: HeadSpec): boolean {
  return head.type === 'none' ? false : head.bias !== false;
}

export function defaultMetric(head: HeadSpec): MetricName {
  return head.type === 'classifier' ? 'accuracy' : head.type === 'language_model' ? 'bits_per_char' : 'agreement';
}

export function cardTopology(card: ModelCard): RnnTopology {
  return {
    cell: card.cell,
    input_size: card.input_size,
    hidden_size: card.hidden_size,
    proj_size: card.proj_size ?? 0,
    num_layers: card.num_layers ?? 1,
    bidirectional: card.bidirectional ?? false,
  };
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, discriminator: true }).compile(JSON.parse(readFileSync(MODEL_CARD_SCHEMA_URL, 'utf8')) as object);
  return compiled;
}

function keyPathOf(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** A short rendering of a found value (vocabularies can hold thousands of entries). */
function shortJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeError(e: ErrorObject, data: unknown, where: (k: KeyPath) => string): string | undefined {
  const keyPath = keyPathOf(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const found = (): string => {
    let v: unknown = data;
    for (const k of keyPath) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
    return v === undefined ? '' : `; found ${shortJson(v)}`;
  };
  switch (e.keyword) {
    case 'additionalProperties':
      keyPath.push(String(params['additionalProperty']));
      return `${where(keyPath)}: unknown key '${String(params['additionalProperty'])}' (the keys of a model card are fixed by schemas/model-card.schema.json; free text goes in description or notes)`;
    case 'required':
      return `${where(keyPath)}: missing required key '${String(params['missingProperty'])}'`;
    case 'enum':
      return `${where(keyPath)}: must be one of ${JSON.stringify(params['allowedValues'])}${found()}`;
    case 'const':
      return `${where(keyPath)}: must be ${JSON.stringify(params['allowedValue'])}${found()}`;
    case 'discriminator':
      return `${where(keyPath)}: head type must be one of "none", "classifier", "language_model"${found()}`;
    case 'oneOf':
    case 'anyOf':
      // The branch errors above it say what each alternative wanted; one summary line suffices.
      return `${where(keyPath)}: ${e.message ?? 'invalid'}${found()}`;
    default:
      return `${where(keyPath)}: ${e.message ?? 'invalid'}${found()}`;
  }
}

/** Schema then cross-field checks of parsed card data; `file` names the card in errors. */
export function checkModelCard(data: unknown, file: string, where: (k: KeyPath) => string = (k) => `(at ${formatKeyPath(k)})`): ModelCard {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError('a model card must be a JSON or YAML object (mapping)', file);
  const validate = validator();
  if (!validate(data)) {
    const lines = shownLines([...new Set((validate.errors ?? []).map((e) => describeError(e, data, where)).filter((l): l is string => l !== undefined))], (l) => l);
    throw new InputError(`model card does not match schemas/model-card.schema.json:\n  ${lines.join('\n  ')}`, file);
  }
  const card = data as ModelCard;
  const bad = (keyPath: KeyPath, message: string): InputError => new InputError(`${where(keyPath)}: ${message}`, file);
  const t = cardTopology(card);
  // Size limits before anything is listed or allocated per layer (num_layers 1e9 filled 4 GB).
  const limitAt = (keyPath: KeyPath, name: 'layers' | 'vector_elements', value: number): void => {
    const problem = limitProblem(name, value, formatKeyPath(keyPath));
    if (problem) throw bad(keyPath, problem);
  };
  limitAt(['num_layers'], 'layers', t.num_layers);
  limitAt(['input_size'], 'vector_elements', t.input_size);
  limitAt(['hidden_size'], 'vector_elements', t.hidden_size);
  limitAt(['proj_size'], 'vector_elements', t.proj_size);
  if (card.embedding) limitAt(['embedding', 'num_embeddings'], 'vector_elements', card.embedding.num_embeddings);
  if (t.proj_size > 0 && t.cell !== 'lstm') throw bad(['proj_size'], `proj_size is defined for an LSTM only (torch.nn.GRU has no projection); found ${t.proj_size} with cell gru`);
  if (t.proj_size >= t.hidden_size) throw bad(['proj_size'], `proj_size must be smaller than hidden_size ${t.hidden_size} (as torch requires); found ${t.proj_size}`);
  const e = card.embedding;
  if (e) {
    if (e.embedding_dim !== card.input_size) throw bad(['embedding', 'embedding_dim'], `embedding_dim ${e.embedding_dim} must equal input_size ${card.input_size} (layer 0 reads the embedding rows)`);
    if (e.vocabulary && e.vocabulary.length !== e.num_embeddings) throw bad(['embedding', 'vocabulary'], `has ${e.vocabulary.length} tokens, num_embeddings is ${e.num_embeddings}`);
    if (typeof e.padding_idx === 'number' && e.padding_idx >= e.num_embeddings) throw bad(['embedding', 'padding_idx'], `must be below num_embeddings ${e.num_embeddings}; found ${e.padding_idx}`);
  }
  const head = card.head;
  if (head.type === 'language_model') {
    if (!e) throw bad(['head'], 'a language model reads token ids: the card needs an embedding (num_embeddings = the vocabulary size)');
    if (headOutputs(head) !== e.num_embeddings) throw bad(['head', 'vocabulary'], `a language model predicts the next input token: ${headOutputs(head)} head outputs, but the embedding has num_embeddings ${e.num_embeddings}`);
  }
  const metric = card.metric ?? defaultMetric(head);
  const fits: Record<MetricName, HeadSpec['type'][]> = {
    accuracy: ['classifier'],
    bits_per_char: ['language_model'],
    perplexity: ['language_model'],
    agreement: ['none', 'classifier', 'language_model'],
  };
  if (!fits[metric].includes(head.type)) throw bad(['metric'], `metric ${metric} needs a ${fits[metric].join(' or ')} head; the head is ${head.type}`);
  const d = card.data;
  if (d?.dataset !== undefined && (d.train !== undefined || d.validation !== undefined || d.test !== undefined)) {
    throw bad(['data'], 'give either a bundled data set (dataset) or data files (train / validation / test), not both');
  }
  return card;
}

/** The default name of a card file: its directory for model.json / model.yaml, else its base name. */
export function defaultCardName(file: string): string {
  const base = basename(file, extname(file));
  return base === 'model' ? basename(dirname(resolve(file))) : base;
}

/** A path written in a card, relative to the card's directory unless absolute. */
export function cardPath(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

/** Reads and checks a card (JSON or YAML, by content: JSON is YAML). */
export function readModelCard(file: string): LoadedCard {
  const loaded: LoadedYaml = readYamlFile(file);
  const card = checkModelCard(loaded.data, file, loaded.where);
  const dir = dirname(file);
  const name = card.name ?? defaultCardName(file);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new InputError(`the model name '${name}' (from the file name) is not usable in trace names; add a "name" of letters, digits, '.', '_' and '-'`, file);
  }
  return {
    card,
    file,
    dir,
    name,
    topology: cardTopology(card),
    bias: card.bias ?? true,
    metric: card.metric ?? defaultMetric(card.head),
    weightsFile: cardPath(dir, card.weights),
    dtype: card.dtype ?? 'float32',
    where: loaded.where,
  };
}
