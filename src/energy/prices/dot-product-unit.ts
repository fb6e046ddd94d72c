/**
 * Dot-product unit prices. Multipliers and adders from the technology table at their widths;
 * the adder tree is priced at 2P bits and the accumulator at its width plus its register.
 * Area of a precision-scalable unit: the fixed unit's area times the ratio published synthesis
 * gives (src/energy/precision-scalable.ts: Bit Fusion's synthesized composable PEs, Stripes'
 * reported bit-serial overhead). Energy per action: composable products as (q/p_min)^2 p_min-bit
 * brick multiplies plus the shift-adds composing them; bit-serial steps as one 2P-bit add (the
 * AND gates are not in the tables). A precision switch is a write of the mode register (assumed
 * 4 bits). Logic leakage: the same parts as the area, each unit's leakage from the table (the
 * table's logic_leakage); a precision-scalable unit's scaled by the same ratio as its area
 * (assumed: leakage proportional to area).
 */
import type { DotProductUnit } from '../../components/dot-product-unit.js';
import { Price, sum, toMm2, type Primitives } from '../price.js';
import { bitSerialAreaRatio, composableAreaRatio } from '../precision-scalable.js';
import type { ComponentPrice } from './component-price.js';

export function priceDotProductUnit(c: DotProductUnit, t: Primitives): ComponentPrice {
  const p = c.precisionBits;
  const n = c.multipliers;
  const acc = c.params.accumulator_bits;
  // Operand registers (2 x N x P) and the accumulator register.
  const common = t.addUm2(acc).plus(t.registerUm2(2 * n * p + acc));
  const fixedUm2 = sum([t.multiplyUm2(p).times(n, 'multipliers'), t.addUm2(2 * p).times(n - 1, 'tree adders'), common]);
  // operand_rounding: increment adds one P-bit incrementer per lane for each of the two operands
  // (split at the composed widths like the lane itself).
  const rounding = c.roundsOperands ? [t.addUm2(p).times(2 * n, 'operand incrementers')] : [];
  let areaUm2 = rounding.length > 0 ? sum([fixedUm2, ...rounding]) : fixedUm2;
  if (c.mode === 'composable') {
    const r = composableAreaRatio(p, c.minPrecisionBits);
    areaUm2 = sum([fixedUm2.times(r.ratio, `(${r.how})`), ...rounding]);
  } else if (c.mode === 'bit_serial') {
    const r = bitSerialAreaRatio();
    areaUm2 = sum([fixedUm2.times(r.ratio, `(${r.how})`), ...rounding]);
  }
  const leakageMw = t.logicLeakMw(() => {
    const fixed = sum([t.multiplyLeakMw(p).times(n, 'multipliers'), t.addLeakMw(2 * p).times(n - 1, 'tree adders'), t.addLeakMw(acc), t.registerLeakMw(2 * n * p + acc)]);
    const roundingLeak = c.roundsOperands ? [t.addLeakMw(p).times(2 * n, 'operand incrementers')] : [];
    if (c.mode === 'composable') {
      const r = composableAreaRatio(p, c.minPrecisionBits);
      return sum([fixed.times(r.ratio, `(${r.how}; leakage taken proportional to area)`), ...roundingLeak]);
    }
    if (c.mode === 'bit_serial') {
      const r = bitSerialAreaRatio();
      return sum([fixed.times(r.ratio, `(${r.how}; leakage taken proportional to area)`), ...roundingLeak]);
    }
    return sum([fixed, ...roundingLeak]);
  });
  const bricks = (p / c.minPrecisionBits) ** 2;
  return {
    actions: {
      multiply: t.multiplyPj(p),
      brick_multiply: t.multiplyPj(c.minPrecisionBits),
      compose_add: bricks > 1 ? t.addPj(2 * p) : Price.zero('no composition at one brick per product'),
      serial_step: t.addPj(2 * p),
      tree_add: t.addPj(2 * p),
      accumulate: t.addPj(acc).plus(t.registerPj(acc)),
      precision_switch: t.registerPj(4),
      // Priced at the full width: the widest operand rounded is P - 1 bits plus the extra one (conservative).
      operand_round: c.roundsOperands ? t.addPj(p) : Price.zero('operand_rounding: none'),
    },
    leakageMw,
    areaMm2: toMm2(areaUm2),
  };
}
