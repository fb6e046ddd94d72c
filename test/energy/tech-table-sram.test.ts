/**
 * TechTable.sram() and the other CACTI-backed functions against the committed CACTI tables,
 * read here straight from the JSON (the generator's output is the reference).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cactiTableFile } from '../../src/energy/cacti-sram-table.js';
import { loadTechTable } from '../../src/energy/tech-table.js';

const KiB = 1024;
const MiB = 1024 * KiB;

interface Json {
  columns: { name: string }[];
  rows: number[][];
}

/** A row of a shipped table as a name -> value record. */
function row(node: number, cells: 'itrs-hp' | 'itrs-lstp' | 'itrs-lop', size: number, word: number, ports: number, banks: number): Record<string, number> {
  const json = JSON.parse(readFileSync(cactiTableFile(node, cells), 'utf8')) as Json;
  const names = json.columns.map((c) => c.name);
  const found = json.rows.find((r) => r[0] === size && r[1] === word && r[2] === ports && r[3] === banks);
  if (!found) throw new Error(`no row ${size}/${word}/${ports}/${banks} in ${node} nm ${cells}`);
  return Object.fromEntries(names.map((n, i) => [n, found[i]!]));
}

describe('sram(): grid points are the CACTI rows', () => {
  test('28 nm itrs-lstp, E-PUR weight buffer as a macro: 2 MiB, 8 banks, 256-bit words', () => {
    const t = loadTechTable(28, { sramCells: 'itrs-lstp' });
    const s = t.sram({ sizeBytes: 2 * MiB, wordBits: 256, banks: 8 });
    const r = row(28, 'itrs-lstp', 2 * MiB, 256, 1, 8);
    expect(s.readEnergyPj).toBe(r['read_energy_pj']);
    expect(s.writeEnergyPj).toBe(r['write_energy_pj']);
    expect(s.leakageMw).toBe(r['leakage_mw']);
    expect(s.areaMm2).toBe(r['area_mm2']);
    expect(s.accessNs).toBe(r['access_ns']);
    expect(s).toMatchObject({ organisation: 'macro', cells: 'itrs-lstp', banks: 8, portsPerBank: 1, extrapolated: false });
  });

  test('per_bank: the 256 KiB single-bank row, leakage and area x 8', () => {
    const t = loadTechTable(28, { sramCells: 'itrs-lstp', sramBanking: 'per_bank' });
    const s = t.sram({ sizeBytes: 2 * MiB, wordBits: 256, banks: 8 });
    const r = row(28, 'itrs-lstp', 256 * KiB, 256, 1, 1);
    expect(s.readEnergyPj).toBe(r['read_energy_pj']);
    expect(s.accessNs).toBe(r['access_ns']);
    expect(s.leakageMw).toBeCloseTo(8 * r['leakage_mw']!, 12);
    expect(s.areaMm2).toBeCloseTo(8 * r['area_mm2']!, 12);
    expect(t.resolved().settings.sram_banking).toEqual({ value: 'per_bank', chosen_by: 'option' });
  });

  test('the cell type and the organisation can be given per call', () => {
    const t = loadTechTable(45);
    const hp = t.sram({ sizeBytes: 64 * KiB, wordBits: 64 });
    const lop = t.sram({ sizeBytes: 64 * KiB, wordBits: 64, cells: 'itrs-lop' });
    expect(hp.readEnergyPj).toBe(row(45, 'itrs-hp', 64 * KiB, 64, 1, 1)['read_energy_pj']);
    expect(lop.readEnergyPj).toBe(row(45, 'itrs-lop', 64 * KiB, 64, 1, 1)['read_energy_pj']);
    const twoPorts = t.sram({ sizeBytes: 8 * KiB, wordBits: 256, portsPerBank: 2 });
    expect(twoPorts.readEnergyPj).toBe(row(45, 'itrs-hp', 8 * KiB, 256, 2, 1)['read_energy_pj']);
  });
});

describe('sram(): between grid points', () => {
  test('size: log-log between the neighbouring rows (20 KiB between 16 and 24 KiB)', () => {
    const t = loadTechTable(32);
    const a = row(32, 'itrs-hp', 16 * KiB, 64, 1, 1);
    const b = row(32, 'itrs-hp', 24 * KiB, 64, 1, 1);
    const s = t.sram({ sizeBytes: 20 * KiB, wordBits: 64 });
    for (const [key, value] of [['read_energy_pj', s.readEnergyPj], ['leakage_mw', s.leakageMw], ['access_ns', s.accessNs]] as const) {
      const k = Math.log(b[key]! / a[key]!) / Math.log(24 / 16);
      expect(value).toBeCloseTo(a[key]! * (20 / 16) ** k, 9);
    }
  });

  test('word width: linear between 128 and 256 bits (192 bits)', () => {
    const t = loadTechTable(22);
    const a = row(22, 'itrs-hp', 1 * MiB, 128, 1, 4);
    const b = row(22, 'itrs-hp', 1 * MiB, 256, 1, 4);
    const s = t.sram({ sizeBytes: 1 * MiB, wordBits: 192, banks: 4 });
    expect(s.readEnergyPj).toBeCloseTo((a['read_energy_pj']! + b['read_energy_pj']!) / 2, 9);
    expect(s.areaMm2).toBeCloseTo((a['area_mm2']! + b['area_mm2']!) / 2, 9);
  });

  test('outside the grid: an InputError, no extrapolation', () => {
    const t = loadTechTable(45);
    expect(() => t.sram({ sizeBytes: 32 * MiB, wordBits: 64 })).toThrow(/size 32 MiB is outside the generated sizes 256 B to 16 MiB/);
    expect(() => t.sram({ sizeBytes: 1 * MiB, wordBits: 1024 })).toThrow(/word width 1024 bits is outside the generated widths 16 to 512 bits/);
    expect(() => t.sram({ sizeBytes: 1 * MiB, wordBits: 64, banks: 3 })).toThrow(/not 3/);
    expect(() => t.sram({ sizeBytes: 1 * MiB, wordBits: 64, portsPerBank: 4 })).toThrow(/not 4/);
  });
});

describe('sram(): nodes, voltage and the audit record', () => {
  test('16 nm: 22 nm CACTI values, energy x 0.17/0.29, area x 0.19/0.25, leakage and access held; flagged extrapolated', () => {
    const t16 = loadTechTable(16);
    const r = row(22, 'itrs-hp', 64 * KiB, 64, 1, 1);
    const s = t16.sram({ sizeBytes: 64 * KiB, wordBits: 64 });
    expect(s.readEnergyPj).toBeCloseTo(r['read_energy_pj']! * (0.17 / 0.29), 9);
    expect(s.areaMm2).toBeCloseTo(r['area_mm2']! * (0.19 / 0.25), 9);
    expect(s.leakageMw).toBe(r['leakage_mw']);
    expect(s.accessNs).toBe(r['access_ns']);
    expect(s.extrapolated).toBe(true);
    expect(t16.resolved().extrapolated.some((e) => e.startsWith('sram_read_energy_pj('))).toBe(true);
  });

  test("voltage scales read and write energy by (V / CACTI's supply)^2 only", () => {
    const supply = (JSON.parse(readFileSync(cactiTableFile(45, 'itrs-hp'), 'utf8')) as { supply_voltage_v: number }).supply_voltage_v;
    expect(supply).toBe(1); // tech_params/45nm.dat: -Vdd (V) 1 (hp)
    const t = loadTechTable(45, { voltageV: 0.9 });
    const r = row(45, 'itrs-hp', 32 * KiB, 64, 1, 1);
    const s = t.sram({ sizeBytes: 32 * KiB, wordBits: 64 });
    expect(s.readEnergyPj).toBeCloseTo(r['read_energy_pj']! * 0.81, 9);
    expect(s.writeEnergyPj).toBeCloseTo(r['write_energy_pj']! * 0.81, 9);
    expect(s.leakageMw).toBe(r['leakage_mw']);
    // without voltageV the table's values are taken as they are
    expect(loadTechTable(45).sram({ sizeBytes: 32 * KiB, wordBits: 64 }).readEnergyPj).toBe(r['read_energy_pj']);
  });

  test('resolved() names the CACTI table, commit and rows behind each figure', () => {
    const t = loadTechTable(28, { sramCells: 'itrs-lstp' });
    t.sram({ sizeBytes: 6 * MiB, wordBits: 256, banks: 16 });
    const p = t.resolved().primitives.find((x) => x.quantity === 'sram_read_energy_pj')!;
    expect(p.args).toMatchObject({ sizeBytes: 6 * MiB, wordBits: 256, banks: 16, organisation: 'macro', cells: 'itrs-lstp' });
    expect(p.mark).toBe('V');
    expect(p.inputs[0]!.entry).toMatch(/configs\/tech\/cacti\/sram-28nm-itrs-lstp\.json: row size_bytes=6291456, word_bits=256, rw_ports=1, banks=16: read_energy_pj/);
    expect(p.inputs[0]!.source).toMatch(/HewlettPackard\/cacti @ 1ffd8dfb1030/);
  });
});

describe('read-latency check against the technology access time', () => {
  test('E-PUR weight buffer (28 nm lstp macro, 2 cycles at 500 MHz)', () => {
    const t = loadTechTable(28, { sramCells: 'itrs-lstp' });
    const r = row(28, 'itrs-lstp', 2 * MiB, 256, 1, 8);
    const check = t.sramReadLatencyCheck({ sizeBytes: 2 * MiB, wordBits: 256, banks: 8 }, { readLatencyCycles: 2, clockMhz: 500 });
    expect(check.accessNs).toBe(r['access_ns']);
    expect(check.requiredCycles).toBe(Math.ceil(r['access_ns']! / 2));
    expect(check.shortByCycles).toBe(Math.max(0, Math.ceil(r['access_ns']! / 2) - 2));
  });
});

describe('logic leakage (Aladdin densities, CACTI node ratio)', () => {
  test('45 nm: Horowitz area x Aladdin leakage per um^2', () => {
    const t = loadTechTable(45);
    // 8-bit multiplier 282 um^2 x 4.817683e-2 mW / 4595 um^2
    expect(t.intMultiplyLeakageMw(8)).toBeCloseTo((282 * 4.817683e-2) / 4595, 12);
    // 16-bit adder 67 um^2 x 2.380803e-3 / 179.443
    expect(t.intAddLeakageMw(16)).toBeCloseTo((67 * 2.380803e-3) / 179.443, 12);
    expect(t.macLeakageMw(8, 16)).toBeCloseTo((282 * 4.817683e-2) / 4595 + (67 * 2.380803e-3) / 179.443, 12);
    expect(t.registerLeakageMwPerBit()).toBe(7.395312e-5);
  });

  test('28 nm: x the CACTI itrs-hp 1 MiB x 64-bit leakage ratio 28/45 nm', () => {
    const ratio = row(28, 'itrs-hp', MiB, 64, 1, 1)['leakage_mw']! / row(45, 'itrs-hp', MiB, 64, 1, 1)['leakage_mw']!;
    const t = loadTechTable(28);
    expect(t.registerLeakageMwPerBit()).toBeCloseTo(7.395312e-5 * ratio, 15);
    expect(t.intMultiplyLeakageMw(16)).toBeCloseTo(((282 + (3495 - 282) * 0.2) * 4.817683e-2 / 4595) * ratio, 12);
  });
});

describe('ranges over alternatives', () => {
  test('32-bit multiply: Horowitz 3.1 pJ selected, Aladdin 8.63 pJ high', () => {
    const range = loadTechTable(45).arithmeticEnergyRange('int_multiply', 32);
    expect(range.selected).toMatchObject({ name: 'horowitz', value: 3.1 });
    expect(range.high).toMatchObject({ name: 'aladdin', value: 8.63 });
    expect(range.spread).toBeCloseTo(8.63 / 3.1, 12);
    expect(range.high.source).toMatch(/Aladdin/);
  });

  test('MAC 16 x 32: Horowitz 0.78 + 0.1 against Aladdin 8.63/4 + 0.0857', () => {
    const range = loadTechTable(45).macEnergyRange(16, 32);
    expect(range.low.value).toBeCloseTo(0.88, 12);
    expect(range.high.value).toBeCloseTo(8.63 / 4 + 0.0857, 12);
    expect(range.selected.name).toBe('horowitz');
  });

  test('SRAM read: the macro and the independent banks', () => {
    const t = loadTechTable(28, { sramCells: 'itrs-lstp' });
    const range = t.sramReadEnergyRange({ sizeBytes: 2 * MiB, wordBits: 256, banks: 8 });
    expect(range.selected.name).toBe('macro');
    expect(range.alternatives.find((a) => a.name === 'per_bank')!.value).toBe(row(28, 'itrs-lstp', 256 * KiB, 256, 1, 1)['read_energy_pj']);
    expect(range.high.name).toBe('macro');
  });
});
