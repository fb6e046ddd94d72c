/** The committed CACTI tables: complete, with provenance, and physically sane. */
import { describe, expect, test } from 'vitest';
import { CACTI_CELL_TYPES, listCactiNodes, loadCactiSramTable } from '../../src/energy/cacti-sram-table.js';

const NODES = [22, 28, 32, 45];
const cases = NODES.flatMap((node) => CACTI_CELL_TYPES.map((cells) => [node, cells] as const));

describe('configs/tech/cacti', () => {
  test('a table for every node and cell type', () => {
    for (const cells of CACTI_CELL_TYPES) expect(listCactiNodes(cells)).toEqual(NODES);
  });

  test.each(cases)('%i nm %s: provenance, grid and sanity', (node, cells) => {
    const table = loadCactiSramTable(node, cells);
    expect(table.cacti.repository).toBe('https://github.com/HewlettPackard/cacti');
    expect(table.cacti.commit).toBe('1ffd8dfb10303d306ecd8d215320aea07651e878');
    expect(table.preset).toBe('rnnsim');
    expect(table.command).toMatch(/^python3 tools\/cacti\/generate\.py --cacti /);
    expect(table.settings['temperature_k']).toBe('350');
    expect(table.supplyVoltageV).toBeGreaterThan(0.5);
    // every grid point has a row or a recorded CACTI failure
    expect(table.rows.length + table.noSolution.length).toBe(1616);
    // A larger array of the same shape leaks more and takes more area, at 64 bits, one port,
    // one bank; area up to CACTI's organisation changes, where it picks another partitioning of
    // the array (32 nm itrs-lstp: 1.5 KiB takes 0.2% less area than 1 KiB; 22 nm itrs-lop:
    // 16 KiB 0.01312 mm^2 against 12 KiB's 0.01456, 10% less).
    const line = table.rows.filter((r) => r.word_bits === 64 && r.rw_ports === 1 && r.banks === 1).sort((a, b) => a.size_bytes - b.size_bytes);
    for (let i = 1; i < line.length; i++) {
      expect(line[i]!.leakage_mw).toBeGreaterThan(line[i - 1]!.leakage_mw);
      expect(line[i]!.area_mm2).toBeGreaterThan(0.85 * line[i - 1]!.area_mm2);
    }
    // a macro of n banks costs at least as much area as one bank of the same total size
    for (const macro of table.rows.filter((r) => r.banks > 1 && r.rw_ports === 1 && r.word_bits === 64)) {
      const single = table.rows.find((r) => r.size_bytes === macro.size_bytes / macro.banks && r.word_bits === 64 && r.rw_ports === 1 && r.banks === 1)!;
      expect(macro.area_mm2).toBeGreaterThan(single.area_mm2);
    }
  });
});
