/**
 * The committed CACTI tables against the CACTI points rnnsim's YAML tables were built from
 * (energy-area.md: 45 nm at five sizes, 32 and 22 nm at two; itrs-hp, 64-bit port, one bank,
 * one port). The YAML figures are rounded to 2-3 digits; the tolerances say how close the
 * regenerated runs must come. Leakage is compared with CACTI's subthreshold figure ("Total
 * leakage power of a bank"), which is what energy-area.md quotes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { cactiTableFile } from '../../src/energy/cacti-sram-table.js';
import { techTablesDir } from '../../src/energy/tech-table.js';
import { readYamlFile } from '../../src/energy/yaml-loader.js';

interface Json {
  columns: { name: string }[];
  rows: number[][];
}

interface YamlPoint {
  size_bytes: number;
  read_energy_pj: number;
  write_energy_pj: number;
  leakage_mw: number;
  area_mm2: number;
  access_ns: number;
}

function cactiRow(node: number, size: number): Record<string, number> {
  const json = JSON.parse(readFileSync(cactiTableFile(node, 'itrs-hp'), 'utf8')) as Json;
  const names = json.columns.map((c) => c.name);
  const found = json.rows.find((r) => r[0] === size && r[1] === 64 && r[2] === 1 && r[3] === 1)!;
  return Object.fromEntries(names.map((n, i) => [n, found[i]!]));
}

function yamlPoints(file: string, key: 'base' | 'direct'): YamlPoint[] {
  const data = readYamlFile(path.join(techTablesDir(), file)).data as { sram?: { cacti: { points: YamlPoint[] } }; sram_direct?: { points: YamlPoint[] } };
  return key === 'base' ? data.sram!.cacti.points : data.sram_direct!.points;
}

const relativeError = (ours: number, theirs: number) => Math.abs(ours / theirs - 1);

// Tolerances: energies and leakage 0.5% (the cross-check found 0.5%), area 2% (the
// 8 KiB area is printed as 0.025 in energy-area.md: 0.0254 is 1.5% off), access time 1%
// (printed with two digits: 0.59 against 0.585).
const TOLERANCE = { read_energy_pj: 0.005, write_energy_pj: 0.005, leakage_mw: 0.005, area_mm2: 0.02, access_ns: 0.01 } as const;

describe('CACTI reproduces the 45 nm table rnnsim was built from', () => {
  test.each(yamlPoints('45nm.yaml', 'base').map((p) => [p.size_bytes, p] as const))('%i bytes', (size, point) => {
    const row = cactiRow(45, size);
    expect(relativeError(row['read_energy_pj']!, point.read_energy_pj)).toBeLessThan(TOLERANCE.read_energy_pj);
    expect(relativeError(row['write_energy_pj']!, point.write_energy_pj)).toBeLessThan(TOLERANCE.write_energy_pj);
    expect(relativeError(row['subthreshold_leakage_per_bank_mw']!, point.leakage_mw)).toBeLessThan(TOLERANCE.leakage_mw);
    expect(relativeError(row['area_mm2']!, point.area_mm2)).toBeLessThan(TOLERANCE.area_mm2);
    expect(relativeError(row['access_ns']!, point.access_ns)).toBeLessThan(TOLERANCE.access_ns);
  });
});

describe('and the direct CACTI points of the 32 and 22 nm tables', () => {
  const cases = [32, 22].flatMap((node) => yamlPoints(`${node}nm.yaml`, 'direct').map((p) => [node, p.size_bytes, p] as const));
  test.each(cases)('%i nm, %i bytes', (node, size, point) => {
    const row = cactiRow(node, size);
    expect(relativeError(row['read_energy_pj']!, point.read_energy_pj)).toBeLessThan(TOLERANCE.read_energy_pj);
    expect(relativeError(row['write_energy_pj']!, point.write_energy_pj)).toBeLessThan(TOLERANCE.write_energy_pj);
    expect(relativeError(row['subthreshold_leakage_per_bank_mw']!, point.leakage_mw)).toBeLessThan(TOLERANCE.leakage_mw);
    expect(relativeError(row['area_mm2']!, point.area_mm2)).toBeLessThan(TOLERANCE.area_mm2);
    expect(relativeError(row['access_ns']!, point.access_ns)).toBeLessThan(TOLERANCE.access_ns);
  });
});
