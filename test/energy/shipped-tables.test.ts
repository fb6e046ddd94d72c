/** Every shipped table and preset loads, and every figure in it says where it came from. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { dramPresetsDir, listDramPresets, loadDramPreset } from '../../src/energy/dram-presets.js';
import { listTechNodes, loadTechTable, techTablesDir } from '../../src/energy/tech-table.js';
import { readYamlFile } from '../../src/energy/yaml-loader.js';

/** Keys whose numbers are coordinates or shapes, not figures that need a source. */
const COORDINATE_KEYS = new Set(['bits', 'size_bytes', 'node_nm', 'measured_at_node_nm', 'port_bits', 'default_entries', 'default_bits', 'word_bits', 'rw_ports', 'banks']);
/** Sections whose numbers are recomputed by the loader from sourced fields. */
const RECOMPUTED_SECTIONS = new Set(['derived']);

interface Problem {
  readonly where: string;
  readonly what: string;
}

function checkSourced(value: unknown, where: string, problems: Problem[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkSourced(item, `${where}[${i}]`, problems));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const entry = value as Record<string, unknown>;
  const figures = Object.entries(entry).filter(([key, v]) => typeof v === 'number' && !COORDINATE_KEYS.has(key));
  if (figures.length > 0) {
    const source = entry['source'];
    const mark = entry['mark'];
    if (typeof source !== 'string' || source.trim() === '') problems.push({ where, what: `figures ${figures.map(([k]) => k).join(', ')} without a source` });
    if (typeof mark !== 'string') problems.push({ where, what: 'no mark' });
    if ((mark === 'A' || mark === 'assumed') && typeof source === 'string' && !/assumed/i.test(source)) {
      problems.push({ where, what: `marked assumed but the source does not say so: ${source}` });
    }
  }
  for (const [key, child] of Object.entries(entry)) {
    if (!RECOMPUTED_SECTIONS.has(key)) checkSourced(child, where ? `${where}.${key}` : key, problems);
  }
}

const techFiles = readdirSync(techTablesDir()).filter((f) => f.endsWith('.yaml'));
const dramFiles = readdirSync(dramPresetsDir()).filter((f) => f.endsWith('.yaml'));

describe('shipped tables', () => {
  test.each(techFiles)('configs/tech/%s: every figure has a source and a mark', (name) => {
    const problems: Problem[] = [];
    checkSourced(readYamlFile(path.join(techTablesDir(), name)).data, '', problems);
    expect(problems).toEqual([]);
  });

  test.each(dramFiles)('configs/dram/%s: every figure has a source and a mark', (name) => {
    const problems: Problem[] = [];
    checkSourced(readYamlFile(path.join(dramPresetsDir(), name)).data, '', problems);
    expect(problems).toEqual([]);
  });

  test.each(listTechNodes())('%s nm loads and prices every primitive with sourced inputs', (node) => {
    const table = loadTechTable(node);
    for (const [model, cells] of [['cacti', 'itrs-hp'], ['horowitz', 'itrs-hp'], ['cacti', 'itrs-lstp'], ['horowitz', 'itrs-lstp']] as const) {
      const t = loadTechTable(node, { sramModel: model, sramCells: cells });
      for (const size of [512, 8192, 65536, 1 << 20, 4 << 20]) {
        expect(t.sramReadEnergyPj(size, 64)).toBeGreaterThan(0);
        expect(t.sramWriteEnergyPj(size, 64)).toBeGreaterThan(0);
        expect(t.sramLeakageMw(size, 64)).toBeGreaterThan(0);
        expect(t.sramAreaMm2(size, 64)).toBeGreaterThan(0);
        expect(t.sramAccessNs(size)).toBeGreaterThan(0);
      }
    }
    for (const bits of [2, 4, 8, 12, 16, 32]) {
      expect(table.macEnergyPj(bits, 2 * bits)).toBeGreaterThan(0);
      expect(table.macAreaUm2(bits, 2 * bits)).toBeGreaterThan(0);
    }
    expect(table.activationEnergyPj('tanh', 16)).toBeGreaterThan(0);
    expect(table.fpMultiplyEnergyPj(16)).toBeGreaterThan(0);
    for (const primitive of table.resolved().primitives) {
      expect(primitive.inputs.length).toBeGreaterThan(0);
      for (const input of primitive.inputs) expect(input.source.length).toBeGreaterThan(0);
    }
  });

  test('SRAM energy grows with size at every node and cell type (no kinks that reverse it)', () => {
    for (const [node, cells] of listTechNodes().flatMap((n) => [[n, 'itrs-hp'], [n, 'itrs-lstp']] as const)) {
      const table = loadTechTable(node, { sramCells: cells });
      let previous = 0;
      for (let size = 256; size <= 16 << 20; size *= 2) {
        const read = table.sramReadEnergyPj(size, 64);
        expect(read).toBeGreaterThan(previous);
        previous = read;
      }
    }
  });

  test('all DRAM presets load', () => {
    for (const name of listDramPresets()) expect(loadDramPreset(name).bandwidth_gb_per_s).toBeGreaterThan(0);
  });
});
