/**
 * FINN matrix-vector unit prices: an ASIC-equivalent estimate from the technology table (the
 * real design is FPGA LUTs and DSPs): a multiplier at the wider operand and an accumulator adder
 * per MAC, a register-file read per weight; the same parts leak as logic.
 */
import type { Mvau } from '../../components/mvau.js';
import { Price, sum, toMm2, type Primitives } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceMvau(c: Mvau, t: Primitives): ComponentPrice {
  const bits = Math.max(c.weightBits, c.activationBits);
  const acc = c.params.accumulator_bits;
  const macUm2 = sum([t.multiplyUm2(bits), t.addUm2(acc), t.registerUm2(c.weightBits)]);
  return {
    actions: { mac: t.multiplyPj(bits).plus(t.addPj(acc)), weight_read: t.registerPj(c.weightBits) },
    leakageMw: t.logicLeakMw(() => sum([t.multiplyLeakMw(bits), t.addLeakMw(acc), t.registerLeakMw(c.weightBits)]).times(c.multipliers, 'MACs')),
    areaMm2: toMm2(macUm2.times(c.multipliers, 'MACs')),
  };
}
