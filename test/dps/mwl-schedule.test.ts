/**
 * Dynamic precision under Maximizing Weight Locality, cycle by cycle, on the compute-bound small
 * config (test/e2e/analytical.test.ts: 1-layer LSTM, I = H = 64, 4 units of 64 rows, tiles of 16
 * rows, DPU 16 wide composable 16/8, clock 1 GHz): the input side of the window at a fixed
 * input_side_bits = 16, the recurrent side at each step's precision, the precisions taken from
 * the trace's records (decisions: recorded) as [16, 8, 8, 16].
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { tempDir } from '../helpers/context.js';
import { writeCellTrace, writeDpsConfig } from './helpers.js';

const T = 4;
const H = 64;
const BITS = [16, 8, 8, 16];
let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-dps-mwl-'));
});
afterAll(() => cleanup());

describe('DPS with MWL: input side fixed at 16 bits, recurrent side dynamic', () => {
  /*
   * A recurrent step under MWL (analytical.test.ts): 4 tiles of 16 dot products over the 64
   * columns of W_h, then 2 (read latency of the parked partial sums) + 5 (DPU pipeline) + 20
   * (activation: 16 elements on 1 lane + 4) + 20 (cell update) + 2 (h into the input buffers) = 49.
   *   16 bits: 16 products per cycle: 4 x 16 x ceil(64/16) = 256 DPU cycles -> 305.
   *   8 bits: composable, 2 products per lane: tiles of 16 x ceil(64/32) = 32 cycles, and now the
   *   multifunction units are the bottleneck: unit u's MFU does gate u's activation of every tile
   *   (16 cycles) and the cell update of tile r when u = r mod 4 (16 cycles). From the step start S,
   *   tile r's dot products are done at R_r = S + 32r + 32 + 2 + 5:
   *     tile 0: R = S+39; activations [S+39, S+55) +4 -> S+59; cell update on MFU 0 [S+59, S+75) +4 -> S+79
   *     tile 1: R = S+71; MFU 0 busy until S+75: its activation [S+75, S+91) +4 -> S+95;
   *             cell update on MFU 1 [S+95, S+111) +4 -> S+115
   *     tile 2: R = S+103; MFU 1 busy until S+111: [S+111, S+127) +4 -> S+131; MFU 2 [S+131, S+147) -> S+151
   *     tile 3: R = S+135; MFU 2 busy until S+147: [S+147, S+163) +4 -> S+167; MFU 3 [S+167, S+183) -> S+187
   *   and h_t is in the input buffers 2 cycles later: 189 (not 128 + 49 = 177: the MFU contention
   *   costs 12 cycles, which a 16-bit step, with tiles 64 cycles apart, never sees).
   * The precision-select unit sees each tile group's 16 new cell-state elements on 4 lanes
   * (4 cycles) as the cell update leaves the MFU at E, and decides 1 cycle later: E + 5. The step
   * ends when h_t is in the input buffers, at E + 2, so the next step waits 3 cycles for its
   * precision (no decision after the last step).
   */
  it('steps take 189, 189, 305 cycles after the first and wait 3 cycles each for the decision', async () => {
    const trace = await writeCellTrace(dir, 'mwl.json', T, () => new Array<number>(H).fill(0), (t) => BITS[t]);
    const config = writeDpsConfig(dir, 'dps-mwl.yaml', { decisions: 'recorded' }, { schedule: 'mwl', input_side_bits: 16 });
    const r = await simulate(config, trace);
    const s = r.steps;
    expect(s.slice(1).map((x) => x.endCycle - x.startCycle)).toEqual([189, 189, 305]);
    expect([1, 2, 3].map((t) => s[t].startCycle - s[t - 1].endCycle)).toEqual([3, 3, 3]);
    const psu = r.summary.components.precision_select_unit;
    expect(psu.critical_path_cycles).toBe(9);
    expect(psu.decisions).toBe(3);
    expect(psu.steps_lowest).toBe(2);
    // The input side ran at 16 bits for all 4 steps, the recurrent side at 16, 8, 8, 16:
    // products below 16 bits = 2 steps x 4 gates x 64 rows x 64 columns.
    const dpus = [0, 1, 2, 3].map((u) => r.summary.components[`cu${u}.dot_product_unit`]);
    expect(dpus.reduce((n, d) => n + d.macs_below_full_precision, 0)).toBe(2 * 4 * 64 * 64);
    expect(r.summary.macs).toBe(4 * 64 * 128 * T);
    // Precision switches per unit: 16 (input side) -> 16 -> 8 -> 8 -> 16: two.
    expect(dpus.map((d) => d.precision_switches)).toEqual([2, 2, 2, 2]);
  });

  it('refuses MWL without a fixed input side, and a fixed input side without MWL', async () => {
    const trace = await writeCellTrace(dir, 'mwl2.json', T, () => new Array<number>(H).fill(0), (t) => BITS[t]);
    await expect(simulate(writeDpsConfig(dir, 'no-input-bits.yaml', { decisions: 'recorded' }, { schedule: 'mwl' }), trace)).rejects.toThrow(/mwl with dynamic precision needs a fixed dataflow.input_side_bits/);
    await expect(simulate(writeDpsConfig(dir, 'sbs-input-bits.yaml', { decisions: 'recorded' }, { input_side_bits: 16 }), trace)).rejects.toThrow(/input_side_bits applies to the mwl schedule only/);
  });
});
