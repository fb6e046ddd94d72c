/**
 * Steady-state fast-forward for the E-PUR schedule (the mechanism: src/engine/steady-state.ts).
 *
 * The recurrent steps of a layer repeat: after a few steps the whole machine is, at a step
 * boundary, in the state it was in one (or a few) steps earlier, only later. From then on the
 * schedule adds the repeated steps' counts instead of simulating them; results are identical.
 *
 * What the state comprises here: every component's (bank and channel free times relative to
 * now, stream and channel pointers), every compute unit's last busy cycle, the weight residency,
 * the run's hold (an output still being written back), and nothing pending in the event queue.
 * A run is eligible only when every component describes its state (implements Repeatable) and
 * no technique extension is attached (their per-step hooks keep state of their own).
 */
import { SteadyState, type Repeatable } from '../../engine/steady-state.js';
import type { Component } from '../../engine/component.js';
import type { RunContext } from '../run-context.js';
import type { ComputeUnit } from './compute-unit.js';
import type { EpurExtension } from './extension.js';
import type { EpurMapper } from './mapping.js';

function isRepeatable(c: Component): c is Component & Repeatable {
  const r = c as Partial<Repeatable>;
  return typeof r.appendState === 'function' && typeof r.appendCounters === 'function' && typeof r.repeat === 'function';
}

/** The steady-state detector of an E-PUR run, or undefined when the run is not eligible (or it is turned off). */
export function epurSteadyState(run: RunContext, mapper: EpurMapper, units: readonly ComputeUnit[], extensions: readonly EpurExtension[]): SteadyState | undefined {
  if (extensions.length > 0) return undefined;
  const parts: Repeatable[] = [];
  for (const c of run.components) {
    if (!isRepeatable(c)) return undefined;
    parts.push(c);
  }
  parts.push(...units);
  const sim = run.sim;
  parts.push({
    appendState(now, out) {
      out.push(sim.heldUntil > now ? sim.heldUntil - now : 0);
      mapper.appendState(out);
    },
    appendCounters() {},
    repeat: (_r, offset) => offset,
  });
  return new SteadyState(parts, (cycles) => sim.skipAhead(cycles));
}
