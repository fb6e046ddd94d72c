/**
 * The delta unit's decisions over a recorded trace: the trace's activation records (each
 * layer's input x_t and each direction's output h_t, quantized codes) are streamed through the
 * delta rule with the unit's thresholds, giving for every step of every lockstep group which
 * input and recurrent columns propagate.
 *
 * The rule (Neil et al. 2017; Gao et al. 2018): per element, the last propagated value v_hat
 * (0 before the first step); at a step the element propagates when |v - v_hat| >= theta and
 * v != v_hat, and then v_hat takes v. A zero change is never propagated (its product is 0), so
 * theta = 0 is lossless. Each sequence-layer-direction runs in its processing order (the
 * backward direction from the last timestep) from zero state: at its first step h_(-1) = 0 =
 * h_hat, so no recurrent column propagates.
 *
 * A lockstep group computes a column when any of its active sequences propagates it (the union:
 * a sequence whose element did not propagate multiplies a zero delta there). Records must come
 * sequence by sequence (as rnnsim's writers write them); one sequence and one group's column
 * sets are held at a time.
 */
import { InputError } from '../../errors.js';
import type { TraceHeader } from '../../traces/header.js';
import { readPayloadRecords, type LoadedTrace } from '../../traces/reader.js';
import type { ActivationRecord } from '../../traces/payload-format.js';
import { directionCount, layerInputSize, recurrentInputSize } from '../../traces/work.js';

export interface DeltaThresholds {
  /** Input elements (x_t), in activation units. */
  readonly input: number;
  /** Recurrent elements (h_(t-1)). */
  readonly hidden: number;
}

/** Per step of a lockstep group (indexed by group, layer, direction, processing step): what propagates. */
export interface DeltaSchedule {
  readonly thresholds: DeltaThresholds;
  /** Input (W_x) columns the group computes at a step: the union over its active sequences. */
  inputColumns(group: number, layer: number, direction: number, step: number): number;
  /** Recurrent (W_h) columns the group computes. */
  recurrentColumns(group: number, layer: number, direction: number, step: number): number;
  /** Input / recurrent elements propagated, summed over the group's active sequences (x_hat / h_hat writes). */
  inputPropagated(group: number, layer: number, direction: number, step: number): number;
  recurrentPropagated(group: number, layer: number, direction: number, step: number): number;
  /** Steps (group, layer, direction, processing step with an active sequence) in the schedule. */
  readonly groupSteps: number;
  /** Dense MACs minus the MACs over propagated columns, counted from the trace alone. */
  readonly skippedMacs: number;
  /** Elements propagated over elements compared, per sample, for reports. */
  readonly inputPropagatedFraction: number;
  readonly recurrentPropagatedFraction: number;
}

/** The index space (group, layer, direction, step) of a trace. */
class StepIndex {
  readonly groups: number;
  readonly maxSteps: number;
  readonly dirs: number;
  constructor(readonly header: TraceHeader) {
    const w = header.workload;
    this.groups = w.sequence_lengths_timesteps.length / w.batch_size;
    this.maxSteps = Math.max(...w.sequence_lengths_timesteps);
    this.dirs = directionCount(header.model);
  }
  get size(): number {
    return this.groups * this.header.model.num_layers * this.dirs * this.maxSteps;
  }
  at(group: number, layer: number, direction: number, step: number): number {
    return ((group * this.header.model.num_layers + layer) * this.dirs + direction) * this.maxSteps + step;
  }
}

class Store implements DeltaSchedule {
  readonly ux: Uint32Array;
  readonly uh: Uint32Array;
  readonly px: Float64Array;
  readonly ph: Float64Array;
  groupSteps = 0;
  skippedMacs = 0;
  inputPropagatedFraction = 0;
  recurrentPropagatedFraction = 0;
  constructor(
    readonly thresholds: DeltaThresholds,
    readonly index: StepIndex,
  ) {
    this.ux = new Uint32Array(index.size);
    this.uh = new Uint32Array(index.size);
    this.px = new Float64Array(index.size);
    this.ph = new Float64Array(index.size);
  }
  inputColumns(g: number, l: number, d: number, s: number): number {
    return this.ux[this.index.at(g, l, d, s)];
  }
  recurrentColumns(g: number, l: number, d: number, s: number): number {
    return this.uh[this.index.at(g, l, d, s)];
  }
  inputPropagated(g: number, l: number, d: number, s: number): number {
    return this.px[this.index.at(g, l, d, s)];
  }
  recurrentPropagated(g: number, l: number, d: number, s: number): number {
    return this.ph[this.index.at(g, l, d, s)];
  }
}

interface Recorded {
  readonly values: Int32Array;
  readonly fractionalBits: number;
}

/**
 * Apply the delta rule to one vector: `last` holds v_hat as reals and is updated; sets the bit
 * of every propagated element in `mask` (OR: the group's union) and returns how many propagated.
 */
export function deltaStep(current: Recorded, last: Float64Array, theta: number, mask: Uint8Array): number {
  const scale = 2 ** -current.fractionalBits;
  let n = 0;
  for (let j = 0; j < last.length; j++) {
    const v = current.values[j] * scale;
    const d = Math.abs(v - last[j]);
    if (d !== 0 && d >= theta) {
      last[j] = v;
      mask[j] = 1;
      n++;
    }
  }
  return n;
}

function popcount(mask: Uint8Array): number {
  let n = 0;
  for (let j = 0; j < mask.length; j++) n += mask[j];
  return n;
}

/** Replay the trace's activations through the delta rule with `thresholds`. */
export async function replayDeltas(trace: LoadedTrace, thresholds: DeltaThresholds, where: string): Promise<DeltaSchedule> {
  const header = trace.header;
  const file = trace.payloadPath ?? trace.headerPath;
  if (!header.payload || (header.payload.record_counts['activation'] ?? 0) === 0) {
    throw new InputError(
      `${where}: the delta unit replays the layer inputs and hidden states of a functional trace, and this trace has no activation records (write one with \`rnnsim delta trace\`)`,
      trace.headerPath,
    );
  }
  const model = header.model;
  if (model.projection_size > 0) {
    throw new InputError(`${where}: the delta unit supports layers without projection (projection_size 0); this trace has projection_size ${model.projection_size}`, trace.headerPath);
  }
  const index = new StepIndex(header);
  const store = new Store(thresholds, index);
  const lengths = header.workload.sequence_lengths_timesteps;
  const batch = header.workload.batch_size;
  const L = model.num_layers;
  const dirs = index.dirs;
  const R = recurrentInputSize(model);
  const gates = model.cell === 'lstm' ? 4 : 3;

  // The group's column sets, one mask per (layer, direction, step), OR-ed over its sequences.
  let groupMasks: { x: Uint8Array[]; h: Uint8Array[] } | undefined;
  let group = -1;
  let sequence = -1;
  let inputs: Array<Array<Recorded | undefined>> = [];
  let hidden: Array<Array<Array<Recorded | undefined>>> = [];
  const done = new Set<number>();
  let compared = { x: 0, h: 0, px: 0, ph: 0 };

  const startSequence = (k: number): void => {
    sequence = k;
    const len = lengths[k];
    inputs = Array.from({ length: L }, () => new Array<Recorded | undefined>(len));
    hidden = Array.from({ length: L }, () => Array.from({ length: dirs }, () => new Array<Recorded | undefined>(len)));
    const g = Math.floor(k / batch);
    if (g !== group) {
      group = g;
      const steps = index.maxSteps;
      groupMasks = {
        x: Array.from({ length: L * dirs * steps }, (_, i) => new Uint8Array(layerInputSize(model, Math.floor(i / (dirs * steps))))),
        h: Array.from({ length: L * dirs * steps }, () => new Uint8Array(R)),
      };
    }
  };

  const finishSequence = (): void => {
    if (sequence < 0 || !groupMasks) return;
    const len = lengths[sequence];
    for (let l = 0; l < L; l++) {
      const I = layerInputSize(model, l);
      for (let d = 0; d < dirs; d++) {
        const xHat = new Float64Array(I);
        const hHat = new Float64Array(R);
        let previousH: Recorded | undefined;
        for (let s = 0; s < len; s++) {
          const t = d === 0 ? s : len - 1 - s;
          const x = inputs[l][t];
          if (!x) throw new InputError(`${where}: no activation (input) record for sequence ${sequence}, layer ${l}, timestep ${t}`, file);
          const slot = (l * dirs + d) * index.maxSteps + s;
          const at = index.at(group, l, d, s);
          const nx = deltaStep(x, xHat, thresholds.input, groupMasks.x[slot]);
          // h_(-1) = 0 = h_hat: nothing to compare at the first step.
          const nh = previousH ? deltaStep(previousH, hHat, thresholds.hidden, groupMasks.h[slot]) : 0;
          store.px[at] += nx;
          store.ph[at] += nh;
          compared = { x: compared.x + I, h: compared.h + (previousH ? R : 0), px: compared.px + nx, ph: compared.ph + nh };
          if (s < len - 1) {
            previousH = hidden[l][d][t];
            if (!previousH) throw new InputError(`${where}: no activation (hidden) record for sequence ${sequence}, layer ${l}, direction ${d}, timestep ${t}`, file);
          }
        }
      }
    }
    done.add(sequence);
    // Last sequence of its group: the group's column counts and its skipped MACs.
    if ((sequence + 1) % batch === 0) {
      const members = lengths.slice(group * batch, group * batch + batch);
      for (let l = 0; l < L; l++) {
        const I = layerInputSize(model, l);
        for (let d = 0; d < dirs; d++) {
          for (let s = 0; s < index.maxSteps; s++) {
            const active = members.filter((len) => len > s).length;
            if (active === 0) continue;
            const slot = (l * dirs + d) * index.maxSteps + s;
            const at = index.at(group, l, d, s);
            store.ux[at] = popcount(groupMasks.x[slot]);
            store.uh[at] = popcount(groupMasks.h[slot]);
            store.groupSteps++;
            store.skippedMacs += active * gates * model.hidden_size * (I - store.ux[at] + (R - store.uh[at]));
          }
        }
      }
    }
  };

  const onActivation = (r: ActivationRecord): void => {
    if (r.sequence_index !== sequence) {
      if (done.has(r.sequence_index) || r.sequence_index < sequence) {
        throw new InputError(`${where}: activation records of sequence ${r.sequence_index} are not contiguous (the delta unit replays the trace sequence by sequence)`, file);
      }
      finishSequence();
      for (let k = sequence + 1; k < r.sequence_index; k++) {
        startSequence(k);
        finishSequence(); // throws: the sequence has no records
      }
      startSequence(r.sequence_index);
    }
    const rec = { values: r.values, fractionalBits: r.fractional_bits };
    if (r.vector === 'input') inputs[r.layer_index][r.timestep] = rec;
    else hidden[r.layer_index][r.direction][r.timestep] = rec;
  };

  for await (const r of readPayloadRecords(trace)) if (r.kind === 'activation') onActivation(r);
  finishSequence();
  for (let k = sequence + 1; k < lengths.length; k++) {
    startSequence(k);
    finishSequence();
  }
  store.inputPropagatedFraction = compared.x === 0 ? 0 : compared.px / compared.x;
  store.recurrentPropagatedFraction = compared.h === 0 ? 0 : compared.ph / compared.h;
  return store;
}
