/**
 * The policy in the functional model's loop: a PrecisionChooser for QuantizedRnn.forward that
 * keeps one PrecisionTracker per layer-direction of the running sequence. The chooser sees
 * c_(t-1) before each step; at the first step of a layer-direction it starts the tracker from
 * that (initial) state, afterwards it feeds it the state the previous step produced.
 */
import type { PrecisionChooser, PrecisionContext } from '../functional/quantized-network.js';
import type { RnnTopology } from '../functional/tensor.js';
import type { PrecisionPlan } from '../accuracy/design-chunk.js';
import type { DpsPolicy } from './policy.js';
import { PrecisionTracker } from './policy.js';
import { resolvePolicy, type DpsPolicySpec } from './policy-spec.js';

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

/** A ChooserFactory (src/accuracy/design-chunk.ts) of a policy: args = { policy: DpsPolicySpec }; a fresh tracker set per sequence. */
export function policyChooserFactory(args: unknown, _sequence: number, topology: RnnTopology): PrecisionChooser {
  const { policy } = args as { policy: DpsPolicySpec };
  return dpsChooser((_layer, frac) => resolvePolicy(policy, topology.hidden_size, frac));
}

/** The precision plan of a policy for evaluateDesigns (a module plan, so it also runs in worker threads). */
export function dpsPrecisionPlan(policy: DpsPolicySpec): PrecisionPlan {
  return { kind: 'module', module: import.meta.url, export: 'policyChooserFactory', args: { policy } };
}
