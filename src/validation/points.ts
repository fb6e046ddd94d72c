/**
 * The validation points: each a published figure, how to compute ours from one or more runs
 * (config + trace), and the relative error we accept with the reason. Adding a point is one
 * entry here. A point may be:
 *  - 'check': its error must stay within `bound`;
 *  - 'calibration': a constant was fitted to it, so it is reported but proves nothing;
 *  - 'known_miss': outside the bound for a reason we state; it is reported, and the tests
 *    flag it if it ever comes within the bound (so the entry gets updated).
 * Paths are relative to the package root. A point whose files are missing is skipped.
 */
import type { RunSummary } from '../simulate.js';

export type Mark = 'V' | 'S' | 'D' | 'A';

export interface RunRef {
  readonly config: string;
  readonly trace: string;
}

export interface ValidationPoint {
  readonly id: string;
  readonly title: string;
  readonly published: { readonly value: number; readonly unit: string; readonly source: string; readonly mark: Mark };
  readonly runs: Readonly<Record<string, RunRef>>;
  /** Our figure, in the published unit, from the runs' summaries. */
  readonly ours: (runs: Readonly<Record<string, RunSummary>>) => number;
  readonly kind: 'check' | 'calibration' | 'known_miss';
  /** Accepted |ours - published| / published. */
  readonly bound: number;
  readonly why: string;
}

const ms = (s: RunSummary): number => s.latency_us / 1000;
/** TOPS as TPU v1 counts them: 2 ops per MAC, every weight (input and recurrent products). */
const tops = (s: RunSummary): number => (2 * s.macs) / (s.latency_us * 1e-6) / 1e12;
const weightStallShare = (s: RunSummary): number => (s.stall_cycles.by_cause.weight_fetch + s.stall_cycles.by_cause.weight_load) / s.cycles;

const TPU_WHY =
  'per-layer shapes are not published: a uniform layer (input = hidden) is derived from weights / layers; weight tiles fetched whole; DRAM at its 34 GB/s peak; non-matrix time hidden';

function deepbench(id: string, trace: string, publishedMs: number, kind: ValidationPoint['kind'], bound: number, why: string): ValidationPoint {
  return {
    id: `deepbench-titanxp-${id}`,
    title: `DeepBench ${id} batch 1 on Titan Xp (cuDNN 6, FP32), latency`,
    published: { value: publishedMs, unit: 'ms', source: 'anchors.md DeepBench (baidu-research/DeepBench results)', mark: 'V' },
    runs: { gpu: { config: 'configs/titan-xp.yaml', trace: `traces/deepbench/${trace}.json` } },
    ours: (r) => ms(r.gpu),
    kind,
    bound,
    why,
  };
}

const DB_WHY = 'roofline with spec-sheet peak and bandwidth; one per-kernel overhead calibrated on LSTM 1024 x 1 x 25; cuDNN internals (GEMV efficiency, launches per step) not modelled';

function finn(cfg: string, publishedMs: number): ValidationPoint {
  return {
    id: `finn-l-${cfg}`,
    title: `FINN-L OCR BiLSTM ${cfg.toUpperCase()} on PYNQ, latency per line`,
    published: { value: publishedMs, unit: 'ms', source: 'anchors.md FINN-L table (Xilinx/LSTM-PYNQ notebooks)', mark: 'V' },
    runs: { finn: { config: `configs/finn-l-${cfg}.yaml`, trace: `traces/baselines/finn-ocr-${cfg}.json` } },
    ours: (r) => ms(r.finn),
    kind: 'check',
    bound: 0.2,
    why: 'line length 520 columns derived from the published MOps/s; FINN folding formula exact for the gate units; element-wise rate (1 hidden unit/cycle), pipeline depth (12 cycles) and sequential directions assumed, not fitted; output layer not modelled',
  };
}

export const VALIDATION_POINTS: readonly ValidationPoint[] = [
  {
    id: 'tpu-lstm0-tops',
    title: 'TPU v1 LSTM0 (58 layers, 52M weights, batch 64), achieved TOPS',
    published: { value: 3.7, unit: 'TOPS', source: 'anchors.md TPU v1 (Jouppi et al., ISCA 2017)', mark: 'S' },
    runs: { tpu: { config: 'configs/tpu-v1.yaml', trace: 'traces/baselines/tpu-lstm0.json' } },
    ours: (r) => tops(r.tpu),
    kind: 'check',
    bound: 0.25,
    why: TPU_WHY,
  },
  {
    id: 'tpu-lstm0-weight-stall',
    title: 'TPU v1 LSTM0, share of cycles stalled on weights',
    published: { value: 0.581, unit: 'fraction', source: 'anchors.md TPU v1 "weight stall 58.1%"', mark: 'S' },
    runs: { tpu: { config: 'configs/tpu-v1.yaml', trace: 'traces/baselines/tpu-lstm0.json' } },
    ours: (r) => weightStallShare(r.tpu),
    kind: 'check',
    bound: 0.15,
    why: 'ours = (weight_fetch + weight_load stalls) / cycles; the paper counts weight shifting separately, so only the sum is comparable',
  },
  {
    id: 'tpu-lstm1-tops',
    title: 'TPU v1 LSTM1 (56 layers, 34M weights, batch 96), achieved TOPS',
    published: { value: 2.8, unit: 'TOPS', source: 'anchors.md TPU v1 (Jouppi et al., ISCA 2017)', mark: 'S' },
    runs: { tpu: { config: 'configs/tpu-v1.yaml', trace: 'traces/baselines/tpu-lstm1.json' } },
    ours: (r) => tops(r.tpu),
    kind: 'known_miss',
    bound: 0.25,
    why: `${TPU_WHY}. A weight-bound model gives about 2 x batch x 34 GB/s x tile efficiency; the published 2.8 TOPS is 43% of LSTM1's own weight roofline (6.5 TOPS at 96 MAC/byte), so time we do not model (non-matrix work, layer shapes) dominates`,
  },
  {
    id: 'tpu-lstm1-weight-stall',
    title: 'TPU v1 LSTM1, share of cycles stalled on weights',
    published: { value: 0.621, unit: 'fraction', source: 'anchors.md TPU v1 "62.1% weight stall"', mark: 'S' },
    runs: { tpu: { config: 'configs/tpu-v1.yaml', trace: 'traces/baselines/tpu-lstm1.json' } },
    ours: (r) => weightStallShare(r.tpu),
    kind: 'check',
    bound: 0.15,
    why: 'as for LSTM0',
  },
  deepbench('lstm-1024x1x25', 'lstm-h1024-b1-t25', 1.872, 'calibration', 0.01, 'kernel_launch_overhead_us of configs/titan-xp.yaml was fitted to this figure'),
  deepbench('lstm-512x1x25', 'lstm-h512-b1-t25', 1.258, 'check', 0.25, DB_WHY),
  deepbench('lstm-2048x1x25', 'lstm-h2048-b1-t25', 5.272, 'check', 0.25, DB_WHY),
  deepbench('lstm-1536x1x50', 'lstm-h1536-b1-t50', 6.198, 'check', 0.25, DB_WHY),
  deepbench('gru-2816x1x1500', 'gru-h2816-b1-t1500', 350.6, 'check', 0.25, DB_WHY),
  deepbench(
    'lstm-256x1x150',
    'lstm-h256-b1-t150',
    1.994,
    'known_miss',
    0.25,
    'the published 13.3 us per step is below the calibrated 41.3 us per-kernel overhead alone: for small hidden sizes cuDNN does far less per step than for large ones (no constant overhead fits both)',
  ),
  finn('w2a2', 1.294),
  finn('w2a4', 2.967),
  finn('w4a4', 2.958),
  finn('w4a8', 11.09),
  {
    id: 'epur-vs-tegra-x1-speedup',
    title: 'E-PUR vs Tegra X1 on EESEN (4 x BiLSTM 320, 120 features), speedup',
    published: { value: 6.8, unit: 'x', source: 'anchors.md E-PUR "6.8x speedup" (Silfa PhD thesis abstract)', mark: 'V' },
    runs: { epur: { config: 'configs/epur.yaml', trace: 'traces/baselines/eesen.json' }, tegra: { config: 'configs/tegra-x1.yaml', trace: 'traces/baselines/eesen.json' } },
    ours: (r) => r.tegra.latency_us / r.epur.latency_us,
    kind: 'known_miss',
    bound: 0.5,
    why: 'the Tegra X1 model is unvalidated (spec-sheet roofline, Titan Xp overhead carried over, FP32 assumed); E-PUR\'s baseline measurement setup (framework, precision) is not known',
  },
  {
    id: 'epur-vs-tegra-x1-energy',
    title: 'E-PUR vs Tegra X1 on EESEN, energy reduction',
    published: { value: 88, unit: 'x', source: 'anchors.md E-PUR "88x energy reduction vs the SoC" (thesis abstract)', mark: 'V' },
    runs: { epur: { config: 'configs/epur.yaml', trace: 'traces/baselines/eesen.json' }, tegra: { config: 'configs/tegra-x1.yaml', trace: 'traces/baselines/eesen.json' } },
    ours: (r) => r.tegra.energy_pj.total / r.epur.energy_pj.total,
    kind: 'check',
    bound: 0.5,
    why:
      "Tegra energy is an assumed 10 W x modelled time; E-PUR energy comes from configs/epur.yaml (SRAM as CACTI macros, LPDDR4 background power from its IDD currents: 169x before issue 13's pricing, 52x after). Within the bound, but the speedup behind it is still a known miss (3.2x against 6.8x), so the agreement does not validate the Tegra model",
  },
  {
    id: 'ese-google-lstmp-latency',
    title: 'ESE on the Google LSTMP (153 in, 1024 cells, 512 projection), theoretical latency per frame',
    published: { value: 57.0, unit: 'us', source: 'anchors.md ESE "57.0 us theoretical"', mark: 'S' },
    runs: { ese: { config: 'configs/ese-onchip.yaml', trace: 'traces/ese/google-lstmp.json' } },
    ours: (r) => r.ese.latency_us,
    kind: 'check',
    bound: 0.2,
    why: 'ESE dataflow by its owner (docs/ese.md): weights on chip is its like-for-like config for the compute-only 57.0 us; bound chosen here (their padding analysis puts ours above 57.0), to be confirmed by the owner',
  },
];
