/** Sparse PE prices: a multiplier at the wider of weight and activation, an accumulator adder and register; FIFO entries as registers; the same parts leak as logic. */
import type { SparsePe } from '../../components/sparse-pe.js';
import { Price, sum, toMm2, type Primitives } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceSparsePe(c: SparsePe, t: Primitives): ComponentPrice {
  const mulBits = Math.max(c.weightBits, c.activationBits);
  const acc = c.accumulatorBits;
  const mac = sum([t.multiplyPj(mulBits), t.addPj(acc), t.registerPj(acc)]);
  const fifo = t.registerPj(c.activationBits);
  const areaUm2 = sum([t.multiplyUm2(mulBits), t.addUm2(acc), t.registerUm2(c.accumulators * acc + c.fifoDepth * c.activationBits)]);
  return {
    actions: { mac, padding_mac: mac, fifo_push: fifo, fifo_pop: fifo },
    leakageMw: t.logicLeakMw(() => sum([t.multiplyLeakMw(mulBits), t.addLeakMw(acc), t.registerLeakMw(c.accumulators * acc + c.fifoDepth * c.activationBits)])),
    areaMm2: toMm2(areaUm2),
  };
}
