/**
 * Shards: `--shard I/N` runs the points whose index is I-1 modulo N (I from 1 to N), so N
 * processes (a Slurm job array) share a sweep evenly whatever its order; `rnnsim sweep merge`
 * puts the shards' folders back together. Without --shard, a Slurm array task takes its shard
 * from SLURM_ARRAY_TASK_ID (offset by SLURM_ARRAY_TASK_MIN) and SLURM_ARRAY_TASK_COUNT.
 */
import { InputError } from '../errors.js';

export interface Shard {
  /** From 1 to count. */
  readonly index: number;
  readonly count: number;
}

export const MAX_SHARDS = 100_000;

export function formatShard(s: Shard): string {
  return `${s.index}/${s.count}`;
}

export function parseShard(text: string, source = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`${source}: expected I/N (this process runs shard I of N, I from 1 to N), found '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new InputError(`${source}: N must be from 1 to ${MAX_SHARDS}, found ${count}`);
  if (index < 1 || index > count) throw new InputError(`${source}: I must be from 1 to N = ${count}, found ${index}`);
  return { index, count };
}

/** The shard of a Slurm array task, from its environment (undefined outside an array job). */
export function shardFromEnvironment(env: NodeJS.ProcessEnv): Shard | undefined {
  const id = env.SLURM_ARRAY_TASK_ID;
  const count = env.SLURM_ARRAY_TASK_COUNT;
  if (id === undefined || count === undefined) return undefined;
  const min = env.SLURM_ARRAY_TASK_MIN ?? '1';
  if (!/^\d+$/.test(id) || !/^\d+$/.test(count) || !/^\d+$/.test(min)) {
    throw new InputError(`SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_COUNT=${count}: expected whole numbers (give --shard I/N to override)`);
  }
  // Task ids need not start at 1 (--array=0-3): the shard is the task's position in the array.
  return parseShard(`${Number(id) - Number(min) + 1}/${count}`, 'the Slurm array environment (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT)');
}
