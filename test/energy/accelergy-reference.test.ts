/**
 * A peer's published outputs as a test: Accelergy's reference designs in
 * Accelergy-Project/timeloop-accelergy-exercises (commit and files in
 * fixtures/accelergy-ref-outputs.json, which cites each value's file), priced with rnnsim's
 * tables.
 *
 * 1. The generator reproduces Accelergy's CACTI runs: configs/tech/cacti/accelergy-check-*.json
 *    (tools/cacti/generate.py --preset accelergy) must equal the published CactiSRAM values to
 *    CACTI's six printed digits.
 * 2. rnnsim's own tables (its CACTI settings, itrs-lstp cells as Accelergy uses; its MAC and
 *    register entries) against the published values, within the stated tolerances. The
 *    differences have known causes, listed with each tolerance.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { cactiTablesDir, loadCactiSramTableFile } from '../../src/energy/cacti-sram-table.js';
import { loadTechTable } from '../../src/energy/tech-table.js';

interface SramRef {
  name: string;
  width_bits: number;
  depth: number;
  rw_ports: number;
  read_pj: number;
  write_pj: number;
  leakage_mw: number;
  area_mm2: number;
}
interface DesignRef {
  node_nm: number;
  sram: SramRef[];
  register_bit: { read_pj: number; area_um2: number };
  mac: { multiplier_bits: number; adder_bits: number; compute_pj: number; leakage_mw: number; area_um2: number };
}
const fixture = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'accelergy-ref-outputs.json'), 'utf8'),
) as { repository: string; commit: string; designs: Record<string, DesignRef> };

const designs = Object.entries(fixture.designs);
const ratio = (ours: number, theirs: number) => ours / theirs;

/**
 * What Accelergy's plug-in (accelergy-cacti-plug-in cacti_wrapper.py, _interp_size) asks CACTI
 * for: the width rounded up to a multiple of 8 bits and at least 32, the depth at least 64; it
 * then scales energy by (0.7 x width ratio + 0.3) x depth ratio^0.78 and leakage and area by
 * width ratio x depth ratio.
 */
function accelergyCall(ref: SramRef): { size: number; word: number; energyScale: number; linearScale: number } {
  const word = Math.max(Math.ceil(ref.width_bits / 8) * 8, 32);
  const depth = Math.max(ref.depth, 64);
  const widthScale = ref.width_bits / word;
  const depthScale = ref.depth / depth;
  return { size: (word * depth) / 8, word, energyScale: (0.7 * widthScale + 0.3) * depthScale ** (1.56 / 2), linearScale: widthScale * depthScale };
}

describe(`the generator reproduces Accelergy's CACTI runs (${fixture.repository} @ ${fixture.commit.slice(0, 12)})`, () => {
  const cases = designs.flatMap(([design, d]) => d.sram.map((s) => [`${design} ${s.name}`, d.node_nm, s] as const));
  test.each(cases)('%s', (_name, node, ref) => {
    const table = loadCactiSramTableFile(path.join(cactiTablesDir(), `accelergy-check-${node}nm-itrs-lstp.json`));
    const call = accelergyCall(ref);
    const row = table.rows.find((r) => r.size_bytes === call.size && r.word_bits === call.word && r.banks === 1 && r.rw_ports === 1)!;
    expect(row).toBeDefined();
    // CACTI prints 6 significant digits; Accelergy multiplies them by its width/depth scale.
    expect(Math.abs(ratio(row.read_energy_pj * call.energyScale, ref.read_pj) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(ratio(row.write_energy_pj * call.energyScale, ref.write_pj) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(ratio(row.leakage_mw * call.linearScale, ref.leakage_mw) - 1)).toBeLessThan(1e-5);
    expect(Math.abs(ratio(row.area_mm2 * call.linearScale, ref.area_mm2) - 1)).toBeLessThan(1e-5);
  });
});

describe("rnnsim's tables against Accelergy's published component estimates", () => {
  // SRAM. Same CACTI and cell type (itrs-lstp), different settings: rnnsim optimises for
  // dynamic energy at 350 K, Accelergy for leakage at 300 K (ED^2, 'fast' mode), so CACTI
  // picks another organisation. Found: read 0.67-0.91x, write 0.83-1.44x, area 0.95-1.14x.
  // Leakage 6.2-7.7x: the temperature (rnnsim's organisation of the 128 KiB buffer leaks
  // 0.0254 mW at 350 K and 0.00395 mW at 300 K, against Accelergy's 0.00334 mW).
  const SRAM_ENERGY = { low: 0.6, high: 1.6 };
  const SRAM_AREA = { low: 0.8, high: 1.25 };
  const SRAM_LEAKAGE = { low: 4, high: 10 };
  const sramCases = designs.flatMap(([design, d]) => d.sram.map((s) => [`${design} ${s.name}`, d.node_nm, s] as const));
  test.each(sramCases)('SRAM %s', (_name, node, ref) => {
    const t = loadTechTable(node, { sramCells: 'itrs-lstp' });
    const s = t.sram({ sizeBytes: (ref.width_bits * ref.depth) / 8, wordBits: ref.width_bits, portsPerBank: ref.rw_ports });
    const r = { read: ratio(s.readEnergyPj, ref.read_pj), write: ratio(s.writeEnergyPj, ref.write_pj), area: ratio(s.areaMm2, ref.area_mm2), leak: ratio(s.leakageMw, ref.leakage_mw) };
    expect(r.read).toBeGreaterThan(SRAM_ENERGY.low);
    expect(r.read).toBeLessThan(SRAM_ENERGY.high);
    expect(r.write).toBeGreaterThan(SRAM_ENERGY.low);
    expect(r.write).toBeLessThan(SRAM_ENERGY.high);
    expect(r.area).toBeGreaterThan(SRAM_AREA.low);
    expect(r.area).toBeLessThan(SRAM_AREA.high);
    expect(r.leak).toBeGreaterThan(SRAM_LEAKAGE.low);
    expect(r.leak).toBeLessThan(SRAM_LEAKAGE.high);
  });

  // Register bit: both come from the same Aladdin register entry; at 32 nm both scale it by
  // Stillmaker & Baas (Accelergy's library 0.6593 energy, 0.46 area; rnnsim 0.66, 0.46).
  test.each(designs)('register bit, %s', (_design, d) => {
    const t = loadTechTable(d.node_nm);
    expect(Math.abs(ratio(t.registerEnergyPjPerBit(), d.register_bit.read_pj) - 1)).toBeLessThan(0.002);
    expect(Math.abs(ratio(t.registerAreaUm2PerBit(), d.register_bit.area_um2) - 1)).toBeLessThan(0.001);
  });

  // MAC (8-bit multiplier, 16-bit adder). Accelergy's library prices it with Aladdin's
  // 45 nm adder entry (0.21 pJ / 278 um^2 per 32 bits) for both units; rnnsim with Horowitz
  // (multiply 0.2 pJ, add 0.05 pJ at 45 nm): 0.25 against 0.315 pJ, 0.79x at every node (both
  // scale 45 to 32 nm by about 0.66). Area: Horowitz's (assumed) 282 + 67 um^2 against
  // 278 + 139, 0.84x. Leakage: rnnsim's Aladdin densities give 1.07x at 45 nm; at 32 nm rnnsim
  // scales leakage by CACTI's itrs-hp ratio (0.33) where Accelergy scales it like energy
  // (0.66), so 0.54x.
  test.each(designs)('MAC, %s', (_design, d) => {
    const t = loadTechTable(d.node_nm);
    const { multiplier_bits: m, adder_bits: a } = d.mac;
    const energy = ratio(t.macEnergyPj(m, a), d.mac.compute_pj);
    expect(energy).toBeGreaterThan(0.75);
    expect(energy).toBeLessThan(0.85);
    const area = ratio(t.macAreaUm2(m, a), d.mac.area_um2);
    expect(area).toBeGreaterThan(0.8);
    expect(area).toBeLessThan(0.9);
    const leakage = ratio(t.macLeakageMw(m, a), d.mac.leakage_mw);
    expect(leakage).toBeGreaterThan(0.5);
    expect(leakage).toBeLessThan(1.2);
  });
});
