/** DRAM prices: energy per bit transferred and background power, from the config (or its preset); no die area. */
import type { Dram } from '../../components/dram.js';
import { Price } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceDram(c: Dram): ComponentPrice {
  const perByte = Price.given(c.params.energy_pj_per_bit, 'energy_pj_per_bit').times(8, 'bits');
  return {
    actions: { read_byte: perByte, write_byte: perByte },
    leakageMw: Price.given(c.params.background_power_mw, 'background_power_mw'),
    areaMm2: Price.zero('off-chip'),
  };
}
