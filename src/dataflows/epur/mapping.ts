/**
 * What runs where in the E-PUR-like dataflow, as plain data: no events, no resources. The
 * schedule (schedule.ts) asks this module for each layer's plan and for the tiles of each pass,
 * in run order, and runs them on the components; tests can check a mapping without the engine.
 *
 * Mapping. Gate g's H rows are split into k = floor(units / gates) slices; unit g*k+s owns
 * slice s of gate g. A projection's P rows are split over all mapped units. Each slice runs in
 * tiles of `tile_rows` rows. A weight slice that fits in its unit's weight buffer (next to the
 * staging space the phase needs) is fetched once and stays; one that does not is streamed from
 * DRAM at every use (weight-residency.ts). An input vector longer than the input buffer holds
 * (double-buffered, for the whole batch) is loaded chunk by chunk from the intermediate memory,
 * and every chunk but the last parks its partial sums there.
 *
 * Stored size and work are kept apart: a slice stores `rows x columns` weights at the storage
 * width whatever a step computes; a step's tiles compute `activeColumns` of them (all, unless a
 * technique skips some) at the step's precision. A streamed tile is fetched with only the
 * columns its repeats compute (weights are laid out column by column within a tile, so a
 * skipped column is neither fetched nor read).
 */
import type { LayerWork, Workload } from '../workload.js';
import { WeightResidency } from './weight-residency.js';
import type { StateKey } from '../../engine/steady-state.js';
import { ConfigValueError } from '../../errors.js';
import { limitProblem } from '../../limits.js';

/** Geometry of the hardware the mapping needs, as plain numbers. */
export interface EpurGeometry {
  readonly units: number;
  readonly tileRows: number;
  readonly stagingTiles: number;
  readonly partialSumBits: number;
  readonly schedule: 'step_by_step' | 'mwl';
  readonly weightBuffer: BufferGeometry;
  readonly inputBuffer: BufferGeometry;
  readonly intermediate: BufferGeometry;
}

export interface BufferGeometry {
  readonly capacityBits: number;
  readonly wordBits: number;
}

/**
 * The matrix a pass reads: [W_x W_h] together (step by step), W_x alone (MWL's input-side
 * pass), W_h alone (MWL's recurrent steps), or the projection W_hr (LSTMP).
 */
export type MatrixPart = 'xh' | 'x' | 'h' | 'proj';

/**
 * How weights and activations are stored and read (bit-sliced under dynamic precision). The
 * functions must be pure (the same answer for the same arguments): the mapper reuses tiles.
 */
export interface StorageWidths {
  /** Bits each weight of a matrix part occupies in the weight buffer and DRAM. */
  weightBits(part: MatrixPart): number;
  /** Bits each activation occupies in the input buffer and the intermediate memory. */
  readonly activationBits: number;
  /** Bits read per stored weight (activation) for a pass at `bits` (undefined: the full width). */
  readWeightBits(part: MatrixPart, bits: number | undefined): number;
  readActivationBits(bits: number | undefined): number;
}

/** Everything a phase needs to know about the layer-direction being run. */
export interface LayerPlan {
  readonly layer: LayerWork;
  readonly direction: number;
  readonly gates: number;
  /** Slices per gate (k). */
  readonly slices: number;
  /** Rows of slice s of each gate. */
  readonly sliceRows: readonly number[];
  /** Projection rows per mapped unit. */
  readonly projRows: readonly number[];
  /** Recurrent input size R. */
  readonly recurrent: number;
  readonly inputFromDram: boolean;
  readonly outputToDram: boolean;
}

/** A weight slice of one phase: which unit holds it, and what it stores. */
export interface SliceUse {
  readonly unit: number;
  readonly id: string;
  readonly part: MatrixPart;
  readonly rows: number;
  /** Columns stored (the full dot-product length of the matrix part). */
  readonly columns: number;
}

/**
 * One tile job: a tile of rows of one unit's slice, for one chunk of the input and one repeat
 * (timestep). A pass's jobs run in order (chunk, tile, repeat); jobs with equal contents are the
 * same object (the repeats of a tile in an input-side pass, mostly), which keeps them few and
 * lets steady-state fast-forward recognise a run of identical jobs.
 */
export interface TileSpec {
  /** Dot products in this tile: rows x samples. */
  readonly dotProducts: number;
  /** Length of each dot product (the columns of this chunk computed). */
  readonly length: number;
  /** Precision of the products (bits; undefined = the DPU's full precision). */
  readonly bits: number | undefined;
  readonly weightWords: number;
  /** Bytes to fetch from DRAM before the tile can run (0 when the weights are already on chip). */
  readonly fetchBytes: number;
  /** The last job using a fetched weight tile frees its staging slot. */
  readonly releasesStaging: boolean;
  /** Words read from the input buffer. */
  readonly inputWords: number;
  /** Words written into the input buffer first (an input chunk loaded from the intermediate memory). */
  readonly inputLoadWords: number;
  /** Words read from the shared intermediate memory (partial sums, input chunks). */
  readonly intermediateReadWords: number;
  /** Tile index within the slice, and its rows. */
  readonly tile: number;
  readonly rows: number;
  /** Samples of the repeat (timestep) the job computes. */
  readonly samples: number;
  /** False for a chunk whose partial sums are parked (more chunks of the same tile follow). */
  readonly lastChunk: boolean;
}

/** One repeat of a pass over a slice: the samples of one timestep and the columns they compute. */
export interface PassRepeat {
  readonly samples: number;
  /** Columns each dot product computes (the slice's columns unless a technique skips some). */
  readonly activeColumns: number;
}

export interface PassOptions {
  /** Partial sums of an earlier pass are read with every tile (MWL's recurrent steps). */
  readonly readsParkedPartialSums: boolean;
  /** Every job reloads its input chunk into the input buffer (MWL's input-side pass: one x_t per repeat). */
  readonly reloadsInputEachJob: boolean;
  readonly bits: number | undefined;
}

function words(bits: number, wordBits: number): number {
  return Math.ceil(bits / wordBits);
}

/** Split n into `parts` near-equal parts, the first n % parts one larger. */
function split(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

/** Whether two tile jobs do the same work: every field equal but the tile index. */
export function sameWork(a: TileSpec, b: TileSpec): boolean {
  return (
    a.dotProducts === b.dotProducts &&
    a.length === b.length &&
    a.bits === b.bits &&
    a.weightWords === b.weightWords &&
    a.fetchBytes === b.fetchBytes &&
    a.releasesStaging === b.releasesStaging &&
    a.inputWords === b.inputWords &&
    a.inputLoadWords === b.inputLoadWords &&
    a.intermediateReadWords === b.intermediateReadWords &&
    a.rows === b.rows &&
    a.samples === b.samples &&
    a.lastChunk === b.lastChunk
  );
}

export class EpurMapper {
  /** Units that get work: gates x floor(units / gates). */
  readonly mapped: number;
  private readonly residency: WeightResidency[];
  /** Whether the layer just planned left its output sequence in the intermediate memory (else DRAM). */
  private previousOutputOnChip = false;
  /**
   * The last tile jobs made for each slice, with what they were made from: consecutive steps
   * of a layer usually run identical passes, and tile jobs are plain immutable data.
   */
  private readonly lastTiles = new Map<string, { readonly key: string; readonly jobs: readonly TileSpec[] }>();
  /** Tile job slots held in lastTiles: what the tile_jobs limit bounds (the memory of a run with tiny tiles). */
  private heldJobSlots = 0;
  /** Gate slices of the current plan, by matrix part and columns. */
  private sliceCache: { plan: LayerPlan | undefined; slices: Map<string, SliceUse[]> } = { plan: undefined, slices: new Map() };

  constructor(
    readonly geometry: EpurGeometry,
    readonly workload: Workload,
    readonly storage: StorageWidths,
  ) {
    this.mapped = workload.gates * Math.floor(geometry.units / workload.gates);
    this.residency = Array.from({ length: geometry.units }, () => new WeightResidency(geometry.weightBuffer.capacityBits));
  }

  private get batch(): number {
    return this.workload.batchSize;
  }

  /** The plan of one layer-direction, given what the previous one left where. */
  planLayer(layer: LayerWork, direction: number, isLast: boolean, steps: number): LayerPlan {
    const gates = this.workload.gates;
    const slices = this.mapped / gates;
    const out = layer.directions * layer.recurrentSize;
    // A layer's output sequence stays on chip when it fits in half the intermediate memory;
    // the other half is kept for partial sums. Larger ones spill to DRAM.
    const outputFits = steps * this.batch * out * this.storage.activationBits <= this.geometry.intermediate.capacityBits / 2;
    return {
      layer,
      direction,
      gates,
      slices,
      sliceRows: split(layer.hiddenSize, slices),
      projRows: split(layer.projSize, this.mapped),
      recurrent: layer.recurrentSize,
      inputFromDram: layer.index === 0 || !this.previousOutputOnChip,
      outputToDram: isLast || !outputFits,
    };
  }

  /** A layer-direction is done: where its output went decides where the next layer reads from. */
  finishLayer(plan: LayerPlan): void {
    this.previousOutputOnChip = !plan.outputToDram;
    // Its tile jobs are never used again (slice ids name the layer and direction): let them go.
    const prefix = `L${plan.layer.index}.d${plan.direction}.`;
    for (const [id, last] of this.lastTiles) {
      if (!id.startsWith(prefix)) continue;
      this.heldJobSlots -= last.jobs.length;
      this.lastTiles.delete(id);
    }
  }

  /** Unit of slice s of gate g. */
  unitOf(plan: LayerPlan, gate: number, slice: number): number {
    return gate * plan.slices + slice;
  }

  /** The gate slices of a pass over a matrix part ('xh', 'x' or 'h') whose rows have `columns` columns. */
  gateSlices(plan: LayerPlan, part: 'xh' | 'x' | 'h', columns: number): readonly SliceUse[] {
    if (this.sliceCache.plan !== plan) this.sliceCache = { plan, slices: new Map() };
    const key = `${part}|${columns}`;
    const cached = this.sliceCache.slices.get(key);
    if (cached) return cached;
    const out: SliceUse[] = [];
    for (let g = 0; g < plan.gates; g++) {
      for (let s = 0; s < plan.slices; s++) {
        out.push({ unit: this.unitOf(plan, g, s), id: `L${plan.layer.index}.d${plan.direction}.${part}.g${g}.s${s}`, part, rows: plan.sliceRows[s], columns });
      }
    }
    this.sliceCache.slices.set(key, out);
    return out;
  }

  /** The projection slices (LSTMP): each mapped unit's share of the P rows, over H columns. */
  projectionSlices(plan: LayerPlan): SliceUse[] {
    const out: SliceUse[] = [];
    for (let u = 0; u < this.mapped; u++) {
      if (plan.projRows[u] > 0) out.push({ unit: u, id: `L${plan.layer.index}.d${plan.direction}.proj.u${u}`, part: 'proj', rows: plan.projRows[u], columns: plan.layer.hiddenSize });
    }
    return out;
  }

  /** Decide which of a phase's slices stay in their unit's weight buffer; returns the ids streamed. */
  planResidency(slices: readonly SliceUse[]): Set<string> {
    const streamed = new Set<string>();
    for (const s of slices) {
      const wbits = this.storage.weightBits(s.part);
      const staging = this.geometry.stagingTiles * this.geometry.tileRows * s.columns * wbits;
      for (const id of this.residency[s.unit].planPhase([{ id: s.id, bits: s.rows * s.columns * wbits }], staging)) streamed.add(id);
    }
    return streamed;
  }

  /**
   * Largest input chunk (elements per sample) the input buffer holds for the whole batch,
   * with room for the next chunk and the next hidden state (double-buffered).
   */
  chunkElements(length: number): number {
    const fits = Math.floor(this.geometry.inputBuffer.capacityBits / (2 * this.batch * this.storage.activationBits));
    return Math.min(length, fits);
  }

  /** True when a vector of `length` elements per sample fits in every unit's input buffer (no chunking). */
  fitsInputBuffer(length: number): boolean {
    return this.chunkElements(length) >= length;
  }

  /**
   * The tile jobs of one unit's pass over one slice: tiles of rows, in chunks of the input that
   * fit the input buffer, each tile once per repeat (timestep). Records the first use of a
   * resident slice (it is fetched then, and never again).
   */
  passTiles(slice: SliceUse, streamed: boolean, repeats: readonly PassRepeat[], options: PassOptions): readonly TileSpec[] {
    const firstFetch = !streamed && this.residency[slice.unit].needsFirstFetch(slice.id);
    const fetch = streamed || firstFetch;
    // The jobs depend only on these (the geometry and storage widths are fixed for the run).
    let key = `${slice.unit}|${slice.part}|${slice.rows}|${slice.columns}|${streamed}|${fetch}|${options.bits}|${options.readsParkedPartialSums}|${options.reloadsInputEachJob}|`;
    for (const r of repeats) key += `${r.samples},${r.activeColumns};`;
    const last = this.lastTiles.get(slice.id);
    if (last && last.key === key) return last.jobs;
    // Refused before the jobs are made: a 65536-unit layer in 1-row tiles held 8 million jobs a step and ran out of memory.
    const held = this.heldJobSlots - (last?.jobs.length ?? 0) + this.jobSlots(slice, repeats);
    const problem = limitProblem('tile_jobs', held, `the tile jobs of this trace's passes in ${this.geometry.tileRows}-row tiles (rows / tile_rows x input chunks x timesteps a pass repeats, over the weight slices of the layer running)`);
    if (problem) throw new ConfigValueError(problem, ['dataflow', 'tile_rows']);
    const jobs = this.makeTiles(slice, streamed, fetch, repeats, options);
    this.lastTiles.set(slice.id, { key, jobs });
    this.heldJobSlots = held;
    return jobs;
  }

  /** Jobs of one pass over a slice: tiles x input chunks x repeats (makeTiles makes exactly these). */
  private jobSlots(slice: SliceUse, repeats: readonly PassRepeat[]): number {
    return Math.ceil(slice.columns / this.chunkElements(slice.columns)) * Math.ceil(slice.rows / this.geometry.tileRows) * repeats.length;
  }

  private makeTiles(slice: SliceUse, streamed: boolean, fetch: boolean, repeats: readonly PassRepeat[], options: PassOptions): TileSpec[] {
    const g = this.geometry;
    const st = this.storage;
    const length = slice.columns;
    const chunk = this.chunkElements(length);
    const chunks = Math.ceil(length / chunk);
    const tiles = Math.ceil(slice.rows / g.tileRows);
    const jobs = new Array<TileSpec>(chunks * tiles * repeats.length);
    let at = 0;
    // Consecutive equal jobs share one object.
    let previous: TileSpec | undefined;
    const intern = (job: TileSpec): TileSpec => {
      if (previous && previous.tile === job.tile && sameWork(previous, job)) return previous;
      previous = job;
      return job;
    };
    const readW = st.readWeightBits(slice.part, options.bits);
    const storedW = st.weightBits(slice.part);
    const readA = st.readActivationBits(options.bits);
    // The columns of chunk c that a repeat computes (a technique may skip some: the computed columns come first).
    const chunkColumns = (activeColumns: number, c: number, stored: number): number =>
      activeColumns === length ? stored : Math.min(stored, Math.max(0, activeColumns - c * chunk));
    for (let c = 0; c < chunks; c++) {
      const stored = Math.min(chunk, length - c * chunk);
      const lastChunk = c === chunks - 1;
      // A streamed tile brings only the columns some repeat computes; a resident one all it stores.
      const fetchedColumns = streamed ? Math.max(...repeats.map((rep) => chunkColumns(rep.activeColumns, c, stored))) : stored;
      for (let r = 0; r < tiles; r++) {
        const tileRows = Math.min(g.tileRows, slice.rows - r * g.tileRows);
        // A tile fetched to stay resident fetches every stored bit; a streamed tile only what the step reads (bit-sliced).
        const fetchedBits = tileRows * fetchedColumns * (streamed ? readW : storedW);
        // Nothing to bring (every column skipped): no fetch and no staging slot.
        const fetches = fetch && fetchedBits > 0;
        for (let rep = 0; rep < repeats.length; rep++) {
          const { samples, activeColumns } = repeats[rep];
          // A repeat between the first and the last doing what the one before did is the same job.
          if (rep > 1 && rep < repeats.length - 1 && samples === repeats[rep - 1].samples && activeColumns === repeats[rep - 1].activeColumns) {
            jobs[at] = jobs[at - 1];
            at++;
            continue;
          }
          const len = chunkColumns(activeColumns, c, stored);
          const chunkBitsPerSample = stored * st.activationBits;
          // With one chunk the inputs were broadcast into the input buffer before the pass;
          // otherwise each chunk is loaded from the intermediate memory before its first tile.
          const loadBits = options.reloadsInputEachJob || (chunks > 1 && rep === 0 && r === 0) ? chunkBitsPerSample * samples : 0;
          const psumBits = options.readsParkedPartialSums || c > 0 ? tileRows * samples * g.partialSumBits : 0;
          jobs[at++] = intern({
            dotProducts: tileRows * samples,
            length: len,
            bits: options.bits,
            weightWords: words(tileRows * len * readW, g.weightBuffer.wordBits),
            fetchBytes: fetches && rep === 0 ? Math.ceil(fetchedBits / 8) : 0,
            releasesStaging: fetches && rep === repeats.length - 1,
            inputWords: tileRows * samples * words(len * readA, g.inputBuffer.wordBits),
            inputLoadWords: words(loadBits, g.inputBuffer.wordBits),
            intermediateReadWords: words(psumBits, g.intermediate.wordBits) + words(loadBits, g.intermediate.wordBits),
            tile: r,
            rows: tileRows,
            samples,
            lastChunk,
          });
        }
      }
    }
    return jobs;
  }

  /** The mapper's state for steady-state fast-forward: what each weight buffer holds and where the last layer's output went. */
  appendState(out: StateKey): void {
    for (const r of this.residency) out.push(r.describe());
    out.push(this.previousOutputOnChip ? 1 : 0);
  }

  /** Timesteps whose input-side partial sums fit in half the intermediate memory (an MWL window). */
  mwlWindow(plan: LayerPlan): number {
    const psumBitsPerStep = plan.gates * plan.layer.hiddenSize * this.batch * this.geometry.partialSumBits;
    return Math.max(1, Math.floor(this.geometry.intermediate.capacityBits / 2 / psumBitsPerStep));
  }

  /** Dot-product length of the next timestep's recurrent pass (x and h, or h alone under MWL). */
  nextStepLength(plan: LayerPlan): number {
    return this.geometry.schedule === 'mwl' ? plan.recurrent : plan.layer.inputSize + plan.recurrent;
  }
}
