/**
 * A price with its derivation: every energy per action, leakage power and area that a run uses
 * is a Price, built from technology-table primitives (src/energy/tech-table.ts, which records
 * each primitive's sources and scaling in tech-resolved.json) by sums and products whose formula
 * is kept as text, so the action-energy table of a run says how each number was obtained.
 */
import type { TechTable } from './tech-table.js';

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
}

export const UM2_PER_MM2 = 1e6;

/** um^2 to mm^2. */
export function toMm2(um2: Price): Price {
  return um2.scaled(1 / UM2_PER_MM2, '/ 1e6 um^2 per mm^2');
}
