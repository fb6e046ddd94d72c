/**
 * `rnnsim bench`: simulator speed, as JSON. For a config: each DeepBench LSTM trace (the events
 * processed per second and simulated cycles per second of the simulation proper, config and
 * trace loading reported apart), and named cases (a long bidirectional stack, a long GRU) with
 * their loading and simulation times. Best of `--repeat` runs. Steady-state fast-forward
 * (dataflow.fast_forward) skips the events of steps that repeat, so events per second
 * understates its speed; wall time per simulated step (a layer-direction's timestep) does not.
 */
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { loadInputs, simulateLoaded, type LoadedInputs } from '../../simulate.js';
import { validateTraceHeader } from '../../traces/validate-header.js';
import { rnnHeader } from '../../traces/header.js';
import { InputError } from '../../errors.js';
import { SET_OPTION, overridesOf } from '../set-option.js';
import type { LoadArchitectureOptions } from '../../config/load-architecture.js';

/** The package root (this file is three levels below it in src/ and in dist/). */
const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface BenchCase {
  readonly description: string;
  inputs(config: string, load: LoadArchitectureOptions): Promise<LoadedInputs>;
}

/** Named cases: the shapes whose speed the simulator is judged by beyond the DeepBench LSTMs. */
const CASES: Readonly<Record<string, BenchCase>> = {
  'eesen-700': {
    description: 'traces/baselines/eesen.json (4 bidirectional LSTM layers of 320, 120 inputs) on one 700-frame utterance',
    async inputs(config, load) {
      const file = join(packageRoot, 'traces', 'baselines', 'eesen.json');
      const base = await loadInputs(config, file, load);
      const original = rnnHeader(base.header);
      const header = validateTraceHeader(
        { ...original, name: 'eesen-700', workload: { ...original.workload, sequence_lengths_timesteps: [700] } },
        `${file} (700 frames)`,
      );
      const text = JSON.stringify(header);
      // The workload comes from the changed header, not from the 1-utterance one loadInputs derived.
      return { ...base, header, workload: undefined, traceFile: `${file} (700 frames)`, traceSha256: createHash('sha256').update(text).digest('hex') };
    },
  },
  'gru-h2816-b1-t1500': {
    description: 'traces/deepbench/gru-h2816-b1-t1500.json (the longest single-batch DeepBench GRU)',
    inputs: (config, load) => loadInputs(config, join(packageRoot, 'traces', 'deepbench', 'gru-h2816-b1-t1500.json'), load),
  },
};

interface Timing {
  readonly events: number;
  readonly steps: number;
  readonly cycles: number;
  readonly wallMs: number;
}

/** The fastest of `repeat` simulations of the same inputs. */
function bestOf(inputs: LoadedInputs, repeat: number): Timing {
  let best: Timing | undefined;
  for (let i = 0; i < repeat; i++) {
    const s = performance.now();
    const report = simulateLoaded(inputs);
    const wallMs = performance.now() - s;
    if (!best || wallMs < best.wallMs) best = { events: report.summary.events, steps: report.steps.length, cycles: report.summary.cycles, wallMs };
  }
  return best!;
}

const rate = (n: number, ms: number): number => Math.round(n / (ms / 1000));
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export const benchCommand: Command = {
  path: ['bench'],
  summary: 'measure simulator speed (events/s, simulated cycles/s, wall time per step) on the DeepBench LSTM traces and named cases; prints JSON',
  options: [
    { name: 'config', type: 'string', default: 'configs/epur.yaml', description: 'architecture config' },
    { name: 'traces', type: 'string', default: 'traces/deepbench', description: 'directory of traces; files named lstm-*.json are used' },
    { name: 'pattern', type: 'string', default: '^lstm-.*\\.json$', description: 'regular expression selecting trace files' },
    { name: 'cases', type: 'string', default: Object.keys(CASES).join(','), description: `named cases to run, comma-separated (${Object.keys(CASES).join(', ')}), or 'none'` },
    { name: 'repeat', type: 'string', default: '3', unit: 'runs', description: 'runs per trace; the fastest is reported' },
    SET_OPTION,
  ],
  async run(options) {
    const config = stringOption(options, 'config')!;
    // --set, as run takes it: e.g. narrow_datapath=requantize to time an 8-bit design on the 16-bit DeepBench traces.
    const load: LoadArchitectureOptions = { overrides: overridesOf(options) };
    const dir = stringOption(options, 'traces')!;
    const patternText = stringOption(options, 'pattern')!;
    let pattern: RegExp;
    try {
      pattern = new RegExp(patternText);
    } catch (err) {
      throw new InputError(`--pattern '${patternText}' is not a regular expression: ${(err as Error).message}`);
    }
    const repeat = Number(stringOption(options, 'repeat'));
    if (!Number.isInteger(repeat) || repeat < 1) throw new InputError(`--repeat must be a positive integer, got ${String(options.repeat)}`);
    const caseList = stringOption(options, 'cases')!;
    const caseNames = caseList === 'none' ? [] : caseList.split(',').map((c) => c.trim());
    for (const c of caseNames) if (!Object.hasOwn(CASES, c)) throw new InputError(`--cases: unknown case '${c}'; the cases are ${Object.keys(CASES).join(', ')} (or 'none')`);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      throw new InputError(`--traces: cannot list the folder: ${(err as Error).message}`, dir);
    }
    const files = names.filter((f) => pattern.test(f)).sort();
    if (files.length === 0) throw new InputError(`no trace in ${dir} matches ${pattern}`);

    const traces = [];
    let totalEvents = 0;
    let totalSteps = 0;
    let totalMs = 0;
    for (const f of files) {
      const t0 = performance.now();
      const inputs = await loadInputs(config, join(dir, f), load);
      const loadMs = performance.now() - t0;
      const t = bestOf(inputs, repeat);
      totalEvents += t.events;
      totalSteps += t.steps;
      totalMs += t.wallMs;
      traces.push({
        trace: f,
        events: t.events,
        steps: t.steps,
        simulated_cycles: t.cycles,
        wall_ms: round(t.wallMs, 2),
        load_ms: round(loadMs, 2),
        events_per_s: rate(t.events, t.wallMs),
        simulated_cycles_per_s: rate(t.cycles, t.wallMs),
        wall_us_per_step: round((t.wallMs * 1000) / t.steps, 3),
      });
    }

    const cases = [];
    for (const name of caseNames) {
      const t0 = performance.now();
      const inputs = await CASES[name].inputs(config, load);
      const loadMs = performance.now() - t0;
      const t = bestOf(inputs, repeat);
      cases.push({
        case: name,
        description: CASES[name].description,
        events: t.events,
        steps: t.steps,
        simulated_cycles: t.cycles,
        wall_ms: round(t.wallMs, 2),
        load_ms: round(loadMs, 2),
        end_to_end_ms: round(loadMs + t.wallMs, 2),
        events_per_s: rate(t.events, t.wallMs),
        wall_us_per_step: round((t.wallMs * 1000) / t.steps, 3),
      });
    }

    const overrides = (load.overrides ?? []).map((o) => `${o.path.join('.')}=${String(o.value)}`);
    const out = {
      config,
      ...(overrides.length > 0 ? { overrides } : {}),
      node: process.version,
      repeat,
      traces,
      total: {
        events: totalEvents,
        steps: totalSteps,
        wall_s: round(totalMs / 1000, 3),
        events_per_s: rate(totalEvents, totalMs),
        wall_us_per_step: round((totalMs * 1000) / totalSteps, 3),
      },
      cases,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  },
};
