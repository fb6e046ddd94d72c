import { describe, expect, test } from 'vitest';
import { parseCactiSramTable, type CactiSramTable } from '../../src/energy/cacti-sram-table.js';
import { lookupSram, type SramQuery } from '../../src/energy/sram-lookup.js';

// A hand-made table in the generator's format, with round numbers so the interpolation can be
// worked out by hand. Columns as tools/cacti/generate.py writes them (extra columns ignored).
const COLUMNS = [
  ['size_bytes', 'bytes'],
  ['word_bits', 'bits'],
  ['rw_ports', 'count'],
  ['banks', 'count'],
  ['read_energy_pj', 'pJ'],
  ['write_energy_pj', 'pJ'],
  ['leakage_mw', 'mW'],
  ['area_mm2', 'mm^2'],
  ['access_ns', 'ns'],
  ['cycle_ns', 'ns'],
  ['htree_leakage_mw', 'mW'],
  ['htree_gate_leakage_mw', 'mW'],
].map(([name, unit]) => ({ name, unit, description: '' }));

// [size, width, ports, banks, read, write, leakage, area, access, cycle, htree, htree gate]
const ROWS = [
  [1024, 32, 1, 1, 2, 4, 1, 0.01, 0.2, 0.1, 0, 0],
  [4096, 32, 1, 1, 8, 16, 4, 0.04, 0.8, 0.4, 0, 0],
  [1024, 64, 1, 1, 3, 5, 1.5, 0.02, 0.3, 0.2, 0, 0],
  [4096, 64, 1, 1, 27, 45, 6, 0.08, 1.2, 0.8, 0, 0],
  [4096, 32, 1, 2, 10, 20, 5, 0.05, 1.0, 0.5, 0.1, 0.01],
  [8192, 32, 1, 2, 20, 40, 10, 0.1, 2.0, 1.0, 0.2, 0.02],
  [1024, 32, 2, 1, 3, 6, 2, 0.02, 0.3, 0.15, 0, 0],
];

function table(rows: readonly (readonly number[])[] = ROWS, noSolution: unknown[] = [[8192, 64, 1, 2, 'CACTI exit 0: no valid organisation']]): CactiSramTable {
  return parseCactiSramTable(
    {
      format: 'rnnsim-cacti-sram/1',
      node_nm: 45,
      cell_type: 'itrs-hp',
      preset: 'test',
      command: 'hand-made',
      cacti: { repository: 'test', commit: 'test', version: 'test', build: 'test' },
      settings: {},
      columns: COLUMNS,
      rows,
      no_solution: noSolution,
    },
    'hand-made.json',
  );
}

const q = (over: Partial<SramQuery>): SramQuery => ({ sizeBytes: 1024, wordBits: 32, banks: 1, portsPerBank: 1, organisation: 'macro', ...over });

describe('lookupSram: grid points', () => {
  test('a grid point returns the table row exactly', () => {
    const r = lookupSram(table(), q({ sizeBytes: 4096, wordBits: 64 }));
    expect(r.exact).toBe(true);
    expect(r.values).toEqual({ read_energy_pj: 27, write_energy_pj: 45, leakage_mw: 6, area_mm2: 0.08, access_ns: 1.2, cycle_ns: 0.8 });
    expect(r.rows).toHaveLength(1);
  });

  test('a banked macro point is the banks > 1 row, as it is', () => {
    const r = lookupSram(table(), q({ sizeBytes: 8192, banks: 2 }));
    expect(r.values.read_energy_pj).toBe(20);
    expect(r.values.leakage_mw).toBe(10);
  });

  test('per_bank: one bank of size/banks; leakage and area x banks, energy and times as one bank', () => {
    const r = lookupSram(table(), q({ sizeBytes: 8192, wordBits: 64, banks: 2, organisation: 'per_bank' }));
    expect(r.values.read_energy_pj).toBe(27);
    expect(r.values.access_ns).toBe(1.2);
    expect(r.values.leakage_mw).toBe(12);
    expect(r.values.area_mm2).toBe(0.16);
  });
});

describe('lookupSram: between grid points (worked by hand)', () => {
  test('size: log-log between 1 KiB and 4 KiB', () => {
    // read at 32 bits: 2 pJ at 1 KiB, 8 pJ at 4 KiB -> k = ln(8/2)/ln(4) = 1 -> 2 x 2^1 = 4 pJ at 2 KiB
    // read at 64 bits: 3 and 27 -> k = ln 9 / ln 4 = log2(3) -> 3 x 2^log2(3) = 9 pJ at 2 KiB
    const at32 = lookupSram(table(), q({ sizeBytes: 2048, wordBits: 32 }));
    expect(at32.exact).toBe(false);
    expect(at32.values.read_energy_pj).toBeCloseTo(4, 12);
    // access 0.2 -> 0.8 ns: the same power 1 -> 0.4 ns
    expect(at32.values.access_ns).toBeCloseTo(0.4, 12);
    const at64 = lookupSram(table(), q({ sizeBytes: 2048, wordBits: 64 }));
    expect(at64.values.read_energy_pj).toBeCloseTo(9, 12);
    // a size between points that is not the geometric middle: 3 KiB at 32 bits, k = 1 -> 2 x 3 = 6
    expect(lookupSram(table(), q({ sizeBytes: 3072 })).values.read_energy_pj).toBeCloseTo(6, 12);
  });

  test('word width: linear between 32 and 64 bits', () => {
    // 1 KiB: read 2 (32 bits) and 3 (64 bits) -> 48 bits: 2.5 pJ; area 0.01 and 0.02 -> 0.015
    const r = lookupSram(table(), q({ wordBits: 48 }));
    expect(r.values.read_energy_pj).toBeCloseTo(2.5, 12);
    expect(r.values.area_mm2).toBeCloseTo(0.015, 12);
    // 40 bits: weight 1/4 -> 2.25 pJ
    expect(lookupSram(table(), q({ wordBits: 40 })).values.read_energy_pj).toBeCloseTo(2.25, 12);
  });

  test('both: log-log in size at each width, then linear in width', () => {
    // 2 KiB x 48 bits: (4 + 9) / 2 = 6.5 pJ read
    // write: 32 bits 4 -> 16 (k = 1): 8; 64 bits 5 -> 45 (k = log4(9)): 5 x 3 = 15; middle 11.5
    // leakage: 32 bits 1 -> 4: 2; 64 bits 1.5 -> 6: 3; middle 2.5
    const r = lookupSram(table(), q({ sizeBytes: 2048, wordBits: 48 }));
    expect(r.values.read_energy_pj).toBeCloseTo(6.5, 12);
    expect(r.values.write_energy_pj).toBeCloseTo(11.5, 12);
    expect(r.values.leakage_mw).toBeCloseTo(2.5, 12);
    expect(r.rows).toHaveLength(4);
    expect(r.steps.read_energy_pj.join(' ')).toMatch(/log-log in size between 1 KiB and 4 KiB.*linear in word width between 32 and 64 bits/);
  });

  test('per_bank between points: the bank size is interpolated, then x banks', () => {
    // 4 KiB in 2 banks of 2 KiB x 32 bits: leakage 2 mW per bank (as above) -> 4 mW, read 4 pJ
    const r = lookupSram(table(), q({ sizeBytes: 4096, banks: 2, organisation: 'per_bank' }));
    expect(r.values.read_energy_pj).toBeCloseTo(4, 12);
    expect(r.values.leakage_mw).toBeCloseTo(4, 12);
    expect(r.steps.leakage_mw.join(' ')).toMatch(/per_bank: 2 independent arrays of 2 KiB, x 2/);
    expect(r.steps.read_energy_pj.join(' ')).not.toMatch(/per_bank/);
  });
});

describe('lookupSram: outside the grid is an error, never an extrapolation', () => {
  test('size or width outside the generated range', () => {
    // the table's sizes run from 1 KiB to 8 KiB (the 8 KiB rows are 2-bank macros)
    expect(() => lookupSram(table(), q({ sizeBytes: 512 }))).toThrow(/size 512 B is outside the generated sizes 1 KiB to 8 KiB.*does not extrapolate/);
    expect(() => lookupSram(table(), q({ sizeBytes: 16384, banks: 2 }))).toThrow(/size 16 KiB is outside the generated sizes/);
    expect(() => lookupSram(table(), q({ wordBits: 128 }))).toThrow(/word width 128 bits is outside the generated widths 32 to 64 bits/);
    expect(() => lookupSram(table(), q({ sizeBytes: 65536, banks: 16, organisation: 'per_bank' }))).not.toThrow();
    expect(() => lookupSram(table(), q({ sizeBytes: 32768, banks: 2, organisation: 'per_bank' }))).toThrow(/bank size 16 KiB is outside/);
  });

  test('a bank or port count the grid does not have', () => {
    expect(() => lookupSram(table(), q({ sizeBytes: 4096, banks: 4 }))).toThrow(/macros of 1, 2 bank\(s\) with 1 port\(s\), not 4/);
    expect(() => lookupSram(table(), q({ portsPerBank: 3 }))).toThrow(/1, 2 read\/write port\(s\) per bank, not 3/);
  });

  test('a missing corner says why', () => {
    // one bank of 8 KiB: inside the size range, but the generator made no such row
    expect(() => lookupSram(table(), q({ sizeBytes: 8192 }))).toThrow(/grid point 8 KiB x 32 bits, and it is not in the generated grid/);
    // 8 KiB x 48 bits in 2 banks needs 8 KiB x 64 bits, which CACTI could not organise
    expect(() => lookupSram(table(), q({ sizeBytes: 8192, wordBits: 48, banks: 2 }))).toThrow(
      /grid point 8 KiB x 64 bits, and CACTI found no organisation for it \(CACTI exit 0: no valid organisation\)/,
    );
  });

  test('bad arguments', () => {
    expect(() => lookupSram(table(), q({ sizeBytes: 1000.5 }))).toThrow(/sizeBytes must be a positive integer/);
    expect(() => lookupSram(table(), q({ sizeBytes: 4097, banks: 2, organisation: 'per_bank' }))).toThrow(/does not split into 2 equal banks/);
  });
});

describe('parseCactiSramTable', () => {
  test('a wrong unit, a negative value or a duplicate row is an error naming the place', () => {
    const good = table();
    expect(good.rows).toHaveLength(ROWS.length);
    const base = {
      format: 'rnnsim-cacti-sram/1', node_nm: 45, cell_type: 'itrs-hp', command: 'x', cacti: { repository: 'r', commit: 'c' }, settings: {}, no_solution: [],
    };
    const badUnit = COLUMNS.map((c) => (c.name === 'read_energy_pj' ? { ...c, unit: 'nJ' } : c));
    expect(() => parseCactiSramTable({ ...base, columns: badUnit, rows: ROWS }, 't.json')).toThrow(/t\.json: columns\[4\]\.unit: column read_energy_pj must be in pJ, found "nJ"/);
    const negative = [[1024, 32, 1, 1, -2, 4, 1, 0.01, 0.2, 0.1, 0, 0]];
    expect(() => parseCactiSramTable({ ...base, columns: COLUMNS, rows: negative }, 't.json')).toThrow(/rows\[0\]\.read_energy_pj: expected a non-negative number, found -2/);
    expect(() => parseCactiSramTable({ ...base, columns: COLUMNS, rows: [ROWS[0], ROWS[0]] }, 't.json')).toThrow(/rows\[1\]: duplicate point/);
    expect(() => parseCactiSramTable({ ...base, cell_type: 'sram', columns: COLUMNS, rows: ROWS }, 't.json')).toThrow(/cell_type: expected one of itrs-hp, itrs-lstp, itrs-lop/);
  });
});
