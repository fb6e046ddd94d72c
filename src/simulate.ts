/**
 * One simulation, end to end: an architecture config and a trace in, a checked report out.
 * Nothing here touches the file system except to read its inputs, so the CLI, `compare`,
 * benchmarks and tests all run the same path.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadArchitecture, type ArchitectureConfig } from './config/load-architecture.js';
import { loadTechTable, type TechTable } from './energy/tech-table.js';
import { readTrace } from './traces/reader.js';
import type { TraceHeader } from './traces/header.js';
import { traceElementwiseOps, traceMacs, traceNonzeroWeightMacs } from './traces/work.js';
import { workloadFromTrace, type Workload } from './dataflows/workload.js';
import type { SimulationResult, StepRecord } from './dataflows/dataflow-kind.js';
import { energyAndArea, type EnergyAreaReport } from './reports/energy-area.js';
import { InvariantChecker } from './reports/invariants.js';
import { ConfigValueError, InputError } from './errors.js';
import { SramBuffer } from './components/sram-buffer.js';
import { Dram } from './components/dram.js';
import { STALL_CAUSES } from './dataflows/stall-accounting.js';

export interface RunSummary {
  readonly config: { readonly name: string; readonly file: string; readonly sha256: string; readonly dataflow: string };
  readonly trace: { readonly name: string; readonly file: string; readonly sha256: string };
  readonly clock_mhz: number;
  readonly cycles: number;
  readonly latency_us: number;
  readonly macs: number;
  readonly macs_required: number;
  readonly throughput_gmac_per_s: number;
  readonly events: number;
  readonly energy_pj: EnergyAreaReport['energy_pj'];
  readonly energy_per_sequence_uj: number;
  readonly area_mm2: EnergyAreaReport['area_mm2'];
  readonly utilization: { readonly pe: number; readonly compute_unit_busy: number; readonly sram: number; readonly dram: number };
  readonly compute: { readonly units: number; readonly multipliers: number; readonly busy_cycles: number };
  /** Compute-unit cycles (summed over units) lost to each cause; busy_cycles + total = cycles x units. */
  readonly stall_cycles: { readonly total: number; readonly by_cause: Record<string, number> };
  readonly dram_bytes: { readonly read: number; readonly written: number };
  readonly element_ops: Readonly<Record<string, number>>;
  readonly components: Record<string, Record<string, number>>;
}

export interface RunReport {
  readonly summary: RunSummary;
  readonly energyDetail: EnergyAreaReport['energy_detail'];
  readonly steps: readonly StepRecord[];
  readonly header: TraceHeader;
  readonly resolvedTech: unknown;
}

export interface LoadedInputs {
  readonly config: ArchitectureConfig;
  readonly tech: TechTable;
  readonly header: TraceHeader;
  readonly traceFile: string;
  readonly traceSha256: string;
  /** The workload with whatever the dataflow read from the payload (absent: derived from the header). */
  readonly workload?: Workload;
}

export async function loadInputs(configPath: string, tracePath: string): Promise<LoadedInputs> {
  const config = loadArchitecture(configPath);
  const trace = await readTrace(tracePath);
  const traceSha256 = createHash('sha256').update(readFileSync(tracePath)).digest('hex');
  const prepare = config.dataflow.prepareWorkload;
  const workload = prepare
    ? await prepare.call(config.dataflow, workloadFromTrace(trace.header), { trace, dataflowParams: config.dataflowParams, roles: config.roles })
    : undefined;
  return { config, tech: techFor(config), header: trace.header, traceFile: tracePath, traceSha256, workload };
}

export function techFor(config: ArchitectureConfig): TechTable {
  const t = config.technology;
  return loadTechTable(t.node_nm, { voltageV: t.voltage_v, sramModel: t.sram_model, sramCells: t.sram_cells, multiplierModel: t.multiplier_model, adderModel: t.adder_model });
}

export function simulateLoaded(inputs: LoadedInputs): RunReport {
  const { config, header, tech } = inputs;
  const workload = inputs.workload ?? workloadFromTrace(header);
  let result: SimulationResult;
  try {
    result = config.dataflow.simulate({ workload, dataflowParams: config.dataflowParams, roles: config.roles, tech, clockMhz: config.clockMhz });
  } catch (err) {
    if (err instanceof ConfigValueError) throw new InputError(`${config.where(err.keyPath)}: ${err.message}`, config.file);
    throw err;
  }
  const summary = summarize(inputs, result);
  checkInvariants(summary, result, header);
  return {
    summary,
    energyDetail: energyAndArea(result.components, summary.latency_us).energy_detail,
    steps: result.steps,
    header,
    resolvedTech: tech.resolved(),
  };
}

export async function simulate(configPath: string, tracePath: string): Promise<RunReport> {
  return simulateLoaded(await loadInputs(configPath, tracePath));
}

function summarize(inputs: LoadedInputs, r: SimulationResult): RunSummary {
  const { config, header } = inputs;
  const latencyUs = r.cycles / config.clockMhz;
  const ea = energyAndArea(r.components, latencyUs);
  let sramBusy = 0;
  let sramCapacity = 0;
  let dramBusy = 0;
  let dramChannels = 0;
  let dramRead = 0;
  let dramWritten = 0;
  const components: Record<string, Record<string, number>> = {};
  for (const c of r.components) {
    components[c.name] = c.stats();
    if (c instanceof SramBuffer) {
      sramBusy += c.stats().port_busy_cycles;
      sramCapacity += c.portCapacity(r.cycles);
    } else if (c instanceof Dram) {
      const s = c.stats();
      dramBusy += s.channel_busy_cycles;
      dramChannels += c.channels.length;
      dramRead += s.bytes_read;
      dramWritten += s.bytes_written;
    }
  }
  const sequences = header.workload.sequence_lengths_timesteps.length;
  const byCause = Object.fromEntries(STALL_CAUSES.map((c) => [c, r.stallCycles[c]]));
  return {
    config: { name: config.name, file: inputs.config.file, sha256: config.sha256, dataflow: config.dataflow.kind },
    trace: { name: header.name, file: inputs.traceFile, sha256: inputs.traceSha256 },
    clock_mhz: config.clockMhz,
    cycles: r.cycles,
    latency_us: latencyUs,
    macs: r.macsPerformed,
    macs_required: r.macBasis === 'dense' ? traceMacs(header) : traceNonzeroWeightMacs(header),
    throughput_gmac_per_s: latencyUs === 0 ? 0 : r.macsPerformed / latencyUs / 1000,
    events: r.events,
    energy_pj: ea.energy_pj,
    energy_per_sequence_uj: ea.energy_pj.total / sequences / 1e6,
    area_mm2: ea.area_mm2,
    utilization: {
      pe: r.cycles === 0 ? 0 : r.macsPerformed / (r.cycles * r.multipliers),
      compute_unit_busy: r.cycles === 0 ? 0 : r.computeBusyCycles / (r.cycles * r.computeUnits),
      sram: sramCapacity === 0 ? 0 : sramBusy / sramCapacity,
      dram: dramChannels === 0 || r.cycles === 0 ? 0 : dramBusy / (r.cycles * dramChannels),
    },
    compute: { units: r.computeUnits, multipliers: r.multipliers, busy_cycles: r.computeBusyCycles },
    stall_cycles: { total: Object.values(byCause).reduce((a, b) => a + b, 0), by_cause: byCause },
    dram_bytes: { read: dramRead, written: dramWritten },
    element_ops: r.elementOps,
    components,
  };
}

function checkInvariants(s: RunSummary, r: SimulationResult, header: TraceHeader): void {
  const check = new InvariantChecker();
  check.equal('MACs performed vs MACs the trace requires', s.macs, s.macs_required);
  const ops = traceElementwiseOps(header);
  check.equal('sigmoids performed vs required', r.elementOps.sigmoid, ops.sigmoid);
  check.equal('tanhs performed vs required', r.elementOps.tanh, ops.tanh);
  check.equal('element-wise multiplies performed vs required', r.elementOps.multiply, ops.multiply);
  check.equal('element-wise adds (incl. bias) performed vs required', r.elementOps.add, ops.add + ops.bias_add);
  check.equal('compute-unit busy + stall cycles vs cycles x units', r.computeBusyCycles + s.stall_cycles.total, r.cycles * r.computeUnits);
  check.allNonNegative('cycles', s.cycles);
  check.allNonNegative('stall_cycles', s.stall_cycles);
  check.allNonNegative('energy_pj', s.energy_pj);
  check.allNonNegative('area_mm2', s.area_mm2);
  check.allNonNegative('components', s.components);
  for (const [k, v] of Object.entries(s.utilization)) check.fraction(`utilization.${k}`, v);
  const parts = Object.values(s.energy_pj.by_component).reduce((a, b) => a + b, 0);
  check.equal('energy breakdown sums to the total', parts, s.energy_pj.total, 1e-9);
  check.equal('area breakdown sums to the total', Object.values(s.area_mm2.by_component).reduce((a, b) => a + b, 0), s.area_mm2.total, 1e-9);
  check.throwIfViolated();
}
