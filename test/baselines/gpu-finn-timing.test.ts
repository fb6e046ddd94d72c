/** GPU roofline kernels and FINN folding, by hand. */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { Gpu, gpuKind } from '../../src/components/gpu.js';
import { Mvau, mvauKind } from '../../src/components/mvau.js';
import { identityOf } from '../../src/components/context.js';
import { simulate } from '../../src/simulate.js';
import { priceGpu } from '../../src/energy/prices/gpu.js';

describe('gpu roofline', () => {
  // 1000 MHz; 2 GFLOP/s = 2 FLOP/cycle; 4 GB/s = 4 bytes/cycle; 1 us = 1000 cycles of overhead.
  const gpu = new Gpu({ sim: new Simulator(), clockMhz: 1000 }, identityOf(gpuKind, 'gpu', { peak_gflops: 2, memory_bandwidth_gb_per_s: 4, kernel_launch_overhead_us: 1, datatype_bits: 32, average_power_w: 5, die_area_mm2: 0 }));
  it('compute-bound: 100 FLOP / 2 = 50 cycles > 40 bytes / 4 = 10', () => {
    expect(gpu.kernelTime(100, 40)).toEqual({ cycles: 50, computeBound: true });
  });
  it('memory-bound: 400 bytes / 4 = 100 cycles > 10 FLOP / 2 = 5; fractions round up', () => {
    expect(gpu.kernelTime(10, 400)).toEqual({ cycles: 100, computeBound: false });
    expect(gpu.kernelTime(0, 401).cycles).toBe(101);
  });
  it('launch overhead 1 us = 1000 cycles; one multiplier per 2 FLOP/cycle; power as constant leakage', () => {
    expect(gpu.launchCycles).toBe(1000);
    expect(gpu.multipliers).toBe(1);
    expect(priceGpu(gpu).leakageMw.value).toBe(5000);
  });

  it('Titan Xp on DeepBench LSTM 512 x 1 x 25: 26 kernels of roofline + 41.3 us', async () => {
    // Input GEMM: W_x 512 x 2048 FP32 = 4,194,304 B + 25 x (512 + 2048) x 4 = 256,000 B -> 4,450,304 B.
    // Each step: W_h 4,194,304 B + (512 + 2048 + 3*512) x 4 = 16,384 B -> 4,210,688 B.
    // At 548 GB/s: (4,450,304 + 25 x 4,210,688) / 548e9 = 200.21 us; + 26 x 41.3 = 1073.8 -> 1274.0 us.
    const r = await simulate('configs/titan-xp.yaml', 'traces/deepbench/lstm-h512-b1-t25.json');
    expect(r.summary.latency_us).toBeCloseTo(1274.0, 0);
    expect(r.summary.stall_cycles.by_cause.kernel_launch).toBe(26 * Math.ceil(41.3 * 1582 - 1e-9));
  });
});

describe('FINN folding', () => {
  it('W4A8 gate product: 128 rows / PE 1 x max(32 / 4, 128 / 16) = 1024 cycles', () => {
    const m = new Mvau({ sim: new Simulator(), clockMhz: 100 }, identityOf(mvauKind, 'mvau', { pe: 1, simd_input: 4, simd_recurrent: 16, gates_in_parallel: 4, weight_bits: 4, activation_bits: 8, accumulator_bits: 16, pipeline_depth_cycles: 12 }));
    expect(m.cycles(4, 128, 32, 128)).toBe(1024);
    expect(m.multipliers).toBe(4 * 1 * (4 + 16));
    // Two gates in parallel would take two passes.
    const m2 = new Mvau({ sim: new Simulator(), clockMhz: 100 }, identityOf(mvauKind, 'mvau', { pe: 2, simd_input: 32, simd_recurrent: 128, gates_in_parallel: 2, weight_bits: 2, activation_bits: 2, accumulator_bits: 16, pipeline_depth_cycles: 0 }));
    expect(m2.cycles(4, 128, 32, 128)).toBe(2 * 64 * 1);
  });

  it('W2A2 line: 2 directions x 520 columns x (max(64 gate, 128 element-wise) + 12) cycles at 100 MHz = 1.456 ms', async () => {
    // gate: 128 / 2 x max(32 / 32, 128 / 128) = 64; cell update 128 hidden units at 1 per cycle = 128.
    // 2 x 520 x 140 = 145,600 cycles = 1456 us.
    const r = await simulate('configs/finn-l-w2a2.yaml', 'traces/baselines/finn-ocr-w2a2.json');
    expect(r.summary.cycles).toBe(145_600);
    // The gate units are busy 64 of every 140 cycles.
    expect(r.summary.utilization.compute_unit_busy).toBeCloseTo(64 / 140, 9);
  });

  it('refuses a trace whose precision differs from the hardware: narrower as any datapath, wider by its own check', async () => {
    await expect(simulate('configs/finn-l-w2a2.yaml', 'traces/baselines/finn-ocr-w4a8.json')).rejects.toThrow(/\(at components\.mvau\.weight_bits\): weight_bits = 2 bits is narrower than the trace .*finn-ocr-w4a8\.json, which has weights at 4 bits/);
    await expect(simulate('configs/finn-l-w4a8.yaml', 'traces/baselines/finn-ocr-w2a2.json')).rejects.toThrow(/W4A8 but the trace is W2A2/);
  });
});
