import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadTechTableFile, techTablesDir } from '../../src/energy/tech-table.js';

const base45 = readFileSync(path.join(techTablesDir(), '45nm.yaml'), 'utf8');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rnnsim-tech-'));
let fileCount = 0;

function writeTable(text: string): string {
  const file = path.join(dir, `table-${fileCount++}.yaml`);
  writeFileSync(file, text);
  return file;
}

function errorOf(load: () => unknown): InputError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

/** 1-based line of the first occurrence of `needle`, and 1-based column. */
function positionOf(text: string, needle: string): { line: number; col: number } {
  const offset = text.indexOf(needle);
  expect(offset).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

describe('malformed tables', () => {
  test('YAML syntax error: file, line and column', () => {
    const text = 'format: rnnsim-tech-table/1\nnode_nm: 45\nsettings: { sram_model: cacti\n';
    const file = writeTable(text);
    const err = errorOf(() => loadTechTableFile(file));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/line \d+, column \d+: invalid YAML/);
  });

  test('a missing source is an error at the entry, with line and column', () => {
    const removed = 'source: "Horowitz ISSCC 2014, 45 nm 0.9 V, 8-bit integer add (energy-area.md)", ';
    expect(base45).toContain(removed);
    const text = base45.replace(removed, '');
    const file = writeTable(text);
    const err = errorOf(() => loadTechTableFile(file));
    const pos = positionOf(text, '{ bits: 8, energy_pj: 0.03');
    expect(err.message).toContain(file);
    expect(err.message).toContain(
      `line ${pos.line}, column ${pos.col} (at arithmetic.int_add.models.horowitz.energy[0]): missing required key 'source'`,
    );
  });

  test('a wrong type is reported at the value', () => {
    const text = base45.replace('energy_pj: 3.1,', 'energy_pj: "3.1 pJ",');
    const err = errorOf(() => loadTechTableFile(writeTable(text)));
    const pos = positionOf(text, '"3.1 pJ"');
    expect(err.message).toContain(`line ${pos.line}, column ${pos.col} (at arithmetic.int_multiply.models.horowitz.energy[1].energy_pj): must be number`);
  });

  test('an unknown key and a bad mark are both listed', () => {
    const text = base45
      .replace('sram_model: cacti', 'sram_model: cacti\n  sram_banks: 4')
      .replace('energy_pj: 0.2, source: "Horowitz ISSCC 2014, 45 nm 0.9 V, 8-bit integer multiply (energy-area.md)", mark: S', 'energy_pj: 0.2, source: "x", mark: maybe');
    const err = errorOf(() => loadTechTableFile(writeTable(text)));
    expect(err.message).toMatch(/\(at settings\.sram_banks\): unknown key 'sram_banks'/);
    expect(err.message).toMatch(/\(at arithmetic\.int_multiply\.models\.horowitz\.energy\[0\]\.mark\): must be one of \["V","S","D","A","assumed"\]/);
  });

  test('a bad setting value', () => {
    const text = base45.replace('sram_model: cacti', 'sram_model: destiny');
    const err = errorOf(() => loadTechTableFile(writeTable(text)));
    expect(err.message).toMatch(/\(at settings\.sram_model\): must be one of \["cacti","horowitz"\]/);
  });

  test('a bad sram_cells value', () => {
    const text = base45.replace('sram_cells: itrs-hp', 'sram_cells: itrs-ulp');
    const err = errorOf(() => loadTechTableFile(writeTable(text)));
    expect(err.message).toMatch(/\(at settings\.sram_cells\): must be one of \["itrs-hp","itrs-lstp","itrs-lop"\]/);
  });

  test('itrs-lop cells: the 64-bit-port curve has no such cells and says to use sram()', () => {
    const text = base45.replace('sram_cells: itrs-hp', 'sram_cells: itrs-lop');
    const table = loadTechTableFile(writeTable(text));
    expect(() => table.sramReadEnergyPj(32768, 64)).toThrow(/itrs-hp and itrs-lstp cells only; itrs-lop SRAM is priced by sram\(\)/);
  });

  test('sram_cells itrs-lstp in the table file selects the lstp ratios', () => {
    const text = base45.replace('sram_cells: itrs-hp', 'sram_cells: itrs-lstp');
    const table = loadTechTableFile(writeTable(text));
    expect(table.sramLeakageMw(32768, 64)).toBeCloseTo(0.006, 15);
    expect(table.resolved().settings.sram_cells.chosen_by).toMatch(/table-\d+\.yaml$/);
    // the option wins over the file
    expect(loadTechTableFile(writeTable(text), { sramCells: 'itrs-hp' }).sramLeakageMw(32768, 64)).toBe(34.7);
  });

  test('itrs-lstp without an sram.lstp point, or with one at a size the itrs-hp curve lacks', () => {
    const start = base45.indexOf('  lstp:\n');
    const end = base45.indexOf('  # Horowitz gives 64-bit read energy only.');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const withoutLstp = base45.slice(0, start) + base45.slice(end);
    expect(loadTechTableFile(writeTable(withoutLstp)).sramLeakageMw(32768, 64)).toBe(34.7); // itrs-hp needs no lstp point
    const missing = errorOf(() => loadTechTableFile(writeTable(withoutLstp), { sramCells: 'itrs-lstp' }));
    expect(missing.message).toMatch(/settings\.sram_cells is itrs-lstp, but the base table has no sram\.lstp point/);

    const text = base45.replace('    size_bytes: 32768\n    read_energy_pj: 13.2', '    size_bytes: 16384\n    read_energy_pj: 13.2');
    expect(text).not.toBe(base45);
    const err = errorOf(() => loadTechTableFile(writeTable(text)));
    const pos = positionOf(text, '16384\n    read_energy_pj: 13.2');
    expect(err.message).toContain(`line ${pos.line}, column ${pos.col} (at sram.lstp.size_bytes): sram.cacti.points has no itrs-hp point of 16384 bytes`);
  });

  test('points out of order', () => {
    const text = base45.replace('{ size_bytes: 65536,', '{ size_bytes: 16384,');
    const err = errorOf(() => loadTechTableFile(writeTable(text)));
    expect(err.message).toMatch(/sram\.cacti\.points\[2\]\.size_bytes\): points must be in strictly ascending size_bytes/);
  });

  test('a derived table must not redefine base entries and needs SRAM factors without direct points', () => {
    const base = path.join(techTablesDir(), '45nm.yaml');
    const derivedHead = `format: rnnsim-tech-table/1\nnode_nm: 40\nderives_from:\n  file: ${base}\n  scale:\n    energy: { factor: 0.9, source: assumed, mark: A }\n    area: { factor: 0.9, source: assumed, mark: A }\n`;
    const withBaseKey = errorOf(() => loadTechTableFile(writeTable(`${derivedHead}register: {}\n`)));
    expect(withBaseKey.message).toMatch(/register/);
    const noFactors = errorOf(() => loadTechTableFile(writeTable(derivedHead)));
    expect(noFactors.message).toMatch(/line 6, column 5 \(at derives_from\.scale\): missing 'leakage' factor/);
  });

  test('a derived table whose parent is missing names the parent file', () => {
    const text = `format: rnnsim-tech-table/1\nnode_nm: 40\nderives_from:\n  file: nowhere.yaml\n  scale:\n    energy: { factor: 0.9, source: assumed, mark: A }\n    area: { factor: 0.9, source: assumed, mark: A }\n    leakage: { factor: 0.9, source: assumed, mark: A }\n    access_time: { factor: 0.9, source: assumed, mark: A }\n`;
    const err = errorOf(() => loadTechTableFile(writeTable(text)));
    expect(err.message).toMatch(/nowhere\.yaml: cannot read YAML file: file not found/);
  });

  test('a derivation cycle', () => {
    const a = path.join(dir, 'cycle-a.yaml');
    const b = path.join(dir, 'cycle-b.yaml');
    const body = (parent: string) =>
      `format: rnnsim-tech-table/1\nnode_nm: 40\nderives_from:\n  file: ${parent}\n  scale:\n    energy: { factor: 0.9, source: assumed, mark: A }\n    area: { factor: 0.9, source: assumed, mark: A }\n    leakage: { factor: 0.9, source: assumed, mark: A }\n    access_time: { factor: 0.9, source: assumed, mark: A }\n`;
    writeFileSync(a, body('cycle-b.yaml'));
    writeFileSync(b, body('cycle-a.yaml'));
    expect(() => loadTechTableFile(a)).toThrow(/forms a cycle/);
  });

  test('a table derived from a file loads and scales', () => {
    const base = path.join(techTablesDir(), '45nm.yaml');
    const text = `format: rnnsim-tech-table/1\nnode_nm: 40\nderives_from:\n  file: ${base}\n  scale:\n    energy: { factor: 0.9, source: assumed, mark: A }\n    area: { factor: 0.8, source: assumed, mark: A }\n    leakage: { factor: 0.7, source: assumed, mark: A }\n    access_time: { factor: 0.6, source: assumed, mark: A }\nsettings:\n  multiplier_model: aladdin\n`;
    const table = loadTechTableFile(writeTable(text));
    expect(table.nodeNm).toBe(40);
    expect(table.intMultiplyEnergyPj(32)).toBeCloseTo(8.63 * 0.9, 12);
    expect(table.sramAccessNs(8192)).toBeCloseTo(0.35 * 0.6, 12);
    expect(table.resolved().settings.multiplier_model.chosen_by).toMatch(/table-\d+\.yaml$/);
  });
});
