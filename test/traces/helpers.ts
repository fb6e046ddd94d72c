import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shapeTraceHeader } from '../../src/traces/shape.js';
import type { TraceHeader } from '../../src/traces/header.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rnnsim-traces-'));
}

/** A small bidirectional 2-layer LSTMP header with two sequences (lengths 3 and 2). */
export function smallHeader(name = 'small'): TraceHeader {
  const h = shapeTraceHeader({
    cell: 'lstm',
    input_size: 5,
    hidden_size: 6,
    projection_size: 4,
    num_layers: 2,
    bidirectional: true,
    timesteps: 3,
    name,
    weight_bits: 8,
    activation_bits: 8,
  });
  return { ...h, workload: { batch_size: 1, sequence_lengths_timesteps: [3, 2] } };
}

/** A header as a plain mutable JSON object, for making bad headers. */
export function mutableHeader(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(smallHeader())) as Record<string, unknown>;
}
