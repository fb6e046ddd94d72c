/**
 * configs/epur.yaml on every DeepBench trace: simulate() throws InvariantError if any invariant
 * fails (MACs, element-wise ops, busy + stalls = cycles x units, fractions, energy sums), and
 * the MACs performed equal a hand count from the header: gates x H x (I + H) per sample-timestep.
 *
 * Cost: all 33 kernels take about 5 s of CPU together (2 shared cores; steady-state
 * fast-forward skips the repeating steps, windows and tiles of the long GRU kernels, which took
 * minutes each before it). test/dataflows/fast-forward.test.ts checks that skipping changes no
 * result.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { traceMacs } from '../../src/traces/work.js';
import { EPUR_YAML, REPO } from '../helpers/context.js';

const DIR = join(REPO, 'traces', 'deepbench');
const traces = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

interface Header {
  model: { cell: 'lstm' | 'gru'; num_layers: number; input_size: number; hidden_size: number; projection_size: number; bidirectional: boolean };
  workload: { batch_size: number; sequence_lengths_timesteps: number[] };
}

describe('E-PUR on the DeepBench traces', () => {
  it('finds the 33 DeepBench traces', () => {
    // 5 LSTM sizes x 3 batches + 6 GRU sizes x 3 batches
    expect(traces).toHaveLength(33);
    expect(traces.filter((f) => f.startsWith('lstm-'))).toHaveLength(15);
    expect(traces.filter((f) => f.startsWith('gru-'))).toHaveLength(18);
  });

  for (const f of traces) {
    it(`${f}: invariants hold and MACs = gates x H x (I + H) x sample-timesteps`, { timeout: 300_000 }, async () => {
      const file = join(DIR, f);
      const header = JSON.parse(readFileSync(file, 'utf8')) as Header;
      const m = header.model;
      // DeepBench kernels: one unidirectional layer, no projection.
      expect([m.num_layers, m.projection_size, m.bidirectional]).toEqual([1, 0, false]);
      const gates = m.cell === 'lstm' ? 4 : 3;
      const sampleSteps = header.workload.sequence_lengths_timesteps.reduce((a, b) => a + b, 0);
      const handMacs = gates * m.hidden_size * (m.input_size + m.hidden_size) * sampleSteps;
      const t0 = performance.now();
      const r = await simulate(EPUR_YAML, file); // throws InvariantError on any violation
      const seconds = (performance.now() - t0) / 1000;
      expect(r.summary.macs).toBe(handMacs);
      expect(r.summary.macs).toBe(traceMacs(header as never));
      expect(r.summary.macs_required).toBe(handMacs);
      // 4 units x 16 multipliers = 64 MACs/cycle at most
      expect(r.summary.cycles).toBeGreaterThanOrEqual(Math.ceil(handMacs / 64));
      console.log(`${f}: ${r.summary.cycles} cycles, ${seconds.toFixed(2)} s`);
    });
  }
});
