/**
 * Where the batched datapath keeps its matrices and scratch and how it multiplies them: the
 * WebAssembly SIMD kernel (wasm-gemm.ts, default) or the plain JavaScript one (batch-kernels.ts
 * gemmRows, the fallback). Both compute exact integer sums, so they give identical results.
 */
import { gemmRows } from './batch-kernels.js';
import { WasmGemm, wasmGemmAvailable, type WasmBuffer } from './wasm-gemm.js';

export type GemmKernel = 'wasm' | 'js';

/** A block of doubles owned by a backend. */
export interface Region {
  readonly length: number;
}

export interface GemmBackend {
  readonly kernel: GemmKernel;
  /** A zeroed region. */
  alloc(length: number): Region;
  /** A region holding a copy of `data`. */
  copyOf(data: Float64Array): Region;
  /** A view of a region; valid until the next alloc / copyOf. */
  view(r: Region): Float64Array;
  /** out[i * rows + r] = sum_k w[r * cols + k] * x[i * xStride + xOffset + k] for i < n. */
  gemm(w: Region, rows: number, cols: number, x: Region, xOffset: number, xStride: number, n: number, out: Region): void;
}

class JsBackend implements GemmBackend {
  readonly kernel = 'js' as const;
  alloc(length: number): Region {
    return new Float64Array(length);
  }
  copyOf(data: Float64Array): Region {
    return Float64Array.from(data);
  }
  view(r: Region): Float64Array {
    return r as Float64Array;
  }
  gemm(w: Region, rows: number, cols: number, x: Region, xOffset: number, xStride: number, n: number, out: Region): void {
    gemmRows(w as Float64Array, rows, cols, x as Float64Array, n, out as Float64Array, { bias: null, biasScale: 0, sumScale: 1, accumulate: false, xStride, xOffset });
  }
}

class WasmBackend implements GemmBackend {
  readonly kernel = 'wasm' as const;
  private readonly g = new WasmGemm();
  alloc(length: number): Region {
    return this.g.alloc(length);
  }
  copyOf(data: Float64Array): Region {
    return this.g.copyOf(data);
  }
  view(r: Region): Float64Array {
    return this.g.f64(r as WasmBuffer);
  }
  gemm(w: Region, rows: number, cols: number, x: Region, xOffset: number, xStride: number, n: number, out: Region): void {
    this.g.gemm(w as WasmBuffer, rows, cols, x as WasmBuffer, xOffset, xStride, n, out as WasmBuffer);
  }
}

/** A new backend: `kernel` or, by default, WebAssembly where available. */
export function gemmBackend(kernel?: GemmKernel): GemmBackend {
  const k = kernel ?? (wasmGemmAvailable() ? 'wasm' : 'js');
  return k === 'wasm' ? new WasmBackend() : new JsBackend();
}
