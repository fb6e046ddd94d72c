/**
 * The policy in the functional model's loop: a PrecisionChooser for QuantizedRnn.forward that
 * keeps one PrecisionTracker per layer-direction of the running sequence. The chooser sees
 * c_(t-1) before each step; at the first step of a layer-direction it starts the tracker from
 * that (initial) state, afterwards it feeds it the state the previous step produced.
 */
import type { PrecisionChooser, PrecisionContext } from '../functional/quantized-network.js';
import type { DpsPolicy } from './policy.js';
import { PrecisionTracker } from './policy.js';

/** `policyFor(layer, cellFracBits)` gives each layer's integer policy (its cell format may differ). */
export function dpsChooser(policyFor: (layer: number, cellFracBits: number) => DpsPolicy): PrecisionChooser {
  const trackers = new Map<string, PrecisionTracker>();
  return (ctx: PrecisionContext): number => {
    const key = `${ctx.layer}.${ctx.direction}`;
    let tracker = trackers.get(key);
    if (tracker === undefined) {
      tracker = new PrecisionTracker(policyFor(ctx.layer, ctx.cellFracBits));
      trackers.set(key, tracker);
    }
    // No clamp to ctx.staticPrecision: the hardware replay could not clamp the same way, so a
    // policy whose top precision exceeds the model's is an error (QuantizedRnn throws).
    return ctx.stepIndex === 0 ? tracker.start(ctx.previousCellState) : tracker.next(ctx.previousCellState);
  };
}
