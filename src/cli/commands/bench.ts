/**
 * `rnnsim bench`: simulator speed, as JSON: for a config on each DeepBench LSTM trace, the
 * events processed per second and simulated cycles per second of the simulation proper
 * (config and trace loading excluded, reported separately). Best of `--repeat` runs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { loadInputs, simulateLoaded } from '../../simulate.js';
import { InputError } from '../../errors.js';

export const benchCommand: Command = {
  path: ['bench'],
  summary: 'measure simulator speed (events/s, simulated cycles/s) on DeepBench LSTM traces; prints JSON',
  options: [
    { name: 'config', type: 'string', default: 'configs/epur.yaml', description: 'architecture config' },
    { name: 'traces', type: 'string', default: 'traces/deepbench', description: 'directory of traces; files named lstm-*.json are used' },
    { name: 'pattern', type: 'string', default: '^lstm-.*\\.json$', description: 'regular expression selecting trace files' },
    { name: 'repeat', type: 'string', default: '3', unit: 'runs', description: 'runs per trace; the fastest is reported' },
  ],
  async run(options) {
    const dir = stringOption(options, 'traces')!;
    const pattern = new RegExp(stringOption(options, 'pattern')!);
    const repeat = Number(stringOption(options, 'repeat'));
    if (!Number.isInteger(repeat) || repeat < 1) throw new InputError(`--repeat must be a positive integer, got ${String(options.repeat)}`);
    const files = readdirSync(dir).filter((f) => pattern.test(f)).sort();
    if (files.length === 0) throw new InputError(`no trace in ${dir} matches ${pattern}`);
    const results = [];
    let totalEvents = 0;
    let totalSeconds = 0;
    for (const f of files) {
      const t0 = performance.now();
      const inputs = await loadInputs(stringOption(options, 'config')!, join(dir, f));
      const loadMs = performance.now() - t0;
      let best = Number.POSITIVE_INFINITY;
      let events = 0;
      let cycles = 0;
      for (let i = 0; i < repeat; i++) {
        const s = performance.now();
        const report = simulateLoaded(inputs);
        const ms = performance.now() - s;
        if (ms < best) best = ms;
        events = report.summary.events;
        cycles = report.summary.cycles;
      }
      totalEvents += events;
      totalSeconds += best / 1000;
      results.push({
        trace: f,
        events,
        simulated_cycles: cycles,
        wall_ms: Number(best.toFixed(2)),
        load_ms: Number(loadMs.toFixed(2)),
        events_per_s: Math.round(events / (best / 1000)),
        simulated_cycles_per_s: Math.round(cycles / (best / 1000)),
      });
    }
    const out = {
      config: stringOption(options, 'config'),
      node: process.version,
      repeat,
      traces: results,
      total: { events: totalEvents, wall_s: Number(totalSeconds.toFixed(3)), events_per_s: Math.round(totalEvents / totalSeconds) },
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  },
};
