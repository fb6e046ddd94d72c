/**
 * Is a buffer's configured read latency long enough for the technology's access time?
 * A read that the config says takes n cycles at f MHz has n x 1000/f ns; CACTI's access time
 * for the same array says how long it really needs. `rnnsim check` reports the shortfall.
 */
import { InputError } from '../errors.js';

export interface ReadLatencyCheckInput {
  /** Cycles from a read request to its data, as configured. */
  readonly readLatencyCycles: number;
  readonly clockMhz: number;
  /** The technology's random access time of the array (ns). */
  readonly accessNs: number;
}

export interface ReadLatencyCheck {
  readonly accessNs: number;
  readonly clockPeriodNs: number;
  readonly configuredCycles: number;
  readonly configuredNs: number;
  /** ceil(accessNs / clock period): the fewest whole cycles that cover the access time. */
  readonly requiredCycles: number;
  /** requiredCycles - configuredCycles when positive, else 0. */
  readonly shortByCycles: number;
  readonly ok: boolean;
  /** One line for a report, e.g. "read latency 1 cycle (2 ns at 500 MHz) is shorter than the 5.14 ns access time: 3 cycles needed, 2 short". */
  readonly message: string;
}

/** Access times are CACTI's 6-significant-digit figures; this absorbs rounding at a cycle boundary. */
const CYCLE_BOUNDARY_TOLERANCE = 1e-9;

export function checkReadLatency(input: ReadLatencyCheckInput): ReadLatencyCheck {
  const { readLatencyCycles, clockMhz, accessNs } = input;
  if (!Number.isInteger(readLatencyCycles) || readLatencyCycles < 0) {
    throw new InputError(`readLatencyCycles must be a non-negative integer, got ${readLatencyCycles}`);
  }
  if (!(clockMhz > 0) || !Number.isFinite(clockMhz)) throw new InputError(`clockMhz must be a positive number, got ${clockMhz}`);
  if (!(accessNs > 0) || !Number.isFinite(accessNs)) throw new InputError(`accessNs must be a positive number, got ${accessNs}`);
  const clockPeriodNs = 1000 / clockMhz;
  const configuredNs = readLatencyCycles * clockPeriodNs;
  const requiredCycles = Math.ceil(accessNs / clockPeriodNs - CYCLE_BOUNDARY_TOLERANCE);
  const shortByCycles = Math.max(0, requiredCycles - readLatencyCycles);
  const ok = shortByCycles === 0;
  const cycles = (n: number) => `${n} cycle${n === 1 ? '' : 's'}`;
  const configured = `read latency ${cycles(readLatencyCycles)} (${formatNs(configuredNs)} at ${clockMhz} MHz)`;
  const message = ok
    ? `${configured} covers the ${formatNs(accessNs)} access time (${cycles(requiredCycles)} needed)`
    : `${configured} is shorter than the ${formatNs(accessNs)} access time: ${cycles(requiredCycles)} needed, ${shortByCycles} short`;
  return { accessNs, clockPeriodNs, configuredCycles: readLatencyCycles, configuredNs, requiredCycles, shortByCycles, ok, message };
}

function formatNs(ns: number): string {
  return `${Number(ns.toPrecision(3))} ns`;
}
