/**
 * `rnnsim check`'s comparison of every SRAM buffer's configured read latency with the
 * technology's access time at the configured clock (issue 13: E-PUR's 1-cycle reads of MB-sized
 * banked buffers at 500 MHz are faster than CACTI says such arrays can be read).
 */
import { InputError } from '../errors.js';
import type { TechTable } from '../energy/tech-table.js';
import { checkReadLatency, type ReadLatencyCheck } from '../energy/access-time-check.js';
import type { ArchitectureConfig } from './load-architecture.js';

export interface ReadLatencyFinding {
  readonly role: string;
  readonly check: ReadLatencyCheck;
  /** Which access time was compared: the CACTI table's at the buffer's geometry, or the 64-bit-port curve's for one bank. */
  readonly accessFrom: string;
  /** Why the buffer is priced on the port curve although sram_pricing is cacti_geometry (outside the CACTI grid), else null. */
  readonly outsideGrid: string | null;
}

/**
 * One finding per sram_buffer role. With sram_pricing cacti_geometry the access time is CACTI's
 * for the buffer as priced (macro or per bank); with port_curve, the curve's for one bank at a
 * 64-bit port. A buffer outside the CACTI grid is priced, and compared, on the port curve with
 * sram_outside_grid port_curve (the finding says why), else an InputError naming its role.
 */
export function readLatencyFindings(config: ArchitectureConfig, tech: TechTable): ReadLatencyFinding[] {
  const findings: ReadLatencyFinding[] = [];
  for (const [role, r] of Object.entries(config.roles)) {
    if (r.kind !== 'sram_buffer') continue;
    const p = r.params as { size_kib: number; word_bits: number; banks: number; ports_per_bank: number; read_latency_cycles: number };
    const sizeBytes = Math.floor(p.size_kib * 1024 * 8) / 8;
    const timing = { readLatencyCycles: p.read_latency_cycles, clockMhz: config.clockMhz };
    const bankBytes = sizeBytes / p.banks;
    // The SRAM models (and so their access times) know whole bytes per bank only; pricing refuses the rest the same way.
    if (!Number.isSafeInteger(bankBytes) || bankBytes < 1) {
      throw new InputError(
        `${config.where(['components', role, 'size_kib'])}: size_kib ${p.size_kib} KiB over ${p.banks} banks gives ${bankBytes} bytes per bank; the SRAM energy, area and access-time models need a whole number of bytes (at least 1) in each bank`,
        config.file,
      );
    }
    if (tech.sramPricing === 'cacti_geometry') {
      let check: ReadLatencyCheck & { readonly sram: { readonly organisation: string } };
      try {
        check = tech.sramReadLatencyCheck({ sizeBytes, wordBits: p.word_bits, banks: p.banks, portsPerBank: p.ports_per_bank }, timing);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        if (tech.sramOutsideGrid === 'port_curve') {
          const accessNs = tech.sramAccessNs(bankBytes);
          findings.push({ role, check: checkReadLatency({ ...timing, accessNs }), accessFrom: '64-bit-port curve, one bank', outsideGrid: err.message });
          continue;
        }
        throw new InputError(`${config.where(['components', role])}: ${err.message}; set technology.sram_outside_grid: port_curve (or sram_pricing: port_curve) to price it with the 64-bit-port curve instead`, config.file);
      }
      findings.push({ role, check, accessFrom: `CACTI table, ${check.sram.organisation === 'macro' ? 'whole banked macro' : 'one bank'}`, outsideGrid: null });
    } else {
      const accessNs = tech.sramAccessNs(bankBytes);
      findings.push({ role, check: checkReadLatency({ ...timing, accessNs }), accessFrom: '64-bit-port curve, one bank', outsideGrid: null });
    }
  }
  return findings;
}
