/**
 * `rnnsim trace shape`: write a shape-only trace from sizes on the command line, and
 * `rnnsim trace check`: validate a trace (header, payload size, checksum, every record) and
 * print the work it requires. The DeepBench generator is in trace-deepbench.ts; all three are
 * registered through `traceCommands` in trace-deepbench.ts.
 */
import { basename } from 'node:path';
import type { Command, OptionValues } from '../command.js';
import { stringOption } from '../command.js';
import { InputError } from '../../errors.js';
import { shapeTraceHeader, DEFAULT_ACTIVATION_BITS, DEFAULT_WEIGHT_BITS } from '../../traces/shape.js';
import { writeShapeTrace } from '../../traces/writer.js';
import { isRnnTrace, readAnyTrace, readPayloadRecords } from '../../traces/reader.js';
import { isGemmTrace, type AnyTraceHeader } from '../../traces/header.js';
import { gemmMacs } from '../../traces/gemm.js';
import { modelMacsPerTimestepPerSample, modelMatrixWeights, sampleTimesteps, traceMacs } from '../../traces/work.js';

/** Parse a whole-number flag, naming the flag in the error. */
function intOption(options: OptionValues, name: string, min: number): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new InputError(`--${name} must be a whole number, found '${text}'`);
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < min) throw new InputError(`--${name} must be at least ${min}, found ${text}`);
  return value;
}

function fractionOption(options: OptionValues, name: string): number | undefined {
  const text = stringOption(options, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InputError(`--${name} must be a number from 0 to 1, found '${text}'`);
  }
  return value;
}

function requiredInt(options: OptionValues, name: string, min: number): number {
  const v = intOption(options, name, min);
  if (v === undefined) throw new InputError(`missing required option --${name}`);
  return v;
}

/** One line of what a trace asks for, for humans. */
export function describeTraceWork(h: AnyTraceHeader): string {
  if (isGemmTrace(h)) {
    const g = h.gemm;
    return `plain GEMM (${g.m} x ${g.k}) . (${g.k} x ${g.n}); ${gemmMacs(g).toLocaleString('en-US')} MACs; ${(g.k * g.n).toLocaleString('en-US')} weights at ${h.precision.weight_bits} bits`;
  }
  const m = h.model;
  const shape =
    `${m.cell} ${m.num_layers} layer(s)${m.bidirectional ? ' bidirectional' : ''}, input ${m.input_size}, hidden ${m.hidden_size}` +
    (m.projection_size > 0 ? `, projection ${m.projection_size}` : '');
  return (
    `${shape}; ${h.workload.sequence_lengths_timesteps.length} sequence(s) in batches of ${h.workload.batch_size}, ` +
    `${sampleTimesteps(h.workload)} sample-timesteps; ${modelMacsPerTimestepPerSample(m).toLocaleString('en-US')} MACs per timestep per sample, ` +
    `${traceMacs(h).toLocaleString('en-US')} MACs in total; ${modelMatrixWeights(m).toLocaleString('en-US')} weights at ${h.precision.weight_bits} bits`
  );
}

export const traceShapeCommand: Command = {
  path: ['trace', 'shape'],
  summary: 'Write a shape-only trace (header, no payload) for an LSTM/GRU of the given sizes',
  options: [
    { name: 'cell', type: 'string', description: 'Cell type: lstm or gru', required: true },
    { name: 'input', type: 'string', description: 'Input size of layer 0', unit: 'elements', required: true },
    { name: 'hidden', type: 'string', description: 'Hidden units per layer and direction', unit: 'elements', required: true },
    { name: 'projection', type: 'string', description: 'LSTM projection size, 0 for none', unit: 'elements', default: '0' },
    { name: 'layers', type: 'string', description: 'Stacked layers', unit: 'layers', default: '1' },
    { name: 'bidirectional', type: 'boolean', description: 'Forward and backward direction in every layer' },
    { name: 'timesteps', type: 'string', description: 'Length of every sequence', unit: 'timesteps', required: true },
    { name: 'batch', type: 'string', description: 'Sequences run in lockstep (the trace has this many sequences)', unit: 'sequences', default: '1' },
    { name: 'weight-bits', type: 'string', description: 'Bits per weight', unit: 'bits', default: String(DEFAULT_WEIGHT_BITS) },
    { name: 'activation-bits', type: 'string', description: 'Bits per activation', unit: 'bits', default: String(DEFAULT_ACTIVATION_BITS) },
    { name: 'density', type: 'string', description: 'Fraction of non-zero weights, 0 to 1', unit: 'fraction', default: '1' },
    { name: 'output', short: 'o', type: 'string', description: 'Header file to write, <name>.json; the trace is named after it', required: true },
  ],
  async run(options) {
    const cell = stringOption(options, 'cell');
    if (cell !== 'lstm' && cell !== 'gru') throw new InputError(`--cell must be lstm or gru, found '${String(cell)}'`);
    const output = stringOption(options, 'output') ?? '';
    if (!output.endsWith('.json')) throw new InputError(`--output must name a .json file, found '${output}'`);
    const header = shapeTraceHeader(
      {
        cell,
        input_size: requiredInt(options, 'input', 1),
        hidden_size: requiredInt(options, 'hidden', 1),
        projection_size: intOption(options, 'projection', 0),
        num_layers: intOption(options, 'layers', 1),
        bidirectional: options['bidirectional'] === true,
        timesteps: requiredInt(options, 'timesteps', 1),
        batch_size: intOption(options, 'batch', 1),
        weight_bits: intOption(options, 'weight-bits', 1),
        activation_bits: intOption(options, 'activation-bits', 1),
        weight_density: fractionOption(options, 'density'),
        name: basename(output, '.json'),
      },
      'command-line trace spec',
    );
    writeShapeTrace(output, header);
    process.stdout.write(`wrote ${output}: ${describeTraceWork(header)}\n`);
    return 0;
  },
};

export const traceCheckCommand: Command = {
  path: ['trace', 'check'],
  summary: 'Validate a trace (header schema, payload size and SHA-256, every record) and print the work it requires',
  positionals: '<trace.json>...',
  options: [],
  async run(_options, positionals) {
    if (positionals.length === 0) throw new InputError('give at least one trace header file (<name>.json)');
    for (const file of positionals) {
      const trace = await readAnyTrace(file);
      let records = 0;
      if (isRnnTrace(trace)) for await (const _record of readPayloadRecords(trace)) records++;
      process.stdout.write(`${file}: ok; ${records} payload record(s); ${describeTraceWork(trace.header)}\n`);
    }
    return 0;
  },
};
