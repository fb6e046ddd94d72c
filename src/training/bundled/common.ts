/** Shared pieces of the bundled-model recipes. */
import { cpus } from 'node:os';
import { flopCounter } from '../gemm.js';

export interface BundledTrainOptions {
  /** Output directory (models/<name> by default). */
  readonly outDir: string;
  /** Multiply the number of training steps (e.g. 0.05 for a smoke run); 1 reproduces the bundled model. */
  readonly stepScale: number;
}

export interface BundledResult {
  readonly validation: number;
  readonly test: number;
  readonly baseline: number;
  readonly minutes: number;
  readonly gflopsPerSecond: number;
}

/** Wall time and GEMM FLOPs of a training run. */
export class RunMeter {
  private readonly t0 = performance.now();
  private readonly f0 = flopCounter.count;

  minutes(): number {
    return (performance.now() - this.t0) / 60000;
  }

  gflop(): number {
    return (flopCounter.count - this.f0) / 1e9;
  }

  gflopsPerSecond(): number {
    return this.gflop() / ((performance.now() - this.t0) / 1000);
  }
}

export function machineDescription(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model ?? 'unknown CPU'}, Node ${process.version}, one training thread`;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
