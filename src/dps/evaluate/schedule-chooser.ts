/**
 * The chooser factory of a fixed schedule, as a module so the batched evaluator can run it in
 * worker threads (design-chunk.ts 'module' plans): args carry every stream's bits by timestep.
 */
import type { PrecisionChooser, PrecisionContext } from '../../functional/quantized-network.js';
import type { RnnTopology } from '../../functional/tensor.js';

export interface ScheduleArgs {
  /** "sequence.layer.direction" -> bits by timestep. */
  readonly streams: ReadonlyMap<string, Uint8Array>;
}

export function scheduleChooserFactory(args: unknown, sequence: number, _topology: RnnTopology): PrecisionChooser {
  const { streams } = args as ScheduleArgs;
  return (ctx: PrecisionContext) => {
    const b = streams.get(`${sequence}.${ctx.layer}.${ctx.direction}`)?.[ctx.timestep] ?? 0;
    if (b === 0) throw new Error(`internal: no scheduled precision for sequence ${sequence}, layer ${ctx.layer}, direction ${ctx.direction}, timestep ${ctx.timestep}`);
    return b;
  };
}
