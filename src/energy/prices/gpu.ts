/** GPU prices: average power as constant power over the run; the counted actions carry no energy of their own. */
import type { Gpu } from '../../components/gpu.js';
import { Price } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceGpu(c: Gpu): ComponentPrice {
  const inPower = Price.zero('in average_power_w');
  return {
    actions: { flop: inPower, dram_byte: inPower },
    leakageMw: Price.given(c.params.average_power_w, 'average_power_w').times(1000, 'mW/W'),
    areaMm2: Price.given(c.params.die_area_mm2, 'die_area_mm2'),
  };
}
