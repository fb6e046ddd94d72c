/**
 * One simulation, end to end: an architecture config and a trace in, a checked report out.
 * The dataflow runs on a RunContext (components by role, compute-unit accounts, phases); this
 * module assembles the result once for every dataflow (work, stalls, utilization, energy and
 * area priced from the technology table) and checks the invariants. Nothing here touches the
 * file system except to read its inputs, so the CLI, `compare`, benchmarks and tests all run
 * the same path.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadArchitecture, type ArchitectureConfig, type LoadArchitectureOptions } from './config/load-architecture.js';
import type { TechTable } from './energy/tech-table.js';
import { techFor } from './config/technology.js';
import { dramRecords } from './energy/dram-record.js';
import { Primitives } from './energy/price.js';
import { isRnnTrace, readAnyTrace, verifyPayload } from './traces/reader.js';
import { isGemmTrace, type AnyTraceHeader } from './traces/header.js';
import { traceElementwiseOps, traceMacs, traceNonzeroWeightMacs } from './traces/work.js';
import { gemmMacs } from './traces/gemm.js';
import { gemmWorkloadFromTrace, workloadFromTrace, type Workload } from './dataflows/workload.js';
import { dataflowKinds } from './dataflows/registry.js';
import type { DataflowOutcome, StepRecord } from './dataflows/dataflow-kind.js';
import { RunContext } from './dataflows/run-context.js';
import { fitTraceToDatapath, type FittedWidths } from './dataflows/datapath-width.js';
import { displayPath } from './energy/package-paths.js';
import { checkLimit } from './limits.js';
import type { PhaseRecord } from './dataflows/phase-log.js';
import { energyAndArea, priceAll, type EnergyAreaReport } from './reports/energy-area.js';
import { InvariantChecker } from './reports/invariants.js';
import { ConfigValueError, InputError } from './errors.js';
import { STALL_CAUSES, zeroStalls } from './dataflows/stall-accounting.js';
import type { Component } from './engine/component.js';
import type { ComponentPrice } from './energy/prices/component-price.js';

export interface RunSummary {
  readonly config: { readonly name: string; readonly file: string; readonly sha256: string; readonly dataflow: string; readonly overrides?: readonly string[] };
  /** requantized_to: present only when the config's narrow_datapath: requantize ran the trace's operands narrower than it recorded them. */
  readonly trace: { readonly name: string; readonly file: string; readonly sha256: string; readonly requantized_to?: { readonly weight_bits: number; readonly activation_bits: number } };
  readonly clock_mhz: number;
  readonly cycles: number;
  readonly latency_us: number;
  readonly macs: number;
  /** MACs the trace requires of this dataflow after any technique's skipping (the MAC invariant's reference). */
  readonly macs_required: number;
  /** MACs a technique skipped (counted from the trace); macs + macs_skipped = the dataflow's basis. */
  readonly macs_skipped: number;
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
  readonly energy: EnergyAreaReport;
  readonly steps: readonly StepRecord[];
  readonly phases: readonly PhaseRecord[];
  /** The run's components and their prices (phase reports price their action counts). */
  readonly components: readonly Component[];
  readonly prices: ReadonlyMap<Component, ComponentPrice>;
  readonly header: AnyTraceHeader;
  readonly resolvedTech: unknown;
}

export interface LoadedInputs {
  readonly config: ArchitectureConfig;
  readonly tech: TechTable;
  readonly header: AnyTraceHeader;
  readonly traceFile: string;
  readonly traceSha256: string;
  /** The workload with whatever the dataflow read from the payload (absent: derived from the header). */
  readonly workload?: Workload;
}

export async function loadInputs(configPath: string, tracePath: string, options: LoadArchitectureOptions = {}): Promise<LoadedInputs> {
  const config = loadArchitecture(configPath, options);
  // The payload is checked whole (records included) by verifyPayload below, which hashes it as it reads.
  const trace = await readAnyTrace(tracePath, { verifyChecksum: false });
  const traceSha256 = createHash('sha256').update(readFileSync(tracePath)).digest('hex');
  if (!isRnnTrace(trace)) {
    if (!config.dataflow.simulateGemm) {
      const able = dataflowKinds().filter((k) => k.simulateGemm).map((k) => k.kind);
      throw new InputError(
        `a plain GEMM trace (workload_kind gemm); dataflow '${config.dataflow.kind}' (${configPath}) runs LSTM/GRU traces only. Dataflows that run plain GEMMs: ${able.join(', ')} (e.g. configs/tpu-v1.yaml)`,
        tracePath,
      );
    }
    // Refuses a GEMM wider than the datapath before anything else (simulateLoaded fits it again).
    fitTraceToDatapath(config, trace.header, tracePath);
    return { config, tech: techFor(config), header: trace.header, traceFile: tracePath, traceSha256 };
  }
  const widths = fitTraceToDatapath(config, trace.header, tracePath);
  const plain = workloadFromTrace(trace.header, widths);
  // Before the payload is read or replayed.
  refuseTooManyStepRecords(config, plain, tracePath);
  await verifyPayload(trace);
  const prepare = config.dataflow.prepareWorkload;
  const workload = prepare ? await prepare.call(config.dataflow, plain, { trace, dataflowParams: config.dataflowParams, roles: config.roles }) : undefined;
  return { config, tech: techFor(config), header: trace.header, traceFile: tracePath, traceSha256, workload };
}

export { techFor };


/** A fresh run context for a config (the dataflow's roles filled as the config says). */
export function runContextFor(config: ArchitectureConfig): RunContext {
  return new RunContext(config.dataflow.roles, config.roles, config.clockMhz);
}

/** What a caller may watch while a run goes on. */
export interface SimulateOptions {
  /** Called now and then (every 65,536 events) with the step records made and those the run will make. */
  readonly progress?: (stepsDone: number, stepsTotal: number) => void;
}

export function simulateLoaded(inputs: LoadedInputs, options: SimulateOptions = {}): RunReport {
  const { config, header, tech } = inputs;
  const run = runContextFor(config);
  const widths = fitTraceToDatapath(config, header, inputs.traceFile);
  let outcome: DataflowOutcome;
  try {
    if (isGemmTrace(header)) {
      if (!config.dataflow.simulateGemm) throw new InputError(`dataflow '${config.dataflow.kind}' runs LSTM/GRU traces only, not a plain GEMM`, inputs.traceFile);
      outcome = config.dataflow.simulateGemm(run, config.dataflowParams, gemmWorkloadFromTrace(header, widths));
    } else {
      const workload = inputs.workload ?? workloadFromTrace(header, widths);
      const records = refuseTooManyStepRecords(config, workload, inputs.traceFile);
      const progress = options.progress;
      if (progress) run.sim.setProgressHook(() => progress(run.steps.length, records));
      outcome = config.dataflow.simulate(run, config.dataflowParams, workload);
    }
  } catch (err) {
    if (err instanceof ConfigValueError) throw new InputError(`${config.where(err.keyPath)}: ${err.message}`, config.file);
    throw err;
  }
  refuseInexactCycles(outcome, run, inputs);
  run.phases.finish(outcome.cycles);
  let prices: ReturnType<typeof priceAll>;
  try {
    prices = priceAll(run.components, new Primitives(tech));
  } catch (err) {
    if (err instanceof ConfigValueError) throw new InputError(`${config.where(err.keyPath)}: ${err.message}`, config.file);
    throw err;
  }
  const latencyUs = outcome.cycles / config.clockMhz;
  const energy = energyAndArea(run.components, prices, latencyUs);
  refuseNonFiniteResults(latencyUs, energy, inputs);
  const summary = summarize(inputs, run, outcome, energy, widths);
  checkInvariants(summary, header, outcome);
  return { summary, energy, steps: outcome.steps, phases: run.phases.records, components: run.components, prices, header, resolvedTech: { ...tech.resolved(), dram: dramRecords(config) } };
}

/** Records of a lockstep run: each group walks its longest sequence, in every layer and direction. */
function lockstepStepRecords(workload: Workload): number {
  let lockstepTimesteps = 0;
  for (const group of workload.groups) {
    let longest = 0;
    for (const length of group) if (length > longest) longest = length;
    lockstepTimesteps += longest;
  }
  let layerDirections = 0;
  for (const layer of workload.layers) layerDirections += layer.directions;
  return lockstepTimesteps * layerDirections;
}

/**
 * A run keeps one record per recurrent step (timesteps.csv): refused before it starts when their
 * memory would exhaust the heap (the step_records limit), instead of dying at the heap limit.
 */
function refuseTooManyStepRecords(config: ArchitectureConfig, workload: Workload, traceFile: string): number {
  const records = config.dataflow.stepRecords?.(workload) ?? lockstepStepRecords(workload);
  checkLimit('step_records', records, `the steps this run records (${config.dataflow.stepRecords ? `as the ${config.dataflow.kind} dataflow counts them` : 'the longest sequence of each lockstep group x layers x directions'})`, traceFile);
  return records;
}

/**
 * Counts rnnsim reports must be exact: cycles, and cycles x compute units (the busy + stall
 * invariant), below 2^53. A design that slow on a workload that large is refused (exit 1),
 * not reported with counts that lost precision.
 */
function refuseInexactCycles(outcome: DataflowOutcome, run: RunContext, inputs: LoadedInputs): void {
  const units = Math.max(1, run.computeUnits.length);
  if (!Number.isSafeInteger(outcome.cycles) || !Number.isSafeInteger(outcome.cycles * units)) {
    throw new InputError(
      `on ${inputs.traceFile} the design takes ${outcome.cycles} cycles (x ${units} compute units), more than the 2^53 - 1 rnnsim counts exactly: the design is far too small or slow for this workload`,
      inputs.config.file,
    );
  }
}

/** Latency, energy and area must be finite numbers: an overflow means an implausible clock, voltage or size, not a result. */
function refuseNonFiniteResults(latencyUs: number, energy: EnergyAreaReport, inputs: LoadedInputs): void {
  const bad = [
    ['latency_us', latencyUs],
    ['energy_pj.total', energy.energy_pj.total],
    ['area_mm2.total', energy.area_mm2.total],
  ].find(([, v]) => !Number.isFinite(v as number));
  if (bad) {
    throw new InputError(
      `on ${inputs.traceFile} the run's ${String(bad[0])} is ${String(bad[1])}: a parameter is outside what the models can price (check clock_mhz, technology.voltage_v and the sizes)`,
      inputs.config.file,
    );
  }
}

/** Simulate `configPath` (with any overrides in `options`) on `tracePath`. */
export async function simulate(configPath: string, tracePath: string, options: LoadArchitectureOptions = {}, simulateOptions: SimulateOptions = {}): Promise<RunReport> {
  return simulateLoaded(await loadInputs(configPath, tracePath, options), simulateOptions);
}

/** Element-wise operations performed: the element-wise components' actions, plus any done without one. */
function elementOps(run: RunContext): Record<string, number> {
  const ops: Record<string, number> = { ...run.elementOpsWithoutComponent };
  for (const c of run.components) {
    if (c.kind.implements !== 'multifunction_unit') continue;
    const counts = c.actionCounts();
    for (const op of Object.keys(ops)) ops[op] += counts[op] ?? 0;
  }
  return ops;
}

function summarize(inputs: LoadedInputs, run: RunContext, r: DataflowOutcome, ea: EnergyAreaReport, widths: FittedWidths): RunSummary {
  const { config, header } = inputs;
  const latencyUs = r.cycles / config.clockMhz;
  let sramBusy = 0;
  let sramCapacity = 0;
  let dramBusy = 0;
  let dramChannels = 0;
  let dramRead = 0;
  let dramWritten = 0;
  const components: Record<string, Record<string, number>> = {};
  for (const c of run.components) {
    const s = c.stats();
    components[c.name] = s;
    // Utilization and traffic come from the declared statistics of the interfaces' implementations.
    if (c.kind.implements === 'sram_buffer') {
      sramBusy += s.port_busy_cycles;
      sramCapacity += r.cycles * Number(c.params.banks) * Number(c.params.ports_per_bank);
    } else if (c.kind.implements === 'dram') {
      dramBusy += s.channel_busy_cycles;
      dramChannels += Number(c.params.channels);
      dramRead += s.bytes_read;
      dramWritten += s.bytes_written;
    }
  }
  const byCause = zeroStalls();
  let busy = 0;
  for (const u of run.computeUnits) {
    busy += u.busy;
    for (const cause of STALL_CAUSES) byCause[cause] += u.stalls.get(cause);
  }
  const units = run.computeUnits.length;
  // A plain GEMM is one piece of work (energy per sequence = per GEMM).
  const sequences = isGemmTrace(header) ? 1 : header.workload.sequence_lengths_timesteps.length;
  const basis = isGemmTrace(header) ? gemmMacs(header.gemm) : r.macBasis === 'dense' ? traceMacs(header) : traceNonzeroWeightMacs(header);
  return {
    config: { name: config.name, file: displayPath(inputs.config.file), sha256: config.sha256, dataflow: config.dataflow.kind, ...(config.overrides.length > 0 ? { overrides: config.overrides } : {}) },
    trace: {
      name: header.name,
      file: displayPath(inputs.traceFile),
      sha256: inputs.traceSha256,
      ...(widths.requantizedFrom ? { requantized_to: { weight_bits: widths.weightBits, activation_bits: widths.activationBits } } : {}),
    },
    clock_mhz: config.clockMhz,
    cycles: r.cycles,
    latency_us: latencyUs,
    macs: r.macsPerformed,
    macs_required: basis - r.macsSkipped,
    macs_skipped: r.macsSkipped,
    throughput_gmac_per_s: latencyUs === 0 ? 0 : r.macsPerformed / latencyUs / 1000,
    events: run.sim.eventsProcessed,
    energy_pj: ea.energy_pj,
    energy_per_sequence_uj: ea.energy_pj.total / sequences / 1e6,
    area_mm2: ea.area_mm2,
    utilization: {
      pe: r.cycles === 0 ? 0 : r.macsPerformed / (r.cycles * r.multipliers),
      compute_unit_busy: r.cycles === 0 ? 0 : busy / (r.cycles * units),
      sram: sramCapacity === 0 ? 0 : sramBusy / sramCapacity,
      dram: dramChannels === 0 || r.cycles === 0 ? 0 : dramBusy / (r.cycles * dramChannels),
    },
    compute: { units, multipliers: r.multipliers, busy_cycles: busy },
    stall_cycles: { total: Object.values(byCause).reduce((a, b) => a + b, 0), by_cause: byCause },
    dram_bytes: { read: dramRead, written: dramWritten },
    element_ops: elementOps(run),
    components,
  };
}

/** The invariants every run must satisfy (exported for tests that feed it violations). */
export function checkInvariants(s: RunSummary, header: AnyTraceHeader, r: DataflowOutcome): void {
  const check = new InvariantChecker();
  check.equal('MACs performed vs MACs the trace requires (after skipping)', s.macs, s.macs_required);
  check.nonNegative('MACs skipped', s.macs_skipped);
  // A plain GEMM has no element-wise work.
  const ops = isGemmTrace(header) ? { sigmoid: 0, tanh: 0, multiply: 0, add: 0, bias_add: 0 } : traceElementwiseOps(header);
  check.equal('sigmoids performed vs required', s.element_ops.sigmoid, ops.sigmoid);
  check.equal('tanhs performed vs required', s.element_ops.tanh, ops.tanh);
  check.equal('element-wise multiplies performed vs required', s.element_ops.multiply, ops.multiply);
  check.equal('element-wise adds (incl. bias) performed vs required', s.element_ops.add, ops.add + ops.bias_add);
  check.equal('compute-unit busy + stall cycles vs cycles x units', s.compute.busy_cycles + s.stall_cycles.total, r.cycles * s.compute.units);
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
