/**
 * The E-PUR-like dataflow as a declared kind: its parameters, the roles it needs, and how a
 * run is assembled from them (see epur-dataflow.ts for the mapping and schedules).
 */
import { Simulator } from '../../engine/simulator.js';
import { DotProductUnit } from '../../components/dot-product-unit.js';
import { Dram } from '../../components/dram.js';
import { MultifunctionUnit } from '../../components/multifunction-unit.js';
import { SramBuffer } from '../../components/sram-buffer.js';
import type { ComponentContext } from '../../components/context.js';
import type { Component } from '../../engine/component.js';
import type { DataflowKind, SimulationInput, SimulationResult } from '../dataflow-kind.js';
import { STALL_CAUSES, type StallCause } from '../stall-accounting.js';
import { ComputeUnit } from './compute-unit.js';
import { EpurDataflow, type EpurDpsParts } from './epur-dataflow.js';

export const epurDataflowKind: DataflowKind = {
  kind: 'epur',
  description: 'E-PUR-like: compute units per gate, each a dot-product unit, a multifunction unit, a weight buffer and an input buffer; shared intermediate memory and DRAM',
  params: {
    schedule: { type: 'string', unit: '-', enum: ['step_by_step', 'mwl'], default: 'mwl', description: "'mwl' (Maximizing Weight Locality: input-side products of all timesteps first) or 'step_by_step'" },
    compute_units: { type: 'integer', unit: 'count', minimum: 1, maximum: 1024, default: 4, description: 'compute units; each gate gets floor(units / gates) of them' },
    tile_rows: { type: 'integer', unit: 'rows', minimum: 1, maximum: 65536, default: 16, description: 'weight rows fetched and computed as one tile' },
    staging_tiles: { type: 'integer', unit: 'tiles', minimum: 1, maximum: 64, default: 2, description: 'weight tiles that can be in flight from DRAM per unit (2 = double buffering)' },
    partial_sum_bits: { type: 'integer', unit: 'bits', minimum: 8, maximum: 64, default: 32, description: 'width of a parked partial sum in the intermediate memory' },
  },
  roles: {
    dot_product_unit: { kind: 'dot_product_unit', perComputeUnit: true, description: "each compute unit's dot-product unit" },
    multifunction_unit: { kind: 'multifunction_unit', perComputeUnit: true, description: "each compute unit's activation and element-wise unit" },
    weight_buffer: { kind: 'sram_buffer', perComputeUnit: true, description: "each compute unit's weight buffer" },
    input_buffer: { kind: 'sram_buffer', perComputeUnit: true, description: "each compute unit's input buffer (x_t and h_(t-1))" },
    intermediate_memory: { kind: 'sram_buffer', perComputeUnit: false, description: 'shared memory for layer outputs and partial sums' },
    dram: { kind: 'dram', perComputeUnit: false, description: 'main memory holding weights, inputs and outputs' },
  },
  simulate: simulateEpur,
};

function simulateEpur(input: SimulationInput): SimulationResult {
  return runEpur(input);
}

/**
 * Assemble and run the E-PUR dataflow. `addDps`, when given, creates the dynamic-precision
 * parts (the precision-select unit is added to the components) before the run; `afterRun` sees
 * them once the run is over (for checks).
 */
export function runEpur(input: SimulationInput, addDps?: (ctx: ComponentContext, make: <T extends Component>(c: T) => T) => EpurDpsParts, afterRun?: (dps: EpurDpsParts) => void): SimulationResult {
  const sim = new Simulator();
  const ctx: ComponentContext = { sim, tech: input.tech, clockMhz: input.clockMhz };
  const p = input.dataflowParams;
  const unitsCount = p.compute_units as number;
  const components: Component[] = [];
  const make = <T extends Component>(c: T): T => {
    components.push(c);
    return c;
  };
  const intermediate = make(new SramBuffer('intermediate_memory', input.roles.intermediate_memory, ctx));
  const dram = make(new Dram('dram', input.roles.dram, ctx));
  const units = Array.from({ length: unitsCount }, (_, i) => {
    const parts = {
      dpu: make(new DotProductUnit(`cu${i}.dot_product_unit`, input.roles.dot_product_unit, ctx)),
      mfu: make(new MultifunctionUnit(`cu${i}.multifunction_unit`, input.roles.multifunction_unit, ctx)),
      weightBuffer: make(new SramBuffer(`cu${i}.weight_buffer`, input.roles.weight_buffer, ctx)),
      inputBuffer: make(new SramBuffer(`cu${i}.input_buffer`, input.roles.input_buffer, ctx)),
    };
    return new ComputeUnit(i, parts, sim, dram, intermediate, p.staging_tiles as number);
  });
  const dps = addDps?.(ctx, make);
  const dataflow = new EpurDataflow(
    sim,
    units,
    intermediate,
    dram,
    {
      schedule: p.schedule as 'step_by_step' | 'mwl',
      tileRows: p.tile_rows as number,
      stagingTiles: p.staging_tiles as number,
      partialSumBits: p.partial_sum_bits as number,
      dps,
    },
    input.workload,
  );
  dataflow.start();
  const cycles = sim.run();
  dataflow.finish(cycles);
  if (dps) afterRun?.(dps);

  const stalls = Object.fromEntries(STALL_CAUSES.map((c) => [c, 0])) as Record<StallCause, number>;
  let busy = 0;
  let macs = 0;
  let multipliers = 0;
  const elementOps: Record<string, number> = { sigmoid: 0, tanh: 0, multiply: 0, add: 0 };
  for (const u of units) {
    for (const [cause, n] of Object.entries(u.stalls.byCause())) stalls[cause as StallCause] += n;
    busy += u.busyCycles;
    macs += u.parts.dpu.macsPerformed;
    // Peak products per cycle: at the lowest precision the unit can run at (PE utilization <= 1).
    multipliers += u.parts.dpu.peakProductsPerCycle(dps ? dps.layout.precisions[0] : undefined);
    for (const [op, n] of Object.entries(u.parts.mfu.actionCounts())) elementOps[op] += n;
  }
  return {
    cycles,
    events: sim.eventsProcessed,
    components,
    macsPerformed: macs,
    macBasis: 'dense',
    elementOps,
    stallCycles: stalls,
    computeBusyCycles: busy,
    computeUnits: unitsCount,
    multipliers,
    steps: dataflow.steps,
  };
}
