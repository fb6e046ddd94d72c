/**
 * Delta unit prices (assumed structure, in the manner of the precision-select unit's): per lane
 * a subtractor, a conditional negate (absolute value) and a comparator, each an element-width
 * adder, plus a register for one encoded entry (delta and column index) and an index-width adder
 * of the prefix count that compacts the propagated elements; two threshold registers. The last
 * propagated values and the accumulated pre-activations live in the delta memory (an SRAM buffer
 * of its own, priced by the SRAM model). The same parts leak as logic.
 */
import { Price, sum, toMm2, type Primitives } from '../../energy/price.js';
import type { ComponentPrice } from '../../energy/prices/component-price.js';
import type { DeltaUnit } from './delta-unit.js';

export function priceDeltaUnit(c: DeltaUnit, t: Primitives): ComponentPrice {
  const e = c.params.element_bits;
  const entry = e + c.params.index_bits;
  const laneUm2 = sum([t.addUm2(e).times(3, 'subtract, abs, compare'), t.registerUm2(entry), t.addUm2(c.params.index_bits)]);
  return {
    actions: {
      compare: t.addPj(e).times(3, 'subtract, abs, compare'),
      encode: sum([t.registerPj(entry), t.addPj(c.params.index_bits)]),
    },
    leakageMw: t.logicLeakMw(() =>
      sum([
        sum([t.addLeakMw(e).times(3, 'subtract, abs, compare'), t.registerLeakMw(entry), t.addLeakMw(c.params.index_bits)]).times(c.lanes, 'lanes'),
        t.registerLeakMw(e).times(2, 'threshold registers'),
      ]),
    ),
    areaMm2: toMm2(sum([laneUm2.times(c.lanes, 'lanes'), t.registerUm2(e).times(2, 'threshold registers')])),
  };
}
