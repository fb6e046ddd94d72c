/**
 * End-to-end cycle counts against hand derivations, on a 1-layer LSTM with I = H = 64, batch 1,
 * 16-bit weights and activations, 4 compute units (one per gate, 64 rows each), tiles of
 * 16 rows. Clock 1000 MHz: 1 ns = 1 cycle, 1 GB/s = 1 byte/cycle. Configs: test/helpers/small-configs.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { tempDir, writeEpurConfig, writeTrace } from '../helpers/context.js';
import { computeBoundPatch, dramBoundPatch } from '../helpers/small-configs.js';

const T = 4;
let dir = '';
let cleanup = (): void => undefined;
let trace = '';

beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-analytical-'));
  trace = writeTrace(dir, { cell: 'lstm', input_size: 64, hidden_size: 64, timesteps: T, weight_bits: 16, activation_bits: 16 });
});
afterAll(() => cleanup());

// Work: 4 gates x 64 rows x (64 + 64) x T = 32768 x 4 = 131072 MACs.
const MACS = 4 * 64 * 128 * T;

describe('compute-bound, step_by_step, weights resident after the first fetch', () => {
  /*
   * Per unit per timestep: 64 rows = 4 tiles of 16 rows, each 16 dot products of length 128:
   * 16 x ceil(128/16) = 128 DPU cycles; the operands stream faster (input buffer: 16 x 8 words
   * over 8 banks = 16 cycles; weight buffer: 16x128x16 bits = 32 words of 1024 bits over 128
   * banks = 1 cycle), so 4 tiles = 512 cycles back to back.
   *
   * Steady-state timestep (t >= 1), from the end of the previous one:
   *   x_t from DRAM: 128 bytes; occupancy 0 (see below), latency 0           0
   *   written into the intermediate memory: 4 words / 16 banks = 1, +1 write  2
   *   read back: 1, +2 read latency                                           3
   *   broadcast into the input buffers: 4 words / 8 banks = 1, +1 write       2   (prefix 7)
   *   4 tiles on the DPU                                                    512
   *   read latency of the last operands (weight and input buffer: 1)         1
   *   DPU pipeline latency of the last tile                                   5
   *   activation: 16 elements on 1 lane + 4 latency                          20
   *   cell update: 16 + 4                                                    20
   *   h broadcast: 1 word per input buffer, +1 write                          2
   *   = 567
   * DRAM occupancy is exact over cumulative bytes at 4096 B/cycle: after t = 0 the channel has
   * moved 128 + 16 x 4096 = 65664 bytes, ceil(65664/4096) = 17 cycles; each later step adds 256
   * bytes (output write + x read) and stays under 17 x 4096 = 69632 for T <= 16, so occupancy 0.
   *
   * t = 0: x load occupies the channel 1 cycle (ceil(128/4096)) -> prefix 1 + 7 = 8 = pass start.
   * Each unit fetches its first 2 tiles (staging 2), 1 cycle each, in unit order: unit u's tile 0
   * arrives at 8 + 2u + 1, is written in 1 cycle, usable 1 cycle later: 11 + 2u. Later tiles are
   * fetched when a slot frees and arrive long before the DPU needs them. Unit 3 (the last) starts
   * at 17; the cell updates wait for it: 17 + 512 + 1 + 5 + 20 + 20 + 2 = 577.
   * Total = 577 + (T - 1) x 567.
   */
  const STEP = 567; // 7 + 512 + 1 + 5 + 20 + 20 + 2
  const FIRST = 577; // 17 + 512 + 1 + 5 + 20 + 20 + 2

  it(`takes ${FIRST} + (T-1) x ${STEP} cycles`, async () => {
    const cfg = writeEpurConfig(dir, 'compute-bound.yaml', computeBoundPatch('step_by_step'));
    const r = await simulate(cfg, trace);
    expect(r.steps.map((s) => s.endCycle - s.startCycle)).toEqual([FIRST, STEP, STEP, STEP]);
    expect(r.summary.cycles).toBe(FIRST + (T - 1) * STEP); // 2274
    expect(r.summary.macs).toBe(MACS);
    // Every unit is busy 4 x 512 cycles; stalls make up the rest of 4 x cycles.
    expect(r.summary.components['cu0.dot_product_unit'].busy_cycles).toBe(T * 512);
    expect(r.summary.stall_cycles.total).toBe(4 * r.summary.cycles - 4 * T * 512);
    // DRAM: weights once (4 units x 64 rows x 128 x 2 bytes = 65536) + x (T x 128); writes T x 128.
    expect(r.summary.dram_bytes).toEqual({ read: 65536 + T * 128, written: T * 128 });
    // weight_fetch stalls: unit u starts 11 + 2u - 8 = 3 + 2u cycles after the pass start: 3+5+7+9
    expect(r.summary.stall_cycles.by_cause.weight_fetch).toBe(24);
  });
});

describe('DRAM-bound, step_by_step: every weight tile streams from DRAM every timestep', () => {
  /*
   * Weight buffer 12 KiB: a unit's slice is 64 x 128 x 16 bits = 16 KiB and its staging is
   * 2 x 16 x 128 x 16 bits = 8 KiB, so nothing can stay: 16 tiles of 4096 bytes per timestep.
   * DRAM: 16 bytes/cycle, 20 cycles latency, one channel, FCFS.
   *
   * Timestep from its start S:
   *   (t >= 1) previous output written: 128 B = 8 cycles, then x_t: 8 cycles, +20 latency -> S + 36
   *   (t = 0) x_t: 8 cycles + 20 -> 28
   *   prefix as above (2 + 3 + 2) = 7 -> pass start P
   *   16 tiles x 4096 B / 16 B/cycle = 4096 cycles of back-to-back transfers (every refill is
   *   requested before the channel frees: the last, unit 3's tile 3, at P + 2213 < P + 3840);
   *   the last tile arrives at P + 4096 + 20, is written (128 words / 8 banks = 16, +1),
   *   computed (128), then 1 (read latency) + 5 + 20 + 20 + 2 as above:
   *   P + 4096 + 20 + 17 + 128 + 48 = P + 4309.
   * t = 0: 35 + 4309 = 4344; t >= 1: 43 + 4309 = 4352.
   * The only tolerance one could argue for is the rounding of cycles per byte; here every size is
   * a whole number of bursts and bytes/cycle is an integer, so the count is exact.
   */
  it('takes 4344 + (T-1) x 4352 cycles, and reads T x 64 KiB of weights', async () => {
    const cfg = writeEpurConfig(dir, 'dram-bound.yaml', dramBoundPatch('step_by_step'));
    const r = await simulate(cfg, trace);
    const first = 28 + 7 + 4309;
    const step = 36 + 7 + 4309;
    expect(r.steps.map((s) => s.endCycle - s.startCycle)).toEqual([first, step, step, step]);
    expect(r.summary.cycles).toBe(first + (T - 1) * step + 8 + 20); // 17400 + the final 128-byte output write (8 cycles) + DRAM latency (20)
    expect(r.summary.dram_bytes.read).toBe(T * 65536 + T * 128);
    // The channel was busy for every byte: (T x 65664 + T x 128) / 16 bytes per cycle
    expect(r.summary.components.dram.channel_busy_cycles).toBe((T * 65664 + T * 128) / 16);
    expect(r.summary.macs).toBe(MACS);
  });
});

describe('MWL vs step_by_step when W_x + W_h do not fit but W_h does', () => {
  /*
   * Same DRAM-bound config (12 KiB weight buffer). step_by_step needs [W_x W_h] = 16 KiB per
   * unit -> streamed every timestep: T x 4 x 16 KiB = T x 65536 bytes.
   * MWL: phase x needs W_x = 64 x 64 x 16 bits = 8 KiB (fits, fetched once), then phase h needs
   * W_h = 8 KiB (fits, fetched once; W_x evicted). One window (the intermediate memory holds the
   * partial sums of every timestep), so 65536 bytes of weights in all.
   * Both read the same inputs (T x 128 bytes). Difference: (T - 1) x 65536 = 196608 bytes.
   */
  it('MWL reads (T-1) x 65536 fewer DRAM bytes', async () => {
    const sbs = await simulate(writeEpurConfig(dir, 'sbs.yaml', dramBoundPatch('step_by_step')), trace);
    const mwl = await simulate(writeEpurConfig(dir, 'mwl.yaml', dramBoundPatch('mwl')), trace);
    expect(sbs.summary.dram_bytes.read - mwl.summary.dram_bytes.read).toBe((T - 1) * 65536);
    expect(mwl.summary.dram_bytes.read).toBe(65536 + T * 128);
    expect(mwl.summary.macs).toBe(sbs.summary.macs);
  });
});

describe('MWL recurrent steps, compute-bound', () => {
  /*
   * Under MWL a timestep is W_h h_(t-1) plus the parked partial sums: 4 tiles of 16 x
   * ceil(64/16) = 64 DPU cycles = 256, then 2 (read latency of the parked partial sums in the
   * intermediate memory) + 5 + 20 + 20 + 2 = 49: 305 cycles. Each tile also
   * reads 16 x 32 bits = 2 words of partial sums from the intermediate memory (16 banks).
   * Streams are laid out consecutively, so the four units' partial-sum reads land on
   * different banks and do not serialise.
   */
  it('a recurrent step takes 256 + 49 = 305 cycles (partial sums spread over banks)', async () => {
    const r = await simulate(writeEpurConfig(dir, 'mwl-cb2.yaml', computeBoundPatch('mwl')), trace);
    expect(r.steps.slice(1).map((s) => s.endCycle - s.startCycle)).toEqual([305, 305, 305]);
  });
});

describe('the final output write', () => {
  /*
   * The last layer's h_t is written to DRAM in the background (nothing waits for it), but the
   * run lasts until it is there. In the DRAM-bound config above the last step ends at 17400 and
   * its 128-byte output occupies the channel for 128 / 16 = 8 more cycles and completes after the
   * 20-cycle access latency: 17400 + 8 + 20 = 17428.
   */
  it('the run lasts until the last output has been written to DRAM', async () => {
    const r = await simulate(writeEpurConfig(dir, 'dram-bound-out.yaml', dramBoundPatch('step_by_step')), trace);
    expect(r.steps[T - 1].endCycle).toBe(17400);
    expect(r.summary.cycles).toBe(17400 + 8 + 20);
  });
});
