/**
 * The precision-select unit's decisions over a recorded trace: the trace's cell_state records
 * are streamed (never held whole) through one PrecisionTracker per sequence-layer-direction,
 * the same code the functional model ran in its loop, giving the precision of every step. When
 * the trace also records precisions (a trace written with the policy in the loop), every
 * decision must equal the recorded one: that is the check that the hardware unit and the
 * functional model agree at every timestep.
 *
 * Memory: one byte per step plus one cell state per active sequence-layer-direction.
 * Assumption: every sequence starts from a zero cell state (the trace does not record c_(-1);
 * rnnsim's functional traces start from zeros).
 */
import { InputError } from '../errors.js';
import type { TraceHeader } from '../traces/header.js';
import { readPayloadRecords, type LoadedTrace } from '../traces/reader.js';
import type { PayloadRecord } from '../traces/payload-format.js';
import { directionCount } from '../traces/work.js';
import { PrecisionTracker, type DpsPolicy } from './policy.js';
import { resolvePolicy, type DpsPolicySpec } from './policy-spec.js';

export interface PrecisionSchedule {
  readonly precisions: readonly number[];
  /** Precision of one step of one sequence-layer-direction (timestep as in the trace). */
  bitsAt(sequence: number, layer: number, direction: number, timestep: number): number;
  /** Steps whose decision was checked against a recorded precision. */
  readonly checkedSteps: number;
  /** Steps at each precision (sequence-layer-direction steps). */
  readonly stepsByBits: ReadonlyMap<number, number>;
  /** Where the unit's register contents came from (set by the dataflow). */
  registersFrom?: 'trace' | 'config';
}

class ScheduleStore implements PrecisionSchedule {
  readonly stepsByBits = new Map<number, number>();
  checkedSteps = 0;
  private readonly offsets: number[] = [];
  private readonly streams: number;
  readonly bits: Uint8Array;
  readonly recorded: Uint8Array;

  constructor(
    readonly precisions: readonly number[],
    private readonly header: TraceHeader,
  ) {
    this.streams = header.model.num_layers * directionCount(header.model);
    let total = 0;
    for (const len of header.workload.sequence_lengths_timesteps) {
      this.offsets.push(total);
      total += len;
    }
    this.bits = new Uint8Array(total * this.streams);
    this.recorded = new Uint8Array(total * this.streams);
  }

  index(sequence: number, layer: number, direction: number, timestep: number): number {
    const dirs = directionCount(this.header.model);
    return (this.offsets[sequence] + timestep) * this.streams + layer * dirs + direction;
  }

  bitsAt(sequence: number, layer: number, direction: number, timestep: number): number {
    const b = this.bits[this.index(sequence, layer, direction, timestep)];
    if (b === 0) throw new Error(`no precision decided for sequence ${sequence}, layer ${layer}, direction ${direction}, timestep ${timestep}`);
    return b;
  }
}

interface StreamState {
  readonly tracker: PrecisionTracker;
  /** Next step index (processing order) expected. */
  next: number;
}

/**
 * Take every step's precision from the trace's precision records, as written by the functional
 * model with some chooser in the loop (a policy, or a control such as a random or periodic
 * schedule, or an oracle): the hardware then runs exactly the schedule whose accuracy was
 * measured. Every step must have a record, at one of `precisions`.
 */
export async function recordedPrecisions(trace: LoadedTrace, precisions: readonly number[], where: string): Promise<PrecisionSchedule> {
  const header = trace.header;
  const file = trace.payloadPath ?? trace.headerPath;
  if (!header.payload || (header.payload.record_counts.precision ?? 0) === 0) {
    throw new InputError(`${where}: decisions: recorded needs a trace with precision records (written by \`rnnsim dps trace\` or \`rnnsim dps evaluate\`), and this trace has none`, trace.headerPath);
  }
  const store = new ScheduleStore(precisions, header);
  for await (const r of readPayloadRecords(trace)) {
    if (r.kind !== 'precision') continue;
    if (!precisions.includes(r.weight_bits)) {
      throw new InputError(`${where}: precision record of sequence ${r.sequence_index}, layer ${r.layer_index}, direction ${r.direction}, timestep ${r.timestep} is ${r.weight_bits} bits, not one of the unit's precisions {${precisions.join(', ')}}`, file);
    }
    store.bits[store.index(r.sequence_index, r.layer_index, r.direction, r.timestep)] = r.weight_bits;
  }
  const dirs = directionCount(header.model);
  header.workload.sequence_lengths_timesteps.forEach((len, seq) => {
    for (let l = 0; l < header.model.num_layers; l++) {
      for (let d = 0; d < dirs; d++) {
        for (let t = 0; t < len; t++) {
          const b = store.bits[store.index(seq, l, d, t)];
          if (b === 0) throw new InputError(`${where}: no precision record for sequence ${seq}, layer ${l}, direction ${d}, timestep ${t}`, file);
          store.stepsByBits.set(b, (store.stepsByBits.get(b) ?? 0) + 1);
        }
      }
    }
  });
  return store;
}

/** Decide every step's precision from the trace's cell states with the policy `spec`. */
export async function replayPrecisions(trace: LoadedTrace, spec: DpsPolicySpec, where: string, checkRecorded = true): Promise<PrecisionSchedule> {
  const header = trace.header;
  const file = trace.payloadPath ?? trace.headerPath;
  if (!header.payload || (header.payload.record_counts.cell_state ?? 0) === 0) {
    throw new InputError(`${where}: dynamic precision selection replays the cell states of a functional trace, and this trace has no cell_state records (write one with \`rnnsim dps trace\`)`, trace.headerPath);
  }
  const top = spec.precisions[spec.precisions.length - 1];
  const store = new ScheduleStore(spec.precisions, header);
  const lengths = header.workload.sequence_lengths_timesteps;
  const H = header.model.hidden_size;
  const policies = new Map<string, DpsPolicy>();
  const policyFor = (layer: number, frac: number): DpsPolicy => {
    const key = `${layer}.${frac}`;
    let p = policies.get(key);
    if (!p) {
      p = resolvePolicy(spec, H, frac);
      policies.set(key, p);
    }
    return p;
  };
  const streams = new Map<string, StreamState>();
  const zeros = new Int32Array(H);
  const onCell = (r: Extract<PayloadRecord, { kind: 'cell_state' }>): void => {
    const len = lengths[r.sequence_index];
    const stepIndex = r.direction === 0 ? r.timestep : len - 1 - r.timestep;
    const key = `${r.sequence_index}.${r.layer_index}.${r.direction}`;
    let s = streams.get(key);
    if (!s) {
      const tracker = new PrecisionTracker(policyFor(r.layer_index, r.fractional_bits));
      s = { tracker, next: 0 };
      streams.set(key, s);
      store.bits[store.index(r.sequence_index, r.layer_index, r.direction, r.direction === 0 ? 0 : len - 1)] = tracker.start(zeros);
    }
    if (stepIndex !== s.next) {
      throw new InputError(`cell_state of sequence ${r.sequence_index}, layer ${r.layer_index}, direction ${r.direction}: expected step ${s.next} in processing order, found timestep ${r.timestep}`, file);
    }
    s.next++;
    if (s.next < len) {
      const t = r.direction === 0 ? s.next : len - 1 - s.next;
      store.bits[store.index(r.sequence_index, r.layer_index, r.direction, t)] = s.tracker.next(r.values);
    } else streams.delete(key);
  };
  for await (const r of readPayloadRecords(trace)) {
    if (r.kind === 'cell_state') onCell(r);
    else if (r.kind === 'precision') {
      if (r.weight_bits !== r.activation_bits) {
        throw new InputError(`precision record of sequence ${r.sequence_index}, timestep ${r.timestep}: weights at ${r.weight_bits} and activations at ${r.activation_bits} bits; dynamic precision selection uses one precision for both`, file);
      }
      store.recorded[store.index(r.sequence_index, r.layer_index, r.direction, r.timestep)] = r.weight_bits;
    }
  }
  // Every step decided; recorded precisions agree.
  const dirs = directionCount(header.model);
  lengths.forEach((len, seq) => {
    for (let l = 0; l < header.model.num_layers; l++) {
      for (let d = 0; d < dirs; d++) {
        for (let t = 0; t < len; t++) {
          const i = store.index(seq, l, d, t);
          const b = store.bits[i];
          if (b === 0) throw new InputError(`${where}: no cell_state record for sequence ${seq}, layer ${l}, direction ${d} before timestep ${t}: cannot decide its precision`, file);
          if (b > top) throw new Error('unreachable: decision above the top precision');
          store.stepsByBits.set(b, (store.stepsByBits.get(b) ?? 0) + 1);
          const rec = store.recorded[i];
          if (checkRecorded && rec !== 0) {
            if (rec !== b) {
              throw new InputError(
                `${where}: sequence ${seq}, layer ${l}, direction ${d}, timestep ${t}: the precision-select unit decides ${b} bits, the trace records ${rec} bits (the trace was not written with this policy in the loop; write it with \`rnnsim dps trace\` and the same policy, or set check_recorded_precision: false)`,
                file,
              );
            }
            store.checkedSteps++;
          }
        }
      }
    }
  });
  return store;
}
