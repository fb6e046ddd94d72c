/**
 * The data a model is evaluated on, whatever their origin, behind one interface: a bundled data
 * set (src/datasets/registry.ts) or a user's files (src/datasets/user-data.ts). Where they come
 * from, first match wins:
 *   1. --dataset NAME, or --data PATH / --validation-data PATH on the command line;
 *   2. the card's data.dataset, or its data.train / validation / test paths (relative to the card).
 * --data is the test split, or a directory holding train/validation/test splits. When test data
 * are given without validation data, every 5th sequence (index % 5 == 0) is held out as the
 * validation split and the others are the test split, so choices are never made on what is
 * reported.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { bundledDataset, type BundledDataset } from '../datasets/registry.js';
import { limitExamples, takeRows, type SplitData } from '../datasets/split-data.js';
import type { SplitName } from '../datasets/split-rule.js';
import { readUserSplit, splitSourcesIn } from '../datasets/user-data.js';
import { cardPath, headLabels, type LoadedCard } from './card.js';
import { toEvalData, type DataExpectation, type EvalData } from './eval-data.js';

export interface DataFlags {
  /** Test split, or a directory of train/validation/test splits. */
  readonly data?: string;
  readonly validationData?: string;
  /** A bundled data set. */
  readonly dataset?: string;
}

/** Why a subset is taken: its default size depends on it (and on what the data count). */
export type LimitPurpose = 'choice' | 'evaluation' | 'dps-test' | 'dps-trace' | 'dps-evaluate-validation' | 'dps-evaluate-test';

/**
 * Default subset sizes. Examples: 200 validation examples for choices, every test example for
 * `rnnsim accuracy`, 1000 for DPS reports, 200 for DPS traces. Characters (a text data set): the
 * first 5,000 / 20,000 / 20,000 / 5,000 characters. `rnnsim dps evaluate` takes whole splits of
 * examples and the encoder's default of characters (undefined), unless a data set says otherwise.
 */
const DEFAULT_LIMITS: Record<'examples' | 'characters', Record<LimitPurpose, number | undefined>> = {
  examples: { choice: 200, evaluation: undefined, 'dps-test': 1000, 'dps-trace': 200, 'dps-evaluate-validation': undefined, 'dps-evaluate-test': undefined },
  characters: { choice: 5_000, evaluation: 20_000, 'dps-test': 20_000, 'dps-trace': 5_000, 'dps-evaluate-validation': undefined, 'dps-evaluate-test': undefined },
};

export interface ModelData {
  /** Where the data come from, for reports. */
  readonly origin: string;
  /** What a limit counts. */
  readonly unit: 'examples' | 'characters';
  has(split: SplitName): boolean;
  /** Evaluation sequences of a split: `limit` evenly spread examples (or first characters); undefined = the default of the data set (usually all). */
  load(split: SplitName, limit?: number): EvalData;
  defaultLimit(purpose: LimitPurpose): number | undefined;
  /** Identifies the data (for result caches): a data set name, or a hash of the files. */
  fingerprint(): string;
}

function expectation(card: LoadedCard): DataExpectation {
  return { head: card.card.head, inputSize: card.topology.input_size, vocabularySize: card.card.embedding?.num_embeddings };
}

class BundledData implements ModelData {
  readonly unit: 'examples' | 'characters';
  readonly origin: string;

  constructor(
    private readonly card: LoadedCard,
    private readonly dataset: BundledDataset,
  ) {
    this.unit = dataset.unit;
    this.origin = `bundled data set ${dataset.name}`;
  }

  has(): boolean {
    return true;
  }

  load(split: SplitName, limit?: number): EvalData {
    const data = this.dataset.encode(split, { limit, card: this.card.card, cardFile: this.card.file });
    return toEvalData(data, expectation(this.card), `${this.origin} (${split} split) for ${this.card.file}`);
  }

  defaultLimit(purpose: LimitPurpose): number | undefined {
    return (this.dataset.defaultLimits ?? DEFAULT_LIMITS[this.unit])[purpose];
  }

  fingerprint(): string {
    return `dataset:${this.dataset.name}`;
  }
}

/** Every regular file under a path (a data directory or one file), sorted. */
function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => filesUnder(join(path, f)));
}

class FileData implements ModelData {
  readonly unit = 'examples' as const;
  readonly origin: string;
  private readonly cache = new Map<string, SplitData>();

  constructor(
    private readonly card: LoadedCard,
    private readonly sources: Partial<Record<SplitName, string>>,
  ) {
    const parts = (['train', 'validation', 'test'] as const).filter((s) => sources[s]).map((s) => `${s} ${sources[s]}`);
    this.origin = `files: ${parts.join(', ')}${!sources.validation && sources.test ? ' (validation: every 5th test sequence, held out)' : ''}`;
  }

  has(split: SplitName): boolean {
    return this.sources[split] !== undefined || (split === 'validation' && this.sources.test !== undefined);
  }

  private read(split: SplitName, path: string): SplitData {
    const key = `${split}\u0000${path}`;
    let d = this.cache.get(key);
    if (!d) {
      d = readUserSplit(path, split, { classes: this.card.card.head.type === 'classifier' ? headLabels(this.card.card.head) : undefined });
      this.cache.set(key, d);
    }
    return d;
  }

  /** The full split (before limits) and what it is. */
  private full(split: SplitName): { data: SplitData; what: string; source: string } {
    const own = this.sources[split];
    if (own) return { data: this.read(split, own), what: `${split} sequences from ${own}`, source: own };
    throw new InputError(`no ${split} data for model ${this.card.name}: give --${split === 'test' ? 'data' : `${split}-data`} PATH or data.${split} in the card`, this.card.file);
  }

  load(split: SplitName, limit?: number): EvalData {
    let base: { data: SplitData; what: string; source: string };
    if (split === 'validation' && !this.sources.validation && this.sources.test) {
      // Hold out every 5th test sequence for choices.
      const all = this.read('test', this.sources.test);
      const idx = Array.from({ length: all.count }, (_, i) => i).filter((i) => i % 5 === 0);
      if (all.count < 2) throw new InputError(`${all.count} sequence: too few to hold out validation data; give --validation-data`, this.sources.test);
      base = { data: { ...takeRows(all, idx, ''), split: 'validation' }, what: `validation sequences (every 5th of ${this.sources.test}, index % 5 == 0, held out: no validation data given)`, source: this.sources.test };
    } else if (split === 'test' && !this.sources.validation && this.sources.test) {
      const all = this.read('test', this.sources.test);
      const idx = Array.from({ length: all.count }, (_, i) => i).filter((i) => i % 5 !== 0);
      base = { data: takeRows(all, idx, ''), what: `test sequences (of ${this.sources.test}, without every 5th held out for validation)`, source: this.sources.test };
    } else {
      base = this.full(split);
    }
    const taken = limitExamples(base.data, limit, base.what);
    return toEvalData(taken, expectation(this.card), base.source);
  }

  defaultLimit(purpose: LimitPurpose): number | undefined {
    return DEFAULT_LIMITS.examples[purpose];
  }

  fingerprint(): string {
    const h = createHash('sha256');
    for (const split of ['train', 'validation', 'test'] as const) {
      const p = this.sources[split];
      if (!p) continue;
      for (const f of filesUnder(p)) h.update(`${split}:${f}\n`).update(readFileSync(f));
    }
    return `files:${h.digest('hex')}`;
  }
}

class NoData implements ModelData {
  readonly unit = 'examples' as const;
  readonly origin = 'none';

  constructor(private readonly card: LoadedCard) {}

  has(): boolean {
    return false;
  }

  load(split: SplitName): EvalData {
    throw new InputError(`no ${split} data for model ${this.card.name}: give --data PATH (a directory with inputs.npy [+ lengths.npy, labels.npy], an .npy or a .jsonl file), --dataset NAME, or "data" in the card`, this.card.file);
  }

  defaultLimit(purpose: LimitPurpose): number | undefined {
    return DEFAULT_LIMITS.examples[purpose];
  }

  fingerprint(): string {
    return 'none';
  }
}

function userSources(data: string | undefined, validation: string | undefined): Partial<Record<SplitName, string>> {
  const out: Partial<Record<SplitName, string>> = {};
  if (data !== undefined) Object.assign(out, splitSourcesIn(data) ?? { test: data });
  if (validation !== undefined) out.validation = validation;
  return out;
}

/** The data of a model, from the flags or else its card. */
export function modelData(card: LoadedCard, flags: DataFlags = {}): ModelData {
  if (flags.dataset !== undefined) {
    if (flags.data !== undefined || flags.validationData !== undefined) throw new InputError('give either --dataset or --data / --validation-data, not both');
    return new BundledData(card, bundledDataset(flags.dataset));
  }
  if (flags.data !== undefined || flags.validationData !== undefined) {
    const sources = userSources(flags.data, flags.validationData);
    if (!sources.test) throw new InputError('--validation-data needs test data too: give --data PATH');
    return new FileData(card, sources);
  }
  const d = card.card.data;
  if (d?.dataset !== undefined) return new BundledData(card, bundledDataset(d.dataset, card.file));
  if (d && (d.train !== undefined || d.validation !== undefined || d.test !== undefined)) {
    const sources: Partial<Record<SplitName, string>> = {};
    for (const split of ['train', 'validation', 'test'] as const) {
      const p = d[split];
      if (p !== undefined) sources[split] = cardPath(card.dir, p);
    }
    if (!sources.test) throw new InputError('data.validation / data.train without data.test: the card must name its test data', card.file);
    return new FileData(card, sources);
  }
  return new NoData(card);
}

