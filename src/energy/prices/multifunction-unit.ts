/**
 * Multifunction unit prices: a lookup is a read of a small table (priced as an SRAM of its
 * size and one entry per word, by the table's sram_pricing) plus an index clamp (an adder); per
 * lane two tables, a multiplier, an adder and pipeline registers three operands deep, which leak
 * as logic (the table's logic_leakage).
 */
import type { MultifunctionUnit } from '../../components/multifunction-unit.js';
import { sum, toMm2, type Primitives } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceMultifunctionUnit(c: MultifunctionUnit, t: Primitives): ComponentPrice {
  const p = c.params.precision_bits;
  const lutBytes = (c.params.lut_entries * p) / 8;
  const table = t.sramBuffer({ sizeBytes: lutBytes, wordBits: p, banks: 1, portsPerBank: 1 }, `${c.name} lookup table`);
  const lookup = table.readPj.plus(t.addPj(p));
  const laneUm2 = sum([t.multiplyUm2(p), t.addUm2(p), t.registerUm2(3 * p * c.latencyCycles)]);
  const tablesMm2 = table.areaMm2.times(2, 'tables');
  const tablesLeakMw = table.leakageMw.times(2 * c.lanes, 'tables');
  const logicLeakMw = t.logicLeakMw(() => sum([t.multiplyLeakMw(p), t.addLeakMw(p), t.registerLeakMw(3 * p * c.latencyCycles)]).times(c.lanes, 'lanes'));
  return {
    actions: { sigmoid: lookup, tanh: lookup, multiply: t.multiplyPj(p), add: t.addPj(p) },
    leakageMw: logicLeakMw.value === 0 ? tablesLeakMw : tablesLeakMw.plus(logicLeakMw),
    areaMm2: toMm2(laneUm2).plus(tablesMm2).times(c.lanes, 'lanes'),
  };
}
