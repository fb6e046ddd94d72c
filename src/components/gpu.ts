/**
 * A GPU as a roofline: a kernel takes max(flops / peak, bytes / bandwidth) plus a fixed
 * per-kernel launch overhead. No caches, no occupancy model: weights that a kernel reads are
 * read from DRAM every time (true for recurrent weights larger than the L2 cache). Energy is
 * average board or module power times run time; the counted actions are reported but carry
 * no energy of their own (see average_power_w).
 */
import { Component, defineComponentKind, type ComponentIdentity } from '../engine/component.js';
import { Resource } from '../engine/resource.js';
import { type ComponentContext, nsToCycles } from './context.js';

export const gpuKind = defineComponentKind({
  kind: 'gpu',
  implements: 'gpu',
  description: 'GPU roofline: peak FLOP/s, memory bandwidth, per-kernel launch overhead, average power',
  params: {
    peak_gflops: { type: 'number', unit: 'GFLOP/s', exclusiveMinimum: 0, description: 'peak arithmetic rate at datatype_bits (1 MAC = 2 FLOP)' },
    memory_bandwidth_gb_per_s: { type: 'number', unit: 'GB/s', exclusiveMinimum: 0, description: 'peak DRAM bandwidth (1 GB = 1e9 bytes)' },
    kernel_launch_overhead_us: { type: 'number', unit: 'us', minimum: 0, description: 'time added to every kernel (launch, framework, synchronisation)' },
    datatype_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'width of weights and activations as the GPU runs them (overrides the trace precision)' },
    average_power_w: { type: 'number', unit: 'W', minimum: 0, description: 'average power while running; energy = power x time' },
    die_area_mm2: { type: 'number', unit: 'mm^2', minimum: 0, default: 0, description: 'die area, for the report' },
  },
  stats: {
    kernels: { unit: 'count', description: 'kernels launched' },
    flops: { unit: 'FLOP', description: 'floating-point operations (2 per MAC)' },
    macs: { unit: 'count', description: 'multiply-accumulates (flops / 2)' },
    dram_bytes: { unit: 'bytes', description: 'bytes moved to or from DRAM' },
    compute_bound_kernels: { unit: 'count', description: 'kernels whose flops / peak exceeded bytes / bandwidth' },
  },
  actions: {
    flop: { description: 'one floating-point operation (energy in average_power_w)' },
    dram_byte: { description: 'one byte moved to or from DRAM (energy in average_power_w)' },
  },
});

export interface KernelTime {
  /** Cycles of the roofline part. */
  readonly cycles: number;
  readonly computeBound: boolean;
}

export class Gpu extends Component<typeof gpuKind.params> {
  readonly unit: Resource;
  readonly datatypeBits: number;
  readonly launchCycles: number;
  private readonly peakFlopsPerCycle: number;
  private readonly bytesPerCycle: number;
  private kernels = 0;
  private flops = 0;
  private bytes = 0;
  private computeBound = 0;

  constructor(ctx: ComponentContext, identity: ComponentIdentity<typeof gpuKind.params>) {
    super(gpuKind, identity);
    const p = this.params;
    const hz = ctx.clockMhz * 1e6;
    this.peakFlopsPerCycle = (p.peak_gflops * 1e9) / hz;
    this.bytesPerCycle = (p.memory_bandwidth_gb_per_s * 1e9) / hz;
    this.launchCycles = nsToCycles(p.kernel_launch_overhead_us * 1000, ctx.clockMhz);
    this.datatypeBits = p.datatype_bits;
    this.unit = new Resource(`${this.name}.sm`, ctx.sim);
  }

  /** Multiply-accumulators the peak rate implies (peak FLOP per cycle / 2), for PE utilization. */
  get multipliers(): number {
    return Math.ceil(this.peakFlopsPerCycle / 2 - 1e-9);
  }

  /** Roofline cycles of one kernel, rounded up to whole cycles. */
  kernelTime(flops: number, bytes: number): KernelTime {
    const compute = flops / this.peakFlopsPerCycle;
    const memory = bytes / this.bytesPerCycle;
    return { cycles: Math.ceil(Math.max(compute, memory) - 1e-9), computeBound: compute > memory };
  }

  /** Count one kernel's work. */
  recordKernel(flops: number, bytes: number, computeBound: boolean): void {
    this.kernels++;
    this.flops += flops;
    this.bytes += bytes;
    if (computeBound) this.computeBound++;
    this.count('flop', flops);
    this.count('dram_byte', bytes);
  }

  stats(): Record<string, number> {
    return { kernels: this.kernels, flops: this.flops, macs: this.flops / 2, dram_bytes: this.bytes, compute_bound_kernels: this.computeBound };
  }
}
