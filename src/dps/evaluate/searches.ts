/**
 * The choices the evaluation makes on the validation split (never on test): the cheapest static
 * precision within the accuracy budget (static-min), per-layer static precisions (static-min-per-
 * layer), and each dynamic design's policy (the one with the fewest mean bits within budget).
 */
import { candidateGrid } from '../calibrate.js';
import { describeSpec, type DpsPolicySpec } from '../policy-spec.js';
import type { FunctionalBackend, FunctionalRun } from './backend.js';
import { meanBits, pairedLoss, type MeanEstimate } from './statistics.js';

/** What "within budget" means for a model: its reference run and the largest loss allowed. */
export interface Judge {
  readonly reference: FunctionalRun;
  /** In the metric's reporting unit: accuracy points, or bits per character. */
  readonly budget: number;
  readonly higherIsBetter: boolean;
}

export function lossOf(run: FunctionalRun, judge: Judge): MeanEstimate {
  return pairedLoss(run.perExample, judge.reference.perExample, judge.higherIsBetter);
}

export function withinBudget(run: FunctionalRun, judge: Judge): boolean {
  return lossOf(run, judge).mean <= judge.budget;
}

export interface StaticSearch {
  /** The cheapest candidate within budget, or null when none is (then only the top precision qualifies). */
  readonly bits: number | null;
  readonly runs: ReadonlyMap<number, FunctionalRun>;
}

/** Every static candidate on validation; static-min is the fewest bits within budget. */
export async function staticMinSearch(backend: FunctionalBackend, candidates: readonly number[], judge: Judge): Promise<StaticSearch> {
  const runs = new Map<number, FunctionalRun>();
  for (const bits of [...candidates].sort((a, b) => a - b)) runs.set(bits, await backend.run({ kind: 'static', bits }, 'validation'));
  const ok = [...runs.entries()].filter(([, r]) => withinBudget(r, judge)).map(([b]) => b);
  return { bits: ok.length ? Math.min(...ok) : null, runs };
}

export interface PerLayerSearch {
  readonly bitsPerLayer: readonly number[];
  /** The runs it made, by per-layer bits ("8,16"). */
  readonly runs: ReadonlyMap<string, FunctionalRun>;
}

/**
 * Per-layer precisions from `levels` (ascending, the last the top): each layer alone at its
 * lowest level within budget (the others at the top), then all together; while the combination
 * is over budget, the layer whose own loss was largest goes up one level (greedy; ends at all-top).
 */
export async function perLayerSearch(backend: FunctionalBackend, layers: number, levels: readonly number[], judge: Judge): Promise<PerLayerSearch> {
  const top = levels[levels.length - 1];
  const runs = new Map<string, FunctionalRun>();
  const run = async (bits: readonly number[]): Promise<FunctionalRun> => {
    const key = bits.join(',');
    let r = runs.get(key);
    if (!r) {
      r = await backend.run({ kind: 'static-per-layer', bitsPerLayer: bits }, 'validation');
      runs.set(key, r);
    }
    return r;
  };
  const choice: number[] = [];
  const ownLoss: number[] = [];
  for (let l = 0; l < layers; l++) {
    let chosen = top;
    let loss = 0;
    for (const b of levels) {
      const bits = Array.from({ length: layers }, (_, k) => (k === l ? b : top));
      const r = await run(bits);
      if (withinBudget(r, judge)) {
        chosen = b;
        loss = lossOf(r, judge).mean;
        break;
      }
    }
    choice.push(chosen);
    ownLoss.push(loss);
  }
  for (;;) {
    if (withinBudget(await run(choice), judge)) break;
    const raisable = choice.map((b, l) => ({ l, b })).filter((x) => x.b < top);
    if (raisable.length === 0) break;
    const worst = raisable.reduce((a, x) => (ownLoss[x.l] > ownLoss[a.l] ? x : a));
    choice[worst.l] = levels[levels.indexOf(worst.b) + 1];
    ownLoss[worst.l] = 0;
  }
  return { bitsPerLayer: choice, runs };
}

export interface PolicySearch {
  /** Fewest mean bits within budget on validation (ties: the smaller loss), or null when no candidate is within budget. */
  readonly spec: DpsPolicySpec | null;
  readonly grid: readonly { readonly policy: string; readonly spec: DpsPolicySpec; readonly loss: number; readonly meanBits: number; readonly stepsByBits: Readonly<Record<number, number>> }[];
}

export async function policySearch(backend: FunctionalBackend, precisions: readonly number[], judge: Judge, options: { inputSideBits?: number; grid?: readonly DpsPolicySpec[] } = {}): Promise<PolicySearch> {
  const grid = [];
  for (const spec of options.grid ?? candidateGrid(precisions)) {
    const r = await backend.run({ kind: 'policy', spec, inputSideBits: options.inputSideBits }, 'validation');
    grid.push({ policy: describeSpec(spec), spec, loss: lossOf(r, judge).mean, meanBits: meanBits(r.stepsByBits), stepsByBits: r.stepsByBits });
  }
  const ok = grid.filter((g) => g.loss <= judge.budget).sort((a, b) => a.meanBits - b.meanBits || a.loss - b.loss);
  return { spec: ok.length ? ok[0].spec : null, grid };
}
