/**
 * The E-PUR-like dataflow as a declared kind: its parameters, the roles it needs, and how a run
 * is assembled from them: components created by role, the mapping (mapping.ts), the schedule
 * (schedule.ts) and any technique's extension (extension.ts).
 */
import { ConfigValueError } from '../../errors.js';
import { spawn } from '../../engine/process.js';
import type { ParamDecls, ParamsOf } from '../../engine/component.js';
import { defineDataflowKind, type DataflowKind, type DataflowOutcome } from '../dataflow-kind.js';
import type { RunContext } from '../run-context.js';
import type { Workload } from '../workload.js';
import { ComputeUnit } from './compute-unit.js';
import type { EpurExtension, EpurTechnique } from './extension.js';
import { EpurMapper, type StorageWidths } from './mapping.js';
import { EpurSchedule } from './schedule.js';
import { diagnoseEpur } from './diagnose.js';
import { epurSteadyState } from './fast-forward.js';

const epurParams = {
    schedule: { type: 'string', unit: '-', enum: ['step_by_step', 'mwl'], default: 'mwl', description: "'mwl' (Maximizing Weight Locality: input-side products of all timesteps first) or 'step_by_step'" },
    compute_units: { type: 'integer', unit: 'count', minimum: 1, maximum: 1024, default: 4, description: 'compute units; each gate gets floor(units / gates) of them' },
    tile_rows: { type: 'integer', unit: 'rows', minimum: 1, maximum: 65536, default: 16, description: 'weight rows fetched and computed as one tile' },
    staging_tiles: { type: 'integer', unit: 'tiles', minimum: 1, maximum: 64, default: 2, description: 'weight tiles that can be in flight from DRAM per unit (2 = double buffering)' },
    partial_sum_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'width of a parked partial sum in the intermediate memory' },
    fast_forward: {
      type: 'boolean',
      unit: '-',
      default: true,
      description: 'simulator setting, not hardware: once the whole machine state at a step boundary repeats that of a whole number of steps earlier, add the counts of further identical steps instead of simulating their events (the results are the same; false simulates every event)',
    },
} as const satisfies ParamDecls;

export type EpurParams = ParamsOf<typeof epurParams>;

export const epurDataflowKind = defineDataflowKind({
  kind: 'epur',
  description: 'E-PUR-like: compute units per gate, each a dot-product unit, a multifunction unit, a weight buffer and an input buffer; shared intermediate memory and DRAM',
  params: epurParams,
  roles: {
    dot_product_unit: { interface: 'dot_product_unit', instances: 'per compute unit', description: "each compute unit's dot-product unit" },
    multifunction_unit: { interface: 'multifunction_unit', instances: 'per compute unit', description: "each compute unit's activation and element-wise unit" },
    weight_buffer: { interface: 'sram_buffer', instances: 'per compute unit', description: "each compute unit's weight buffer" },
    input_buffer: { interface: 'sram_buffer', instances: 'per compute unit', description: "each compute unit's input buffer (x_t and h_(t-1))" },
    intermediate_memory: { interface: 'sram_buffer', instances: 'one', description: 'shared memory for layer outputs and partial sums' },
    dram: { interface: 'dram', instances: 'one', description: 'main memory holding weights, inputs and outputs' },
  },
  simulate: (run, params, workload) => runEpur(run, params, workload, []),
  diagnose: diagnoseEpur,
  datapath: [{ role: 'dot_product_unit', param: 'precision_bits', operands: 'weights and activations' }],
});

/** The trace's widths: every weight and activation stored and read at its full precision. */
function staticStorage(workload: Workload): StorageWidths {
  return {
    weightBits: () => workload.weightBits,
    activationBits: workload.activationBits,
    readWeightBits: () => workload.weightBits,
    readActivationBits: () => workload.activationBits,
  };
}

/** Assemble and run the E-PUR dataflow with the given technique extensions. */
export function runEpur(run: RunContext, params: EpurParams, workload: Workload, extensions: readonly EpurExtension[]): DataflowOutcome {
  const intermediate = run.create('intermediate_memory', 'sram_buffer');
  const dram = run.create('dram', 'dram');
  const units = Array.from({ length: params.compute_units }, (_, i) => {
    const parts = {
      dpu: run.create('dot_product_unit', 'dot_product_unit', { name: `cu${i}.dot_product_unit` }),
      mfu: run.create('multifunction_unit', 'multifunction_unit', { name: `cu${i}.multifunction_unit` }),
      weightBuffer: run.create('weight_buffer', 'sram_buffer', { name: `cu${i}.weight_buffer` }),
      inputBuffer: run.create('input_buffer', 'sram_buffer', { name: `cu${i}.input_buffer` }),
    };
    const account = run.computeUnit(`cu${i}`, () => parts.dpu.unit.busyCycles);
    return new ComputeUnit(i, parts, account, run.sim, dram, intermediate, params.staging_tiles);
  });
  const storages = extensions.flatMap((e) => (e.storage ? [e.storage] : []));
  if (storages.length > 1) throw new Error('internal: two techniques both change how weights are stored');
  const storage = storages[0] ?? staticStorage(workload);
  const geometry = {
    units: params.compute_units,
    tileRows: params.tile_rows,
    stagingTiles: params.staging_tiles,
    partialSumBits: params.partial_sum_bits,
    schedule: params.schedule,
    weightBuffer: units[0].parts.weightBuffer,
    inputBuffer: units[0].parts.inputBuffer,
    intermediate,
  };
  if (units.length < workload.gates) {
    throw new ConfigValueError(`the epur dataflow needs at least one compute unit per gate: ${workload.cell} has ${workload.gates} gates, the config has ${units.length} units`, ['dataflow', 'compute_units']);
  }
  for (const e of extensions) e.check?.(units, workload, params.schedule);
  const mapper = new EpurMapper(geometry, workload, storage);
  checkCapacities(mapper, units, intermediate.capacityBits);
  const steady = params.fast_forward ? epurSteadyState(run, mapper, units, extensions) : undefined;
  const schedule = new EpurSchedule(run, mapper, units, intermediate, dram, extensions, steady);
  spawn(run.sim, schedule.all());
  const cycles = run.sim.run();
  schedule.finish(cycles);
  for (const e of extensions) e.finish?.();
  let macs = 0;
  let multipliers = 0;
  const lowest = extensions.find((e) => e.lowestBits !== undefined)?.lowestBits;
  for (const u of units) {
    macs += u.parts.dpu.macsPerformed;
    // Peak products per cycle: at the lowest precision the unit can run at (PE utilization <= 1).
    multipliers += u.parts.dpu.peakProductsPerCycle(lowest);
  }
  return {
    cycles,
    macsPerformed: macs,
    macBasis: 'dense',
    macsSkipped: extensions.reduce((n, e) => n + (e.skippedMacs?.() ?? 0), 0),
    multipliers,
    steps: schedule.steps,
  };
}

/** Refuse configurations that cannot hold what this dataflow must hold, with the reason. */
function checkCapacities(mapper: EpurMapper, units: readonly ComputeUnit[], intermediateBits: number): void {
  const { geometry, workload, storage } = mapper;
  const maxK = Math.max(...workload.layers.map((l) => l.inputSize + l.recurrentSize));
  // The widest part stored (all are as wide as [W_x W_h] unless a technique stores parts apart).
  const wbits = Math.max(...(['xh', 'x', 'h', 'proj'] as const).map((p) => storage.weightBits(p)));
  for (const u of units) {
    const capacity = u.parts.weightBuffer.capacityBits;
    const staging = geometry.stagingTiles * geometry.tileRows * maxK * wbits;
    if (staging > capacity) {
      throw new ConfigValueError(
        `the weight buffer (${capacity / 8192} KiB per compute unit) cannot hold ${geometry.stagingTiles} staging tiles of ${geometry.tileRows} rows x ${maxK} weights at ${wbits} bits (${staging / 8192} KiB); lower dataflow.tile_rows or dataflow.staging_tiles, or enlarge the weight buffer`,
        ['components', 'weight_buffer', 'size_kib'],
      );
    }
    if (u.parts.inputBuffer.capacityBits < workload.batchSize * storage.activationBits * 2) {
      throw new ConfigValueError(`the input buffer cannot hold one element per sample of batch ${workload.batchSize}`, ['components', 'input_buffer', 'size_kib']);
    }
  }
  const maxH = Math.max(...workload.layers.map((l) => l.hiddenSize));
  const psumPerStep = workload.gates * maxH * workload.batchSize * geometry.partialSumBits;
  if (psumPerStep > intermediateBits) {
    throw new ConfigValueError(`the intermediate memory (${intermediateBits / 8192} KiB) cannot hold the partial sums of one timestep (${psumPerStep / 8192} KiB)`, ['components', 'intermediate_memory', 'size_kib']);
  }
}

/**
 * E-PUR extended by a technique, as a dataflow kind of its own ('epur_<technique>'): the base
 * parameters and roles plus the technique's, the technique's trace reading, and its extension
 * attached to every run.
 */
export function withTechnique<P extends ParamDecls>(technique: EpurTechnique<P>): DataflowKind {
  const params = { ...epurDataflowKind.params, ...technique.params };
  return {
    kind: `${epurDataflowKind.kind}_${technique.name}`,
    description: `${epurDataflowKind.description}; with ${technique.description}`,
    params,
    roles: { ...epurDataflowKind.roles, ...technique.roles },
    prepareWorkload: technique.prepareWorkload?.bind(technique),
    diagnose: diagnoseEpur,
    datapath: [...(epurDataflowKind.datapath ?? []), ...(technique.datapath ?? [])],
    simulate: (run, all, workload) => {
      const values = all as unknown as EpurParams & ParamsOf<P>;
      const extension = technique.attach(run, values, workload);
      return runEpur(run, values, workload, [extension]);
    },
  };
}
