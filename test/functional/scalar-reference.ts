/**
 * A deliberately simple, independent scalar model of the integer datapath documented in
 * docs/functional-model.md, for bit-exactness tests of src/functional/quantized-network.ts.
 * It shares no code with src/ beyond types: BigInt arithmetic, one element at a time, activation
 * values computed from the formula for every call (no tables), rounding written out again.
 */
import type { ActivationSpec } from '../../src/functional/activation-tables.js';
import type { FixedFormat } from '../../src/functional/fixed-point.js';
import type { LayerQuantization } from '../../src/functional/quantization-config.js';
import type { RnnModel } from '../../src/functional/rnn-model.js';

/** Round v / 2^shift to nearest, ties to even (shift may be negative: exact multiply). */
export function divPow2HalfEven(v: bigint, shift: number): bigint {
  if (shift <= 0) return v * 2n ** BigInt(-shift);
  const d = 2n ** BigInt(shift);
  let q = v / d; // truncates toward zero
  let r = v - q * d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  if (2n * r > d || (2n * r === d && q % 2n !== 0n)) q += 1n;
  return q;
}

function sat(v: bigint, f: FixedFormat): bigint {
  const w = BigInt(f.intBits + f.fracBits - 1);
  const hi = 2n ** w - 1n;
  const lo = -(2n ** w);
  return v > hi ? hi : v < lo ? lo : v;
}

/** Nearest integer to a double, ties to even, via Math.round plus a tie correction. */
function roundEven(y: number): number {
  const r = Math.round(y); // ties toward +infinity
  return r - y === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function quantizeRef(x: number, f: FixedFormat): bigint {
  return sat(BigInt(roundEven(x * 2 ** f.fracBits)), f);
}

function requant(v: bigint, fromFrac: number, to: FixedFormat): bigint {
  return sat(divPow2HalfEven(v, fromFrac - to.fracBits), to);
}

const ACC_LIMIT = 2n ** 47n;
function sat48(v: bigint): bigint {
  return v > ACC_LIMIT - 1n ? ACC_LIMIT - 1n : v < -ACC_LIMIT ? -ACC_LIMIT : v;
}

function fn(name: 'sigmoid' | 'tanh', x: number): number {
  return name === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : Math.tanh(x);
}

/** The activation unit, evaluated from its definition for one input code. */
export function activationRef(name: 'sigmoid' | 'tanh', spec: ActivationSpec, x: bigint, inF: FixedFormat, outF: FixedFormat): bigint {
  const xr = Number(x) / 2 ** inF.fracBits;
  if (spec.kind === 'ideal') return quantizeRef(fn(name, xr), outF);
  const R = spec.range;
  if (spec.kind === 'lut') {
    const lsb = 2 ** -inF.fracBits;
    const clamped = Math.min(Math.max(xr, -R), R - lsb);
    const idx = Math.floor(((clamped + R) / (2 * R)) * spec.entries);
    const center = -R + ((idx + 0.5) * 2 * R) / spec.entries;
    return quantizeRef(fn(name, center), outF);
  }
  const step = (2 * R) / spec.segments;
  const clamped = Math.min(Math.max(xr, -R), R);
  const pos = (clamped + R) / step;
  const j = Math.floor(pos);
  const yj = quantizeRef(fn(name, -R + j * step), outF);
  if (j >= spec.segments) return yj;
  const yj1 = quantizeRef(fn(name, -R + (j + 1) * step), outF);
  const y = yj + BigInt(roundEven(Number(yj1 - yj) * (pos - j)));
  return sat(y, outF);
}

export interface ScalarRunOptions {
  readonly precisionAt?: (layer: number, direction: number, timestep: number) => number;
  /** Fixed precision of the input side (W_ih x_t + b_ih); absent: the step's. */
  readonly inputSideBits?: number;
}

export interface ScalarStep {
  readonly layer: number;
  readonly direction: number;
  readonly timestep: number;
  readonly state: bigint[];
}

/**
 * Runs the whole network on one sequence; returns the final-layer output codes and every step's
 * state (c for LSTM, h for GRU). Zero initial state.
 */
export function scalarQuantizedForward(
  model: RnnModel,
  layers: readonly LayerQuantization[],
  input: Float32Array,
  seqLen: number,
  options: ScalarRunOptions = {},
): { output: bigint[]; steps: ScalarStep[] } {
  const t = model.topology;
  const H = t.hidden_size;
  const P = t.proj_size > 0 ? t.proj_size : H;
  const D = t.bidirectional ? 2 : 1;
  const steps: ScalarStep[] = [];
  let x: bigint[][] = [];
  for (let s = 0; s < seqLen; s++) {
    x.push(Array.from(input.subarray(s * t.input_size, (s + 1) * t.input_size), (v) => quantizeRef(v, layers[0].activation)));
  }
  let xFrac = layers[0].activation.fracBits;
  for (let l = 0; l < t.num_layers; l++) {
    const lq = layers[l];
    const A = lq.activation;
    const na = A.fracBits;
    x = x.map((row) => row.map((v) => requant(v, xFrac, A)));
    const out: bigint[][] = Array.from({ length: seqLen }, () => new Array<bigint>(D * P).fill(0n));
    for (let d = 0; d < D; d++) {
      const p = model.layers[l][d];
      let h: bigint[] = new Array<bigint>(P).fill(0n);
      let c: bigint[] = new Array<bigint>(H).fill(0n);
      for (let s = 0; s < seqLen; s++) {
        const ts = d === 0 ? s : seqLen - 1 - s;
        const bits = options.precisionAt ? options.precisionAt(l, d, ts) : Math.max(lq.weight.intBits + lq.weight.fracBits, A.intBits + A.fracBits);
        const xBits = options.inputSideBits ?? bits;
        // Recurrent side (W_hh, b_hh, h, W_hr) at the step's precision, input side (W_ih, b_ih, x) at xBits.
        const W: FixedFormat = { intBits: lq.weight.intBits, fracBits: Math.min(lq.weight.fracBits, bits - lq.weight.intBits) };
        const As: FixedFormat = { intBits: A.intBits, fracBits: Math.min(na, bits - A.intBits) };
        const Wx: FixedFormat = { intBits: lq.weight.intBits, fracBits: Math.min(lq.weight.fracBits, xBits - lq.weight.intBits) };
        const Ax: FixedFormat = { intBits: A.intBits, fracBits: Math.min(na, xBits - A.intBits) };
        // Weights: quantize at the static format, then round to the step's format.
        const wq = (v: number): bigint => requant(quantizeRef(v, lq.weight), lq.weight.fracBits, W);
        const wqx = (v: number): bigint => requant(quantizeRef(v, lq.weight), lq.weight.fracBits, Wx);
        const xs = x[ts].map((v) => requant(v, na, Ax));
        const hs = h.map((v) => requant(v, na, As));
        const accFrac = W.fracBits + As.fracBits;
        const fx = Wx.fracBits + Ax.fracBits;
        const FA = Math.max(fx, accFrac);
        const alignX = (v: bigint): bigint => v * 2n ** BigInt(FA - fx);
        const alignH = (v: bigint): bigint => v * 2n ** BigInt(FA - accFrac);
        const dotWith = (q: (v: number) => bigint, mat: Float32Array, cols: number, row: number, vec: bigint[]): bigint => {
          let acc = 0n;
          for (let k = 0; k < cols; k++) acc += q(mat[row * cols + k]) * vec[k];
          return acc;
        };
        const dot = (mat: Float32Array, cols: number, row: number, vec: bigint[]): bigint => dotWith(wq, mat, cols, row, vec);
        const dotX = (mat: Float32Array, cols: number, row: number, vec: bigint[]): bigint => dotWith(wqx, mat, cols, row, vec);
        const shiftBias = (b: number): bigint => wq(b) * 2n ** BigInt(As.fracBits);
        const shiftBiasX = (b: number): bigint => wqx(b) * 2n ** BigInt(Ax.fracBits);
        const inSize = p.inputSize;
        const act = (name: 'sigmoid' | 'tanh', v: bigint, inF: FixedFormat): bigint =>
          activationRef(name, name === 'sigmoid' ? lq.sigmoid : lq.tanh, v, inF, A);
        if (t.cell === 'lstm') {
          const pre: bigint[] = [];
          for (let j = 0; j < 4 * H; j++) {
            const acc = alignX(dotX(p.wIh, inSize, j, xs) + shiftBiasX(p.bIh[j])) + alignH(dot(p.wHh, P, j, hs) + shiftBias(p.bHh[j]));
            pre.push(requant(sat48(acc), FA, lq.gate));
          }
          const m: bigint[] = [];
          const nc = lq.cell.fracBits;
          const F = Math.max(na + nc, 2 * na);
          for (let k = 0; k < H; k++) {
            const ig = act('sigmoid', pre[k], lq.gate);
            const fg = act('sigmoid', pre[H + k], lq.gate);
            const gg = act('tanh', pre[2 * H + k], lq.gate);
            const og = act('sigmoid', pre[3 * H + k], lq.gate);
            const sum = fg * c[k] * 2n ** BigInt(F - na - nc) + ig * gg * 2n ** BigInt(F - 2 * na);
            c[k] = requant(sum, F, lq.cell);
            m.push(requant(og * act('tanh', c[k], lq.cell), 2 * na, A));
          }
          if (p.wHr === null) h = m;
          else {
            const ms = m.map((v) => requant(v, na, As));
            h = [];
            for (let q = 0; q < P; q++) h.push(requant(sat48(dot(p.wHr, H, q, ms)), accFrac, A));
          }
          steps.push({ layer: l, direction: d, timestep: ts, state: [...c] });
        } else {
          const ng = lq.gate.fracBits;
          const next: bigint[] = [];
          for (let k = 0; k < H; k++) {
            const gx = (j: number): bigint => dotX(p.wIh, inSize, j, xs) + shiftBiasX(p.bIh[j]);
            const gh = (j: number): bigint => dot(p.wHh, H, j, hs) + shiftBias(p.bHh[j]);
            const r = act('sigmoid', requant(sat48(alignX(gx(k)) + alignH(gh(k))), FA, lq.gate), lq.gate);
            const z = act('sigmoid', requant(sat48(alignX(gx(H + k)) + alignH(gh(H + k))), FA, lq.gate), lq.gate);
            const hn = requant(sat48(gh(2 * H + k)), accFrac, lq.gate);
            const npre = sat(requant(sat48(gx(2 * H + k)), fx, lq.gate) + requant(r * hn, na + ng, lq.gate), lq.gate);
            const n = act('tanh', npre, lq.gate);
            next.push(requant(n * 2n ** BigInt(na) + z * (h[k] - n), 2 * na, A));
          }
          h = next;
          steps.push({ layer: l, direction: d, timestep: ts, state: [...h] });
        }
        for (let k = 0; k < P; k++) out[ts][d * P + k] = h[k];
      }
    }
    x = out;
    xFrac = na;
  }
  return { output: x.flat(), steps };
}
