/**
 * The summary metrics of a sweep point, each a column with its unit (points.csv, points.json,
 * the report). Fixed columns first, then energy and area per component role (the union over the
 * sweep's points, sorted).
 */
import type { RunSummary } from '../simulate.js';
import { STALL_CAUSES } from '../dataflows/stall-accounting.js';

export interface MetricColumn {
  readonly column: string;
  readonly unit: string;
  readonly description: string;
}

export type Metrics = Record<string, number | string>;

const FIXED: ReadonlyArray<MetricColumn & { get(s: RunSummary): number }> = [
  { column: 'cycles', unit: 'cycles', description: 'cycles of the run', get: (s) => s.cycles },
  { column: 'latency_us', unit: 'us', description: 'run time at the clock', get: (s) => s.latency_us },
  { column: 'macs', unit: 'count', description: 'multiply-accumulates performed', get: (s) => s.macs },
  { column: 'throughput_gmac_per_s', unit: 'GMAC/s', description: 'MACs per second', get: (s) => s.throughput_gmac_per_s },
  { column: 'energy_total_uj', unit: 'uJ', description: 'dynamic + leakage energy', get: (s) => s.energy_pj.total / 1e6 },
  { column: 'energy_dynamic_uj', unit: 'uJ', description: 'energy of the actions performed', get: (s) => s.energy_pj.dynamic / 1e6 },
  { column: 'energy_leakage_uj', unit: 'uJ', description: 'leakage power x run time', get: (s) => s.energy_pj.leakage / 1e6 },
  { column: 'energy_per_sequence_uj', unit: 'uJ', description: 'total energy / sequences in the trace', get: (s) => s.energy_per_sequence_uj },
  { column: 'area_mm2', unit: 'mm2', description: 'area of all components', get: (s) => s.area_mm2.total },
  { column: 'utilization_pe_fraction', unit: 'fraction', description: 'MACs / (cycles x peak products per cycle)', get: (s) => s.utilization.pe },
  { column: 'utilization_compute_unit_busy_fraction', unit: 'fraction', description: 'busy cycles / (cycles x compute units)', get: (s) => s.utilization.compute_unit_busy },
  { column: 'utilization_sram_fraction', unit: 'fraction', description: 'SRAM port busy cycles / port cycles', get: (s) => s.utilization.sram },
  { column: 'utilization_dram_fraction', unit: 'fraction', description: 'DRAM channel busy cycles / channel cycles', get: (s) => s.utilization.dram },
  { column: 'dram_read_bytes', unit: 'bytes', description: 'bytes read from DRAM', get: (s) => s.dram_bytes.read },
  { column: 'dram_written_bytes', unit: 'bytes', description: 'bytes written to DRAM', get: (s) => s.dram_bytes.written },
  { column: 'compute_units', unit: 'count', description: 'compute units', get: (s) => s.compute.units },
  { column: 'peak_products_per_cycle', unit: 'count', description: 'peak products per cycle of all compute units', get: (s) => s.compute.multipliers },
  { column: 'busy_cycles', unit: 'cycles', description: 'compute-unit busy cycles, summed over units', get: (s) => s.compute.busy_cycles },
  { column: 'stall_total_cycles', unit: 'cycles', description: 'compute-unit stall cycles, summed over units', get: (s) => s.stall_cycles.total },
  ...STALL_CAUSES.map((cause) => ({ column: `stall_${cause}_cycles`, unit: 'cycles', description: `compute-unit cycles lost to ${cause.replace(/_/g, ' ')}, summed over units`, get: (s: RunSummary) => s.stall_cycles.by_cause[cause] ?? 0 })),
  { column: 'events', unit: 'count', description: 'simulator events processed', get: (s) => s.events },
];

export const FIXED_METRICS: readonly MetricColumn[] = FIXED.map(({ column, unit, description }) => ({ column, unit, description }));

/** Every metric of one run, by column (per-component energy and area included). */
export function metricsOf(s: RunSummary): Metrics {
  const out: Metrics = {};
  for (const m of FIXED) out[m.column] = m.get(s);
  for (const [role, pj] of Object.entries(s.energy_pj.by_component)) out[`energy_${role}_uj`] = pj / 1e6;
  for (const [role, mm2] of Object.entries(s.area_mm2.by_component)) out[`area_${role}_mm2`] = mm2;
  return out;
}

/** The fixed columns, then the per-component columns present in any point (sorted). */
export function metricColumns(all: readonly Metrics[]): MetricColumn[] {
  const fixed = new Set(FIXED_METRICS.map((m) => m.column));
  const energy = new Set<string>();
  const area = new Set<string>();
  for (const m of all) {
    for (const c of Object.keys(m)) {
      if (fixed.has(c)) continue;
      if (c.startsWith('energy_')) energy.add(c);
      else if (c.startsWith('area_')) area.add(c);
    }
  }
  const role = (c: string, prefix: string, suffix: string): string => c.slice(prefix.length, c.length - suffix.length);
  return [
    ...FIXED_METRICS,
    ...[...energy].sort().map((c) => ({ column: c, unit: 'uJ', description: `energy of the ${role(c, 'energy_', '_uj')} role (all its instances)` })),
    ...[...area].sort().map((c) => ({ column: c, unit: 'mm2', description: `area of the ${role(c, 'area_', '_mm2')} role (all its instances)` })),
  ];
}
