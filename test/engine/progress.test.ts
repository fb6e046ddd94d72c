/**
 * Progress while a run goes on: the simulator calls a hook every 65,536 events, and a run reports
 * its step records made against those it will make. Watching changes nothing.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/engine/simulator.js';
import { loadInputs, simulateLoaded } from '../../src/simulate.js';
import { REPO } from '../helpers/context.js';

describe('progress', () => {
  it('the simulator calls its progress hook after every 65,536th event: 3 times in 200,000', () => {
    const sim = new Simulator();
    let calls = 0;
    const seen: number[] = [];
    sim.setProgressHook(() => {
      calls++;
      seen.push(sim.eventsProcessed);
    });
    for (let i = 0; i < 200_000; i++) sim.at(i, () => undefined);
    sim.run();
    expect(calls).toBe(3);
    expect(seen).toEqual([65536, 131072, 196608]);
  });

  it('a run reports step records made out of the 25 of lstm-h2048-b1-t25 (fast-forward off: more than 65,536 events), and its results do not change', async () => {
    const inputs = await loadInputs(join(REPO, 'configs', 'epur-step-by-step.yaml'), join(REPO, 'traces', 'deepbench', 'lstm-h2048-b1-t25.json'), { overrides: [{ path: ['dataflow', 'fast_forward'], value: false, source: 'test' }] });
    const reports: Array<[number, number]> = [];
    const watched = simulateLoaded(inputs, { progress: (done, total) => reports.push([done, total]) });
    const plain = simulateLoaded(inputs);
    // 1 sequence x 1 layer x 1 direction x 25 timesteps.
    expect(reports.length).toBeGreaterThan(0);
    for (const [done, total] of reports) {
      expect(total).toBe(25);
      expect(done).toBeLessThanOrEqual(25);
    }
    expect(reports.map(([done]) => done)).toEqual([...reports.map(([done]) => done)].sort((a, b) => a - b));
    expect(watched.summary).toEqual(plain.summary);
    expect(watched.steps).toEqual(plain.steps);
  });
});
