/**
 * The points of a sweep, in a fixed order: configs (as listed), then traces, then the grid
 * axes (the last varying fastest), then the samples. Samples are drawn once from the spec's seed
 * (random: independent uniform draws; Latin hypercube: each parameter's range cut into `count`
 * equal strata, one draw in each, strata shuffled per parameter), so the same spec always gives
 * the same points. Constraints (filtrex expressions over the parameter names) drop points.
 */
import { compileExpression } from 'filtrex';
import { InputError } from '../errors.js';
import type { Override, OverrideValue } from '../config/overrides.js';
import { SeededRandom } from '../functional/random.js';
import type { SampledParameter, SweepSpec } from './spec.js';
import { tidy } from './ranges.js';

export interface SweepPoint {
  /** Position in the spec's enumeration (after constraints), from 0. */
  readonly index: number;
  readonly config: { readonly label: string; readonly path: string };
  readonly trace: { readonly label: string; readonly path: string };
  /** Swept parameter values by key, in column order. */
  readonly values: ReadonlyMap<string, OverrideValue>;
  /** Fixed settings, then the swept values. */
  readonly overrides: readonly Override[];
}

export interface Enumeration {
  readonly points: readonly SweepPoint[];
  /** Points the constraints dropped. */
  readonly excluded: number;
}

/** The most points a spec may produce before constraints (a typo in a range should not start a week-long sweep). */
export const MAX_POINTS = 1_000_000;

function drawSamples(spec: NonNullable<SweepSpec['samples']>): OverrideValue[][] {
  const rng = new SeededRandom(spec.seed);
  const n = spec.count;
  // u[i][j]: the uniform draw in [0, 1) of sample i for parameter j.
  const u: number[][] = Array.from({ length: n }, () => new Array<number>(spec.parameters.length).fill(0));
  spec.parameters.forEach((_, j) => {
    if (spec.method === 'random') {
      for (let i = 0; i < n; i++) u[i][j] = rng.next();
      return;
    }
    // Latin hypercube: a Fisher-Yates shuffle of the strata, then one draw inside each.
    const strata = Array.from({ length: n }, (_, k) => k);
    for (let k = n - 1; k > 0; k--) {
      const r = Math.floor(rng.next() * (k + 1));
      [strata[k], strata[r]] = [strata[r], strata[k]];
    }
    for (let i = 0; i < n; i++) u[i][j] = (strata[i] + rng.next()) / n;
  });
  return u.map((row) => row.map((x, j) => sampleValue(spec.parameters[j], x)));
}

/** The value at quantile x in [0, 1) of a sampled parameter. */
export function sampleValue(p: SampledParameter, x: number): OverrideValue {
  if (p.values) return p.values[Math.min(p.values.length - 1, Math.floor(x * p.values.length))];
  const { from, to, scale } = p.range!;
  if (p.integer) {
    const lo = Math.ceil(from);
    const hi = Math.floor(to);
    if (scale === 'linear') return Math.min(hi, lo + Math.floor(x * (hi - lo + 1)));
    // Log scale: uniform in log over [lo - 0.5, hi + 0.5), rounded, so each end gets its share.
    const a = Math.log(Math.max(lo - 0.5, lo / 2));
    const b = Math.log(hi + 0.5);
    return Math.min(hi, Math.max(lo, Math.round(Math.exp(a + x * (b - a)))));
  }
  return tidy(scale === 'linear' ? from + x * (to - from) : from * (to / from) ** x);
}

type Filter = (data: Record<string, unknown>) => unknown;

function compileConstraints(spec: SweepSpec): Array<{ text: string; where: string; test: Filter }> {
  return spec.constraints.map((c) => {
    try {
      return { ...c, test: compileExpression(c.text) as Filter };
    } catch (err) {
      throw new InputError(`${c.where}: the constraint "${c.text}" is not a valid expression: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`, spec.file);
    }
  });
}

export function describeValues(values: ReadonlyMap<string, OverrideValue>, spec: SweepSpec): string {
  const byKey = new Map(spec.parameters.map((p) => [p.key, p.name]));
  return [...values].map(([k, v]) => `${byKey.get(k) ?? k}=${String(v)}`).join(', ');
}

export function enumeratePoints(spec: SweepSpec): Enumeration {
  const samples = spec.samples ? drawSamples(spec.samples) : [[]];
  const gridSize = spec.axes.reduce((n, a) => n * a.values.length, 1);
  const total = spec.configs.length * spec.traces.length * gridSize * samples.length;
  if (total > MAX_POINTS) throw new InputError(`the sweep has ${total} points before constraints (${spec.configs.length} configs x ${spec.traces.length} traces x ${gridSize} grid points x ${samples.length} samples), more than ${MAX_POINTS}`, spec.file);
  const constraints = compileConstraints(spec);
  const fixed: Override[] = spec.fixed.map((f) => ({ path: f.path, value: f.value, source: `set: ${f.key}=${String(f.value)}` }));
  const sampled = spec.samples?.parameters ?? [];
  const points: SweepPoint[] = [];
  let excluded = 0;
  const digits = new Array<number>(spec.axes.length).fill(0);
  for (const config of spec.configs) {
    for (const trace of spec.traces) {
      for (let g = 0; g < gridSize; g++) {
        // Mixed-radix digits of g, the last axis fastest.
        let rest = g;
        for (let a = spec.axes.length - 1; a >= 0; a--) {
          digits[a] = rest % spec.axes[a].values.length;
          rest = Math.floor(rest / spec.axes[a].values.length);
        }
        for (const sample of samples) {
          const values = new Map<string, OverrideValue>();
          const overrides: Override[] = [...fixed];
          spec.axes.forEach((axis, a) => {
            axis.parameters.forEach((p, j) => {
              const v = axis.values[digits[a]][j];
              values.set(p.key, v);
              overrides.push({ path: p.path, value: v, source: `sweep parameter ${p.name}=${String(v)}` });
            });
          });
          sampled.forEach((p, j) => {
            values.set(p.key, sample[j]);
            overrides.push({ path: p.path, value: sample[j], source: `sweep parameter ${p.name}=${String(sample[j])} (sampled)` });
          });
          if (!satisfies(constraints, spec, values, config.label, trace.label)) {
            excluded++;
            continue;
          }
          points.push({ index: points.length, config, trace, values, overrides });
        }
      }
    }
  }
  return { points, excluded };
}

function satisfies(constraints: ReturnType<typeof compileConstraints>, spec: SweepSpec, values: ReadonlyMap<string, OverrideValue>, config: string, trace: string): boolean {
  if (constraints.length === 0) return true;
  const data: Record<string, unknown> = { config, trace };
  for (const p of spec.parameters) {
    data[p.name] = values.get(p.key);
    data[p.key] = values.get(p.key);
  }
  for (const c of constraints) {
    const result = c.test(data);
    if (result instanceof Error) throw new InputError(`${c.where}: the constraint "${c.text}" cannot be evaluated at (${describeValues(values, spec)}): ${result.message} (names: ${spec.parameters.map((p) => p.name).join(', ')}, config, trace)`, spec.file);
    if (typeof result !== 'boolean') throw new InputError(`${c.where}: the constraint "${c.text}" must be true or false; it gives ${JSON.stringify(result)} at (${describeValues(values, spec)})`, spec.file);
    if (!result) return false;
  }
  return true;
}
