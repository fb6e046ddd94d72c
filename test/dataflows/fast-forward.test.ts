/**
 * Steady-state fast-forward (src/engine/steady-state.ts, src/dataflows/epur/fast-forward.ts)
 * must not change a single result: every run file with it equals every run file with
 * `fast_forward: false`, which simulates every event. The cases cover both schedules, weights
 * resident and streamed from DRAM (whose channel occupancies are replayed), input vectors loaded
 * in chunks, unmapped compute units, projections, bidirectional stacks, batches whose sequences
 * end at different steps, and a DRAM preset with fractional cycles per byte. Each case also checks
 * that fast-forward did skip steps (fewer events), so the comparison is not vacuous.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInputs, simulateLoaded, type LoadedInputs } from '../../src/simulate.js';
import { runFiles } from '../../src/reports/run-files.js';
import { shapeTraceHeader, writeShapeTrace, type ShapeSpec } from '../../src/traces/index.js';
import { REPO, tempDir, writeEpurConfig } from '../helpers/context.js';
import { computeBoundPatch, dramBoundPatch } from '../helpers/small-configs.js';

const tmp = tempDir('rnnsim-ff-');
afterAll(() => tmp.cleanup());

function withFastForward(inputs: LoadedInputs, on: boolean): LoadedInputs {
  return { ...inputs, config: { ...inputs.config, dataflowParams: { ...inputs.config.dataflowParams, fast_forward: on } } };
}

function trace(name: string, spec: ShapeSpec, lengths?: number[]): string {
  const header = shapeTraceHeader(spec);
  const file = join(tmp.dir, `${name}.json`);
  if (lengths) writeShapeTrace(file, { ...header, workload: { ...header.workload, sequence_lengths_timesteps: lengths } });
  else writeShapeTrace(file, header);
  return file;
}

const configs: Record<string, () => string> = {
  epur: () => join(REPO, 'configs', 'epur.yaml'),
  'epur-step-by-step': () => join(REPO, 'configs', 'epur-step-by-step.yaml'),
  'compute-bound mwl': () => writeEpurConfig(tmp.dir, 'cb-mwl.yaml', computeBoundPatch('mwl')),
  'dram-bound step_by_step': () => writeEpurConfig(tmp.dir, 'db-sbs.yaml', dramBoundPatch('step_by_step')),
  'dram-bound mwl': () => writeEpurConfig(tmp.dir, 'db-mwl.yaml', dramBoundPatch('mwl')),
  '8 units, 1 KiB input buffers': () => writeEpurConfig(tmp.dir, 'chunked.yaml', { dataflow: { compute_units: 8 }, components: { input_buffer: { size_kib: 1 } } }),
  '5 units, 3-channel DRAM of 6 GB/s': () =>
    writeEpurConfig(tmp.dir, 'odd.yaml', { dataflow: { compute_units: 5, schedule: 'step_by_step' }, components: { dram: { channels: 3, bandwidth_gb_per_s: 6 } } }),
  // 7.3 GB/s over 3 channels: a fractional number of cycles per byte, whose rounding repeats
  // only now and then (the DRAM replays its transfers and refuses periods that do not repeat).
  '3-channel DRAM of 7.3 GB/s': () => writeEpurConfig(tmp.dir, 'awkward.yaml', { dataflow: { schedule: 'step_by_step' }, components: { dram: { channels: 3, bandwidth_gb_per_s: 7.3 } } }),
};

const traces: Record<string, () => string> = {
  'lstm h64 x32, 40 steps': () => trace('lstm', { cell: 'lstm', input_size: 32, hidden_size: 64, timesteps: 40 }),
  'gru h96 x48, batch 3 of lengths 60, 37, 12': () => trace('gru', { cell: 'gru', input_size: 48, hidden_size: 96, timesteps: 60, batch_size: 3 }, [60, 37, 12]),
  'lstmp 2 bidirectional layers h80 p40, 60 steps': () =>
    trace('lstmp', { cell: 'lstm', input_size: 40, hidden_size: 80, projection_size: 40, num_layers: 2, bidirectional: true, timesteps: 60 }),
  'deepbench lstm-h256-b1-t150': () => join(REPO, 'traces', 'deepbench', 'lstm-h256-b1-t150.json'),
};

const cases: Array<[string, string]> = [];
for (const c of Object.keys(configs)) {
  for (const t of Object.keys(traces)) {
    // 12 KiB weight buffers cannot stage 16 x 512 weights (the DeepBench kernel's [x; h]).
    if (!(c.startsWith('dram-bound') && t.startsWith('deepbench'))) cases.push([c, t]);
  }
}

describe('steady-state fast-forward gives the results of simulating every event', () => {
  for (const [configName, traceName] of cases) {
    it(`${configName} on ${traceName}`, async () => {
      const inputs = await loadInputs(configs[configName](), traces[traceName]());
      expect(inputs.config.dataflowParams.fast_forward).toBe(true);
      const full = simulateLoaded(withFastForward(inputs, false));
      const skipped = simulateLoaded(inputs);
      const a = runFiles(full);
      const b = runFiles(skipped);
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [name, text] of a) {
        if (name === 'summary.json') {
          // The event count is the engine's work, not a result.
          const strip = (s: string): unknown => ({ ...JSON.parse(s), events: 0 });
          expect(strip(b.get(name)!), name).toEqual(strip(text));
        } else expect(b.get(name), name).toBe(text);
      }
      // Skipping is checked wherever the DRAM's rounding repeats by construction.
      if (configName.includes('7.3')) expect(skipped.summary.events).toBeLessThanOrEqual(full.summary.events);
      else expect(skipped.summary.events).toBeLessThan(full.summary.events);
    });
  }
});
