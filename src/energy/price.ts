/**
 * A price with its derivation: every energy per action, leakage power and area that a run uses
 * is a Price, built from technology-table primitives (src/energy/tech-table.ts, which records
 * each primitive's sources and scaling in tech-resolved.json) by sums and products whose formula
 * is kept as text, so the action-energy table of a run says how each number was obtained.
 */
import { InputError } from '../errors.js';
import type { SramSpec, TechTable } from './tech-table.js';

/** One SRAM's prices as a component charges them. */
export interface SramPrices {
  readonly readPj: Price;
  readonly writePj: Price;
  readonly leakageMw: Price;
  readonly areaMm2: Price;
}

export class Price {
  constructor(
    readonly value: number,
    readonly formula: string,
  ) {}

  static zero(why: string): Price {
    return new Price(0, `0 (${why})`);
  }

  /** A value given directly (a config parameter, with its name). */
  static given(value: number, what: string): Price {
    return new Price(value, what);
  }

  plus(...others: Price[]): Price {
    const all = [this, ...others];
    return new Price(
      all.reduce((s, p) => s + p.value, 0),
      all.map((p) => p.formula).join(' + '),
    );
  }

  times(n: number, why = ''): Price {
    if (n === 1) return this;
    const f = this.formula.includes(' + ') ? `(${this.formula})` : this.formula;
    return new Price(this.value * n, `${n}${why ? ` ${why}` : ''} x ${f}`);
  }

  /** Convert units: value x factor, noted. */
  scaled(factor: number, note: string): Price {
    return new Price(this.value * factor, `${this.formula.includes(' + ') ? `(${this.formula})` : this.formula} ${note}`);
  }
}

/** Sum of prices (0 for none). */
export function sum(prices: readonly Price[], emptyWhy = 'none'): Price {
  if (prices.length === 0) return Price.zero(emptyWhy);
  const [first, ...rest] = prices;
  return first.plus(...rest);
}

/** The technology-table primitives, as Prices naming themselves as tech-resolved.json does. */
export class Primitives {
  constructor(readonly tech: TechTable) {}

  multiplyPj(bits: number): Price {
    return new Price(this.tech.intMultiplyEnergyPj(bits), `int_multiply_energy(${bits} b)`);
  }
  addPj(bits: number): Price {
    return new Price(this.tech.intAddEnergyPj(bits), `int_add_energy(${bits} b)`);
  }
  registerPj(bits: number): Price {
    return new Price(this.tech.registerEnergyPjPerBit() * bits, `${bits} b x register_energy_per_bit`);
  }
  multiplyUm2(bits: number): Price {
    return new Price(this.tech.intMultiplyAreaUm2(bits), `int_multiply_area(${bits} b)`);
  }
  addUm2(bits: number): Price {
    return new Price(this.tech.intAddAreaUm2(bits), `int_add_area(${bits} b)`);
  }
  registerUm2(bits: number): Price {
    return new Price(this.tech.registerAreaUm2PerBit() * bits, `${bits} b x register_area_per_bit`);
  }
  sramReadPj(sizeBytes: number, wordBits: number): Price {
    return new Price(this.tech.sramReadEnergyPj(sizeBytes, wordBits), `sram_read_energy(${sizeBytes} B, ${wordBits} b)`);
  }
  sramWritePj(sizeBytes: number, wordBits: number): Price {
    return new Price(this.tech.sramWriteEnergyPj(sizeBytes, wordBits), `sram_write_energy(${sizeBytes} B, ${wordBits} b)`);
  }
  sramLeakageMw(sizeBytes: number, wordBits: number): Price {
    return new Price(this.tech.sramLeakageMw(sizeBytes, wordBits), `sram_leakage(${sizeBytes} B)`);
  }
  sramAreaMm2(sizeBytes: number, wordBits: number): Price {
    return new Price(this.tech.sramAreaMm2(sizeBytes, wordBits), `sram_area(${sizeBytes} B)`);
  }

  /**
   * A buffer of `banks` banks of `portsPerBank` ports, priced as the table's sram_pricing says:
   * cacti_geometry from the CACTI tables at its own size, word width, banks and ports (sram(),
   * macro or per_bank as settings.sram_banking says); port_curve as `banks` independent arrays
   * of size/banks on the 64-bit-port curve (ports not priced). `what` names the buffer in errors.
   */
  sramBuffer(spec: Required<Pick<SramSpec, 'sizeBytes' | 'wordBits' | 'banks' | 'portsPerBank'>>, what: string): SramPrices {
    if (this.tech.sramPricing === 'port_curve') return this.sramOnPortCurve(spec);
    let f;
    try {
      f = this.tech.sram(spec);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (this.tech.sramOutsideGrid === 'port_curve') {
        // The stated rule for geometries the CACTI tables do not cover: the port curve, said so.
        this.tech.noteOutsideGrid(what, err.message);
        const p = this.sramOnPortCurve(spec);
        const note = '(port curve: outside the CACTI grid, see sram_outside_grid in tech-resolved.json)';
        return { readPj: p.readPj.scaled(1, note), writePj: p.writePj.scaled(1, note), leakageMw: p.leakageMw.scaled(1, note), areaMm2: p.areaMm2.scaled(1, note) };
      }
      throw new InputError(
        `${what}: ${err.message} (technology.sram_pricing: cacti_geometry, sram_outside_grid: error; set technology.sram_outside_grid: port_curve, or sram_pricing: port_curve, to price it with the 64-bit-port curve scaled by rules of thumb instead)`,
      );
    }
    // The same text as the quantity's key in tech-resolved.json, so the formula leads to its record.
    const args = `sizeBytes=${spec.sizeBytes}, wordBits=${spec.wordBits}, banks=${f.banks}, portsPerBank=${f.portsPerBank}, organisation=${f.organisation}, cells=${f.cells}`;
    return {
      readPj: new Price(f.readEnergyPj, `sram_read_energy_pj(${args})`),
      writePj: new Price(f.writeEnergyPj, `sram_write_energy_pj(${args})`),
      leakageMw: new Price(f.leakageMw, `sram_leakage_mw(${args})`),
      areaMm2: new Price(f.areaMm2, `sram_area_mm2(${args})`),
    };
  }

  /** `banks` independent arrays of size/banks on the 64-bit-port curve (ports not priced). */
  private sramOnPortCurve(spec: { readonly sizeBytes: number; readonly wordBits: number; readonly banks: number }): SramPrices {
    const bankBytes = spec.sizeBytes / spec.banks;
    return {
      readPj: this.sramReadPj(bankBytes, spec.wordBits),
      writePj: this.sramWritePj(bankBytes, spec.wordBits),
      leakageMw: this.sramLeakageMw(bankBytes, spec.wordBits).times(spec.banks, 'banks'),
      areaMm2: this.sramAreaMm2(bankBytes, spec.wordBits).times(spec.banks, 'banks'),
    };
  }

  /** A component's logic leakage (mW) as `build` sums it, or zero when the table's logic_leakage is none. */
  logicLeakMw(build: () => Price): Price {
    if (this.tech.logicLeakage === 'none') return Price.zero('logic_leakage: none');
    return build();
  }
  // Logic leakage parts (mW), for logicLeakMw's builders.
  multiplyLeakMw(bits: number): Price {
    return new Price(this.tech.intMultiplyLeakageMw(bits), `int_multiply_leakage(${bits} b)`);
  }
  addLeakMw(bits: number): Price {
    return new Price(this.tech.intAddLeakageMw(bits), `int_add_leakage(${bits} b)`);
  }
  registerLeakMw(bits: number): Price {
    return new Price(this.tech.registerLeakageMwPerBit() * bits, `${bits} b x register_leakage_per_bit`);
  }
}

export const UM2_PER_MM2 = 1e6;

/** um^2 to mm^2. */
export function toMm2(um2: Price): Price {
  return um2.scaled(1 / UM2_PER_MM2, '/ 1e6 um^2 per mm^2');
}
