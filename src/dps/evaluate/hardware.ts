/**
 * A design's hardware cost: its config (derived from a shipped one, designs.ts) simulated on the
 * first test sequences, either as a shape-only trace at the design's static precision or as a
 * trace recording the precision of every step its functional run chose, so the precision-select
 * unit runs exactly that schedule. Reported per sequence.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RnnTopology } from '../../functional/tensor.js';
import { TRACE_FORMAT_VERSION, type TraceHeader } from '../../traces/header.js';
import { loadInputs, simulateLoaded } from '../../simulate.js';
import type { HardwareDesign } from './designs.js';
import { writeDerivedConfig } from './derived-config.js';
import { writeScheduleTrace, writeStaticTrace } from './precision-traces.js';
import type { Schedule } from './schedules.js';

export interface HardwareCost {
  readonly sequences: number;
  readonly latency_us_per_sequence: number;
  readonly energy_uj_per_sequence: number;
  readonly area_mm2: number;
  readonly cycles: number;
  readonly dram_read_bytes: number;
  readonly config: string;
}

/** The header of a trace of `lengths` sequences of a model (batch 1: each sequence runs alone, as precision is per sequence). */
export function modelTraceHeader(name: string, topology: RnnTopology, lengths: readonly number[], model: string): TraceHeader {
  return {
    format_version: TRACE_FORMAT_VERSION,
    name,
    model: {
      cell: topology.cell,
      num_layers: topology.num_layers,
      input_size: topology.input_size,
      hidden_size: topology.hidden_size,
      projection_size: topology.proj_size,
      bidirectional: topology.bidirectional,
    },
    workload: { batch_size: 1, sequence_lengths_timesteps: [...lengths] },
    precision: { weight_bits: 16, activation_bits: 16 },
    sparsity: { weight_density: 1 },
    provenance: { generator: 'rnnsim dps evaluate', source: `model ${model}, first ${lengths.length} test sequences`, assumptions: ['batch 1: every sequence runs alone (its precision is its own)'] },
  };
}

function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** Simulate a design on `header`'s sequences (with `schedule` when it is a dynamic design). */
export async function hardwareCost(design: HardwareDesign, header: TraceHeader, schedule: Schedule | undefined, workDir: string): Promise<HardwareCost> {
  mkdirSync(workDir, { recursive: true });
  const configName = `cfg-${shortHash({ base: design.base, patch: design.patch })}`;
  const config = writeDerivedConfig(design.base, design.patch, workDir, configName);
  let trace: string;
  if (design.trace.kind === 'static') {
    trace = writeStaticTrace(workDir, header, `${header.name}-static${design.trace.bits}`, design.trace.bits);
  } else {
    if (!schedule) throw new Error('internal: a dynamic design needs its schedule');
    const name = `${header.name}-sched-${shortHash([...schedule.entries()].map(([k, v]) => [k, Array.from(v)]))}`;
    trace = await writeScheduleTrace(workDir, header, name, 16, (s, l, d, t) => schedule.bitsAt(s, l, d, t));
  }
  const s = simulateLoaded(await loadInputs(config, trace)).summary;
  const n = header.workload.sequence_lengths_timesteps.length;
  return {
    sequences: n,
    latency_us_per_sequence: s.latency_us / n,
    energy_uj_per_sequence: s.energy_pj.total / 1e6 / n,
    area_mm2: s.area_mm2.total,
    cycles: s.cycles,
    dram_read_bytes: s.dram_bytes.read,
    config: join(workDir, `${configName}.yaml`),
  };
}
