/**
 * What a bundled model ships with: models/<name>/model.safetensors (PyTorch parameter names)
 * and models/<name>/model.json (this ModelCard): topology, input encoding, vocabulary, data
 * split, seed, the command that reproduces it, metrics next to a trivial baseline, and how long
 * training took at how many FLOP/s.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RnnTopology } from '../functional/tensor.js';
import { writeSafetensors } from '../functional/safetensors.js';
import type { Readout, SequenceModel } from './sequence-model.js';

export interface ModelCard {
  readonly name: string;
  readonly description: string;
  readonly topology: RnnTopology;
  readonly readout: Readout;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown>;
  readonly data: Record<string, unknown>;
  readonly seed: number;
  readonly command: string;
  readonly hyperparameters: Record<string, unknown>;
  readonly metrics: {
    readonly name: string;
    readonly validation: number;
    readonly test: number;
    readonly baseline: { readonly description: string; readonly test: number };
  };
  readonly training: {
    readonly minutes: number;
    /** FLOP/s of the GEMM work (which is nearly all of it), single thread. */
    readonly gflops_per_second: number;
    readonly total_gflop: number;
    readonly machine: string;
  };
}

export function saveBundledModel(dir: string, model: SequenceModel, card: ModelCard): void {
  mkdirSync(dir, { recursive: true });
  writeSafetensors(join(dir, 'model.safetensors'), model.toTensorMap(), { format: 'pt', model: card.name });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(card, null, 2) + '\n');
}
