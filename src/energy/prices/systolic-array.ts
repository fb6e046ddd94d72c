/**
 * Systolic array prices: per PE a multiplier, an accumulator adder and registers: weight-stationary
 * a weight (two when double-buffered), an input and a partial sum; output-stationary an input, a
 * weight passing through and the accumulator. The same parts leak as logic.
 */
import type { SystolicArray } from '../../components/systolic-array.js';
import { Price, sum, toMm2, type Primitives } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceSystolicArray(c: SystolicArray, t: Primitives): ComponentPrice {
  const p = c.params.precision_bits;
  const acc = c.params.accumulator_bits;
  const pes = c.rows * c.cols;
  const regBits = c.stationary === 'output' ? p + p + acc : p * (c.doubleBuffered ? 2 : 1) + p + acc;
  const peUm2 = sum([t.multiplyUm2(p), t.addUm2(acc), t.registerUm2(regBits)]);
  return {
    actions: { mac: sum([t.multiplyPj(p), t.addPj(acc), t.registerPj(acc)]), weight_load: t.registerPj(p) },
    leakageMw: t.logicLeakMw(() => sum([t.multiplyLeakMw(p), t.addLeakMw(acc), t.registerLeakMw(regBits)]).times(pes, 'PEs')),
    areaMm2: toMm2(peUm2.times(pes, 'PEs')),
  };
}
