/**
 * The ESE-like dataflow (Han et al., FPGA 2017): channels of PEs, each channel running its own
 * sequences. Per timestep of a layer and direction, on one channel:
 *   1. gate product: [W_ih | W_hh] . [x_t ; r_(t-1)], one sparse matrix-vector product whose
 *      columns are broadcast to the PEs (rows interleaved: row r -> PE r mod N);
 *   2. accumulator drain (the PE pipeline latency), then the element-wise unit: activations,
 *      cell update, biases (H hidden units, `lanes` per cycle);
 *   3. projection (LSTMP): W_hr . m_t, a second sparse product, when the layer has one.
 * Every activation column is broadcast (the activations of an LSTM are not sparse; ESE skips
 * zero weights, not zero activations). Weights are streamed from DRAM in column chunks
 * (double-buffered) or resident on chip. A compute unit is a PE; every PE cycle is busy (a MAC
 * on a non-zero weight) or one stall cause (spmv-timing.ts); between products the PEs wait
 * for the element-wise phase ('recurrent_dependency'), after their channel's last product for
 * the run to end ('pipeline_drain').
 */
import type { MultifunctionUnit } from '../../components/multifunction-unit.js';
import type { SparsePe } from '../../components/sparse-pe.js';
import type { OnChipBuffer } from '../../components/interfaces.js';
import { ConfigValueError, InputError } from '../../errors.js';
import { elementwiseOpsPerHiddenUnit, nonzeroWeightCount } from '../../traces/work.js';
import type { DataflowOutcome } from '../dataflow-kind.js';
import type { ComputeUnitAccount, RunContext } from '../run-context.js';
import type { Workload } from '../workload.js';
import type { EseDataflowParams } from './ese-kind.js';
import { concatColumns, layoutKey, matrixShapes, syntheticLayoutBytes, syntheticLayouts, type EseLayouts } from './ese-layouts.js';
import { limitProblem } from '../../limits.js';
import { totalNonzeros, type SparseLayout } from './sparse-layout.js';
import { SpmvRun, type SpmvResult } from './spmv-engine.js';
import { WeightStreamer, type ChunkDescriptor, type WeightChunk } from './weight-stream.js';

export interface EseParams {
  readonly pesPerChannel: number;
  readonly channels: number;
  readonly layout: 'balanced' | 'unbalanced';
  readonly layoutSeed: number;
  readonly weightDensity: number;
  readonly weightSource: 'dram_stream' | 'on_chip';
  readonly fetchColumns: number;
  readonly stagingChunks: number;
}

export function eseParams(p: EseDataflowParams, workload: Workload): EseParams {
  return {
    pesPerChannel: p.pes_per_channel,
    channels: p.channels,
    layout: p.layout,
    layoutSeed: p.layout_seed,
    // Density is a property of the pruned model, so it comes from the trace, not the config.
    weightDensity: workload.weightDensity,
    weightSource: p.weight_source,
    fetchColumns: p.fetch_columns,
    stagingChunks: p.staging_chunks,
  };
}

/** One matrix-vector product of a step: its layout. */
interface Product {
  readonly layout: SparseLayout;
}

interface LayerDirProducts {
  readonly gates: Product;
  readonly projection: Product | undefined;
  /** Non-zero MACs of one step (gate product and projection). */
  readonly macs: number;
}

interface Channel {
  readonly index: number;
  readonly pes: SparsePe[];
  readonly weightBuffers: OnChipBuffer[];
  readonly mfu: MultifunctionUnit;
  readonly activations: OnChipBuffer;
  readonly accounts: ComputeUnitAccount[];
  accountedUntil: number;
  streamer?: WeightStreamer;
}

/** A sequence as the channels see it: its index in the trace and its length. */
interface SequenceJob {
  readonly sequence: number;
  readonly timesteps: number;
}

export interface EseRun {
  readonly outcome: DataflowOutcome;
  /** Every product's timing, in run order, by channel (for tests and reports). */
  readonly products: SpmvResult[][];
  readonly layouts: EseLayouts;
}

export function simulateEse(run: RunContext, dataflowParams: EseDataflowParams, workload: Workload, layoutsOverride?: EseLayouts): EseRun {
  const params = eseParams(dataflowParams, workload);
  const sim = run.sim;
  const N = params.pesPerChannel;
  const dram = run.create('dram', 'dram');
  const channels: Channel[] = Array.from({ length: params.channels }, (_, c) => {
    const pes = Array.from({ length: N }, (_, p) => {
      const pe = run.create('pe', 'sparse_pe', { name: `ch${c}.pe${p}` });
      pe.weightBits = workload.weightBits;
      return pe;
    });
    const weightBuffers = Array.from({ length: N }, (_, p) => run.create('weight_buffer', 'sram_buffer', { name: `ch${c}.pe${p}.weight_buffer` }));
    return {
      index: c,
      pes,
      weightBuffers,
      mfu: run.create('elementwise_unit', 'multifunction_unit', { name: `ch${c}.elementwise_unit` }),
      activations: run.create('activation_buffer', 'sram_buffer', { name: `ch${c}.activation_buffer` }),
      accounts: pes.map((pe) => run.computeUnit(pe.name)),
      accountedUntil: 0,
    };
  });
  const indexBits = channels[0].pes[0].indexBits;
  const entryBits = workload.weightBits + indexBits;
  const pointerBits = channels[0].pes[0].pointerBits;
  if (!layoutsOverride) {
    // A weight buffer too small even for the average PE is refused before the layouts are built
    // (a 16384-unit LSTM took 53 s and 2.2 GB to build them, then was refused).
    checkCapacityOnAverage(channels[0], workload, params, entryBits, pointerBits);
    // Refused before any is built: a 65536-unit LSTM needs a 16 GiB mask (exit 2 from the typed-array allocation before).
    const problem = limitProblem('sparse_layout_bytes', syntheticLayoutBytes(workload, N), `the sparse layouts of this trace over ${N} PEs (the 0/1 mask of its largest weight matrix, a byte a weight, and 8 bytes per PE and column of every matrix, twice for [W_x W_h])`);
    if (problem) throw new ConfigValueError(problem, ['dataflow', 'pes_per_channel']);
  }
  const layouts = layoutsOverride ?? syntheticLayouts(workload, N, indexBits, params.weightDensity, params.layout, params.layoutSeed);

  const products = new Map<string, LayerDirProducts>();
  for (const l of workload.layers) {
    for (let d = 0; d < l.directions; d++) {
      const get = (m: 'input' | 'recurrent' | 'projection'): SparseLayout => {
        const x = layouts.get(layoutKey(l.index, d, m));
        if (!x) throw new InputError(`no sparse layout for layer ${l.index} direction ${d} matrix ${m}`);
        if (x.numPEs !== N) throw new InputError(`layout of layer ${l.index} ${m} is for ${x.numPEs} PEs, the config has ${N} per channel`);
        return x;
      };
      const gates = concatColumns(get('input'), get('recurrent'));
      const projection = l.projSize > 0 ? get('projection') : undefined;
      products.set(`${l.index}.${d}`, {
        gates: { layout: gates },
        projection: projection ? { layout: projection } : undefined,
        macs: totalNonzeros(gates) + (projection ? totalNonzeros(projection) : 0),
      });
    }
  }


  // Sequences dealt round-robin to the channels; each channel runs its own one after another.
  const jobs: SequenceJob[][] = channels.map(() => []);
  let k = 0;
  for (const group of workload.groups) for (const len of group) jobs[k % params.channels].push({ sequence: k++, timesteps: len });

  checkCapacity(channels[0], products, params, entryBits, pointerBits);

  // Chunk descriptors per product layout (cached: every timestep reuses them).
  const chunkCache = new Map<SparseLayout, ChunkDescriptor[]>();
  const chunksOf = (layout: SparseLayout): ChunkDescriptor[] => {
    let c = chunkCache.get(layout);
    if (!c) {
      c = chunkDescriptors(layout, params.fetchColumns, entryBits, pointerBits);
      chunkCache.set(layout, c);
    }
    return c;
  };
  const order = (ch: number): Array<{ seq: SequenceJob; layer: number; dir: number; t: number; p: LayerDirProducts }> => {
    const out: Array<{ seq: SequenceJob; layer: number; dir: number; t: number; p: LayerDirProducts }> = [];
    for (const seq of jobs[ch]) {
      for (const l of workload.layers) {
        for (let d = 0; d < l.directions; d++) {
          for (let t = 0; t < seq.timesteps; t++) out.push({ seq, layer: l.index, dir: d, t, p: products.get(`${l.index}.${d}`) as LayerDirProducts });
        }
      }
    }
    return out;
  };

  // The run's own list: a progress display counts it while the run goes on.
  const steps = run.steps;
  const productLog: SpmvResult[][] = channels.map(() => []);
  const ew = elementwiseOpsPerHiddenUnit(workload.cell);
  const opsPerHiddenUnit = { sigmoid: ew.sigmoid, tanh: ew.tanh, multiply: ew.multiply, add: ew.add + ew.bias_add };

  for (const ch of channels) {
    const plan = order(ch.index);
    if (params.weightSource === 'dram_stream') {
      function* source(): Generator<ChunkDescriptor> {
        for (const s of plan) {
          yield* chunksOf(s.p.gates.layout);
          if (s.p.projection) yield* chunksOf(s.p.projection.layout);
        }
      }
      ch.streamer = new WeightStreamer(sim, dram, params.stagingChunks, source(), (chunk) => {
        ch.weightBuffers.forEach((wb, p) => wb.recordWrites(Math.ceil(chunk.desc.perPeBits[p] / wb.wordBits)));
      });
    }
    const runProduct = (layout: SparseLayout, then: () => void): void => {
      const now = sim.now;
      for (const acc of ch.accounts) acc.stalls.add('recurrent_dependency', now - ch.accountedUntil);
      ch.activations.recordReads(Math.ceil((layout.cols * workload.activationBits) / ch.activations.wordBits));
      let chunks;
      if (ch.streamer) {
        const streamer = ch.streamer;
        const list: WeightChunk[] = chunksOf(layout).map(() => streamer.take());
        chunks = { columnsPerChunk: params.fetchColumns, chunks: list, release: () => streamer.release() };
      }
      const run = new SpmvRun(sim, ch.pes, ch.weightBuffers, layout, chunks, (r) => {
        productLog[ch.index].push(r);
        ch.accounts.forEach((acc, p) => {
          const b = r.perPe[p];
          for (const cause of ['sparse_format_overhead', 'input_load', 'weight_fetch', 'fifo_full', 'load_imbalance'] as const) acc.stalls.add(cause, b[cause]);
          acc.addBusy(b.busy);
        });
        ch.accountedUntil = r.end;
        // The sums leave the PE pipelines before anything can use them.
        sim.at(r.end + ch.pes[0].pipelineLatencyCycles, then);
      });
      run.begin();
    };
    let i = 0;
    const nextStep = (): void => {
      if (i === plan.length) return;
      const s = plan[i++];
      const startCycle = sim.now;
      const H = workload.layers[s.layer].hiddenSize;
      runProduct(s.p.gates.layout, () => {
        const g = ch.mfu.unit.acquire(ch.mfu.issueCycles(H));
        ch.mfu.recordElements(H, opsPerHiddenUnit);
        sim.at(g.end + ch.mfu.latencyCycles, () => {
          ch.activations.recordWrites(Math.ceil((H * workload.activationBits) / ch.activations.wordBits));
          const done = (): void => {
            steps.push({ sequence: s.seq.sequence, layer: s.layer, direction: s.dir, timestep: s.t, startCycle, endCycle: sim.now, macs: s.p.macs });
            nextStep();
          };
          if (!s.p.projection) return done();
          runProduct(s.p.projection.layout, () => {
            const P = s.p.projection?.layout.rows ?? 0;
            ch.activations.recordWrites(Math.ceil((P * workload.activationBits) / ch.activations.wordBits));
            done();
          });
        });
      });
    };
    sim.at(0, () => {
      ch.streamer?.pump();
      nextStep();
    });
  }

  run.phases.begin({ group: 0, layer: 0, direction: 0, phase: 'run' });
  const cycles = sim.run();
  let macs = 0;
  for (const ch of channels) {
    for (const acc of ch.accounts) acc.stalls.add('pipeline_drain', cycles - ch.accountedUntil);
    for (const pe of ch.pes) macs += pe.macsPerformed;
  }
  const units = params.channels * N;
  return {
    outcome: { cycles, macsPerformed: macs, macBasis: 'nonzero', macsSkipped: 0, multipliers: units, steps },
    products: productLog,
    layouts,
  };
}

/** Fetch chunks of `k` columns: bytes = entries x entry bits + one pointer per PE and column. */
export function chunkDescriptors(layout: SparseLayout, k: number, entryBits: number, pointerBits: number): ChunkDescriptor[] {
  const out: ChunkDescriptor[] = [];
  for (let c0 = 0; c0 < layout.cols; c0 += k) {
    const c1 = Math.min(layout.cols, c0 + k);
    const perPeBits: number[] = [];
    let bits = 0;
    for (let p = 0; p < layout.numPEs; p++) {
      let e = 0;
      for (let j = c0; j < c1; j++) e += layout.entries[p * layout.cols + j];
      const b = e * entryBits + (c1 - c0) * pointerBits;
      perPeBits.push(b);
      bits += b;
    }
    out.push({ bytes: Math.ceil(bits / 8), perPeBits });
  }
  return out;
}

/**
 * checkCapacity's test on the average PE, from the trace's non-zero counts alone: a PE's largest
 * chunk holds at least the average over PEs and chunks of entries x entry bits + columns x pointer
 * bits, entries being at least the non-zeros (padding only adds).
 */
function checkCapacityOnAverage(ch: Channel, workload: Workload, params: EseParams, entryBits: number, pointerBits: number): void {
  const cap = ch.weightBuffers[0].capacityBits;
  const N = params.pesPerChannel;
  // The matrices as the run multiplies them: [W_x W_h] side by side, then the projection, once per direction.
  const matrices: Array<{ nonzeros: number; cols: number; directions: number }> = [];
  for (const l of workload.layers) {
    const shapes = matrixShapes(workload, l.index);
    const count = (m: { rows: number; cols: number }): number => nonzeroWeightCount(m.rows, m.cols, params.weightDensity);
    const gates = shapes.filter((m) => m.matrix !== 'projection');
    matrices.push({ nonzeros: gates.reduce((n, m) => n + count(m), 0), cols: gates.reduce((n, m) => n + m.cols, 0), directions: l.directions });
    for (const m of shapes) if (m.matrix === 'projection') matrices.push({ nonzeros: count(m), cols: m.cols, directions: l.directions });
  }
  const bits = (m: { nonzeros: number; cols: number }): number => m.nonzeros * entryBits + N * m.cols * pointerBits;
  if (params.weightSource === 'on_chip') {
    const average = matrices.reduce((n, m) => n + m.directions * bits(m), 0) / N;
    if (average > cap) {
      throw new ConfigValueError(`weight_source on_chip: a PE's compressed weights need at least ${Math.ceil(average / 8192)} KiB (the average PE) but its weight buffer holds ${cap / 8192} KiB; enlarge components.weight_buffer.size_kib or use dataflow.weight_source: dram_stream`, ['components', 'weight_buffer', 'size_kib']);
    }
    return;
  }
  const average = Math.max(...matrices.map((m) => bits(m) / (N * Math.ceil(m.cols / params.fetchColumns))));
  if (params.stagingChunks * average > cap) {
    throw new ConfigValueError(
      `weight buffer (${cap / 8192} KiB per PE) cannot hold ${params.stagingChunks} chunks of ${params.fetchColumns} columns (at least ${Math.ceil(average / 8)} bytes per PE, the average chunk); lower dataflow.fetch_columns or enlarge the weight buffer`,
      ['components', 'weight_buffer', 'size_kib'],
    );
  }
}

/** Refuse weight buffers that cannot hold what the weight source needs, with the numbers. */
function checkCapacity(ch: Channel, products: ReadonlyMap<string, LayerDirProducts>, params: EseParams, entryBits: number, pointerBits: number): void {
  const cap = ch.weightBuffers[0].capacityBits;
  const all: SparseLayout[] = [];
  for (const p of products.values()) {
    all.push(p.gates.layout);
    if (p.projection) all.push(p.projection.layout);
  }
  const N = params.pesPerChannel;
  if (params.weightSource === 'on_chip') {
    const need = new Array<number>(N).fill(0);
    for (const l of all) for (const [p, b] of chunkDescriptors(l, l.cols || 1, entryBits, pointerBits)[0]?.perPeBits.entries() ?? []) need[p] += b;
    const worst = Math.max(...need);
    if (worst > cap) {
      throw new ConfigValueError(`weight_source on_chip: a PE's compressed weights need ${Math.ceil(worst / 8192)} KiB but its weight buffer holds ${cap / 8192} KiB; enlarge components.weight_buffer.size_kib or use dataflow.weight_source: dram_stream`, ['components', 'weight_buffer', 'size_kib']);
    }
    return;
  }
  let worst = 0;
  for (const l of all) for (const c of chunkDescriptors(l, params.fetchColumns, entryBits, pointerBits)) worst = Math.max(worst, ...c.perPeBits);
  if (params.stagingChunks * worst > cap) {
    throw new ConfigValueError(
      `weight buffer (${cap / 8192} KiB per PE) cannot hold ${params.stagingChunks} chunks of ${params.fetchColumns} columns (largest ${Math.ceil(worst / 8)} bytes per PE); lower dataflow.fetch_columns or enlarge the weight buffer`,
      ['components', 'weight_buffer', 'size_kib'],
    );
  }
}
