/**
 * Precision-select unit prices. Per lane a subtractor, a conditional negate (abs) and a
 * comparator, each an element-width adder; the lanes' flags (or maxima) reduced into the counter
 * by lanes-1 counter-width adders; threshold registers and comparators (one per precision but
 * the last), the element-threshold register, the precision register (5 bits) and the hysteresis
 * counter (8 bits) with its adder. The same parts leak as logic.
 */
import { Price, sum, toMm2, type Primitives } from '../../energy/price.js';
import type { ComponentPrice } from '../../energy/prices/component-price.js';
import type { PrecisionSelectUnit } from './precision-select-unit.js';

export function pricePrecisionSelectUnit(c: PrecisionSelectUnit, t: Primitives): ComponentPrice {
  const e = c.params.element_bits;
  const w = c.params.counter_bits;
  const levels = c.spec.precisions.length;
  const laneUm2 = t.addUm2(e).times(3, 'adders');
  const reductionUm2 = sum([t.addUm2(w).times(c.lanes - 1, 'reduction adders'), t.addUm2(w), t.registerUm2(w)]);
  const controlUm2 = sum([
    t.addUm2(w).plus(t.registerUm2(w)).times(levels - 1, 'threshold registers and comparators'),
    t.registerUm2(e + 5 + 8),
    t.addUm2(8),
  ]);
  return {
    actions: {
      subtract: t.addPj(e).times(2, 'adders'),
      compare: t.addPj(e),
      count: sum([c.lanes > 1 ? t.addPj(w).times(c.lanes - 1, 'reduction adders') : Price.zero('one lane'), t.addPj(w), t.registerPj(w)]),
      decide: sum([t.addPj(w).times(levels - 1, 'threshold comparators'), t.addPj(8), t.registerPj(5 + 8)]),
    },
    leakageMw: t.logicLeakMw(() =>
      sum([
        t.addLeakMw(e).times(3 * c.lanes, 'lane adders'),
        t.addLeakMw(w).times(c.lanes - 1, 'reduction adders'),
        t.addLeakMw(w),
        t.registerLeakMw(w),
        t.addLeakMw(w).plus(t.registerLeakMw(w)).times(levels - 1, 'threshold registers and comparators'),
        t.registerLeakMw(e + 5 + 8),
        t.addLeakMw(8),
      ]),
    ),
    areaMm2: toMm2(sum([laneUm2.times(c.lanes, 'lanes'), reductionUm2, controlUm2])),
  };
}
