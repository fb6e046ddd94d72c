/**
 * Limits on what rnnsim accepts, each checked before the work or the allocation it bounds, so an
 * input that would exhaust memory or time is refused at once (InputError, exit 1) naming the
 * file, the field and the limit, instead of being killed by the system or running for hours.
 *
 * Defaults leave wide room above every shipped config, trace and model (the largest DeepBench
 * trace, gru-h2816-b4-t1500, has 2.9e11 MACs and 6,000 layer-timesteps). A user who needs more
 * raises a limit for one command with `--set-limit NAME=VALUE` (repeatable; rnnsim --help lists
 * them). Quantities rnnsim counts in doubles can never exceed 2^53 - 1, whatever the limit:
 * beyond it counts are no longer exact.
 */
import { InputError } from './errors.js';

export interface LimitDecl {
  readonly default: number;
  /** The largest value --set-limit may set (an implementation bound, not a policy). */
  readonly max: number;
  readonly unit: string;
  readonly description: string;
}

const EXACT = Number.MAX_SAFE_INTEGER;

export const LIMITS = {
  input_file_bytes: {
    default: 64 * 2 ** 20,
    // readFileSync refuses files of 2 GiB and more.
    max: 2 ** 31 - 1,
    unit: 'bytes',
    description: 'size of a text input read whole: config, trace header, model card, sweep spec, data list',
  },
  data_file_bytes: {
    default: 2 ** 30,
    max: 2 ** 31 - 1,
    unit: 'bytes',
    description: 'size of a binary input read whole: safetensors weights, .npy data',
  },
  nesting_depth: {
    default: 64,
    // Deeper documents overflow the stack of the recursive parts of JSON Schema validation.
    max: 1000,
    unit: 'levels',
    description: 'nesting of objects and arrays in a JSON or YAML input',
  },
  yaml_aliases: {
    default: 100,
    max: 1_000_000,
    unit: 'aliases',
    description: 'YAML alias (*name) expansions in one document (guards against alias bombs)',
  },
  errors_shown: {
    default: 20,
    max: 1_000_000,
    unit: 'errors',
    description: 'schema errors printed for one file (the rest are counted)',
  },
  layers: {
    default: 1024,
    max: 65_535,
    unit: 'layers',
    description: "a trace's num_layers (payload records index layers in 16 bits)",
  },
  vector_elements: {
    default: 2 ** 24,
    max: 2 ** 32 - 1,
    unit: 'elements',
    description: "a trace's input_size, hidden_size, projection_size and GEMM dimensions",
  },
  layer_timesteps: {
    default: 1e8,
    max: EXACT,
    unit: 'timesteps',
    description: 'sum of sequence lengths x num_layers x directions of a trace (the steps a simulation walks)',
  },
  tiles: {
    default: 5_000_000,
    max: 1e9,
    unit: 'tiles',
    description: 'weight tiles a systolic schedule holds in memory (about 120 bytes each): GEMM tiles of the array size over the whole trace',
  },
  tile_jobs: {
    // Measured on Node 20, configs/epur.yaml with tile_rows 1 on a 16384-unit LSTM, 2 steps:
    // 1.57 million jobs made, 648 MB peak resident memory (about 400 bytes a job). The default
    // keeps a run near 2 GB; no DeepBench kernel holds more than 99,264 (gru-h2816-b1-t1500, MWL).
    default: 5_000_000,
    max: EXACT,
    unit: 'jobs',
    description: "tile jobs an E-PUR schedule holds at once: the last pass over each weight slice of the layer running, rows / tile_rows x input chunks x the timesteps it repeats (up to about 400 bytes each)",
  },
  sparse_layout_bytes: {
    // The unpacked mask is one typed array, and V8 refuses typed arrays past 2^32 elements.
    // Measured: a 16384-unit LSTM (a 1 GiB mask, one buffer for every matrix) ran in 60 s at
    // 1.13 GB peak resident memory; the default halves that. The largest DeepBench GRU
    // (gru-h2816) needs 27 MB.
    default: 2 ** 29,
    max: 2 ** 32,
    unit: 'bytes',
    description: "memory an ESE run's synthetic sparse layouts take: the 0/1 mask of the largest weight matrix (a byte a weight) and 8 bytes per PE and column of every matrix, twice for W_x and W_h (also kept joined)",
  },
  step_records: {
    // Measured on Node 20 with an 8 x 8 LSTM on configs/epur.yaml: peak resident memory 692 MB at
    // 1e6 steps, 1198 MB at 2e6 and 4007 MB at 8e6 (about 500 bytes a step), next to V8's default
    // heap of about 4.1 GB on this 64-bit machine. The default keeps a run near 2.2 GB.
    default: 4_000_000,
    max: EXACT,
    unit: 'steps',
    description: 'recurrent steps one run records (lockstep groups x layers x directions x the longest sequence of each group; one row each of timesteps.csv, about 500 bytes of memory each). Above the default, also give node more heap (NODE_OPTIONS=--max-old-space-size=MB)',
  },
  macs: {
    default: 1e14,
    max: EXACT,
    unit: 'MACs',
    description: "multiply-accumulates of a trace's whole workload",
  },
} as const satisfies Record<string, LimitDecl>;

export type LimitName = keyof typeof LIMITS;

const current = new Map<LimitName, number>();

/** The limit in force (the default unless --set-limit set it). */
export function limit(name: LimitName): number {
  return current.get(name) ?? LIMITS[name].default;
}

export function isLimitName(name: string): name is LimitName {
  return Object.prototype.hasOwnProperty.call(LIMITS, name);
}

/** Set limits from `NAME=VALUE` texts (the --set-limit flag); an InputError names a bad one. */
export function setLimits(assignments: readonly string[]): void {
  for (const text of assignments) {
    const m = /^([a-z_]+)=(.+)$/.exec(text);
    if (!m) throw new InputError(`--set-limit ${text}: expected NAME=VALUE, e.g. --set-limit macs=1e15 (limits: ${Object.keys(LIMITS).join(', ')})`);
    const [, name, raw] = m as unknown as [string, string, string];
    if (!isLimitName(name)) throw new InputError(`--set-limit ${text}: unknown limit '${name}'; the limits are ${Object.keys(LIMITS).join(', ')}`);
    const value = Number(raw);
    const decl = LIMITS[name];
    if (!Number.isSafeInteger(value) || value < 1 || value > decl.max) {
      throw new InputError(`--set-limit ${text}: expected an integer from 1 to ${decl.max} (${decl.unit}), found '${raw}'`);
    }
    current.set(name, value);
  }
}

/** The limits set by --set-limit, as NAME=VALUE texts (to hand to worker threads). */
export function limitAssignments(): string[] {
  return [...current].map(([name, value]) => `${name}=${value}`);
}

/** Back to the defaults (each command starts from them). */
export function resetLimits(): void {
  current.clear();
}

/** The hint every limit error ends with. */
export function raiseHint(name: LimitName): string {
  const decl = LIMITS[name];
  return `the ${name} limit is ${limit(name)} ${decl.unit}${limit(name) < decl.max ? `; raise it with --set-limit ${name}=N if this is meant` : ''}`;
}

/** The message for `value` over the limit `name` (or not an exact count), or undefined when it is within. */
export function limitProblem(name: LimitName, value: number, what: string): string | undefined {
  if (Number.isFinite(value) && value <= limit(name) && value <= EXACT) return undefined;
  const shown = Number.isFinite(value) ? String(value) : 'more than 2^1024';
  return `${what} is ${shown} ${LIMITS[name].unit}, more than rnnsim accepts: ${raiseHint(name)}`;
}

/**
 * Throw an InputError when `value` exceeds the limit `name` (or is not an exact count):
 * `what` says which quantity of which field, `file` the input it came from.
 */
export function checkLimit(name: LimitName, value: number, what: string, file?: string): void {
  const problem = limitProblem(name, value, what);
  if (problem) throw new InputError(problem, file);
}

/** The help text listing every limit. */
export function limitsHelp(): string {
  const width = Math.max(...Object.keys(LIMITS).map((k) => k.length));
  return (Object.entries(LIMITS) as [LimitName, LimitDecl][])
    .map(([name, d]) => `  ${name.padEnd(width)}  ${String(d.default).padStart(10)} ${d.unit}: ${d.description}`)
    .join('\n');
}
