/**
 * `rnnsim trace gemm --m M --n N --k K -o FILE`: a trace of one plain GEMM (M x K) . (K x N)
 * (workload_kind gemm): no LSTM shape, no element-wise tail. The systolic dataflow runs it.
 */
import { basename } from 'node:path';
import type { Command, OptionValues } from '../command.js';
import { stringOption } from '../command.js';
import { InputError } from '../../errors.js';
import { gemmMacs, gemmTraceHeader } from '../../traces/gemm.js';
import { writeShapeTrace } from '../../traces/writer.js';

function wholeNumber(options: OptionValues, name: string, required: boolean): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) {
    if (required) throw new InputError(`missing required option --${name}`);
    return undefined;
  }
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new InputError(`--${name} must be a whole number >= 1, found '${text}'`);
  return Number(text);
}

export const traceGemmCommand: Command = {
  path: ['trace', 'gemm'],
  summary: 'Write a trace of one plain GEMM (M x K) . (K x N): A streamed, B the weights (runs on the systolic dataflow)',
  options: [
    { name: 'm', type: 'string', unit: 'elements', description: 'rows of A and of the result', required: true },
    { name: 'n', type: 'string', unit: 'elements', description: 'columns of B (weights) and of the result', required: true },
    { name: 'k', type: 'string', unit: 'elements', description: 'reduction length: columns of A, rows of B', required: true },
    { name: 'weight-bits', type: 'string', unit: 'bits', description: 'bits per element of B', default: '16' },
    { name: 'activation-bits', type: 'string', unit: 'bits', description: 'bits per element of A', default: '16' },
    { name: 'output', short: 'o', type: 'string', description: 'header file to write, <name>.json; the trace is named after it', required: true },
  ],
  async run(options) {
    const output = stringOption(options, 'output') ?? '';
    if (!output.endsWith('.json')) throw new InputError(`--output must name a .json file, found '${output}'`);
    const bits = (name: string): number | undefined => {
      const v = wholeNumber(options, name, false);
      if (v !== undefined && v > 32) throw new InputError(`--${name} must be at most 32, found ${v}`);
      return v;
    };
    const header = gemmTraceHeader(
      {
        m: wholeNumber(options, 'm', true) as number,
        n: wholeNumber(options, 'n', true) as number,
        k: wholeNumber(options, 'k', true) as number,
        weight_bits: bits('weight-bits'),
        activation_bits: bits('activation-bits'),
        name: basename(output, '.json'),
      },
      'command-line GEMM spec',
    );
    const macs = gemmMacs(header.gemm);
    writeShapeTrace(output, header);
    process.stdout.write(`wrote ${output}: GEMM (${header.gemm.m} x ${header.gemm.k}) . (${header.gemm.k} x ${header.gemm.n}), ${macs.toLocaleString('en-US')} MACs\n`);
    return 0;
  },
};
