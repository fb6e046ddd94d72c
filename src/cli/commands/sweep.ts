/**
 * `rnnsim sweep SPEC`, `rnnsim sweep merge`, `rnnsim sweep slurm SPEC`: design-space sweeps
 * (src/sweep/), in parallel, resumable, sharded over a Slurm job array.
 */
import type { Command, OptionValues } from '../command.js';
import { FORCE_OPTION, stringOption } from '../command.js';
import { InputError } from '../../errors.js';
import { defaultWorkers, runSweep, type SweepOutcome } from '../../sweep/run-sweep.js';
import { parseShard, shardFromEnvironment, type Shard } from '../../sweep/shard.js';
import { mergeShards } from '../../sweep/merge.js';
import { loadSweepSpec } from '../../sweep/spec.js';
import { rnnsimBuild } from '../../sweep/point-key.js';
import { SLURM_MARKER, slurmScript } from '../../sweep/slurm.js';
import { textContaining, writeOwnedFile } from '../../output/owned-file.js';
import { limitAssignments } from '../../limits.js';

function positiveInteger(options: OptionValues, name: string, fallback: number, minimum: number): number {
  const text = stringOption(options, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < minimum || Number(text) > 4096) throw new InputError(`--${name} must be a whole number from ${minimum} to 4096, found '${text}'`);
  return Number(text);
}

function oneSpec(positionals: readonly string[]): string {
  if (positionals.length !== 1) throw new InputError(`give one sweep spec (YAML)${positionals.length > 1 ? `, found ${positionals.length}: ${positionals.join(' ')}` : ''}`);
  return positionals[0];
}

function summary(outcome: SweepOutcome, out: string, seconds: number): string {
  const lines = [`${outcome.ran} point(s) ran in ${seconds.toFixed(1)} s${outcome.ran > 0 ? ` (${(outcome.ran / Math.max(seconds, 1e-3)).toFixed(2)} points/s)` : ''}, ${outcome.skipped} were already done`];
  if (outcome.warned > 0) {
    lines.push(`warning: ${outcome.warned} of ${outcome.total} points starve a unit (warning_codes in points.csv; every message in points.json):`);
    const byCode = new Map<string, { count: number; example: string }>();
    outcome.records.forEach((r) => {
      for (const d of r.diagnostics) {
        const e = byCode.get(d.code);
        if (e) e.count++;
        else byCode.set(d.code, { count: 1, example: `${Object.entries(r.parameters).map(([k, v]) => `${k}=${String(v)}`).join(', ')}${r.trace ? ` on ${r.trace}` : ''}: ${d.message}` });
      }
    });
    for (const [code, e] of byCode) lines.push(`  ${code}: ${e.count} point(s), e.g. ${e.example}`);
  }
  if (outcome.failed > 0) {
    lines.push(`error: ${outcome.failed} point(s) could not run (status 'error' in points.csv):`);
    for (const r of outcome.records.filter((x) => x.status === 'error').slice(0, 10)) lines.push(`  ${Object.entries(r.parameters).map(([k, v]) => `${k}=${String(v)}`).join(', ')} on ${r.trace}: ${r.error ?? ''}`);
  }
  lines.push(`results in ${out}/: points.csv, points.json, points/<key>/ (each point's run files); 'rnnsim report ${out}' draws them`);
  return lines.join('\n') + '\n';
}

const sweepCommand: Command = {
  path: ['sweep'],
  summary: 'run a design-space sweep (a YAML spec: configs, traces, axes, samples, constraints) on worker threads; resumable; writes points.csv, points.json and a folder per point',
  positionals: '<spec.yaml>',
  options: [
    { name: 'out', type: 'string', description: 'sweep folder (default results/sweeps/<spec name>); an existing sweep folder of the same spec is resumed' },
    { name: 'workers', type: 'string', unit: 'threads', description: `worker threads (default: the number of cores, ${defaultWorkers()} here)` },
    { name: 'shard', type: 'string', description: 'run shard I of N (I/N, I from 1): the points whose index is I-1 modulo N (default in a Slurm array job: from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT)' },
    { ...FORCE_OPTION, description: 'replace a sweep folder at --out that belongs to another spec (a folder or file rnnsim did not write is never replaced)' },
  ],
  async run(options, positionals) {
    const specFile = oneSpec(positionals);
    const shardText = stringOption(options, 'shard');
    const shard: Shard | undefined = shardText !== undefined ? parseShard(shardText) : shardFromEnvironment(process.env);
    const out = stringOption(options, 'out') ?? `results/sweeps/${loadSweepSpec(specFile).name}`;
    const start = Date.now();
    const outcome = await runSweep({
      specFile,
      out,
      workers: positiveInteger(options, 'workers', defaultWorkers(), 1),
      shard,
      force: options.force === true,
      progress: process.stdout.isTTY === true,
      log: (t) => process.stdout.write(t),
    });
    process.stdout.write(summary(outcome, out, (Date.now() - start) / 1000));
    return outcome.failed > 0 ? 1 : 0;
  },
};

const mergeCommand: Command = {
  path: ['sweep', 'merge'],
  summary: 'merge the shard folders of one sweep (every shard, complete, same spec and rnnsim build) into one sweep folder, identical to a run in one go',
  positionals: '<shard folder>...',
  options: [
    { name: 'out', type: 'string', required: true, description: 'the merged sweep folder' },
    { ...FORCE_OPTION, description: 'replace a sweep folder at --out that belongs to another spec' },
  ],
  async run(options, positionals) {
    const out = stringOption(options, 'out')!;
    const m = mergeShards(out, positionals, { force: options.force === true });
    process.stdout.write(`merged ${m.shards} shard(s), ${m.points} points, into ${out}/ (points.csv, points.json, points/)\n`);
    return 0;
  },
};

const slurmCommand: Command = {
  path: ['sweep', 'slurm'],
  summary: 'write an sbatch job-array script that runs a sweep as shards on a Slurm cluster (then `rnnsim sweep merge`)',
  positionals: '<spec.yaml>',
  options: [
    { name: 'out', type: 'string', description: 'the merged sweep folder (default results/sweeps/<spec name>); the shards go to <out>.shards/<i>-of-<n>' },
    { name: 'tasks', type: 'string', unit: 'array tasks', default: '2', description: 'array tasks (shards)' },
    { name: 'cpus-per-task', type: 'string', unit: 'cores', default: '2', description: 'cores per task (each task runs that many worker threads)' },
    { name: 'time', type: 'string', description: 'time limit per task (sbatch --time, e.g. 01:00:00)' },
    { name: 'partition', type: 'string', description: 'partition (sbatch --partition)' },
    { name: 'script', type: 'string', description: 'where to write the script (default <out>.sbatch)' },
  ],
  async run(options, positionals) {
    const specFile = oneSpec(positionals);
    const spec = loadSweepSpec(specFile);
    const out = stringOption(options, 'out') ?? `results/sweeps/${spec.name}`;
    const script = stringOption(options, 'script') ?? `${out}.sbatch`;
    const time = stringOption(options, 'time');
    const partition = stringOption(options, 'partition');
    for (const [name, v] of [['time', time], ['partition', partition]] as const) {
      if (v !== undefined && !/^[A-Za-z0-9_:,.-]+$/.test(v)) throw new InputError(`--${name} '${v}' holds characters an sbatch directive cannot take`);
    }
    const text = slurmScript({
      specFile,
      out,
      tasks: positiveInteger(options, 'tasks', 2, 1),
      cpusPerTask: positiveInteger(options, 'cpus-per-task', 2, 1),
      timeLimit: time,
      partition,
      jobName: `rnnsim-${spec.name}`.slice(0, 64),
      build: rnnsimBuild(),
      // A sweep that needed a raised limit here needs it in every task.
      limits: limitAssignments(),
    });
    writeOwnedFile(script, text, textContaining(SLURM_MARKER, 'sbatch script'));
    process.stdout.write(`wrote ${script}: submit it with 'sbatch ${script}', then merge as its header says\n`);
    return 0;
  },
};

export const sweepCommands: Command[] = [sweepCommand, mergeCommand, slurmCommand];
