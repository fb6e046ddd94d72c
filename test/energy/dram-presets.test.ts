import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { dramPresetsDir, listDramPresets, loadDramPreset, loadDramPresetFile } from '../../src/energy/dram-presets.js';

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

  test('DDR3-1600 (JEDEC speed bin, assumed), DDR4-3200, HBM2-2000', () => {
    const ddr3 = loadDramPreset('ddr3');
    expect(ddr3.bandwidth_gb_per_s).toBeCloseTo(12.8, 12);
    expect(ddr3.access_latency_ns).toBeCloseTo(22 * 1.25, 12);
    expect(ddr3.energy_pj_per_bit).toBe(70);
    expect(ddr3.sources['timing']!.source).toMatch(/assumed \(JEDEC speed bin/);

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
