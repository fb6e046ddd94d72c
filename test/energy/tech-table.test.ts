import { describe, expect, test } from 'vitest';
import { listTechNodes, loadTechTable } from '../../src/energy/tech-table.js';

const KB = 1024;
const MB = 1024 * 1024;

describe('arithmetic at 45 nm (Horowitz)', () => {
  const t45 = loadTechTable(45);

  test('table points are returned as they are', () => {
    expect(t45.intMultiplyEnergyPj(8)).toBe(0.2);
    expect(t45.intMultiplyEnergyPj(32)).toBe(3.1);
    expect(t45.intAddEnergyPj(16)).toBe(0.05);
    expect(t45.intAddAreaUm2(32)).toBe(137);
  });

  test('16-bit multiply from the 8- and 32-bit points, linear in bits^2', () => {
    // 0.2 + (3.1 - 0.2) * (16^2 - 8^2) / (32^2 - 8^2) = 0.2 + 2.9 * 0.2 = 0.78 pJ
    expect(t45.intMultiplyEnergyPj(16)).toBeCloseTo(0.78, 12);
    // area the same way: 282 + (3495 - 282) * 0.2 = 924.6 um^2
    expect(t45.intMultiplyAreaUm2(16)).toBeCloseTo(924.6, 9);
  });

  test('adder interpolates linearly in bits', () => {
    // between 8 (0.03) and 16 (0.05): 12 bits -> 0.04 pJ
    expect(t45.intAddEnergyPj(12)).toBeCloseTo(0.04, 12);
    // between 16 (67) and 32 (137): 24 bits -> 102 um^2
    expect(t45.intAddAreaUm2(24)).toBeCloseTo(102, 9);
  });

  test('outside the points: nearest point scaled by the rule', () => {
    expect(t45.intMultiplyEnergyPj(4)).toBeCloseTo(0.2 * (4 / 8) ** 2, 12);
    expect(t45.intMultiplyEnergyPj(64)).toBeCloseTo(3.1 * 4, 12);
    expect(t45.intAddEnergyPj(4)).toBeCloseTo(0.015, 12);
    expect(t45.intAddEnergyPj(64)).toBeCloseTo(0.2, 12);
  });

  test('MAC = multiply + add at the accumulator width', () => {
    expect(t45.macEnergyPj(16, 32)).toBeCloseTo(0.78 + 0.1, 12);
    expect(t45.macEnergyPj(8, 8)).toBeCloseTo(0.23, 12); // MAESTRO's default mac_energy agrees
    expect(t45.macAreaUm2(8, 8)).toBeCloseTo(282 + 36, 9);
  });

  test('register from the Aladdin entry', () => {
    expect(t45.registerEnergyPjPerBit()).toBe(0.009);
    expect(t45.registerAreaUm2PerBit()).toBe(5.98);
  });

  test('element-wise multiply and add are the integer primitives', () => {
    expect(t45.elementwiseMultiplyEnergyPj(16)).toBe(t45.intMultiplyEnergyPj(16));
    expect(t45.elementwiseAddEnergyPj(16)).toBe(t45.intAddEnergyPj(16));
  });
});

describe('model settings', () => {
  test('aladdin multipliers: the 32-bit point scaled quadratically', () => {
    const table = loadTechTable(45, { multiplierModel: 'aladdin' });
    expect(table.intMultiplyEnergyPj(32)).toBe(8.63);
    expect(table.intMultiplyEnergyPj(16)).toBeCloseTo(8.63 / 4, 12);
    expect(table.intAddEnergyPj(32)).toBe(0.1); // adders stay Horowitz
    expect(table.resolved().settings.multiplier_model).toEqual({ value: 'aladdin', chosen_by: 'option' });
  });

  test('aladdin adders: the 32-bit point scaled linearly', () => {
    const table = loadTechTable(45, { adderModel: 'aladdin' });
    expect(table.intAddEnergyPj(16)).toBeCloseTo(0.0857 / 2, 12);
  });

  test('horowitz SRAM: 64-bit reads from the 8 KB/32 KB/1 MB points, writes = reads', () => {
    const table = loadTechTable(45, { sramModel: 'horowitz' });
    expect(table.sramReadEnergyPj(32 * KB, 64)).toBe(20);
    // 64 KB: one of five doublings from 32 KB to 1 MB: 20 + 80 / 5 = 36 pJ
    expect(table.sramReadEnergyPj(64 * KB, 64)).toBeCloseTo(36, 12);
    expect(table.sramWriteEnergyPj(64 * KB, 64)).toBeCloseTo(36, 12);
    // leakage and area still CACTI
    expect(table.sramLeakageMw(64 * KB, 64)).toBe(66.2);
  });

  test('voltage scaling: dynamic energy x (V/0.9)^2, leakage and area unchanged', () => {
    const table = loadTechTable(45, { voltageV: 0.8 });
    const factor = (0.8 / 0.9) ** 2;
    expect(table.intMultiplyEnergyPj(16)).toBeCloseTo(0.78 * factor, 12);
    expect(table.sramReadEnergyPj(64 * KB, 64)).toBeCloseTo(18.2 * factor, 12);
    expect(table.sramLeakageMw(64 * KB, 64)).toBe(66.2);
    expect(table.intMultiplyAreaUm2(8)).toBe(282);
  });
});

describe('SRAM at 45 nm (CACTI)', () => {
  const t45 = loadTechTable(45);

  test('64 KB, 128-bit read = 2 x the 64-bit read', () => {
    expect(t45.sramReadEnergyPj(64 * KB, 128)).toBeCloseTo(2 * 18.2, 12);
    expect(t45.sramWriteEnergyPj(64 * KB, 32)).toBeCloseTo(17.0 / 2, 12);
  });

  test('between points: linear in log2(size)', () => {
    // 128 KB is halfway (in log2) between 64 KB and 256 KB
    expect(t45.sramReadEnergyPj(128 * KB, 64)).toBeCloseTo((18.2 + 26.2) / 2, 12);
    expect(t45.sramAreaMm2(128 * KB, 64)).toBeCloseTo((0.227 + 0.925) / 2, 12);
    expect(t45.sramAccessNs(128 * KB)).toBeCloseTo((0.73 + 1.53) / 2, 12);
  });

  test('2 MB: extrapolated from 1 MB with energy ~ depth^0.78, area and leakage linear', () => {
    expect(t45.sramReadEnergyPj(2 * MB, 64)).toBeCloseTo(52.0 * 2 ** 0.78, 10);
    expect(t45.sramReadEnergyPj(2 * MB, 256)).toBeCloseTo(4 * 52.0 * 2 ** 0.78, 10);
    expect(t45.sramWriteEnergyPj(2 * MB, 64)).toBeCloseTo(72.0 * 2 ** 0.78, 10);
    expect(t45.sramAreaMm2(2 * MB, 256)).toBeCloseTo(3.64 * 2, 12);
    expect(t45.sramLeakageMw(2 * MB, 256)).toBeCloseTo(1174 * 2, 9);
    // access time: power law through the 256 KB and 1 MB points
    const exponent = Math.log(2.58 / 1.53) / Math.log(4);
    expect(t45.sramAccessNs(2 * MB)).toBeCloseTo(2.58 * 2 ** exponent, 12);
  });

  test('the resolved table says what was extrapolated and by which rule', () => {
    const table = loadTechTable(45);
    table.sramReadEnergyPj(2 * MB, 256);
    table.sramReadEnergyPj(64 * KB, 64);
    const resolved = table.resolved();
    expect(resolved.extrapolated).toEqual(['sram_read_energy_pj(sizeBytes=2097152, wordBits=256)']);
    const read2mb = resolved.primitives[0]!;
    expect(read2mb.extrapolated).toBe(true);
    expect(read2mb.unit).toBe('pJ');
    expect(read2mb.inputs.map((i) => i.entry)).toEqual([
      '45nm.yaml: sram.cacti.points[4].read_energy_pj',
      '45nm.yaml: sram.extrapolation.energy.depth_exponent',
    ]);
    expect(read2mb.inputs[1]!.source).toMatch(/Accelergy/);
    expect(read2mb.steps.join(' | ')).toMatch(/extrapolated beyond the 1048576-byte point/);
    expect(resolved.primitives[1]!.extrapolated).toBe(false);
    expect(resolved.primitives[1]!.mark).toBe('S'); // a CACTI point returned as it is
    // plain JSON
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });

  test('bad arguments are input errors', () => {
    expect(() => t45.sramReadEnergyPj(0, 64)).toThrow(/sizeBytes must be a positive integer/);
    expect(() => t45.sramReadEnergyPj(4, 64)).toThrow(/does not fit/);
    expect(() => t45.intMultiplyEnergyPj(2.5)).toThrow(/bits must be an integer/);
  });
});

describe('lookup tables and activations', () => {
  const t45 = loadTechTable(45);

  test('a 256 x 16-bit table is a 512-byte SRAM read, extrapolated below 8 KB', () => {
    const expected = 4.31 * (512 / 8192) ** 0.78 * (16 / 64);
    expect(t45.lookupTableEnergyPj(256, 16)).toBeCloseTo(expected, 12);
    expect(t45.lookupTableAreaUm2(256, 16)).toBeCloseTo(0.025 * (512 / 8192) * 1e6, 6);
  });

  test('sigmoid/tanh = table read + a comparator at the input width', () => {
    const expected = t45.lookupTableEnergyPj(256, 16) + t45.intAddEnergyPj(16);
    expect(t45.activationEnergyPj('sigmoid', 16)).toBeCloseTo(expected, 12);
    expect(t45.activationEnergyPj('tanh', 16, 256)).toBeCloseTo(expected, 12);
    expect(t45.activationTableDefaults()).toEqual({ entries: 256, bits: 16 });
    const activation = t45.resolved().primitives.find((p) => p.quantity === 'activation_energy_pj')!;
    expect(activation.mark).toBe('A');
  });
});

describe('derived nodes', () => {
  test('28 nm = 45 nm x 0.51 (energy), x 0.38 (area)', () => {
    const t28 = loadTechTable(28);
    expect(t28.intMultiplyEnergyPj(16)).toBeCloseTo(0.78 * 0.51, 12);
    expect(t28.macEnergyPj(16, 32)).toBeCloseTo(0.88 * 0.51, 12);
    expect(t28.intMultiplyAreaUm2(16)).toBeCloseTo(924.6 * 0.38, 9);
    expect(t28.sramReadEnergyPj(2 * MB, 256)).toBeCloseTo(4 * 52.0 * 2 ** 0.78 * 0.51, 10);
    expect(t28.sramAreaMm2(2 * MB, 256)).toBeCloseTo(7.28 * 0.38, 12);
    expect(t28.sramLeakageMw(64 * KB, 64)).toBeCloseTo(66.2 * 0.245, 12);
    expect(t28.sramAccessNs(64 * KB)).toBeCloseTo(0.73 * 0.696, 12);
    expect(t28.registerEnergyPjPerBit()).toBeCloseTo(0.009 * 0.51, 12);
  });

  test('32 nm: direct CACTI points win for SRAM', () => {
    const t32 = loadTechTable(32);
    expect(t32.sramReadEnergyPj(32 * KB, 64)).toBeCloseTo(6.06, 12);
    expect(t32.sramReadEnergyPj(MB, 64)).toBeCloseTo(29.5, 12);
    expect(t32.sramLeakageMw(MB, 64)).toBeCloseTo(361, 9);
    expect(t32.sramAreaMm2(32 * KB, 64)).toBeCloseTo(0.054, 12);
    expect(t32.sramAccessNs(MB)).toBeCloseTo(1.98, 12);
    // 64 KB: 45 nm value 18.2 x the correction interpolated at 1/5 of the way (in log2 size)
    // from 6.06/10.7 (32 KB) to 29.5/52.0 (1 MB)
    const factor = 6.06 / 10.7 + (29.5 / 52.0 - 6.06 / 10.7) * 0.2;
    expect(t32.sramReadEnergyPj(64 * KB, 64)).toBeCloseTo(18.2 * factor, 12);
    // 2 MB: 45 nm extrapolation x the correction held at its 1 MB value
    expect(t32.sramReadEnergyPj(2 * MB, 64)).toBeCloseTo(52.0 * 2 ** 0.78 * (29.5 / 52.0), 10);
    // arithmetic: Stillmaker factor
    expect(t32.intMultiplyEnergyPj(8)).toBeCloseTo(0.2 * 0.66, 12);
    expect(t32.intAddAreaUm2(8)).toBeCloseTo(36 * 0.46, 12);
  });

  test('22 nm: direct CACTI points; horowitz SRAM scales by the energy factor', () => {
    const t22 = loadTechTable(22);
    expect(t22.sramReadEnergyPj(MB, 64)).toBeCloseTo(15.9, 12);
    expect(t22.intMultiplyEnergyPj(32)).toBeCloseTo(3.1 * 0.29, 12);
    const horowitz = loadTechTable(22, { sramModel: 'horowitz' });
    expect(horowitz.sramReadEnergyPj(MB, 64)).toBeCloseTo(100 * 0.29, 12);
    expect(horowitz.sramAreaMm2(MB, 64)).toBeCloseTo(0.87, 12);
  });

  test('the resolved table records the derivation', () => {
    const t28 = loadTechTable(28);
    t28.intMultiplyEnergyPj(16);
    const resolved = t28.resolved();
    expect(resolved.node_nm).toBe(28);
    expect(resolved.files).toEqual(['configs/tech/28nm.yaml', 'configs/tech/45nm.yaml']);
    expect(resolved.derivation[0]!.scale['energy']!.factor).toBe(0.51);
    const mult = resolved.primitives[0]!;
    expect(mult.inputs.map((i) => i.entry)).toContain('28nm.yaml: derives_from.scale.energy.factor');
    expect(mult.steps).toContain('x 0.51 (energy, 45 nm to 28 nm)');
    expect(mult.mark).toBe('D');
  });

  test('shipped nodes', () => {
    expect(listTechNodes()).toEqual([7, 16, 22, 28, 32, 45]);
    expect(() => loadTechTable(14)).toThrow(/no technology table for 14 nm.*available: 7 nm, 16 nm/);
  });
});

describe('SRAM cells: itrs-hp (default) and itrs-lstp', () => {
  // The one itrs-lstp CACTI point (45 nm, 32 KB) over the itrs-hp 32 KB point.
  const LEAK = 0.006 / 34.7; // 1.729e-4
  const READ = 13.2 / 10.7; // 1.2336
  const ACCESS = 1.75 / 0.59; // 2.9661

  test('itrs-hp is the default, chosen by the base table; no cell derivation', () => {
    const table = loadTechTable(28);
    expect(table.sramLeakageMw(2 * MB, 64)).toBeCloseTo(1174 * 2 * 0.245, 9);
    const resolved = table.resolved();
    expect(resolved.settings.sram_cells).toEqual({ value: 'itrs-hp', chosen_by: 'configs/tech/45nm.yaml' });
    expect(resolved.sram_cell_derivation).toBeNull();
  });

  test('45 nm 32 KB with itrs-lstp gives the lstp point back', () => {
    const t = loadTechTable(45, { sramCells: 'itrs-lstp' });
    expect(t.sramLeakageMw(32 * KB, 64)).toBeCloseTo(0.006, 15);
    expect(t.sramReadEnergyPj(32 * KB, 64)).toBeCloseTo(13.2, 12);
    expect(t.sramAccessNs(32 * KB)).toBeCloseTo(1.75, 12);
    // no lstp write figure: the hp write x the read ratio (assumed); area unchanged (assumed)
    expect(t.sramWriteEnergyPj(32 * KB, 64)).toBeCloseTo(13.3 * READ, 12);
    expect(t.sramAreaMm2(32 * KB, 64)).toBe(0.106);
  });

  test('28 nm 2 MB (E-PUR weight buffer): hp value x the lstp/hp ratio', () => {
    const hp = loadTechTable(28);
    const lstp = loadTechTable(28, { sramCells: 'itrs-lstp' });
    // leakage: 1174 mW x 2 (1 MB to 2 MB, linear) x 0.245 (45 to 28 nm) = 575.26 mW (hp)
    //          575.26 x 0.006 / 34.7 = 0.09947 mW (lstp)
    expect(hp.sramLeakageMw(2 * MB, 64)).toBeCloseTo(575.26, 9);
    expect(lstp.sramLeakageMw(2 * MB, 64)).toBeCloseTo(575.26 * LEAK, 12);
    expect(lstp.sramLeakageMw(2 * MB, 64)).toBeCloseTo(0.09947, 5);
    // 64-bit read: 52.0 x 2^0.78 x 0.51 = 45.54 pJ (hp); x 13.2/10.7 = 56.18 pJ (lstp)
    expect(hp.sramReadEnergyPj(2 * MB, 64)).toBeCloseTo(52.0 * 2 ** 0.78 * 0.51, 10);
    expect(lstp.sramReadEnergyPj(2 * MB, 64)).toBeCloseTo(52.0 * 2 ** 0.78 * 0.51 * READ, 10);
    expect(lstp.sramReadEnergyPj(2 * MB, 64)).toBeCloseTo(56.18, 2);
    expect(lstp.sramReadEnergyPj(2 * MB, 256)).toBeCloseTo(4 * 52.0 * 2 ** 0.78 * 0.51 * READ, 10);
    expect(lstp.sramWriteEnergyPj(2 * MB, 64)).toBeCloseTo(72.0 * 2 ** 0.78 * 0.51 * READ, 10);
    // access: the hp value (power law through 256 KB and 1 MB, x 0.696) x 1.75/0.59
    expect(lstp.sramAccessNs(2 * MB)).toBeCloseTo(hp.sramAccessNs(2 * MB) * ACCESS, 12);
    expect(lstp.sramAreaMm2(2 * MB, 64)).toBeCloseTo(3.64 * 2 * 0.38, 12);
  });

  test('E-PUR-like memories at 28 nm (4 x 2 MB + 6 MB): about 4 W of leakage becomes under 1 mW', () => {
    const total = (cells: 'itrs-hp' | 'itrs-lstp') => {
      const t = loadTechTable(28, { sramCells: cells });
      return 4 * t.sramLeakageMw(2 * MB, 64) + t.sramLeakageMw(6 * MB, 64);
    };
    // 1174 x 14 x 0.245 = 4026.82 mW; x 0.006/34.7 = 0.6963 mW
    expect(total('itrs-hp')).toBeCloseTo(4026.82, 8);
    expect(total('itrs-lstp')).toBeCloseTo(4026.82 * LEAK, 10);
    expect(total('itrs-lstp')).toBeCloseTo(0.6963, 4);
  });

  test('at nodes with direct CACTI points the ratio multiplies the direct value', () => {
    const t32 = loadTechTable(32, { sramCells: 'itrs-lstp' });
    expect(t32.sramLeakageMw(MB, 64)).toBeCloseTo(361 * LEAK, 12);
    expect(t32.sramReadEnergyPj(32 * KB, 64)).toBeCloseTo(6.06 * READ, 12);
    const t22 = loadTechTable(22, { sramCells: 'itrs-lstp' });
    expect(t22.sramAccessNs(MB)).toBeCloseTo(1.52 * ACCESS, 12);
  });

  test('lookup tables and horowitz SRAM energy use the same ratios', () => {
    const hp = loadTechTable(45);
    const lstp = loadTechTable(45, { sramCells: 'itrs-lstp' });
    expect(lstp.lookupTableLeakageMw(256, 16)).toBeCloseTo(hp.lookupTableLeakageMw(256, 16) * LEAK, 15);
    expect(lstp.lookupTableEnergyPj(256, 16)).toBeCloseTo(hp.lookupTableEnergyPj(256, 16) * READ, 12);
    const horowitz = loadTechTable(45, { sramModel: 'horowitz', sramCells: 'itrs-lstp' });
    expect(horowitz.sramReadEnergyPj(32 * KB, 64)).toBeCloseTo(20 * READ, 12);
    const read = horowitz.resolved().primitives[0]!;
    expect(read.steps.at(-1)).toMatch(/Horowitz's reads taken as itrs-hp cells \(assumed\)/);
  });

  test('resolved(): the setting, the D derivation with its source and assumption, and per-value steps', () => {
    const t = loadTechTable(28, { sramCells: 'itrs-lstp' });
    t.sramLeakageMw(2 * MB, 64);
    t.sramWriteEnergyPj(2 * MB, 64);
    t.sramAreaMm2(2 * MB, 64);
    const resolved = t.resolved();
    expect(resolved.settings.sram_cells).toEqual({ value: 'itrs-lstp', chosen_by: 'option' });
    const derivation = resolved.sram_cell_derivation!;
    expect(derivation.mark).toBe('D');
    expect(derivation.from).toBe('itrs-hp');
    expect(derivation.to).toBe('itrs-lstp');
    expect(derivation.file).toBe('configs/tech/45nm.yaml');
    expect(derivation.reference).toMatchObject({ node_nm: 45, size_bytes: 32768 });
    expect(derivation.reference.source).toMatch(/itrs-lstp.*energy-area\.md/);
    expect(derivation.factors.leakage_mw.factor).toBeCloseTo(LEAK, 15);
    expect(derivation.factors.leakage_mw.how).toBe('0.006 / 34.7 = 0.0001729');
    expect(derivation.factors.leakage_mw.mark).toBe('D');
    expect(derivation.factors.read_energy_pj.factor).toBeCloseTo(READ, 15);
    expect(derivation.factors.access_ns.factor).toBeCloseTo(ACCESS, 15);
    expect(derivation.factors.write_energy_pj).toMatchObject({ factor: derivation.factors.read_energy_pj.factor, mark: 'A' });
    expect(derivation.factors.write_energy_pj.source).toMatch(/^assumed: .*no itrs-lstp write energy/);
    expect(derivation.factors.area_mm2).toMatchObject({ factor: 1, mark: 'A' });
    expect(derivation.assumption).toMatch(/holds at every size and node/);

    const [leakage, write, area] = resolved.primitives;
    expect(leakage!.steps.at(-1)).toMatch(/^x 0\.006 \/ 34\.7 = 0\.0001729 \(itrs-lstp\/itrs-hp leakage at 45 nm .*assumed to hold at every size and node\)$/);
    const ratioInput = leakage!.inputs.find((i) => i.unit === 'ratio' && i.entry.includes('sram.lstp'))!;
    expect(ratioInput).toMatchObject({ entry: '45nm.yaml: sram.lstp.leakage_mw / sram.cacti.points[1].leakage_mw', mark: 'D' });
    expect(ratioInput.note).toMatch(/holds at every size and node/);
    expect(leakage!.inputs.map((i) => i.entry)).toEqual(
      expect.arrayContaining(['45nm.yaml: sram.lstp.leakage_mw', '45nm.yaml: sram.cacti.points[1].leakage_mw']),
    );
    expect(write!.mark).toBe('A'); // the read ratio stands in for the write ratio
    expect(write!.steps.at(-1)).toMatch(/no itrs-lstp write figure, the read ratio is used \(assumed\)/);
    expect(area!.steps.at(-1)).toMatch(/itrs-hp area is used \(assumed\)/);
    expect(JSON.parse(JSON.stringify(resolved))).toEqual(resolved);
  });
});
