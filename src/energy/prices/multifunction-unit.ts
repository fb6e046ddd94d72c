/**
 * Multifunction unit prices: a lookup is a read of a small table (priced as an SRAM of its
 * size) plus an index clamp (an adder); per lane two tables, a multiplier, an adder and
 * pipeline registers three operands deep.
 */
import type { MultifunctionUnit } from '../../components/multifunction-unit.js';
import { sum, toMm2, type Primitives } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceMultifunctionUnit(c: MultifunctionUnit, t: Primitives): ComponentPrice {
  const p = c.params.precision_bits;
  const lutBytes = (c.params.lut_entries * p) / 8;
  const lookup = t.sramReadPj(lutBytes, p).plus(t.addPj(p));
  const laneUm2 = sum([t.multiplyUm2(p), t.addUm2(p), t.registerUm2(3 * p * c.latencyCycles)]);
  const tablesMm2 = t.sramAreaMm2(lutBytes, p).times(2, 'tables');
  return {
    actions: { sigmoid: lookup, tanh: lookup, multiply: t.multiplyPj(p), add: t.addPj(p) },
    leakageMw: t.sramLeakageMw(lutBytes, p).times(2 * c.lanes, 'tables'),
    areaMm2: toMm2(laneUm2).plus(tablesMm2).times(c.lanes, 'lanes'),
  };
}
