/**
 * One sweep point, run in a worker thread (tinypool) or in the calling thread: simulate the
 * config with the point's overrides on the trace, and write the point's folder whole (the run's
 * files plus point.json). Returns the record for the tables. A point the dataflow refuses (an
 * InputError at run time) is recorded with its message; anything else is a bug and propagates.
 */
import { simulate } from '../simulate.js';
import { runFiles } from '../reports/run-files.js';
import { writeResultFolder } from '../output/result-folder.js';
import { InputError } from '../errors.js';
import { resetLimits, setLimits } from '../limits.js';
import type { Override, OverrideValue } from '../config/overrides.js';
import type { Diagnostic } from '../dataflows/diagnostics.js';
import { metricsOf } from './metrics.js';
import { POINT_COMMAND } from './sweep-folder.js';
import { POINT_FILE, POINT_FORMAT, type PointRecord, type TraceMetric } from './record.js';

export interface PointTask {
  readonly key: string;
  readonly configPath: string;
  readonly tracePath: string;
  readonly configLabel: string;
  readonly traceLabel: string;
  readonly overrides: readonly Override[];
  readonly parameters: Readonly<Record<string, OverrideValue>>;
  readonly diagnostics: readonly Diagnostic[];
  readonly folder: string;
  /** The --set-limit assignments of the sweep command (a worker thread starts with the defaults). */
  readonly limits: readonly string[];
}

export async function runPoint(task: PointTask): Promise<PointRecord> {
  const base = { format: POINT_FORMAT, key: task.key, config: task.configLabel, trace: task.traceLabel, parameters: task.parameters, diagnostics: task.diagnostics } as const;
  let record: PointRecord;
  let files: Map<string, string>;
  resetLimits();
  setLimits(task.limits);
  try {
    const report = await simulate(task.configPath, task.tracePath, { overrides: task.overrides });
    // A plain GEMM trace records no accuracy, and a requantized run is not the run it was measured on.
    const accuracy = 'accuracy' in report.header && report.summary.trace.requantized_to === undefined ? report.header.accuracy : undefined;
    const traceMetric: TraceMetric | undefined = accuracy ? { metric: accuracy.metric, value: accuracy.value, higher_is_better: accuracy.higher_is_better } : undefined;
    record = { ...base, status: 'ok', metrics: metricsOf(report.summary), ...(traceMetric ? { trace_metric: traceMetric } : {}) };
    files = runFiles(report);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    record = { ...base, status: 'error', error: err.message, metrics: {} };
    files = new Map();
  }
  files.set(POINT_FILE, `${JSON.stringify(record, null, 1)}\n`);
  writeResultFolder(task.folder, files, { command: POINT_COMMAND });
  return record;
}

/** The worker thread's entry (tinypool calls the default export with each task). */
export default runPoint;
