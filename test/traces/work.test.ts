import { describe, expect, it } from 'vitest';
import type { TraceModel } from '../../src/traces/header.js';
import {
  directionMacsPerTimestepPerSample,
  elementwiseOpsPerTimestepPerSample,
  layerInputSize,
  layerMacsPerTimestepPerSample,
  layerWeightBytes,
  layerWeightCounts,
  lockstepBatches,
  sampleTimesteps,
  modelMacsPerTimestepPerSample,
  nonzeroWeightCount,
  packedBytes,
  traceElementwiseOps,
  traceMacs,
  traceMacsByLayer,
  traceNonzeroWeightMacs,
  weightMatrixShapes,
} from '../../src/traces/work.js';

function model(m: Partial<TraceModel> & Pick<TraceModel, 'cell' | 'input_size' | 'hidden_size'>): TraceModel {
  return { num_layers: 1, projection_size: 0, bidirectional: false, ...m };
}
const workload = (batch: number, t: number) => ({ batch_size: batch, sequence_lengths_timesteps: Array<number>(batch).fill(t) });

describe('MAC convention', () => {
  it('DeepBench LSTM h1024: 4*1024*(1024+1024) = 8,388,608 MACs per timestep and sample', () => {
    const m = model({ cell: 'lstm', input_size: 1024, hidden_size: 1024 });
    expect(directionMacsPerTimestepPerSample(m, 0)).toBe(8_388_608);
    // b1 t25: 8,388,608 * 25 = 209,715,200; b4: * 4 = 838,860,800
    expect(traceMacs({ model: m, workload: workload(1, 25) })).toBe(209_715_200);
    expect(traceMacs({ model: m, workload: workload(4, 25) })).toBe(838_860_800);
  });

  it('DeepBench GRU h2816 b4 t1500: 3*2816*5632 = 47,579,136 per step; * 1500 * 4 = 285,474,816,000', () => {
    const m = model({ cell: 'gru', input_size: 2816, hidden_size: 2816 });
    expect(modelMacsPerTimestepPerSample(m)).toBe(47_579_136);
    expect(traceMacs({ model: m, workload: workload(4, 1500) })).toBe(285_474_816_000);
  });

  it('LSTMP (ESE, I=153 H=1024 P=512): 4*1024*(153+512) + 512*1024 = 2,723,840 + 524,288 = 3,248,128', () => {
    const m = model({ cell: 'lstm', input_size: 153, hidden_size: 1024, projection_size: 512 });
    expect(weightMatrixShapes(m, 0)).toEqual([
      { matrix: 'input', rows: 4096, cols: 153 },
      { matrix: 'recurrent', rows: 4096, cols: 512 },
      { matrix: 'projection', rows: 512, cols: 1024 },
    ]);
    expect(directionMacsPerTimestepPerSample(m, 0)).toBe(3_248_128);
  });

  it('EESEN (4 bidirectional LSTM layers of 320, 120 inputs): 8,499,200 MACs per step', () => {
    const m = model({ cell: 'lstm', input_size: 120, hidden_size: 320, num_layers: 4, bidirectional: true });
    // layer 0: 4*320*(120+320) = 563,200 per direction, 1,126,400 both
    expect(layerMacsPerTimestepPerSample(m, 0)).toBe(1_126_400);
    // layers 1..3 take 2*320 = 640 inputs: 4*320*(640+320) = 1,228,800 per direction, 2,457,600 both
    expect(layerInputSize(m, 1)).toBe(640);
    expect(layerMacsPerTimestepPerSample(m, 3)).toBe(2_457_600);
    // 1,126,400 + 3 * 2,457,600 = 8,499,200 (the "about 8.5M parameters" of anchors.md)
    expect(modelMacsPerTimestepPerSample(m)).toBe(8_499_200);
    // sequences of different lengths: 10 + 7 = 17 sample-timesteps
    const ragged = { model: m, workload: { batch_size: 1, sequence_lengths_timesteps: [10, 7] } };
    expect(traceMacs(ragged)).toBe(8_499_200 * 17);
    expect(traceMacsByLayer(ragged)).toEqual([1_126_400 * 17, 2_457_600 * 17, 2_457_600 * 17, 2_457_600 * 17]);
  });

  it('bidirectional LSTMP: layer 1 input is 2*P', () => {
    const m = model({ cell: 'lstm', input_size: 40, hidden_size: 64, projection_size: 16, num_layers: 2, bidirectional: true });
    expect(layerInputSize(m, 1)).toBe(32);
    // layer 1 per direction: 4*64*(32+16) + 16*64 = 12,288 + 1,024 = 13,312
    expect(directionMacsPerTimestepPerSample(m, 1)).toBe(13_312);
  });

  it('FINN-L OCR cross-check: its ops count 2*(in+hid+1)*4*hid + 3*hid = 2*MACs + 2*bias adds + 3*hid', () => {
    // in 32, hid 128: MACs 4*128*(32+128) = 81,920; bias adds 4*128 = 512
    const m = model({ cell: 'lstm', input_size: 32, hidden_size: 128 });
    const macs = directionMacsPerTimestepPerSample(m, 0);
    const ew = elementwiseOpsPerTimestepPerSample(m);
    expect(macs).toBe(81_920);
    // 2*161*512 + 384 = 165,248 = 2*81,920 + 2*512 + 3*128
    expect(2 * macs + 2 * ew.bias_add + 3 * 128).toBe(2 * (32 + 128 + 1) * 4 * 128 + 3 * 128);
  });

  it('rejects a layer index out of range', () => {
    expect(() => layerInputSize(model({ cell: 'gru', input_size: 4, hidden_size: 4 }), 1)).toThrow(/layer index 1/);
  });
});

describe('element-wise ops', () => {
  it('LSTM H=1024: 3 sigmoid, 2 tanh, 3 mul, 1 add, 4 bias adds per unit', () => {
    const m = model({ cell: 'lstm', input_size: 1024, hidden_size: 1024 });
    expect(elementwiseOpsPerTimestepPerSample(m)).toEqual({ sigmoid: 3072, tanh: 2048, multiply: 3072, add: 1024, bias_add: 4096 });
  });

  it('GRU H=100: 2 sigmoid, 1 tanh, 3 mul, 3 add, 4 bias adds per unit; totals over 2 layers x 2 directions x 5 steps', () => {
    const m = model({ cell: 'gru', input_size: 10, hidden_size: 100, num_layers: 2, bidirectional: true });
    expect(elementwiseOpsPerTimestepPerSample(m)).toEqual({ sigmoid: 200, tanh: 100, multiply: 300, add: 300, bias_add: 400 });
    // factor 2 layers * 2 directions * (2 + 3) sample-timesteps = 20
    expect(traceElementwiseOps({ model: m, workload: { batch_size: 1, sequence_lengths_timesteps: [2, 3] } })).toEqual({
      sigmoid: 4000,
      tanh: 2000,
      multiply: 6000,
      add: 6000,
      bias_add: 8000,
    });
  });
});

describe('weights', () => {
  it('LSTM h1024 layer: 8,388,608 weights, 4,096 biases; 16,777,216 bytes at 16 bits, 4,194,304 at 4 bits', () => {
    const m = model({ cell: 'lstm', input_size: 1024, hidden_size: 1024 });
    expect(layerWeightCounts(m, 0)).toEqual({ matrix_weights: 8_388_608, bias_values: 4096 });
    expect(layerWeightBytes(m, 0, 16)).toBe(16_777_216);
    expect(layerWeightBytes(m, 0, 4)).toBe(4_194_304);
  });

  it('bidirectional GRU layer counts both directions: 2 * 3*8*(5+8) = 624 weights, 2 * 4*8 = 64 biases', () => {
    const m = model({ cell: 'gru', input_size: 5, hidden_size: 8, bidirectional: true });
    expect(layerWeightCounts(m, 0)).toEqual({ matrix_weights: 624, bias_values: 64 });
  });

  it('packs bits and rounds up to whole bytes: 3 weights * 3 bits = 9 bits -> 2 bytes', () => {
    expect(packedBytes(3, 3)).toBe(2);
    expect(packedBytes(0, 8)).toBe(0);
  });

  it('non-zero weights at a density round half up: 0.1 * 4096 * 153 = 62,668.8 -> 62,669', () => {
    expect(nonzeroWeightCount(4096, 153, 0.1)).toBe(62_669);
    expect(nonzeroWeightCount(1, 5, 0.5)).toBe(3); // 2.5 -> 3
    expect(() => nonzeroWeightCount(1, 1, Number.NaN)).toThrow(/density/);
  });

  it('non-zero-weight MACs: GRU I=H=10 at density 0.25: (round(0.25*300) + round(0.25*300)) * 3 steps = 450', () => {
    const m = model({ cell: 'gru', input_size: 10, hidden_size: 10 });
    // weight_ih and weight_hh are 30 x 10 = 300 each; 75 non-zeros each; 150 per step; 3 steps
    expect(traceNonzeroWeightMacs({ model: m, workload: workload(1, 3), sparsity: { weight_density: 0.25 } })).toBe(450);
  });

  it('throws instead of rounding when a count passes 2^53', () => {
    const m = model({ cell: 'lstm', input_size: 1 << 20, hidden_size: 1 << 20 });
    // 4 * 2^20 * 2^21 = 2^43 MACs per step; * 2^11 steps = 2^54 > 2^53 - 1
    expect(() => traceMacs({ model: m, workload: workload(1, 2048) })).toThrow(/not exactly representable/);
  });
});

describe('sequences and batches', () => {
  it('groups sequences into lockstep batches; required work ignores padding', () => {
    const w = { batch_size: 2, sequence_lengths_timesteps: [5, 3, 4, 4] };
    expect(lockstepBatches(w)).toEqual([
      { first_sequence_index: 0, sequence_lengths_timesteps: [5, 3], lockstep_timesteps: 5 },
      { first_sequence_index: 2, sequence_lengths_timesteps: [4, 4], lockstep_timesteps: 4 },
    ]);
    // 5 + 3 + 4 + 4 = 16 sample-timesteps (not 2 * 5 + 2 * 4 = 18 with padding)
    expect(sampleTimesteps(w)).toBe(16);
    // GRU I=H=2: 3*2*(2+2) = 24 MACs per step; * 16 = 384
    expect(traceMacs({ model: model({ cell: 'gru', input_size: 2, hidden_size: 2 }), workload: w })).toBe(384);
  });
});
