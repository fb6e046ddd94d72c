/**
 * `rnnsim trace deepbench`: regenerate the bundled DeepBench traces (deterministic: same
 * files, byte for byte, on every run). Also exports `traceCommands`, the one entry the
 * command registry imports for every trace command.
 */
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { writeDeepBenchTraces } from '../../traces/deepbench.js';
import { traceCheckCommand, traceShapeCommand } from './trace-shape.js';

export const traceDeepbenchCommand: Command = {
  path: ['trace', 'deepbench'],
  summary: 'Write the Baidu DeepBench LSTM/GRU inference kernels as shape-only traces, plus a README listing them',
  options: [{ name: 'output', short: 'o', type: 'string', description: 'Directory to write into', default: 'traces/deepbench' }],
  async run(options) {
    const dir = stringOption(options, 'output') ?? 'traces/deepbench';
    const headers = writeDeepBenchTraces(dir);
    process.stdout.write(`wrote ${headers.length} traces and README.md to ${dir}\n`);
    return 0;
  },
};

export const traceCommands: readonly Command[] = [traceShapeCommand, traceDeepbenchCommand, traceCheckCommand];
