/**
 * E-PUR's starved-design diagnostics (the dataflow kind's `diagnose` hook).
 *
 *  1. Operand bandwidth. Every product a dot-product unit issues reads one weight from the weight
 *     buffer and one activation from the input buffer (each dot product re-reads the input
 *     vector). A stream of words holds one port of each bank, one word per bank per cycle, and
 *     the next tile's stream takes another port, so a buffer delivers at most banks x
 *     ports_per_bank x word_bits bits per cycle to one unit. Multipliers beyond that stand idle
 *     (the run charges the wait to sram_bandwidth).
 *  2. Residency (needs a trace). A weight slice that does not fit in its unit's weight buffer next
 *     to the staging tiles is streamed from DRAM at every use instead of fetched once
 *     (weight-residency.ts); the same mapping code the run uses decides it here.
 *  3. DRAM bandwidth (needs a trace). A streamed pass needs, per unit, a tile's weights in the time
 *     the unit computes that tile; with every unit fetching at once, DRAM must deliver
 *     units x that rate. Below it the units wait for weights (weight_fetch stalls).
 *
 * The components are built through a run context exactly as a run builds them (nothing is
 * simulated), so any kind implementing the roles' interfaces is diagnosed by its own numbers.
 * Storage is at the trace's precision (for a technique that stores weights otherwise, such as
 * bit-sliced dynamic precision, the residency verdict is that of plain storage).
 */
import { RunContext } from '../run-context.js';
import type { DiagnoseInput, Diagnostic } from '../diagnostics.js';
import type { RoleDecl } from '../dataflow-kind.js';
import type { OnChipBuffer } from '../../components/interfaces.js';
import type { Workload } from '../workload.js';
import { EpurMapper, type LayerPlan, type MatrixPart, type SliceUse, type StorageWidths } from './mapping.js';

const fmt = (x: number): string => String(Number(x.toPrecision(4)));

/**
 * Bits per cycle `buffer` can deliver to its unit: every port of every bank, one word per cycle
 * (a stream holds one port per bank; the next tile's stream takes another port while the
 * previous one finishes, so with two ports two tiles' operands flow at once).
 */
function bufferBitsPerCycle(buffer: OnChipBuffer): number {
  return buffer.wordBits * buffer.portCapacity(1);
}

/** The roles diagnosed, with the interfaces E-PUR's declaration gives them (kind.ts). */
const DIAGNOSED_ROLES: Readonly<Record<string, RoleDecl>> = {
  dot_product_unit: { interface: 'dot_product_unit', instances: 'per compute unit', description: 'dot-product unit' },
  weight_buffer: { interface: 'sram_buffer', instances: 'per compute unit', description: 'weight buffer' },
  input_buffer: { interface: 'sram_buffer', instances: 'per compute unit', description: 'input buffer' },
  intermediate_memory: { interface: 'sram_buffer', instances: 'one', description: 'intermediate memory' },
  dram: { interface: 'dram', instances: 'one', description: 'main memory' },
};

export function diagnoseEpur(input: DiagnoseInput): Diagnostic[] {
  const run = new RunContext(DIAGNOSED_ROLES, input.roles, input.clockMhz);
  const dpu = run.create('dot_product_unit', 'dot_product_unit');
  const weightBuffer = run.create('weight_buffer', 'sram_buffer');
  const inputBuffer = run.create('input_buffer', 'sram_buffer');
  const out: Diagnostic[] = [];
  const weightBits = input.workload?.weightBits ?? dpu.precisionBits;
  const activationBits = input.workload?.activationBits ?? dpu.precisionBits;
  // Products per cycle at the operands' precision (a composable unit packs more at fewer bits).
  const opBits = Math.min(dpu.precisionBits, Math.max(weightBits, activationBits));
  const products = dpu.peakProductsPerCycle(opBits);
  const N = `components.dot_product_unit.multipliers = ${dpu.multipliers}`;
  for (const [role, buffer, bits, what] of [
    ['weight_buffer', weightBuffer, weightBits, 'weights'],
    ['input_buffer', inputBuffer, activationBits, 'activations'],
  ] as const) {
    const need = products * bits;
    const supply = bufferBitsPerCycle(buffer);
    if (supply + 1e-9 < need) {
      const fed = Math.floor(supply / bits);
      out.push({
        code: `${role}_bandwidth`,
        keys: [`components.${role}.word_bits`, `components.${role}.banks`, `components.${role}.ports_per_bank`, 'components.dot_product_unit.multipliers'],
        message:
          `components.${role} delivers ${fmt(supply)} bits of ${what} per cycle (${fmt(supply / buffer.wordBits)} bank port(s) x ${buffer.wordBits}-bit words: components.${role}.banks x ports_per_bank, word_bits), ` +
          `but ${N} at ${bits} bits need ${fmt(need)} bits per cycle: only ${fed} of the ${fmt(products)} products per cycle can be fed, so the dot-product units run at most ${fmt((100 * supply) / need)}% of the time ` +
          `(widen components.${role}.word_bits to ${need / Math.max(1, supply / buffer.wordBits)} or add banks or ports)`,
      });
    }
  }
  if (input.workload) out.push(...residencyDiagnostics(run, input, input.workload, products, weightBuffer, inputBuffer));
  return out;
}

interface PassUse {
  readonly plan: LayerPlan;
  readonly part: MatrixPart;
  readonly slices: readonly SliceUse[];
  /** Timesteps x samples that use each fetched tile (a window under MWL's input side, else one step). */
  readonly usesPerFetch: number;
  readonly label: string;
  /** How often a streamed slice is fetched again, for the message. */
  readonly refetch: string;
  /** False when streaming still fetches each weight only once (MWL's input side over all timesteps in one window). */
  readonly fetchedRepeatedly: boolean;
}

/** The passes of the first lockstep group, in the order the schedule plans them (residency is decided in that order). */
function passes(mapper: EpurMapper, workload: Workload): PassUse[] {
  const lengths = workload.groups[0] ?? [1];
  const steps = Math.max(...lengths);
  const samples = lengths.length;
  const out: PassUse[] = [];
  for (const layer of workload.layers) {
    for (let direction = 0; direction < layer.directions; direction++) {
      const plan = mapper.planLayer(layer, direction, layer.index === workload.layers.length - 1, steps);
      const name = `layer ${layer.index}${layer.directions > 1 ? ` direction ${direction}` : ''}`;
      if (mapper.geometry.schedule === 'mwl') {
        const window = Math.min(steps, mapper.mwlWindow(plan));
        out.push({ plan, part: 'x', slices: mapper.gateSlices(plan, 'x', layer.inputSize), usesPerFetch: window * samples, label: `${name} W_x (input side)`, refetch: `once per window of ${window} timestep(s)`, fetchedRepeatedly: window < steps });
        out.push({ plan, part: 'h', slices: mapper.gateSlices(plan, 'h', plan.recurrent), usesPerFetch: samples, label: `${name} W_h (recurrent)`, refetch: 'at every timestep', fetchedRepeatedly: steps > 1 });
      } else {
        out.push({ plan, part: 'xh', slices: mapper.gateSlices(plan, 'xh', layer.inputSize + plan.recurrent), usesPerFetch: samples, label: `${name} [W_x W_h]`, refetch: 'at every timestep', fetchedRepeatedly: steps > 1 });
      }
      if (layer.projSize > 0) out.push({ plan, part: 'proj', slices: mapper.projectionSlices(plan), usesPerFetch: samples, label: `${name} projection`, refetch: 'at every timestep', fetchedRepeatedly: steps > 1 });
      mapper.finishLayer(plan);
    }
  }
  return out;
}

function residencyDiagnostics(run: RunContext, input: DiagnoseInput, workload: Workload, products: number, weightBuffer: OnChipBuffer, inputBuffer: OnChipBuffer): Diagnostic[] {
  const p = input.dataflowParams;
  const intermediate = run.create('intermediate_memory', 'sram_buffer');
  const dram = run.create('dram', 'dram');
  const storage: StorageWidths = {
    weightBits: () => workload.weightBits,
    activationBits: workload.activationBits,
    readWeightBits: () => workload.weightBits,
    readActivationBits: () => workload.activationBits,
  };
  const mapper = new EpurMapper(
    {
      units: Number(p.compute_units),
      tileRows: Number(p.tile_rows),
      stagingTiles: Number(p.staging_tiles),
      partialSumBits: Number(p.partial_sum_bits),
      schedule: p.schedule === 'mwl' ? 'mwl' : 'step_by_step',
      weightBuffer,
      inputBuffer,
      intermediate,
    },
    workload,
    storage,
  );
  if (mapper.mapped === 0) return [];
  const out: Diagnostic[] = [];
  const kib = (bits: number): string => fmt(bits / 8192);
  const dramBytesPerCycle = dram.bytesPerCycle;
  const gbPerS = (bytesPerCycle: number): string => fmt((bytesPerCycle * input.clockMhz) / 1000);
  for (const pass of passes(mapper, workload)) {
    const streamed = mapper.planResidency(pass.slices);
    if (streamed.size === 0) continue;
    const slice = pass.slices.find((s) => streamed.has(s.id))!;
    const sliceBits = slice.rows * slice.columns * workload.weightBits;
    const stagingBits = Number(p.staging_tiles) * Number(p.tile_rows) * slice.columns * workload.weightBits;
    const units = new Set(pass.slices.filter((s) => streamed.has(s.id)).map((s) => s.unit)).size;
    if (pass.fetchedRepeatedly) out.push({
      code: 'weights_stream',
      keys: ['components.weight_buffer.size_kib', 'dataflow.staging_tiles', 'dataflow.tile_rows'],
      message:
        `${pass.label}: each of ${units} unit(s) holds a ${slice.rows} x ${slice.columns} weight slice at ${workload.weightBits} bits (${kib(sliceBits)} KiB), which does not fit in components.weight_buffer.size_kib = ${kib(weightBuffer.capacityBits)} KiB ` +
        `next to ${p.staging_tiles} staging tiles of ${p.tile_rows} rows (${kib(stagingBits)} KiB): the weights are streamed from DRAM ${pass.refetch} instead of fetched once`,
    });
    // A unit computes a tile (tile_rows rows x columns) for every use in tile_rows * uses * ceil(columns / products) cycles and must fetch it meanwhile.
    const tileRows = Number(p.tile_rows);
    const fetchBytes = (tileRows * slice.columns * workload.weightBits) / 8;
    const computeCycles = tileRows * pass.usesPerFetch * Math.ceil(slice.columns / products);
    const need = (units * fetchBytes) / computeCycles;
    if (need > dramBytesPerCycle * (1 + 1e-9)) {
      out.push({
        code: 'dram_bandwidth',
        keys: ['components.dram.bandwidth_gb_per_s', 'components.dot_product_unit.multipliers', 'dataflow.compute_units'],
        message:
          `${pass.label}: to hide the weight fetches, ${units} unit(s) streaming ${fmt(fetchBytes / 1024)} KiB tiles while computing them in ${computeCycles} cycles need ${fmt(need)} bytes per cycle (${gbPerS(need)} GB/s at ${input.clockMhz} MHz), ` +
          `but components.dram.bandwidth_gb_per_s gives ${gbPerS(dramBytesPerCycle)} GB/s (${fmt(dramBytesPerCycle)} bytes per cycle): the units can be busy at most ${fmt((100 * dramBytesPerCycle) / need)}% of that pass`,
      });
    }
  }
  return out;
}
