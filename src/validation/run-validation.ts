/**
 * Running the validation points: each distinct (config, trace) pair is simulated once, each
 * point's figure computed, and its relative error classified against its bound.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulate, type RunSummary } from '../simulate.js';
import { VALIDATION_POINTS, type ValidationPoint } from './points.js';

export type ValidationStatus = 'pass' | 'fail' | 'calibration' | 'known_miss' | 'known_miss_now_within' | 'skipped' | 'error';

export interface ValidationResult {
  readonly id: string;
  readonly title: string;
  readonly published: number;
  readonly unit: string;
  readonly ours: number | null;
  /** (ours - published) / published. */
  readonly relative_error: number | null;
  readonly bound: number;
  readonly kind: ValidationPoint['kind'];
  readonly status: ValidationStatus;
  readonly source: string;
  readonly mark: string;
  readonly why: string;
  readonly runs: Readonly<Record<string, { config: string; trace: string }>>;
  readonly message?: string;
}

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export function classify(kind: ValidationPoint['kind'], error: number, bound: number): ValidationStatus {
  const within = Math.abs(error) <= bound;
  if (kind === 'calibration') return 'calibration';
  if (kind === 'known_miss') return within ? 'known_miss_now_within' : 'known_miss';
  return within ? 'pass' : 'fail';
}

export async function runValidation(
  points: readonly ValidationPoint[] = VALIDATION_POINTS,
  onProgress?: (done: number, total: number, id: string) => void,
  root = packageRoot,
): Promise<ValidationResult[]> {
  const cache = new Map<string, Promise<RunSummary>>();
  const run = (config: string, trace: string): Promise<RunSummary> => {
    const key = `${config}\n${trace}`;
    let p = cache.get(key);
    if (!p) {
      p = simulate(path.join(root, config), path.join(root, trace)).then((r) => r.summary);
      cache.set(key, p);
    }
    return p;
  };
  const out: ValidationResult[] = [];
  let done = 0;
  for (const pt of points) {
    const base = {
      id: pt.id,
      title: pt.title,
      published: pt.published.value,
      unit: pt.published.unit,
      bound: pt.bound,
      kind: pt.kind,
      source: pt.published.source,
      mark: pt.published.mark,
      why: pt.why,
      runs: pt.runs,
    };
    const missing = Object.values(pt.runs).flatMap((r) => [r.config, r.trace]).filter((f) => !existsSync(path.join(root, f)));
    if (missing.length > 0) {
      out.push({ ...base, ours: null, relative_error: null, status: 'skipped', message: `missing ${missing.join(', ')}` });
    } else {
      try {
        const summaries: Record<string, RunSummary> = {};
        for (const [name, r] of Object.entries(pt.runs)) summaries[name] = await run(r.config, r.trace);
        const ours = pt.ours(summaries);
        const err = (ours - pt.published.value) / pt.published.value;
        out.push({ ...base, ours, relative_error: err, status: classify(pt.kind, err, pt.bound) });
      } catch (e) {
        out.push({ ...base, ours: null, relative_error: null, status: 'error', message: (e as Error).message.split('\n')[0] });
      }
    }
    onProgress?.(++done, points.length, pt.id);
  }
  return out;
}
