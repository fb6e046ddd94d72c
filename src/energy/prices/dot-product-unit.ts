/**
 * Dot-product unit prices. Multipliers and adders from the technology table at their widths;
 * the adder tree is priced at 2P bits and the accumulator at its width plus its register.
 * Composable (Bit Fusion-style) lanes are priced as (P/p_min)^2 p_min-bit bricks plus the
 * shift-add adders composing them; bit-serial lanes as one 2P-bit adder per lane (the AND gates
 * are not in the tables). Logic leakage is not modelled.
 */
import type { DotProductUnit } from '../../components/dot-product-unit.js';
import { Price, sum, toMm2, type Primitives } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceDotProductUnit(c: DotProductUnit, t: Primitives): ComponentPrice {
  const p = c.precisionBits;
  const n = c.multipliers;
  const acc = c.params.accumulator_bits;
  // Operand registers (2 x N x P) and the accumulator register.
  const common = t.addUm2(acc).plus(t.registerUm2(2 * n * p + acc));
  let areaUm2: Price;
  if (c.mode === 'fixed') {
    areaUm2 = sum([t.multiplyUm2(p).times(n, 'multipliers'), t.addUm2(2 * p).times(n - 1, 'tree adders'), common]);
  } else if (c.mode === 'composable') {
    const b = (p / c.minPrecisionBits) ** 2;
    const lane = t.multiplyUm2(c.minPrecisionBits).times(b, 'bricks').plus(t.addUm2(2 * p).times(b - 1, 'compose adders'));
    // The tree takes up to N*P/p_min products per cycle.
    const treeInputs = n * (p / c.minPrecisionBits);
    areaUm2 = sum([lane.times(n, 'lanes'), t.addUm2(2 * p).times(treeInputs - 1, 'tree adders'), common]);
  } else {
    // N*P serial lanes: a 2P-bit adder each, then the tree.
    const lanes = n * p;
    areaUm2 = sum([t.addUm2(2 * p).times(lanes, 'serial lanes'), t.addUm2(2 * p).times(lanes - 1, 'tree adders'), common]);
  }
  const bricks = (p / c.minPrecisionBits) ** 2;
  return {
    actions: {
      multiply: t.multiplyPj(p),
      brick_multiply: t.multiplyPj(c.minPrecisionBits),
      compose_add: bricks > 1 ? t.addPj(2 * p) : Price.zero('no composition at one brick per product'),
      serial_step: t.addPj(2 * p),
      tree_add: t.addPj(2 * p),
      accumulate: t.addPj(acc).plus(t.registerPj(acc)),
    },
    leakageMw: Price.zero('logic leakage not modelled'),
    areaMm2: toMm2(areaUm2),
  };
}
