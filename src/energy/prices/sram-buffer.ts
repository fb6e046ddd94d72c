/**
 * SRAM buffer prices, by the technology table's sram_pricing: cacti_geometry prices the buffer
 * from the CACTI tables at its own size, word width, banks and ports (as one banked macro with
 * the H-tree to its banks, or as independent banks: settings.sram_banking); port_curve prices a
 * bank access as an SRAM of one bank's size on the 64-bit-port curve and leakage and area as
 * `banks` such arrays (no wiring between banks, ports not priced).
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
  const s = t.sramBuffer({ sizeBytes: c.capacityBits / 8, wordBits: c.wordBits, banks, portsPerBank: c.params.ports_per_bank }, c.name);
  return {
    actions: { read: s.readPj, write: s.writePj },
    leakageMw: s.leakageMw,
    areaMm2: s.areaMm2,
  };
}
