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

export interface LayerBitsArgs {
  /** The precision of every step of each layer (static-min-per-layer). */
  readonly bitsPerLayer: readonly number[];
}

/** Every step of layer l at bitsPerLayer[l]: a per-layer static design on widened formats. */
export function layerBitsChooserFactory(args: unknown, _sequence: number, _topology: RnnTopology): PrecisionChooser {
  const { bitsPerLayer } = args as LayerBitsArgs;
  return (ctx: PrecisionContext) => {
    const b = bitsPerLayer[ctx.layer];
    if (b === undefined) throw new Error(`internal: no static precision for layer ${ctx.layer}`);
    return b;
  };
}
