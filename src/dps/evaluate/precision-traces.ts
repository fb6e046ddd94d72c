/**
 * Traces that carry a per-step precision schedule and nothing else: the hardware of a design
 * (static or dynamic) runs on them with `decisions: recorded`, so the cycles and energy are
 * those of exactly the schedule whose accuracy was measured (or of a synthetic share, for the
 * sweep over DeepBench sizes). Written into rnnsim's own cache folder.
 */
import { join } from 'node:path';
import type { TraceHeader } from '../../traces/header.js';
import { TraceWriter } from '../../traces/writer.js';
import { writeShapeTrace } from '../../traces/writer.js';
import { directionCount } from '../../traces/work.js';

/** Precision of step `timestep` of layer `layer`, direction `direction` of sequence `sequence`. */
export type StepBits = (sequence: number, layer: number, direction: number, timestep: number) => number;

/** A copy of a header at a static precision, written as a shape-only trace named `name`. */
export function writeStaticTrace(dir: string, header: TraceHeader, name: string, bits: number): string {
  const { payload: _payload, precision_policy: _policy, ...rest } = header;
  const file = join(dir, `${name}.json`);
  writeShapeTrace(file, { ...rest, name, precision: { weight_bits: bits, activation_bits: bits } });
  return file;
}

/** A trace of `header`'s shape at `topBits` whose payload records every step's precision. */
export async function writeScheduleTrace(dir: string, header: TraceHeader, name: string, topBits: number, bitsAt: StepBits): Promise<string> {
  const { payload: _payload, precision_policy: _policy, ...rest } = header;
  const file = join(dir, `${name}.json`);
  const w = await TraceWriter.create(file, { ...rest, name, precision: { weight_bits: topBits, activation_bits: topBits } });
  const dirs = directionCount(header.model);
  const lengths = header.workload.sequence_lengths_timesteps;
  try {
    for (let seq = 0; seq < lengths.length; seq++) {
      for (let l = 0; l < header.model.num_layers; l++) {
        for (let d = 0; d < dirs; d++) {
          for (let t = 0; t < lengths[seq]; t++) {
            const bits = bitsAt(seq, l, d, t);
            await w.appendPrecision({ sequence_index: seq, timestep: t, layer_index: l, direction: d as 0 | 1, weight_bits: bits, activation_bits: bits });
          }
        }
      }
    }
  } catch (err) {
    await w.abort();
    throw err;
  }
  await w.finish();
  return file;
}

/**
 * A periodic schedule with a share `lowShare` of steps at `lowBits` (the rest at `highBits`),
 * spread as evenly as possible: step t (in processing order) is low when floor((t+1) s) > floor(t s).
 */
export function periodicBits(lowShare: number, lowBits: number, highBits: number): (t: number) => number {
  if (!(lowShare >= 0 && lowShare <= 1)) throw new RangeError(`share must be in [0, 1], got ${lowShare}`);
  return (t) => (Math.floor((t + 1) * lowShare + 1e-9) > Math.floor(t * lowShare + 1e-9) ? lowBits : highBits);
}
