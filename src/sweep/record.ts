/**
 * A finished sweep point as stored in its folder (points/<key>/point.json): its parameter
 * values, its status, its metrics and the diagnostics of its configuration. The tables are
 * built from these records alone, so a resumed or merged sweep writes the same tables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OverrideValue } from '../config/overrides.js';
import type { Diagnostic } from '../dataflows/diagnostics.js';
import type { Metrics } from './metrics.js';

export const POINT_FORMAT = 'rnnsim-sweep-point/1';
export const POINT_FILE = 'point.json';

export interface TraceMetric {
  readonly metric: string;
  readonly value: number;
  readonly higher_is_better: boolean;
}

export interface PointRecord {
  readonly format: typeof POINT_FORMAT;
  readonly key: string;
  readonly config: string;
  readonly trace: string;
  /** Swept values by config key. */
  readonly parameters: Readonly<Record<string, OverrideValue>>;
  readonly status: 'ok' | 'error';
  /** The message of a point that could not run (a config the dataflow refuses, say). */
  readonly error?: string;
  readonly metrics: Metrics;
  readonly diagnostics: readonly Diagnostic[];
  /** The task metric recorded in the trace (of the functional run it came from), if it has one. */
  readonly trace_metric?: TraceMetric;
}

export function readPointRecord(folder: string): PointRecord | undefined {
  const file = join(folder, POINT_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<PointRecord>;
    return r.format === POINT_FORMAT && typeof r.key === 'string' ? (r as PointRecord) : undefined;
  } catch {
    return undefined;
  }
}
