/**
 * Small configs for hand-derived end-to-end counts, all derived from configs/epur.yaml.
 * Clock 1000 MHz so that 1 ns = 1 cycle and 1 GB/s = 1 byte/cycle.
 */
export const DRAM_NO_PRESET = { preset: 'none', energy_pj_per_bit: 8, background_power_mw: 0 };

/**
 * Compute-bound: a 1-channel DRAM of 4096 bytes/cycle with no latency, a weight buffer of
 * 128 banks x 1024-bit words (a 16x128x16-bit tile = 32 words = 1 cycle to write or read),
 * an 8-bank input buffer, MFU with 1 lane and 4 cycles latency, DPU 16 wide, 5 cycles latency.
 */
export function computeBoundPatch(schedule: 'step_by_step' | 'mwl'): Record<string, unknown> {
  return {
    clock_mhz: 1000,
    dataflow: { schedule, compute_units: 4, tile_rows: 16, staging_tiles: 2, partial_sum_bits: 32 },
    components: {
      dot_product_unit: { multipliers: 16, pipeline_latency_cycles: 5 },
      multifunction_unit: { lanes: 1, latency_cycles: 4 },
      weight_buffer: { size_kib: 2048, word_bits: 1024, banks: 128, ports_per_bank: 1, read_latency_cycles: 1, write_latency_cycles: 1 },
      input_buffer: { size_kib: 8, word_bits: 256, banks: 8, ports_per_bank: 2, read_latency_cycles: 1, write_latency_cycles: 1 },
      intermediate_memory: { size_kib: 6144, word_bits: 256, banks: 16, ports_per_bank: 1, read_latency_cycles: 2, write_latency_cycles: 1 },
      dram: { ...DRAM_NO_PRESET, channels: 1, bandwidth_gb_per_s: 4096, access_latency_ns: 0, burst_bytes: 64 },
    },
  };
}

/**
 * DRAM-bound: the same but a weight buffer of 12 KiB (8 banks x 256-bit words) that cannot
 * keep a 16 KiB weight slice next to its 8 KiB of staging tiles, and a 16 bytes/cycle DRAM
 * with 20 cycles of latency.
 */
export function dramBoundPatch(schedule: 'step_by_step' | 'mwl'): Record<string, unknown> {
  const p = computeBoundPatch(schedule);
  const components = p.components as Record<string, Record<string, unknown>>;
  components.weight_buffer = { size_kib: 12, word_bits: 256, banks: 8, ports_per_bank: 1, read_latency_cycles: 1, write_latency_cycles: 1 };
  components.dram = { ...DRAM_NO_PRESET, channels: 1, bandwidth_gb_per_s: 16, access_latency_ns: 20, burst_bytes: 64 };
  return p;
}
