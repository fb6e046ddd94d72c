/**
 * Speed of the bit-exact integer datapath on the bundled models (scripts/bench-functional.mjs,
 * `npm run bench:functional`): G MAC/s (multiply-accumulates of the recurrent core per second)
 * of the one-sequence reference path (the datapath as it was), of the batched path in this thread
 * with each kernel, of a per-step precision policy, and of evaluateDesigns on four static designs
 * in this thread and with worker threads.
 * Rates per CPU second (process CPU time: all threads) and per wall second are both reported,
 * with the load average: on a shared machine the wall rates depend on what else runs.
 * The outputs of every batched run are checked against the reference path's (`identical`).
 */
import { availableParallelism, loadavg } from 'node:os';
import { ReferenceQuantizedRnn } from '../functional/reference-quantized-network.js';
import { QuantizedRnn, type BatchSequence, type QuantizedForwardResult } from '../functional/quantized-network.js';
import type { GemmKernel } from '../functional/gemm-backend.js';
import { dpsPrecisionPlan } from '../dps/chooser.js';
import type { DpsPolicySpec } from '../dps/policy-spec.js';
import { sequenceInput } from '../models/inference.js';
import { loadModel, partsOf } from '../models/load-model.js';
import { evaluateDesigns, macsPerTimestep, type Design } from './design-evaluation.js';
import { fixedPointConfig } from './fixed-point-formats.js';
import { calibrationRanges, defaultTestLimit, defaultValidationLimit } from './table.js';

export interface BenchCase {
  readonly case: string;
  readonly macs: number;
  readonly cpu_s: number;
  readonly wall_s: number;
  readonly gmac_per_cpu_s: number;
  readonly gmac_per_wall_s: number;
  /** Every output code equal to the reference path's, or (workers) every metric and example equal to this thread's (null: not compared). */
  readonly identical: boolean | null;
}

export interface ModelBench {
  readonly model: string;
  readonly data: string;
  readonly sequences: number;
  readonly timesteps: number;
  readonly cases: BenchCase[];
}

export interface FunctionalBenchOptions {
  readonly models: readonly string[];
  /** Test examples / characters per model (default: as `rnnsim accuracy`, all examples, 20000 characters). */
  readonly limit?: number;
  readonly bits?: number;
  readonly batchSize?: number;
  readonly workers?: number;
  /** Skip the (slow) reference path. */
  readonly skipReference?: boolean;
  readonly log?: (line: string) => void;
}

/** A policy with a real mix of 8 and 16 bits on the bundled models (for the grouping overhead). */
const MIXED_POLICY: DpsPolicySpec = { precisions: [8, 16], statistic: 'max_abs', delta: 0, thresholds: [0.5], hysteresisSteps: 1 };

function measure<T>(name: string, macs: number, f: () => T): { result: T; bench: Omit<BenchCase, 'identical'> } {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const result = f();
  const cpu = process.cpuUsage(c0);
  const wall = (performance.now() - w0) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return { result, bench: { case: name, macs, cpu_s: round(cpuS), wall_s: round(wall), gmac_per_cpu_s: round(macs / 1e9 / cpuS), gmac_per_wall_s: round(macs / 1e9 / wall) } };
}

async function measureAsync<T>(name: string, macs: number, f: () => Promise<T>): Promise<{ result: T; bench: Omit<BenchCase, 'identical'> }> {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const result = await f();
  const cpu = process.cpuUsage(c0);
  const wall = (performance.now() - w0) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return { result, bench: { case: name, macs, cpu_s: round(cpuS), wall_s: round(wall), gmac_per_cpu_s: round(macs / 1e9 / cpuS), gmac_per_wall_s: round(macs / 1e9 / wall) } };
}

function round(v: number): number {
  return Number(v.toPrecision(4));
}

function sameOutputs(a: readonly QuantizedForwardResult[], b: readonly QuantizedForwardResult[]): boolean {
  return a.length === b.length && a.every((r, k) => r.outputCodes.length === b[k].outputCodes.length && r.outputCodes.every((v, i) => v === b[k].outputCodes[i]));
}

export async function benchFunctional(o: FunctionalBenchOptions): Promise<{ node: string; cores: number; loadavg_start: number[]; loadavg_end: number[]; models: ModelBench[] }> {
  const log = o.log ?? (() => undefined);
  const bits = o.bits ?? 16;
  const batchSize = o.batchSize ?? 64;
  const workers = o.workers ?? availableParallelism();
  const start = loadavg().map(round);
  const models: ModelBench[] = [];
  for (const name of o.models) {
    const model = loadModel(name);
    const data = model.data.load('test', o.limit ?? defaultTestLimit(model));
    const parts = partsOf(model);
    const ranges = calibrationRanges(model, model.data.load('validation', defaultValidationLimit(model)));
    const config = fixedPointConfig(ranges, bits);
    const seqs: BatchSequence[] = data.sequences.map((s, k) => ({ input: sequenceInput(s, parts), seqLen: s.steps, sequence: k }));
    const timesteps = seqs.reduce((a, s) => a + s.seqLen, 0);
    const macs = timesteps * macsPerTimestep(parts.rnn);
    const cases: BenchCase[] = [];
    let reference: QuantizedForwardResult[] | null = null;
    if (!o.skipReference) {
      const rnn = new ReferenceQuantizedRnn(parts.rnn, config);
      const r = measure('reference (one sequence at a time)', macs, () => seqs.map((s) => rnn.forward(s.input, s.seqLen)));
      reference = r.result;
      cases.push({ ...r.bench, identical: null });
      log(`${name}: ${JSON.stringify(cases[cases.length - 1])}`);
    }
    for (const kernel of ['js', 'wasm'] as GemmKernel[]) {
      for (const b of kernel === 'wasm' ? [1, batchSize] : [batchSize]) {
        const rnn = new QuantizedRnn(parts.rnn, config, { kernel });
        const run = (): QuantizedForwardResult[] => {
          const out: QuantizedForwardResult[] = [];
          for (let i = 0; i < seqs.length; i += b) out.push(...rnn.forwardBatch(seqs.slice(i, i + b)));
          return out;
        };
        run(); // warm-up: weights built, code compiled
        const r = measure(`batched, ${kernel} kernel, batch ${b}, this thread`, macs, run);
        cases.push({ ...r.bench, identical: reference === null ? null : sameOutputs(r.result, reference) });
        log(`${name}: ${JSON.stringify(cases[cases.length - 1])}`);
      }
    }
    const designs: Design[] = [{ name: `static-${bits}`, quantization: config }];
    const one = await measureAsync(`evaluateDesigns static-${bits}, this thread (head included)`, macs, () => evaluateDesigns(parts, data, designs, { workers: 0, batchSize }));
    cases.push({ ...one.bench, identical: null });
    log(`${name}: ${JSON.stringify(cases[cases.length - 1])}`);
    const policy: Design[] = [{ name: 'policy-8-16', quantization: config, precision: dpsPrecisionPlan(MIXED_POLICY) }];
    const pol = await measureAsync('evaluateDesigns 8/16-bit policy, this thread', macs, () => evaluateDesigns(parts, data, policy, { workers: 0, batchSize }));
    cases.push({ ...pol.bench, case: `${pol.bench.case} (${Object.entries(pol.result.designs[0].shareByBits).map(([k, v]) => `${(100 * v).toFixed(0)}% at ${k}`).join(', ')})`, identical: null });
    log(`${name}: ${JSON.stringify(cases[cases.length - 1])}`);
    // Several designs in one call, as a design-space evaluation runs them: this thread, then workers.
    const four: Design[] = [16, 8, 6, 4].map((b) => ({ name: `static-${b}`, quantization: fixedPointConfig(ranges, b) }));
    const many = await measureAsync('evaluateDesigns static-16/8/6/4, this thread', 4 * macs, () => evaluateDesigns(parts, data, four, { workers: 0, batchSize }));
    cases.push({ ...many.bench, identical: null });
    log(`${name}: ${JSON.stringify(cases[cases.length - 1])}`);
    if (workers > 0) {
      const par = await measureAsync(`evaluateDesigns static-16/8/6/4, ${workers} worker threads`, 4 * macs, () => evaluateDesigns(parts, data, four, { workers, batchSize }));
      const same = par.result.designs.every((d, i) => d.metric === many.result.designs[i].metric && d.correct?.join() === many.result.designs[i].correct?.join());
      cases.push({ ...par.bench, identical: same });
      log(`${name}: ${JSON.stringify(cases[cases.length - 1])}`);
    }
    models.push({ model: name, data: data.description, sequences: seqs.length, timesteps, cases });
  }
  return { node: process.version, cores: availableParallelism(), loadavg_start: start, loadavg_end: loadavg().map(round), models };
}
