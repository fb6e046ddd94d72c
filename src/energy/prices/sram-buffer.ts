/**
 * SRAM buffer prices: a bank access priced as an SRAM of one bank's size at the buffer's word
 * width; leakage and area as `banks` such arrays (no wiring between banks: see issue 13).
 */
import type { SramBuffer } from '../../components/sram-buffer.js';
import { ConfigValueError } from '../../errors.js';
import type { Primitives } from '../price.js';
import type { ComponentPrice } from './component-price.js';

export function priceSramBuffer(c: SramBuffer, t: Primitives): ComponentPrice {
  const banks = c.params.banks;
  // The SRAM models price whole bytes per bank (timing alone does not need them whole).
  if (!Number.isSafeInteger(c.bankBytes) || c.bankBytes < 1) {
    throw new ConfigValueError(
      `size_kib ${c.params.size_kib} KiB over ${banks} banks gives ${c.bankBytes} bytes per bank; the SRAM energy and area models need a whole number of bytes (at least 1) in each bank`,
      ['components', c.role, 'size_kib'],
    );
  }
  return {
    actions: {
      read: t.sramReadPj(c.bankBytes, c.wordBits),
      write: t.sramWritePj(c.bankBytes, c.wordBits),
    },
    leakageMw: t.sramLeakageMw(c.bankBytes, c.wordBits).times(banks, 'banks'),
    areaMm2: t.sramAreaMm2(c.bankBytes, c.wordBits).times(banks, 'banks'),
  };
}
