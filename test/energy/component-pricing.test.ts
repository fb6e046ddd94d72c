/**
 * Components priced from the technology table as a config selects (issue 13): buffers from the
 * CACTI tables at their own geometry (checked against the committed CACTI output rows, read
 * here straight from the JSON), the old 64-bit-port curve still available, logic leakage from
 * Aladdin's units (hand-worked), DRAM background power from the preset's IDD currents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SramBuffer, sramBufferKind } from '../../src/components/sram-buffer.js';
import { SystolicArray, systolicArrayKind } from '../../src/components/systolic-array.js';
import { identityOf } from '../../src/components/context.js';
import { priceComponent } from '../../src/components/registry.js';
import { Primitives } from '../../src/energy/price.js';
import { loadTechTable, type TechTableOptions } from '../../src/energy/tech-table.js';
import { loadArchitecture } from '../../src/config/load-architecture.js';
import { techFor } from '../../src/config/technology.js';
import { readLatencyFindings } from '../../src/config/read-latency-warnings.js';
import { InputError } from '../../src/errors.js';
import { loadInputs, simulateLoaded } from '../../src/simulate.js';
import { energyRange, savingsRange } from '../../src/reports/energy-range.js';
import { parseSetOption } from '../../src/config/overrides.js';
import { EPUR_YAML, REPO, tempDir, testContext, writeEpurConfig } from '../helpers/context.js';

interface CactiFile {
  readonly columns: readonly { readonly name: string }[];
  readonly rows: readonly (readonly number[])[];
}

/** One row of a committed CACTI table, by its key columns, as name -> value. */
function cactiRow(file: string, key: { size: number; word: number; ports: number; banks: number }): Record<string, number> {
  const data = JSON.parse(readFileSync(join(REPO, 'configs', 'tech', 'cacti', file), 'utf8')) as CactiFile;
  const names = data.columns.map((c) => c.name);
  const row = data.rows.find((r) => r[0] === key.size && r[1] === key.word && r[2] === key.ports && r[3] === key.banks);
  if (!row) throw new Error(`no row ${JSON.stringify(key)} in ${file}`);
  return Object.fromEntries(names.map((n, i) => [n, row[i]!]));
}

function bufferPrice(options: TechTableOptions, params: { size_kib: number; word_bits: number; banks: number; ports_per_bank: number }) {
  const buffer = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', { ...params, read_latency_cycles: 1, write_latency_cycles: 1 }));
  return priceComponent(buffer, new Primitives(loadTechTable(28, { sramCells: 'itrs-lstp', ...options })));
}

describe('SRAM buffers priced at their own geometry', () => {
  const weightBuffer = { size_kib: 2048, word_bits: 256, banks: 8, ports_per_bank: 1 };

  it("cacti_geometry + macro: E-PUR's 2 MiB / 8-bank / 256-bit weight buffer is the CACTI row of the whole macro", () => {
    const row = cactiRow('sram-28nm-itrs-lstp.json', { size: 2097152, word: 256, ports: 1, banks: 8 });
    const p = bufferPrice({ sramPricing: 'cacti_geometry', sramBanking: 'macro' }, weightBuffer);
    expect(p.actions.read!.value).toBe(row.read_energy_pj); // 136.916 pJ
    expect(p.actions.write!.value).toBe(row.write_energy_pj);
    expect(p.leakageMw.value).toBe(row.leakage_mw);
    expect(p.areaMm2.value).toBe(row.area_mm2);
    expect(p.actions.read!.formula).toContain('organisation=macro');
  });

  it('cacti_geometry + per_bank: one 256 KiB bank per access, leakage and area x 8', () => {
    const row = cactiRow('sram-28nm-itrs-lstp.json', { size: 262144, word: 256, ports: 1, banks: 1 });
    const p = bufferPrice({ sramPricing: 'cacti_geometry', sramBanking: 'per_bank' }, weightBuffer);
    expect(p.actions.read!.value).toBe(row.read_energy_pj); // 47.1689 pJ
    expect(p.leakageMw.value).toBeCloseTo(8 * row.leakage_mw!, 12);
    expect(p.areaMm2.value).toBeCloseTo(8 * row.area_mm2!, 12);
    // The macro's reads cost 2.9x a bank's (the H-tree to the banks): issue 13's measured ratio.
    const macro = cactiRow('sram-28nm-itrs-lstp.json', { size: 2097152, word: 256, ports: 1, banks: 8 });
    expect(macro.read_energy_pj! / row.read_energy_pj!).toBeCloseTo(2.9, 1);
  });

  it('ports are priced: the dual-ported 8 KiB input buffer is the 2-port CACTI row', () => {
    const row = cactiRow('sram-28nm-itrs-lstp.json', { size: 8192, word: 256, ports: 2, banks: 1 });
    const p = bufferPrice({ sramPricing: 'cacti_geometry' }, { size_kib: 8, word_bits: 256, banks: 1, ports_per_bank: 2 });
    expect(p.actions.read!.value).toBe(row.read_energy_pj); // 6.26683 pJ
    expect(p.areaMm2.value).toBe(row.area_mm2);
  });

  it('port_curve prices as before issue 13: one bank on the 64-bit curve x 256/64, leakage and area x banks', () => {
    const t = loadTechTable(28, { sramCells: 'itrs-lstp' });
    const p = bufferPrice({ sramPricing: 'port_curve' }, weightBuffer);
    expect(p.actions.read!.value).toBe(t.sramReadEnergyPj(262144, 256));
    expect(p.leakageMw.value).toBeCloseTo(8 * t.sramLeakageMw(262144, 256), 12);
    // The old model's 256-bit read of a 256 KiB bank is 1.4x CACTI's at that geometry (issue 13: 1.3-1.9x).
    const row = cactiRow('sram-28nm-itrs-lstp.json', { size: 262144, word: 256, ports: 1, banks: 1 });
    expect(p.actions.read!.value / row.read_energy_pj!).toBeGreaterThan(1.3);
    expect(p.actions.read!.value / row.read_energy_pj!).toBeLessThan(1.5);
  });

  it('low-standby-power leakage: CACTI itrs-lstp at 28 nm is about 10x what the old one-point ratio gave', () => {
    const old = bufferPrice({ sramPricing: 'port_curve' }, weightBuffer).leakageMw.value;
    const cacti = bufferPrice({ sramPricing: 'cacti_geometry', sramBanking: 'per_bank' }, weightBuffer).leakageMw.value;
    expect(cacti / old).toBeGreaterThan(8);
    expect(cacti / old).toBeLessThan(13);
  });

  it('outside the CACTI grid: with sram_outside_grid error an InputError naming the buffer and the way out', () => {
    const strict = { sramPricing: 'cacti_geometry', sramOutsideGrid: 'error' } as const;
    expect(() => bufferPrice(strict, { size_kib: 256, word_bits: 1024, banks: 1, ports_per_bank: 1 })).toThrow(InputError);
    expect(() => bufferPrice(strict, { size_kib: 256, word_bits: 1024, banks: 1, ports_per_bank: 1 })).toThrow(/buf: .*1024 bits.*sram_outside_grid: port_curve/);
    expect(() => bufferPrice(strict, { size_kib: 96, word_bits: 256, banks: 3, ports_per_bank: 1 })).toThrow(InputError);
  });

  it('outside the CACTI grid: by default the port curve, said in the formula and in the record', () => {
    const tech = loadTechTable(28, { sramCells: 'itrs-lstp' });
    expect(tech.sramOutsideGrid).toBe('port_curve');
    const buffer = new SramBuffer(testContext(), identityOf(sramBufferKind, 'wide', { size_kib: 256, word_bits: 1024, banks: 1, ports_per_bank: 1, read_latency_cycles: 1, write_latency_cycles: 1 }));
    const p = priceComponent(buffer, new Primitives(tech));
    expect(p.actions.read!.value).toBe(tech.sramReadEnergyPj(262144, 1024)); // 64-bit point x 1024/64
    expect(p.actions.read!.formula).toMatch(/outside the CACTI grid/);
    expect(tech.resolved().sram_outside_grid).toEqual([{ buffer: 'wide', reason: expect.stringMatching(/word width 1024 bits is outside the generated widths 16 to 512 bits/) }]);
  });

  it('sram_model horowitz prices on the port curve, and asking for cacti_geometry with it is an error', () => {
    expect(loadTechTable(28, { sramModel: 'horowitz' }).sramPricing).toBe('port_curve');
    expect(loadTechTable(28, { sramModel: 'horowitz' }).resolved().settings.sram_pricing.chosen_by).toMatch(/horowitz/);
    expect(() => loadTechTable(28, { sramModel: 'horowitz', sramPricing: 'cacti_geometry' })).toThrow(InputError);
  });
});

describe('the smallest buffer the SRAM models price', () => {
  it('one byte in each of 8 banks is a whole number of bytes per bank: priced (on the port curve), not refused', () => {
    const b = new SramBuffer(testContext(), identityOf(sramBufferKind, 'buf', { size_kib: 8 / 1024, word_bits: 8, banks: 8, ports_per_bank: 1, read_latency_cycles: 1, write_latency_cycles: 1 }));
    expect(b.bankBytes).toBe(1);
    const p = priceComponent(b, new Primitives(loadTechTable(28)));
    expect(Number.isFinite(p.actions.read.value) && p.actions.read.value > 0).toBe(true);
    expect(Number.isFinite(p.areaMm2.value) && p.areaMm2.value > 0).toBe(true);
  });
});

describe('logic leakage', () => {
  const array = () => new SystolicArray(testContext(), identityOf(systolicArrayKind, 'sa', { rows: 1, cols: 1, precision_bits: 8, accumulator_bits: 16 }));

  it("one 8-bit PE at 45 nm leaks Aladdin's density x Horowitz's areas, worked by hand", () => {
    // 45nm.yaml logic_leakage (Aladdin, 40 nm, used at 45 nm): multiplier 4.817683e-2 mW / 4595.0 um^2,
    // adder 2.380803e-3 mW / 179.4430 um^2, register 7.395312e-5 mW per bit. Areas (Horowitz, assumed):
    // 8-bit multiply 282 um^2, 16-bit add 67 um^2. A weight-stationary PE holds 8 + 8 + 16 = 32 register bits.
    const expected = 282 * (4.817683e-2 / 4595.0) + 67 * (2.380803e-3 / 179.443) + 32 * 7.395312e-5; // 6.2120e-3 mW
    const p = priceComponent(array(), new Primitives(loadTechTable(45)));
    expect(p.leakageMw.value).toBeCloseTo(expected, 9);
    expect(expected).toBeCloseTo(6.212e-3, 6);
  });

  it('a 2 x 3 weight-stationary array at 45 nm: area, MAC and weight-load energy per PE from the table points, by hand', () => {
    // 45nm.yaml: 8-bit multiply 282 um^2 / 0.2 pJ (Horowitz points), 16-bit add 67 um^2 / 0.05 pJ,
    // register 5.98 um^2 and 0.009 pJ per bit (Aladdin). A weight-stationary PE holds 8 + 8 + 16 =
    // 32 register bits (two weights when double-buffered: 40).
    const sa = (extra: Record<string, unknown>) =>
      new SystolicArray(testContext(), identityOf(systolicArrayKind, 'sa', { rows: 2, cols: 3, precision_bits: 8, accumulator_bits: 16, ...extra }));
    const t = new Primitives(loadTechTable(45));
    const single = priceComponent(sa({ double_buffered_weights: false }), t);
    // 6 PEs x (282 + 67 + 32 x 5.98 = 540.36 um^2) = 3242.16 um^2 = 0.00324216 mm^2.
    expect(single.areaMm2.value).toBeCloseTo(6 * 540.36e-6, 12);
    // MAC: multiply 0.2 + add 0.05 + a 16-bit accumulator register write 16 x 0.009 = 0.394 pJ; weight load 8 x 0.009 = 0.072 pJ.
    expect(single.actions.mac.value).toBeCloseTo(0.394, 12);
    expect(single.actions.weight_load.value).toBeCloseTo(0.072, 12);
    // energy.csv and area.csv write each price with its formula: it must name what was summed.
    expect([single.actions.mac.formula, single.actions.weight_load.formula, single.leakageMw.formula, single.areaMm2.formula]).toEqual([
      'int_multiply_energy(8 b) + int_add_energy(16 b) + 16 b x register_energy_per_bit',
      '8 b x register_energy_per_bit',
      '6 PEs x (int_multiply_leakage(8 b) + int_add_leakage(16 b) + 32 b x register_leakage_per_bit)',
      '(6 PEs x (int_multiply_area(8 b) + int_add_area(16 b) + 32 b x register_area_per_bit)) / 1e6 um^2 per mm^2',
    ]);
    const double = priceComponent(sa({ double_buffered_weights: true }), t);
    // 8 more register bits per PE: 6 x 8 x 5.98 = 287.04 um^2 more.
    expect(double.areaMm2.value - single.areaMm2.value).toBeCloseTo(287.04e-6, 12);
    // Output-stationary: input, passing weight and accumulator = 8 + 8 + 16, as the single-buffered one.
    expect(priceComponent(sa({ stationary: 'output' }), t).areaMm2.value).toBeCloseTo(6 * 540.36e-6, 12);
  });

  it('logic_leakage none charges nothing', () => {
    const p = priceComponent(array(), new Primitives(loadTechTable(45, { logicLeakage: 'none' })));
    expect(p.leakageMw.value).toBe(0);
    expect(p.leakageMw.formula).toContain('logic_leakage: none');
  });
});

describe('configs choose, and runs record the choice', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it("the E-PUR config's LPDDR4 charges DRAMsim3's active-standby background power plus refresh", () => {
    const config = loadArchitecture(EPUR_YAML);
    const dram = config.roles.dram!.params as { background_power_mw: number };
    // 4 x16 devices at 1.2 V: IDD3N 47 mA -> 225.6 mW; refresh (IDD5AB 280 - IDD3N 47) mA x 1.2 V x 4 x tRFC 392 / tREFI 8660 = 50.63 mW.
    const expected = 4 * 1.2 * 47 + 4 * 1.2 * (280 - 47) * (392 / 8660);
    expect(dram.background_power_mw).toBeCloseTo(expected, 9);
    expect(expected).toBeCloseTo(276.23, 2);
  });

  it('technology.sram_pricing, sram_banking and logic_leakage reach the table and its record', () => {
    const file = writeEpurConfig(dir, 'choices.yaml', { technology: { sram_pricing: 'port_curve', sram_banking: 'per_bank', logic_leakage: 'none' } });
    const resolved = techFor(loadArchitecture(file)).resolved();
    expect(resolved.settings.sram_pricing).toEqual({ value: 'port_curve', chosen_by: 'option' });
    expect(resolved.settings.sram_banking).toEqual({ value: 'per_bank', chosen_by: 'option' });
    expect(resolved.settings.logic_leakage).toEqual({ value: 'none', chosen_by: 'option' });
    const defaults = techFor(loadArchitecture(EPUR_YAML)).resolved().settings;
    expect(defaults.sram_pricing.value).toBe('cacti_geometry');
    expect(defaults.logic_leakage.value).toBe('aladdin');
  });

  it("check's read-latency findings for E-PUR: the macros need 3 and 5 cycles at 500 MHz, not 2", () => {
    const config = loadArchitecture(EPUR_YAML);
    const findings = Object.fromEntries(readLatencyFindings(config, techFor(config)).map((f) => [f.role, f.check]));
    // CACTI access times of the whole macros: 5.14097 ns and 8.29515 ns; a cycle is 2 ns.
    expect(findings.weight_buffer).toMatchObject({ requiredCycles: 3, configuredCycles: 2, shortByCycles: 1, ok: false });
    expect(findings.intermediate_memory).toMatchObject({ requiredCycles: 5, shortByCycles: 3, ok: false });
    expect(findings.input_buffer).toMatchObject({ requiredCycles: 1, ok: true });
  });
});

describe('energy over the sources\' spread (rnnsim compare --energy-range)', () => {
  it('reprices a run on every axis: the DRAM axes differ by exactly the preset figures x bytes and x time', async () => {
    const inputs = await loadInputs(EPUR_YAML, join(REPO, 'traces', 'deepbench', 'lstm-h256-b1-t150.json'));
    const report = simulateLoaded(inputs);
    const range = energyRange(report, inputs.config);
    const v = Object.fromEntries(range.variants.map((x) => [x.key, x.total_uj]));
    expect(range.variants).toHaveLength(36); // 2 arithmetic x 2 banking x 3 DRAM energy x 3 background
    const dram = report.summary.dram_bytes;
    const bytes = dram.read + dram.written;
    // LPDDR4 options: 6.1 (DRAMsim3 row hit) to 12.9 pJ/bit (row miss); background 120 + 50.63
    // (precharge power-down) to 225.6 + 50.63 mW (active standby), refresh in both.
    expect(range.dram[0]!.energy_pj_per_bit).toEqual({ low: 6.1, selected: 8, high: 12.9 });
    expect(range.dram[0]!.background_mw.low).toBeCloseTo(120 + 50.625, 2);
    expect(range.dram[0]!.background_mw.high).toBeCloseTo(225.6 + 50.625, 2);
    const k = (e: string, b: string) => `arithmetic=horowitz, sram_banking=macro, dram_energy=${e}, dram_background=${b}`;
    expect(v[k('high', 'low')]! - v[k('low', 'low')]!).toBeCloseTo((bytes * 8 * (12.9 - 6.1)) / 1e6, 6);
    expect(v[k('low', 'high')]! - v[k('low', 'low')]!).toBeCloseTo(((225.6 - 120) * report.summary.latency_us * 1000) / 1e6, 6);
    // The config's own pricing (Horowitz, macro, 8 pJ/bit, active standby) is one of the variants.
    expect(v[k('selected', 'selected')]).toBeCloseTo(range.selected_uj, 9);
    expect(range.low_uj).toBeLessThan(range.selected_uj);
    expect(range.high_uj).toBeGreaterThan(range.selected_uj);
    expect(range.low_variant).toBe(k('low', 'low').replace('sram_banking=macro', 'sram_banking=per_bank'));
  });

  it('savings are compared variant by variant', () => {
    const r = (a: number, b: number) => ({ selected_uj: a, low_uj: Math.min(a, b), high_uj: Math.max(a, b), low_variant: '', high_variant: '', dram: [], skipped: [], variants: [{ key: 'x', total_uj: a }, { key: 'y', total_uj: b }] });
    // x: 100/50 = 2; y: 300/200 = 1.5 (not 300/50 or 100/200: the same pricing on both sides).
    expect(savingsRange(r(50, 200), r(100, 300))).toEqual({ low_x: 1.5, high_x: 2 });
  });
});

describe('tech-resolved.json records the DRAM figures', () => {
  it("the preset's, with their source, or the config's own", async () => {
    const trace = join(REPO, 'traces', 'deepbench', 'lstm-h256-b1-t150.json');
    const fromPreset = simulateLoaded(await loadInputs(EPUR_YAML, trace)).resolvedTech as { dram: { role: string; preset: string; background_power_mw: { value: number; from: string; source: string }; energy_pj_per_bit: { value: number; from: string } }[] };
    expect(fromPreset.dram).toHaveLength(1);
    expect(fromPreset.dram[0]).toMatchObject({ role: 'dram', preset: 'lpddr4-2400', energy_pj_per_bit: { value: 8, from: 'preset' }, background_power_mw: { from: 'preset' } });
    expect(fromPreset.dram[0]!.background_power_mw.source).toMatch(/active_standby.*IDD/);
    const own = simulateLoaded(await loadInputs(EPUR_YAML, trace, { overrides: [parseSetOption('components.dram.background_power_mw=0')] })).resolvedTech as typeof fromPreset;
    expect(own.dram[0]!.background_power_mw).toMatchObject({ value: 0, from: 'config' });
  });
});
