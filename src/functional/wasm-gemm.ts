/**
 * The batched datapath's matrix product as a small WebAssembly SIMD kernel, generated here as
 * bytes (no toolchain): f64x2 lanes, two weight rows times four (or one) sequences per block,
 * eight (two) vector accumulators. Operands are integer codes held as doubles, so every product
 * and partial sum is exact (below 2^53, checked by validateQuantization) and the lane order of
 * the sums does not matter: the result equals the scalar loops' bit for bit (tested).
 *
 *   gemm4(w, rows, cols, x, n, xStrideBytes, out, outStride)   n a multiple of 4, rows even
 *   gemm1(w, rows, cols, x, n, xStrideBytes, out, outStride)   any n, rows even
 *     out[i * outStride + r] = sum_k w[r * cols + k] * x[i * xStride + k]     (byte pointers w, x, out)
 *
 * The matrices and scratch live in the kernel's linear memory (WasmGemm.alloc); a growing
 * memory detaches old views, so callers take views (f64) after allocating.
 */

// --- a minimal WebAssembly encoder (only what the kernel uses) -------------------------------
const uleb = (v: number): number[] => {
  const o: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    o.push(b);
  } while (v !== 0);
  return o;
};
const sleb = (v: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      o.push(b);
      return o;
    }
    o.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const op = {
  get: (l: number): number[] => [0x20, ...uleb(l)],
  set: (l: number): number[] => [0x21, ...uleb(l)],
  tee: (l: number): number[] => [0x22, ...uleb(l)],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  add: [0x6a],
  mul: [0x6c],
  and: [0x71],
  shl: [0x74],
  gtS: [0x4a],
  geS: [0x4e],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  ifF64: [0x04, F64],
  else: [0x05],
  end: [0x0b],
  br: (d: number): number[] => [0x0c, ...uleb(d)],
  brIf: (d: number): number[] => [0x0d, ...uleb(d)],
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  f64Load: [0x2b, 3, 0],
  f64Store: [0x39, 3, 0],
  v128Load: [0xfd, ...uleb(0x00), 4, 0],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
  lane: (i: number): number[] => [0xfd, ...uleb(0x21), i],
};

/** Body of the kernel with `seqs` sequences per block (4 or 1). */
function kernelBody(seqs: number): number[] {
  // Parameters 0..7: w, rows, cols, x, n, xStrideBytes, out, outStride. Then i32 locals, then v128.
  const W = 0;
  const ROWS = 1;
  const COLS = 2;
  const X = 3;
  const N = 4;
  const XS = 5;
  const OUT = 6;
  const OS = 7;
  const I = 8;
  const R = 9;
  const KB = 10;
  const EVEN_BYTES = 11;
  const PW0 = 12;
  const PW1 = 13;
  const ROW_BYTES = 14;
  const PX = [15, 16, 17, 18].slice(0, seqs);
  const i32Locals = 7 + seqs;
  const V0 = 8 + i32Locals; // first v128 local
  const ACC = Array.from({ length: 2 * seqs }, (_, j) => V0 + j); // ACC[q * seqs + j]: row q, sequence j
  const A = V0 + 2 * seqs;
  const B = A + 1;
  const T = A + 2;
  const c: number[] = [];
  const emit = (...xs: number[][]): void => {
    for (const x of xs) c.push(...x);
  };
  emit(op.get(COLS), op.i32(3), op.shl, op.set(ROW_BYTES));
  emit(op.get(COLS), op.i32(-2), op.and, op.i32(3), op.shl, op.set(EVEN_BYTES));
  emit(op.i32(0), op.set(I));
  emit(op.block, op.loop); // over blocks of `seqs` sequences
  emit(op.get(I), op.i32(seqs), op.add, op.get(N), op.gtS, op.brIf(1));
  emit(op.i32(0), op.set(R));
  emit(op.block, op.loop); // over row pairs
  emit(op.get(R), op.i32(2), op.add, op.get(ROWS), op.gtS, op.brIf(1));
  emit(op.get(W), op.get(R), op.get(ROW_BYTES), op.mul, op.add, op.tee(PW0), op.get(ROW_BYTES), op.add, op.set(PW1));
  emit(op.get(X), op.get(I), op.get(XS), op.mul, op.add, op.tee(PX[0]));
  for (let j = 1; j < seqs; j++) emit(op.get(XS), op.add, op.tee(PX[j]));
  emit([0x1a]); // drop
  for (const a of ACC) emit(op.v128Zero, op.set(a));
  emit(op.i32(0), op.set(KB));
  emit(op.block, op.loop); // over column pairs
  emit(op.get(KB), op.get(EVEN_BYTES), op.geS, op.brIf(1));
  emit(op.get(PW0), op.get(KB), op.add, op.v128Load, op.set(A));
  emit(op.get(PW1), op.get(KB), op.add, op.v128Load, op.set(B));
  for (let j = 0; j < seqs; j++) {
    emit(op.get(PX[j]), op.get(KB), op.add, op.v128Load, op.set(T));
    emit(op.get(ACC[j]), op.get(A), op.get(T), op.f64x2Mul, op.f64x2Add, op.set(ACC[j]));
    emit(op.get(ACC[seqs + j]), op.get(B), op.get(T), op.f64x2Mul, op.f64x2Add, op.set(ACC[seqs + j]));
  }
  emit(op.get(KB), op.i32(16), op.add, op.set(KB), op.br(0));
  emit(op.end, op.end);
  for (let j = 0; j < seqs; j++) {
    for (let q = 0; q < 2; q++) {
      const acc = ACC[q * seqs + j];
      // &out[(i + j) * outStride + r + q]
      emit(op.get(OUT), op.get(I), op.i32(j), op.add, op.get(OS), op.mul, op.get(R), op.add, op.i32(q), op.add, op.i32(3), op.shl, op.add);
      emit(op.get(acc), op.lane(0), op.get(acc), op.lane(1), op.f64Add);
      // An odd last column: + w[r + q][cols - 1] * x[i + j][cols - 1].
      emit(op.get(COLS), op.i32(1), op.and, op.ifF64);
      emit(op.get(q === 0 ? PW0 : PW1), op.get(EVEN_BYTES), op.add, op.f64Load, op.get(PX[j]), op.get(EVEN_BYTES), op.add, op.f64Load, op.f64Mul);
      emit(op.else, op.f64Zero, op.end);
      emit(op.f64Add, op.f64Store);
    }
  }
  emit(op.get(R), op.i32(2), op.add, op.set(R), op.br(0));
  emit(op.end, op.end);
  emit(op.get(I), op.i32(seqs), op.add, op.set(I), op.br(0));
  emit(op.end, op.end, op.end);
  const locals = vec([
    [...uleb(i32Locals), I32],
    [...uleb(2 * seqs + 3), V128],
  ]);
  return [...locals, ...c];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const params = vec(Array.from({ length: 8 }, () => [I32]));
  const type = section(1, vec([[0x60, ...params, 0]]));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]));
  const funcs = section(3, vec([[0], [0]]));
  const exports = section(7, vec([
    [...name('gemm4'), 0x00, 0],
    [...name('gemm1'), 0x00, 1],
  ]));
  const bodies = [kernelBody(4), kernelBody(1)];
  const code = section(10, vec(bodies.map((b) => [...uleb(b.length), ...b])));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...code]);
}

type Kernel = (w: number, rows: number, cols: number, x: number, n: number, xStrideBytes: number, out: number, outStride: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null where WebAssembly SIMD is unavailable. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

export function wasmGemmAvailable(): boolean {
  return kernelModule() !== null;
}

const PAGE_BYTES = 65_536;
/** Rows per call: a block of W (rows x cols doubles) stays in cache while all sequence blocks pass (assumed ~256 KB). */
const ROW_BLOCK_DOUBLES = 32_768;

/** A region of the kernel's memory: `length` doubles at byte offset `ptr`. */
export interface WasmBuffer {
  readonly ptr: number;
  readonly length: number;
}

/** One kernel instance with its own memory and a bump allocator (regions are never freed). */
export class WasmGemm {
  private readonly memory: WebAssembly.Memory;
  private readonly gemm4: Kernel;
  private readonly gemm1: Kernel;
  private top = 0;

  constructor() {
    const mod = kernelModule();
    if (mod === null) throw new Error('WebAssembly SIMD is not available in this runtime');
    this.memory = new WebAssembly.Memory({ initial: 16 });
    const inst = new WebAssembly.Instance(mod, { env: { memory: this.memory } });
    this.gemm4 = inst.exports['gemm4'] as unknown as Kernel;
    this.gemm1 = inst.exports['gemm1'] as unknown as Kernel;
  }

  /** A zeroed region of `length` doubles (16-byte aligned). */
  alloc(length: number): WasmBuffer {
    const ptr = this.top;
    const end = ptr + Math.ceil((length * 8) / 16) * 16;
    const need = end - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE_BYTES));
    this.top = end;
    return { ptr, length };
  }

  /** A region holding a copy of `data`. */
  copyOf(data: Float64Array): WasmBuffer {
    const b = this.alloc(data.length);
    this.f64(b).set(data);
    return b;
  }

  /** A view of a region (valid until the next alloc). */
  f64(b: WasmBuffer): Float64Array {
    return new Float64Array(this.memory.buffer, b.ptr, b.length);
  }

  /**
   * out[i * rows + r] = sum_k w[r * cols + k] * x[i * xStride + xOffset + k], i < n; w is a
   * [rows, cols] matrix region, x and out regions (offsets in doubles).
   */
  gemm(w: WasmBuffer, rows: number, cols: number, x: WasmBuffer, xOffset: number, xStride: number, n: number, out: WasmBuffer): void {
    const xPtr = x.ptr + 8 * xOffset;
    const n4 = n - (n % 4);
    const rowsEven = rows - (rows % 2);
    const block = Math.max(2, Math.floor(ROW_BLOCK_DOUBLES / Math.max(1, cols)) & ~1);
    for (let r0 = 0; r0 < rowsEven; r0 += block) {
      const rb = Math.min(block, rowsEven - r0);
      const wPtr = w.ptr + 8 * r0 * cols;
      const oPtr = out.ptr + 8 * r0;
      if (n4 > 0) this.gemm4(wPtr, rb, cols, xPtr, n4, 8 * xStride, oPtr, rows);
      if (n > n4) this.gemm1(wPtr, rb, cols, xPtr + 8 * xStride * n4, n - n4, 8 * xStride, oPtr + 8 * rows * n4, rows);
    }
    if (rowsEven < rows) {
      // The odd last row, in JS on views.
      const wv = this.f64(w);
      const xv = new Float64Array(this.memory.buffer, xPtr, (n - 1) * xStride + cols);
      const ov = this.f64(out);
      const r = rows - 1;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += wv[r * cols + k] * xv[i * xStride + k];
        ov[i * rows + r] = s;
      }
    }
  }
}
