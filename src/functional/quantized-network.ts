/**
 * Quantized (integer-datapath) inference of an LSTM / LSTMP / GRU network, layer by layer and
 * direction by direction as the float pass (network.ts), with per-layer formats from a
 * QuantizationConfig and the arithmetic documented in integer-lstm-cell.ts / integer-gru-cell.ts
 * and docs/functional-model.md.
 *
 * Sequences run in lockstep: `forwardBatch` advances a batch of sequences together, so each step
 * is a matrix-matrix product over the batch (batch-kernels.ts: codes as doubles, exact, blocked)
 * instead of one matrix-vector product per sequence. Every sequence keeps its own per-step
 * precision: the sequences of a step are grouped by their chosen precision and each group runs
 * with that precision's codes. `forward` is a batch of one. The codes, states and precisions are
 * those of the one-sequence reference (reference-quantized-network.ts), which tests check.
 *
 * Per-timestep precision: an optional PrecisionChooser (one per sequence) picks the precision
 * (bits) of each step of each layer-direction, seeing the state before the step; the step's
 * weights and matrix-vector inputs are used at that precision (quantization-config.ts); with
 * `inputSideBits` the input side W_ih x_t runs at that fixed precision instead. Default: the
 * layer's static precision. An optional StepObserver receives, after every step, the quantized
 * cell state and the precision used: exactly what traces record.
 *
 * Inputs are quantized into layer 0's activation format; a layer's output codes are requantized
 * into the next layer's activation format. Layouts are those of forwardFloat.
 */
import type { IntegerActivation } from './activation-tables.js';
import { Requantizer, saturate48 } from './batch-kernels.js';
import { gemmBackend, type GemmBackend, type GemmKernel, type Region } from './gemm-backend.js';
import { dequantizeArray, maxCode, minCode, quantizeArray, requantizeArray, type FixedFormat, type Rounding } from './fixed-point.js';
import {
  checkInputSideBits,
  formatsAtPrecision,
  staticPrecision,
  validateQuantization,
  type LayerQuantization,
  type QuantizationConfig,
} from './quantization-config.js';
import type { FloatCodeParams } from './quantized-params.js';
import { buildLayerRuntimes, type LayerRuntime } from './quantized-runtime.js';
import { directionCount, gatesPerCell, layerInputSize, outputSize, type RnnModel } from './rnn-model.js';

/** One step's record for traces. Arrays are copies owned by the receiver. */
export interface QuantizedStepRecord {
  readonly sequence: number;
  readonly layer: number;
  readonly direction: number;
  /** Position in the sequence (the reverse direction visits seqLen-1 .. 0). */
  readonly timestep: number;
  /** c_t codes (LSTM; hidden_size) or h_t codes (GRU, whose state is h). */
  readonly cellState: Int32Array;
  /** Fractional bits of cellState (value = code * 2^-cellFracBits). */
  readonly cellFracBits: number;
  /** Precision the step ran at (bits of weights and matrix-vector inputs; the recurrent side's with inputSideBits). */
  readonly precisionBits: number;
  /** h_t codes (H_out). */
  readonly hidden: Int32Array;
  readonly hiddenFracBits: number;
}

export type StepObserver = (record: QuantizedStepRecord) => void;

/** What a precision chooser sees before a step. Arrays are the live state: read, don't keep or write. */
export interface PrecisionContext {
  readonly sequence: number;
  readonly layer: number;
  readonly direction: number;
  readonly timestep: number;
  /** 0-based index of this step in processing order of this layer-direction. */
  readonly stepIndex: number;
  /** The layer's static precision (the maximum a chooser may return). */
  readonly staticPrecision: number;
  /** c_{t-1} (LSTM) or h_{t-1} (GRU) codes. */
  readonly previousCellState: Int32Array;
  readonly cellFracBits: number;
  /** Precision of the previous step of this layer-direction (staticPrecision before the first). */
  readonly previousPrecision: number;
}

/**
 * Returns the precision in bits for the step: an integer in [max integer bits, static precision].
 * A chooser serves one sequence (it is called for that sequence's steps in processing order:
 * layer by layer, direction by direction, step by step); in a batch every sequence has its own.
 */
export type PrecisionChooser = (context: PrecisionContext) => number;

export interface QuantizedForwardOptions {
  /** Sequence index reported to observers and choosers. Default 0. */
  readonly sequence?: number;
  /** Initial h [L*D, H_out] and c [L*D, H] as floats; zeros when absent. */
  readonly h0?: Float32Array;
  readonly c0?: Float32Array;
  readonly onStep?: StepObserver;
  readonly choosePrecision?: PrecisionChooser;
  /**
   * Fixed precision (bits) of the input side W_ih x_t + b_ih at every step; the recurrent side
   * (W_hh h_{t-1} + b_hh, projection) runs at each step's precision. Absent: both sides at the
   * step's precision. Must lie in every layer's [integer bits, static precision].
   */
  readonly inputSideBits?: number;
}

export interface QuantizedForwardResult {
  /** Last layer's h codes [seqLen, D*H_out] in its activation format. */
  readonly outputCodes: Int32Array;
  readonly outputFormat: FixedFormat;
  /** outputCodes as reals. */
  readonly output: Float32Array;
  /** h_n codes [L*D, H_out], each in its layer's activation format. */
  readonly hNCodes: Int32Array;
  /** c_n codes [L*D, H] in each layer's cell format (LSTM), else null. */
  readonly cNCodes: Int32Array | null;
  /** Precision (bits) of every step: [(layer * D + direction) * seqLen + timestep]. */
  readonly stepPrecisions: Uint8Array;
}

/** One sequence of a batch: [seqLen, input_size] floats. */
export interface BatchSequence {
  readonly input: Float32Array;
  readonly seqLen: number;
  /** Sequence index reported to its chooser and to observers (default: its position in the batch). */
  readonly sequence?: number;
  /** Its precision chooser (default: static precision). */
  readonly choosePrecision?: PrecisionChooser;
  /** Initial states as in QuantizedForwardOptions. */
  readonly h0?: Float32Array;
  readonly c0?: Float32Array;
}

export interface BatchForwardOptions {
  /** Observer of every step of every sequence; steps of different sequences interleave, each sequence's in order. */
  readonly onStep?: StepObserver;
  readonly inputSideBits?: number;
}

/**
 * The operands of one precision of one layer-direction (built on first use, then cached).
 *
 * The step's GEMM operand of a sequence is z = [xs * sx ; hs * sh]: x_t and h_{t-1} requantized
 * to their step formats and aligned to the accumulator's fractional bits F = max(fx, fh) (sx, sh
 * powers of two: exact). The weights are [W_ih | W_hh] side by side, so one product over
 * in + H_out columns gives the aligned accumulator of integer-lstm-cell.ts; the biases are
 * pre-aligned likewise. GRU: the r and z rows use that product; the n rows keep the two sides
 * apart (r multiplies the recurrent part): W_in and W_hn are applied to the two column slices
 * of z and the alignment divided out again (exact).
 */
interface PrecisionOperands {
  /** [gate rows (LSTM 4H, GRU r and z 2H), in + H_out] (in the backend) and the aligned biases of those rows. */
  readonly cat: Region;
  readonly catBias: Float64Array;
  readonly catCols: number;
  /** GRU n rows: W_in [H, in], W_hn [H, H] (in the backend), their biases (weight format). */
  readonly wIn: Region;
  readonly wHn: Region;
  readonly bIn: Float64Array;
  readonly bHn: Float64Array;
  /** Recurrent-side projection W_hr codes (in the backend), or null. */
  readonly wHr: Region | null;
  /** A -> x_t / h_{t-1} step formats. */
  readonly rqX: Requantizer;
  readonly rqH: Requantizer;
  /** A bias code in the weight format times 2^(activation frac) is in the side's product format. */
  readonly biasUnitX: number;
  readonly biasUnitH: number;
  /** Alignment of each side's sums to the accumulator (F = max(fx, fh)). */
  readonly sumScaleX: number;
  readonly sumScaleH: number;
  /** Accumulator (frac F) -> gate format. */
  readonly rqGate: Requantizer;
  /** GRU n gate: input-side sum (frac fx) and recurrent-side sum (frac fh) -> gate format. */
  readonly rqGateX: Requantizer;
  readonly rqGateH: Requantizer;
  /** Projection sum (frac fh) -> activation format. */
  readonly rqProj: Requantizer;
}

/** [a | b] row by row: rows x (ca + cb). */
function sideBySide(a: Float64Array, ca: number, b: Float64Array, cb: number, rows: number): Float64Array {
  const out = new Float64Array(rows * (ca + cb));
  for (let r = 0; r < rows; r++) {
    out.set(a.subarray(r * ca, (r + 1) * ca), r * (ca + cb));
    out.set(b.subarray(r * cb, (r + 1) * cb), r * (ca + cb) + ca);
  }
  return out;
}

function requantizerTo(fromFrac: number, to: FixedFormat, rounding: Rounding = 'half_even'): Requantizer {
  return new Requantizer(fromFrac, to.fracBits, minCode(to), maxCode(to), rounding);
}

/** Scratch of a layer for batches of up to `capacity` sequences (GEMM operands in the backend). */
interface BatchScratch {
  readonly capacity: number;
  /** GEMM operand rows z = [xs * sx ; hs * sh]. */
  readonly z: Region;
  readonly acc: Region;
  /** GRU n rows: input-side and recurrent-side sums. */
  readonly accX: Region;
  readonly accH: Region;
  /** LSTMP: m requantized for the projection, and the projection sums. */
  readonly m: Region;
  readonly proj: Region;
  readonly pre: Int32Array;
  readonly members: Int32Array;
}

export interface QuantizedRnnOptions {
  /** Matrix-product kernel: 'wasm' (WebAssembly SIMD, the default where available) or 'js'. Same results. */
  readonly kernel?: GemmKernel;
}

/** A model bound to a quantization config; caches integer weights per precision across calls. */
export class QuantizedRnn {
  private readonly runtime: LayerRuntime[];
  /** Per layer, per direction: operands by precision. */
  private readonly operands: Map<number, PrecisionOperands>[][];
  private backend: GemmBackend;
  private readonly kernel: GemmKernel | undefined;
  /** Per layer: scratch for the largest batch so far. */
  private scratch: (BatchScratch | undefined)[] = [];

  constructor(
    readonly model: RnnModel,
    readonly config: QuantizationConfig,
    options: QuantizedRnnOptions = {},
  ) {
    validateQuantization(config, model.topology);
    this.runtime = buildLayerRuntimes(model, config);
    this.operands = this.runtime.map((r) => r.params.map(() => new Map()));
    this.kernel = options.kernel;
    this.backend = gemmBackend(options.kernel);
  }

  /** The matrix-product kernel in use. */
  get gemmKernel(): GemmKernel {
    return this.backend.kernel;
  }

  /** Drops cached integer weights: call after changing the float parameters in place. */
  invalidateWeights(): void {
    for (const r of this.runtime) for (const c of r.params) c.clear();
    for (const l of this.operands) for (const m of l) m.clear();
    // A fresh backend releases the old matrices' memory.
    this.backend = gemmBackend(this.kernel);
    this.scratch = [];
  }

  /** Scratch of layer l for n sequences (kept, and grown by doubling, across calls). */
  private scratchFor(l: number, n: number): BatchScratch {
    const have = this.scratch[l];
    if (have !== undefined && have.capacity >= n) return have;
    const t = this.model.topology;
    const hidden = t.hidden_size;
    const hOut = outputSize(t);
    const gates = gatesPerCell(t);
    const cap = Math.max(n, 2 * (have?.capacity ?? 0));
    const b = this.backend;
    const s: BatchScratch = {
      capacity: cap,
      z: b.alloc(cap * (layerInputSize(t, l) + hOut)),
      acc: b.alloc(cap * gates * hidden),
      accX: b.alloc(gates === 3 ? cap * hidden : 0),
      accH: b.alloc(gates === 3 ? cap * hidden : 0),
      m: b.alloc(t.proj_size > 0 ? cap * hidden : 0),
      proj: b.alloc(cap * hOut),
      pre: new Int32Array(gates * hidden),
      members: new Int32Array(cap),
    };
    this.scratch[l] = s;
    return s;
  }

  forward(input: Float32Array, seqLen: number, options: QuantizedForwardOptions = {}): QuantizedForwardResult {
    const seq: BatchSequence = { input, seqLen, sequence: options.sequence ?? 0, choosePrecision: options.choosePrecision, h0: options.h0, c0: options.c0 };
    return this.forwardBatch([seq], { onStep: options.onStep, inputSideBits: options.inputSideBits })[0];
  }

  /** Runs the sequences in lockstep (any lengths); returns one result per sequence, in order. */
  forwardBatch(sequences: readonly BatchSequence[], options: BatchForwardOptions = {}): QuantizedForwardResult[] {
    const t = this.model.topology;
    const hidden = t.hidden_size;
    const hOut = outputSize(t);
    const dirs = directionCount(t);
    const states = t.num_layers * dirs;
    const n = sequences.length;
    if (options.inputSideBits !== undefined) checkInputSideBits(this.config, options.inputSideBits);
    sequences.forEach((s, b) => {
      if (!Number.isInteger(s.seqLen) || s.seqLen < 0 || s.input.length !== s.seqLen * t.input_size) {
        throw new Error(`QuantizedRnn.forward: sequence ${b}: input has ${s.input.length} values, expected seqLen ${s.seqLen} x input_size ${t.input_size}`);
      }
      if (s.h0 && s.h0.length !== states * hOut) throw new Error(`QuantizedRnn.forward: h0 must have ${states * hOut} values`);
      if (s.c0 && s.c0.length !== states * hidden) throw new Error(`QuantizedRnn.forward: c0 must have ${states * hidden} values`);
    });
    // Longest first, so the sequences still running at step s are positions [0, active).
    const order = Array.from({ length: n }, (_, b) => b).sort((a, b) => sequences[b].seqLen - sequences[a].seqLen || a - b);
    const lens = sequences.map((s) => s.seqLen);
    const maxLen = n === 0 ? 0 : lens[order[0]];
    const hN = sequences.map(() => new Int32Array(states * hOut));
    const cN = sequences.map(() => (t.cell === 'lstm' ? new Int32Array(states * hidden) : null));
    const precisions = sequences.map((s) => new Uint8Array(states * s.seqLen));

    const firstFormat = this.config.layers[0]?.activation ?? { intBits: 16, fracBits: 16 };
    let layerInput = sequences.map((s) => quantizeArray(s.input, firstFormat));
    let inputFormat: FixedFormat | undefined = this.config.layers[0]?.activation;
    for (let l = 0; l < t.num_layers; l++) {
      const lq = this.runtime[l].quantization;
      const inSize = layerInputSize(t, l);
      if (inputFormat !== undefined && inputFormat !== lq.activation) {
        const from = inputFormat.fracBits;
        layerInput = layerInput.map((x) => requantizeArray(x, from, lq.activation));
      }
      const layerOutput = sequences.map((s) => new Int32Array(s.seqLen * dirs * hOut));
      const scratch = this.scratchFor(l, n);
      const cellOps = cellOperands(lq);
      for (let d = 0; d < dirs; d++) {
        this.runLayerDirection({ l, d, lq, inSize, hidden, hOut, dirs, sequences, order, lens, maxLen, layerInput, layerOutput, hN, cN, precisions, scratch, cellOps, options });
      }
      layerInput = layerOutput;
      inputFormat = lq.activation;
    }
    const outputFormat = inputFormat ?? { intBits: 16, fracBits: 16 };
    return sequences.map((_, b) => ({
      outputCodes: layerInput[b],
      outputFormat,
      output: dequantizeArray(layerInput[b], outputFormat),
      hNCodes: hN[b],
      cNCodes: cN[b],
      stepPrecisions: precisions[b],
    }));
  }

  private operandsFor(l: number, d: number, bits: number, inputSideBits: number | undefined): PrecisionOperands {
    const cache = this.operands[l][d];
    // The key covers the input side: a run without inputSideBits has it at the step's precision.
    const key = bits * 64 + (inputSideBits ?? bits);
    let ops = cache.get(key);
    if (ops !== undefined) return ops;
    const t = this.model.topology;
    const rt = this.runtime[l];
    const lq = rt.quantization;
    const hidden = t.hidden_size;
    const hOut = outputSize(t);
    const inSize = layerInputSize(t, l);
    const catRows = (t.cell === 'lstm' ? 4 : 2) * hidden;
    const recF = formatsAtPrecision(lq, bits);
    const inpF = inputSideBits === undefined ? recF : formatsAtPrecision(lq, inputSideBits);
    const rec = rt.params[d].getDoubles(recF.weight);
    const inp = rt.params[d].getDoubles(inpF.weight);
    const na = lq.activation.fracBits;
    const fx = inpF.weight.fracBits + inpF.activation.fracBits;
    const fh = recF.weight.fracBits + recF.activation.fracBits;
    const f = Math.max(fx, fh);
    const sx = 2 ** (f - fx);
    const sh = 2 ** (f - fh);
    const ux = 2 ** inpF.activation.fracBits;
    const uh = 2 ** recF.activation.fracBits;
    const catBias = new Float64Array(catRows);
    for (let r = 0; r < catRows; r++) catBias[r] = inp.bIh[r] * ux * sx + rec.bHh[r] * uh * sh;
    const gru = t.cell === 'gru';
    const b = this.backend;
    ops = {
      cat: b.copyOf(sideBySide(inp.wIh, inSize, rec.wHh, hOut, catRows)),
      catBias,
      catCols: inSize + hOut,
      wIn: b.copyOf(gru ? inp.wIh.subarray(2 * hidden * inSize) : new Float64Array(0)),
      wHn: b.copyOf(gru ? rec.wHh.subarray(2 * hidden * hOut) : new Float64Array(0)),
      bIn: inp.bIh.subarray(2 * hidden),
      bHn: rec.bHh.subarray(2 * hidden),
      wHr: rec.wHr === null ? null : b.copyOf(rec.wHr),
      // Reductions of the matrix-vector inputs to the step's precision (the config's rounding).
      rqX: requantizerTo(na, inpF.activation, rt.reductionRounding),
      rqH: requantizerTo(na, recF.activation, rt.reductionRounding),
      biasUnitX: ux,
      biasUnitH: uh,
      sumScaleX: sx,
      sumScaleH: sh,
      rqGate: requantizerTo(f, lq.gate),
      rqGateX: requantizerTo(fx, lq.gate),
      rqGateH: requantizerTo(fh, lq.gate),
      rqProj: requantizerTo(fh, lq.activation),
    };
    cache.set(key, ops);
    return ops;
  }

  private runLayerDirection(a: LayerDirectionRun): void {
    const { l, d, lq, hidden, hOut, dirs, sequences, order, lens, maxLen, layerOutput, precisions, scratch, options } = a;
    const t = this.model.topology;
    const isLstm = t.cell === 'lstm';
    const n = sequences.length;
    const si = l * dirs + d;
    const maxPrecision = staticPrecision(lq);
    const h = new Int32Array(n * hOut);
    const c = new Int32Array(n * hidden);
    const hView = sequences.map((_, b) => h.subarray(b * hOut, (b + 1) * hOut));
    const cView = sequences.map((_, b) => c.subarray(b * hidden, (b + 1) * hidden));
    sequences.forEach((s, b) => {
      if (s.h0) quantizeArray(s.h0.subarray(si * hOut, (si + 1) * hOut), lq.activation, hView[b]);
      if (s.c0) quantizeArray(s.c0.subarray(si * hidden, (si + 1) * hidden), lq.cell, cView[b]);
    });
    const stateView = isLstm ? cView : hView;
    const stateFrac = isLstm ? lq.cell.fracBits : lq.activation.fracBits;
    const previous = new Int32Array(n).fill(maxPrecision);
    const chosen = new Int32Array(n);
    const grouped = new Uint8Array(n);
    const members = scratch.members;
    let active = n;
    for (let s = 0; s < maxLen; s++) {
      while (active > 0 && lens[order[active - 1]] <= s) active--;
      // Each running sequence's precision for this step.
      for (let j = 0; j < active; j++) {
        const b = order[j];
        const seq = sequences[b];
        let bits = maxPrecision;
        if (seq.choosePrecision) {
          bits = seq.choosePrecision({
            sequence: seq.sequence ?? b,
            layer: l,
            direction: d,
            timestep: d === 0 ? s : lens[b] - 1 - s,
            stepIndex: s,
            staticPrecision: maxPrecision,
            previousCellState: stateView[b],
            cellFracBits: stateFrac,
            previousPrecision: previous[b],
          });
          if (!Number.isInteger(bits) || bits > maxPrecision) {
            throw new Error(`precision chooser returned ${bits} for layer ${l}: expected an integer <= ${maxPrecision}`);
          }
        }
        chosen[j] = bits;
        previous[b] = bits;
      }
      // One group per distinct precision, in order of first appearance.
      grouped.fill(0, 0, active);
      let done = 0;
      while (done < active) {
        let bits = 0;
        let count = 0;
        for (let j = 0; j < active; j++) {
          if (grouped[j] === 1) continue;
          if (count === 0) bits = chosen[j];
          if (chosen[j] === bits) {
            members[count++] = order[j];
            grouped[j] = 1;
          }
        }
        done += count;
        const ops = this.operandsFor(l, d, bits, options.inputSideBits);
        if (isLstm) this.lstmGroup(a, ops, s, count, h, c);
        else this.gruGroup(a, ops, s, count, h);
      }
      // Outputs, precisions and observers in sequence order of the batch positions.
      for (let j = 0; j < active; j++) {
        const b = order[j];
        const ts = d === 0 ? s : lens[b] - 1 - s;
        layerOutput[b].set(hView[b], ts * dirs * hOut + d * hOut);
        precisions[b][si * lens[b] + ts] = previous[b];
        if (options.onStep) {
          options.onStep({
            sequence: sequences[b].sequence ?? b,
            layer: l,
            direction: d,
            timestep: ts,
            cellState: stateView[b].slice(),
            cellFracBits: stateFrac,
            precisionBits: previous[b],
            hidden: hView[b].slice(),
            hiddenFracBits: lq.activation.fracBits,
          });
        }
      }
    }
    sequences.forEach((_, b) => {
      a.hN[b].set(hView[b], si * hOut);
      const cn = a.cN[b];
      if (cn) cn.set(cView[b], si * hidden);
    });
  }

  /** Gathers the group's z = [xs * sx ; hs * sh] rows (see PrecisionOperands) into z. */
  private gather(a: LayerDirectionRun, ops: PrecisionOperands, s: number, count: number, h: Int32Array, z: Float64Array): void {
    const { d, inSize, hOut, lens, layerInput, scratch } = a;
    const members = scratch.members;
    const cols = ops.catCols;
    const sx = ops.sumScaleX;
    const sh = ops.sumScaleH;
    for (let i = 0; i < count; i++) {
      const b = members[i];
      const x = layerInput[b];
      const xOff = (d === 0 ? s : lens[b] - 1 - s) * inSize;
      const zOff = i * cols;
      for (let k = 0; k < inSize; k++) z[zOff + k] = ops.rqX.apply(x[xOff + k]) * sx;
      const hOff = b * hOut;
      for (let k = 0; k < hOut; k++) z[zOff + inSize + k] = ops.rqH.apply(h[hOff + k]) * sh;
    }
  }

  private lstmGroup(a: LayerDirectionRun, ops: PrecisionOperands, s: number, count: number, h: Int32Array, c: Int32Array): void {
    const { l, hidden, hOut, scratch } = a;
    const u = this.runtime[l].lstmUnits;
    const rows = 4 * hidden;
    const be = this.backend;
    this.gather(a, ops, s, count, h, be.view(scratch.z));
    // One accumulator per row: both sides aligned to F = max(fx, fh) in z (exact), the biases likewise.
    be.gemm(ops.cat, rows, ops.catCols, scratch.z, 0, ops.catCols, count, scratch.acc);
    const acc = be.view(scratch.acc);
    const { fcScale, igScale, rqCell, rqM } = a.cellOps;
    const pre = scratch.pre;
    const bias = ops.catBias;
    const sig = u.sigmoid;
    const tanhG = u.tanhGate;
    const tanhC = u.tanhCell;
    const members = scratch.members;
    const projected = ops.wHr !== null;
    const mv = be.view(scratch.m);
    for (let i = 0; i < count; i++) {
      const b = members[i];
      const base = i * rows;
      ops.rqGate.applyAccumulators(acc, base, bias, rows, pre, 0);
      applyUnit(sig, pre, 0, 2 * hidden);
      applyUnit(tanhG, pre, 2 * hidden, hidden);
      applyUnit(sig, pre, 3 * hidden, hidden);
      const cOff = b * hidden;
      const mOff = i * hidden;
      for (let k = 0; k < hidden; k++) {
        const sum = pre[hidden + k] * c[cOff + k] * fcScale + pre[k] * pre[2 * hidden + k] * igScale;
        const ck = rqCell.apply(sum);
        c[cOff + k] = ck;
        const m = rqM.apply(pre[3 * hidden + k] * tanhC.apply(ck));
        if (projected) mv[mOff + k] = ops.rqH.apply(m);
        else h[b * hOut + k] = m;
      }
    }
    if (ops.wHr === null) return;
    be.gemm(ops.wHr, hOut, hidden, scratch.m, 0, hidden, count, scratch.proj);
    const proj = be.view(scratch.proj);
    for (let i = 0; i < count; i++) ops.rqProj.applyAccumulators(proj, i * hOut, null, hOut, h, members[i] * hOut);
  }

  private gruGroup(a: LayerDirectionRun, ops: PrecisionOperands, s: number, count: number, h: Int32Array): void {
    const { l, inSize, hidden, scratch } = a;
    const u = this.runtime[l].gruUnits;
    const be = this.backend;
    this.gather(a, ops, s, count, h, be.view(scratch.z));
    const cols = ops.catCols;
    // r, z: both sides in one aligned accumulator. n: each side alone (W_in on the x columns of z,
    // W_hn on the h columns), the alignment divided out again (exact: a power of two).
    be.gemm(ops.cat, 2 * hidden, cols, scratch.z, 0, cols, count, scratch.acc);
    be.gemm(ops.wIn, hidden, inSize, scratch.z, 0, cols, count, scratch.accX);
    be.gemm(ops.wHn, hidden, hidden, scratch.z, inSize, cols, count, scratch.accH);
    const rz = be.view(scratch.acc);
    const xn = be.view(scratch.accX);
    const hn = be.view(scratch.accH);
    const { rqRn, rqM: rqH, gHi, gLo } = a.cellOps;
    const na = u.activation.fracBits;
    const bias = ops.catBias;
    const invSx = 1 / ops.sumScaleX;
    const invSh = 1 / ops.sumScaleH;
    const members = scratch.members;
    const scale = 2 ** na;
    for (let i = 0; i < count; i++) {
      const b = members[i];
      const base2 = i * 2 * hidden;
      const base1 = i * hidden;
      const hOff = b * hidden;
      for (let k = 0; k < hidden; k++) {
        const r = u.sigmoid.apply(ops.rqGate.apply(saturate48(rz[base2 + k] + bias[k])));
        const z = u.sigmoid.apply(ops.rqGate.apply(saturate48(rz[base2 + hidden + k] + bias[hidden + k])));
        const hnk = ops.rqGateH.apply(saturate48(ops.bHn[k] * ops.biasUnitH + hn[base1 + k] * invSh));
        let npre = ops.rqGateX.apply(saturate48(ops.bIn[k] * ops.biasUnitX + xn[base1 + k] * invSx)) + rqRn.apply(r * hnk);
        npre = npre > gHi ? gHi : npre < gLo ? gLo : npre;
        const nv = u.tanhGate.apply(npre);
        h[hOff + k] = rqH.apply(nv * scale + z * (h[hOff + k] - nv));
      }
    }
  }
}

/** pre[off .. off + n) = unit(pre[off .. off + n)) in place. */
function applyUnit(unit: IntegerActivation, pre: Int32Array, off: number, n: number): void {
  unit.applyArray(pre, pre, n, off, off);
}

interface LayerDirectionRun {
  readonly l: number;
  readonly d: number;
  readonly lq: LayerQuantization;
  readonly inSize: number;
  readonly hidden: number;
  readonly hOut: number;
  readonly dirs: number;
  readonly sequences: readonly BatchSequence[];
  readonly order: readonly number[];
  readonly lens: readonly number[];
  readonly maxLen: number;
  readonly layerInput: readonly Int32Array[];
  readonly layerOutput: readonly Int32Array[];
  readonly hN: readonly Int32Array[];
  readonly cN: readonly (Int32Array | null)[];
  readonly precisions: readonly Uint8Array[];
  readonly scratch: BatchScratch;
  readonly cellOps: CellOperands;
  readonly options: BatchForwardOptions;
}

/** Element-wise constants of a layer (see integer-lstm-cell.ts / integer-gru-cell.ts). */
interface CellOperands {
  /** LSTM c_t = requantize(f c 2^(F - na - nc) + i g 2^(F - 2na), frac F -> C), F = max(na + nc, 2na). */
  readonly fcScale: number;
  readonly igScale: number;
  readonly rqCell: Requantizer;
  /** Frac 2na -> A: LSTM o * tanh(c), GRU h_t. */
  readonly rqM: Requantizer;
  /** GRU r * hn: frac na + ng -> G, then the n pre-activation saturated to G. */
  readonly rqRn: Requantizer;
  readonly gHi: number;
  readonly gLo: number;
}

function cellOperands(lq: LayerQuantization): CellOperands {
  const na = lq.activation.fracBits;
  const nc = lq.cell.fracBits;
  const f = Math.max(na + nc, 2 * na);
  return {
    fcScale: 2 ** (f - na - nc),
    igScale: 2 ** (f - 2 * na),
    rqCell: requantizerTo(f, lq.cell),
    rqM: requantizerTo(2 * na, lq.activation),
    rqRn: requantizerTo(na + lq.gate.fracBits, lq.gate),
    gHi: maxCode(lq.gate),
    gLo: minCode(lq.gate),
  };
}

/** One-shot convenience: new QuantizedRnn(model, config).forward(...). */
export function forwardQuantized(
  model: RnnModel,
  config: QuantizationConfig,
  input: Float32Array,
  seqLen: number,
  options?: QuantizedForwardOptions,
): QuantizedForwardResult {
  return new QuantizedRnn(model, config).forward(input, seqLen, options);
}
