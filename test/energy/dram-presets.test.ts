import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { dramBackgroundRange, dramEnergyRange } from '../../src/energy/alternatives.js';
import { dramBackgroundPowerMw, dramPresetsDir, listDramPresets, loadDramPreset, loadDramPresetFile } from '../../src/energy/dram-presets.js';

describe('DRAM presets', () => {
  test('the shipped presets', () => {
    expect(listDramPresets()).toEqual(['ddr3', 'ddr4', 'hbm2', 'lpddr4']);
  });

  test('LPDDR4-2400: 4 x16 channels, tRCD + CL = 32 cycles at 0.83 ns', () => {
    const p = loadDramPreset('lpddr4');
    expect(p.name).toBe('lpddr4-2400');
    expect(p.bandwidth_gb_per_s).toBeCloseTo(4 * 2 * 2.4, 12);
    expect(p.bandwidth_per_channel_gb_per_s).toBeCloseTo(4.8, 12);
    expect(p.burst_bytes).toBe(32);
    expect(p.access_latency_ns).toBeCloseTo(32 * 0.83, 12);
    expect(p.row_miss_latency_ns).toBeCloseTo(47 * 0.83, 12);
    expect(p.energy_option).toBe('accelergy');
    expect(p.energy_pj_per_bit).toBe(8);
    expect(p.energy_options['dramsim3_core_row_miss']!.energy_pj_per_bit).toBe(12.9);
    expect(p.sources['energy_pj_per_bit']!.source).toMatch(/Accelergy/);
    expect(p.background_power_mw).toBeNull();
  });

  test('the energy source is a choice', () => {
    const p = loadDramPreset('lpddr4-2400', { energyOption: 'dramsim3_core_row_hit' });
    expect(p.energy_pj_per_bit).toBe(6.1);
    expect(p.sources['energy_pj_per_bit']!.mark).toBe('D');
    expect(() => loadDramPreset('lpddr4', { energyOption: 'datasheet' })).toThrow(/energy option 'datasheet' is not one of accelergy/);
  });

  test('DDR3-1600 (DRAMsim3 timing), DDR4-3200, HBM2-2000', () => {
    const ddr3 = loadDramPreset('ddr3');
    expect(ddr3.bandwidth_gb_per_s).toBeCloseTo(12.8, 12);
    expect(ddr3.access_latency_ns).toBeCloseTo(22 * 1.25, 12);
    expect(ddr3.energy_pj_per_bit).toBe(70);
    expect(ddr3.sources['timing']!.source).toMatch(/DRAMsim3.*DDR3_8Gb_x8_1600\.ini/);
    expect(ddr3.sources['timing']!.mark).toBe('S');

    const ddr4 = loadDramPreset('ddr4');
    expect(ddr4.bandwidth_gb_per_s).toBeCloseTo(25.6, 12);
    expect(ddr4.access_latency_ns).toBeCloseTo(44 * 0.625, 12);
    expect(ddr4.row_miss_latency_ns).toBeCloseTo(66 * 0.625, 12);
    expect(ddr4.energy_pj_per_bit).toBe(13.7);
    expect(ddr4.background_power_mw).toBeCloseTo(2.5e-12 * 25.6e9 * 8 * 1e3, 9);

    const hbm2 = loadDramPreset('hbm2-2000');
    expect(hbm2.channels).toBe(8);
    expect(hbm2.bandwidth_gb_per_s).toBeCloseTo(256, 12);
    expect(hbm2.burst_bytes).toBe(64);
    expect(hbm2.access_latency_ns).toBeCloseTo(28, 12);
    expect(hbm2.energy_pj_per_bit).toBe(3.9);
  });

  test('unknown preset lists the available ones', () => {
    expect(() => loadDramPreset('gddr6')).toThrow(/no DRAM preset 'gddr6'.*ddr3, ddr4, hbm2, lpddr4/);
  });

  test('a shown derived figure that disagrees with the fields is an error with its line', () => {
    const text = readFileSync(path.join(dramPresetsDir(), 'ddr4.yaml'), 'utf8').replace('peak_bandwidth_gb_per_s: 25.6', 'peak_bandwidth_gb_per_s: 32');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rnnsim-dram-')), 'ddr4.yaml');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('peak_bandwidth_gb_per_s: 32')) + 1;
    expect(() => loadDramPresetFile(file)).toThrow(new RegExp(`line ${line}, column \\d+ \\(at derived\\.peak_bandwidth_gb_per_s\\): shows 32, but the fields above give 25\\.6`));
  });

  test('a missing source is an error', () => {
    const text = readFileSync(path.join(dramPresetsDir(), 'hbm2.yaml'), 'utf8').replace(
      'channels: { value: 8, source: "assumed (JEDEC HBM2: eight 128-bit channels per stack, not in energy-area.md)", mark: A }',
      'channels: { value: 8, mark: A }',
    );
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rnnsim-dram-')), 'hbm2.yaml');
    writeFileSync(file, text);
    expect(() => loadDramPresetFile(file)).toThrow(/line \d+, column \d+ \(at channels\): missing required key 'source'/);
  });
});

describe('DRAM background power from the IDD currents (DRAMsim3 configs)', () => {
  test('LPDDR4-2400: VDD 1.2 V, four x16 devices', () => {
    const p = loadDramPreset('lpddr4');
    const b = p.background!;
    expect(b.devices).toBe(4);
    // DRAMsim3 configs/LPDDR4_8Gb_x16_2400.ini: IDD3N 47, IDD2N 34, IDD2P 25, IDD6x 30, IDD5AB 280 mA
    expect(b.state_power_mw.active_standby).toBeCloseTo(1.2 * 47 * 4, 9); // 225.6 mW
    expect(b.state_power_mw.precharge_standby).toBeCloseTo(1.2 * 34 * 4, 9); // 163.2
    expect(b.state_power_mw.precharge_powerdown).toBeCloseTo(1.2 * 25 * 4, 9); // 120
    expect(b.state_power_mw.self_refresh).toBeCloseTo(1.2 * 30 * 4, 9); // 144
    // refresh: 1.2 V x (280 - 47) mA x 4 x tRFC 392 / tREFI 8660 = 50.63 mW
    expect(b.refresh_mw).toBeCloseTo(1.2 * 233 * 4 * (392 / 8660), 9);
    expect(b.refresh_mw).toBeCloseTo(50.63, 2);
    expect(b.state).toBe('active_standby');
    expect(b.total_mw).toBeCloseTo(225.6 + 50.63, 1);
    expect(dramBackgroundPowerMw(p)).toBeCloseTo(b.total_mw, 12);
    // self refresh: IDD6x already includes refresh
    expect(dramBackgroundPowerMw(p, 'self_refresh')).toBeCloseTo(144, 9);
    expect(b.source).toMatch(/DRAMsim3.*29817593b3389f1337235d63cac515024ab8fd6e.*LPDDR4_8Gb_x16_2400\.ini/);
    // the legacy single figure stays as it was (null) until the simulator switches over
    expect(p.background_power_mw).toBeNull();
  });

  test('DDR3 (x8, 1.35 V), DDR4 (x8), HBM2 (eight 128-bit channels)', () => {
    const ddr3 = loadDramPreset('ddr3').background!;
    expect(ddr3.devices).toBe(8);
    expect(ddr3.state_power_mw.active_standby).toBeCloseTo(1.35 * 51 * 8, 9); // 550.8 mW
    expect(ddr3.refresh_mw).toBeCloseTo(1.35 * (245 - 51) * 8 * (280 / 6240), 9);
    const ddr4 = loadDramPreset('ddr4').background!;
    expect(ddr4.state_power_mw.active_standby).toBeCloseTo(1.2 * 52 * 8, 9); // 499.2 mW
    expect(ddr4.refresh_mw).toBeCloseTo(1.2 * (250 - 52) * 8 * (560 / 12480), 9);
    const hbm2 = loadDramPreset('hbm2').background!;
    expect(hbm2.devices).toBe(8);
    expect(hbm2.state_power_mw.active_standby).toBeCloseTo(1.2 * 55 * 8, 9); // 528 mW
    expect(hbm2.refresh_mw).toBeCloseTo(1.2 * (250 - 55) * 8 * (260 / 3900), 9); // 124.8 mW
  });

  test('the state is a choice; the range spans the states', () => {
    const p = loadDramPreset('lpddr4', { backgroundState: 'precharge_powerdown' });
    expect(p.background!.state).toBe('precharge_powerdown');
    expect(p.background!.total_mw).toBeCloseTo(120 + 50.63, 1);
    const range = dramBackgroundRange(loadDramPreset('lpddr4'));
    expect(range.selected.name).toBe('active_standby');
    expect(range.low.name).toBe('precharge_powerdown');
    expect(range.high.name).toBe('active_standby');
    expect(range.low.value).toBeCloseTo(170.63, 1);
  });

  test('a derived background figure that disagrees with the currents is an error with its line', () => {
    const text = readFileSync(path.join(dramPresetsDir(), 'hbm2.yaml'), 'utf8').replace('background_active_standby_mw: 528', 'background_active_standby_mw: 600');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rnnsim-dram-')), 'hbm2.yaml');
    writeFileSync(file, text);
    expect(() => loadDramPresetFile(file)).toThrow(/line \d+, column \d+ \(at derived\.background_active_standby_mw\): shows 600, but the idd currents give 528/);
  });
});

describe('DRAM energy per bit: alternatives and their range', () => {
  test('DDR3: Accelergy 70 pJ/bit selected, Horowitz 20-40 pJ/bit beside it', () => {
    const range = dramEnergyRange(loadDramPreset('ddr3'));
    expect(range.selected).toMatchObject({ name: 'accelergy', value: 70 });
    expect(range.low).toMatchObject({ name: 'horowitz_low', value: 20 });
    expect(range.high.name).toBe('accelergy');
    expect(range.spread).toBeCloseTo(3.5, 12);
    expect(range.low.source).toMatch(/Horowitz ISSCC 2014/);
  });

  test('LPDDR4: Accelergy 8, DRAMsim3 core 6.1-12.9 pJ/bit', () => {
    const range = dramEnergyRange(loadDramPreset('lpddr4'));
    expect(range.low.value).toBe(6.1);
    expect(range.high.value).toBe(12.9);
    expect(range.selected.value).toBe(8);
  });
});
