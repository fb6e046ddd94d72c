/**
 * How dynamic precision stores weights, by hand: the bit-sliced layout (the low code, then a
 * residual slice with a guard bit: 17 bits stored for {8, 16}) against most-significant-first
 * storage (16 bits stored, a step at 8 bits reads 9 and rounds half up). On the small config
 * (test/dps/helpers.ts: 1-layer LSTM, I = H = 64, 4 compute units of 64 rows, DRAM bursts of
 * 64 bytes) with precisions [16, 8, 8, 16], step by step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { readBits, reductionRoundingOf, storedBits } from '../../src/dps/storage.js';
import { simulate } from '../../src/simulate.js';
import { tempDir } from '../helpers/context.js';
import { writeCellTrace, writeDpsConfig } from './helpers.js';

let dir = '';
let cleanup = (): void => undefined;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('rnnsim-dps-layout-'));
});
afterAll(() => cleanup());

describe('weight layouts of dynamic precision', () => {
  it('bits stored and read per weight', () => {
    const sliced = { layout: 'bit_sliced' as const, precisions: [8, 16], guardBits: 1 };
    const msb = { layout: 'msb_first' as const, precisions: [8, 16], guardBits: 0 };
    const packed = { layout: 'packed' as const, precisions: [8, 16], guardBits: 0 };
    expect([storedBits(sliced), readBits(sliced, 8), readBits(sliced, 16)]).toEqual([17, 8, 17]);
    expect([storedBits(msb), readBits(msb, 8), readBits(msb, 16)]).toEqual([16, 9, 16]);
    expect([storedBits(packed), readBits(packed, 8), readBits(packed, 16)]).toEqual([16, 16, 16]);
    // Three levels: slices 4 | 4 + 1 | 8 + 1 = 18 bits; msb-first reads 5, 9, 16 of 16.
    const sliced3 = { ...sliced, precisions: [4, 8, 16] };
    const msb3 = { ...msb, precisions: [4, 8, 16] };
    expect([storedBits(sliced3), readBits(sliced3, 4), readBits(sliced3, 8), readBits(sliced3, 16)]).toEqual([18, 4, 9, 18]);
    expect([storedBits(msb3), readBits(msb3, 4), readBits(msb3, 8), readBits(msb3, 16)]).toEqual([16, 5, 9, 16]);
    expect([reductionRoundingOf('msb_first'), reductionRoundingOf('bit_sliced'), reductionRoundingOf('packed')]).toEqual(['half_up', 'half_even', 'half_even']);
  });

  /*
   * Each compute unit holds its gate's 64 x 128 weights (W_x and W_h side by side):
   * 64 x 128 x 16 bits = 16 KiB most significant bit first, 64 x 128 x 17 bits = 17 KiB
   * bit-sliced. A 16 KiB weight buffer keeps the msb-first weights resident (fetched once:
   * 4 x 16384 = 65536 bytes) and x_t comes from DRAM every step (64 x 16 bits = 128 bytes =
   * 2 bursts): 65536 + 4 x 128 = 66048 bytes. Bit-sliced weights do not fit and stream at
   * every step. With 17 KiB both are resident: 4 x 17408 = 69632 bytes of weights, and x_t at
   * 17 bits is 136 bytes = 3 bursts = 192 bytes per step: 69632 + 4 x 192 = 70400.
   */
  it('msb-first weights keep the residency of 16-bit E-PUR where bit-sliced ones lose it', async () => {
    const trace = await writeCellTrace(dir, 'layout.json', 4, () => new Array<number>(64).fill(0), (t) => [16, 8, 8, 16][t]);
    const run = async (layout: 'bit_sliced' | 'msb_first', kib: number) => {
      const name = `${layout}-${kib}.yaml`;
      const file = writeDpsConfig(dir, name, { decisions: 'recorded' }, { weight_layout: layout, residual_guard_bits: layout === 'bit_sliced' ? 1 : 0 }, { operand_rounding: layout === 'msb_first' ? 'increment' : 'none' });
      writeFileSync(file, readFileSync(file, 'utf8').replace(/size_kib: 2048/, `size_kib: ${kib}`));
      return (await simulate(file, trace)).summary;
    };
    expect((await run('msb_first', 16)).dram_bytes.read).toBe(66048);
    expect((await run('bit_sliced', 17)).dram_bytes.read).toBe(70400);
    // Streaming: at least the weights of every step (2 x 69632 at 17 bits + 2 x 32768 at 8 bits).
    expect((await run('bit_sliced', 16)).dram_bytes.read).toBeGreaterThanOrEqual(2 * 69632 + 2 * 32768);
  });

  /*
   * msb-first rounds each reduced operand in the dot-product unit: two per product (weight and
   * activation) below 16 bits. Step by step, both sides of an 8-bit step are at 8 bits:
   * 2 steps x 4 gates x 64 rows x 128 columns = 65536 products, 131072 rounds.
   */
  it('counts two operand rounds per reduced product, and refuses msb-first without the incrementers', async () => {
    const trace = await writeCellTrace(dir, 'rounds.json', 4, () => new Array<number>(64).fill(0), (t) => [16, 8, 8, 16][t]);
    const file = writeDpsConfig(dir, 'rounds.yaml', { decisions: 'recorded' }, { weight_layout: 'msb_first' }, { operand_rounding: 'increment' });
    const r = await simulate(file, trace);
    const rounds = r.components.filter((c) => c.name.endsWith('dot_product_unit')).reduce((n, c) => n + (c.actionCounts().operand_round ?? 0), 0);
    expect(rounds).toBe(2 * 2 * 4 * 64 * 128);
    const without = writeDpsConfig(dir, 'no-rounding.yaml', { decisions: 'recorded' }, { weight_layout: 'msb_first' });
    await expect(simulate(without, trace)).rejects.toThrow(/weight_layout: msb_first .* needs operand_rounding: increment/);
  });
});
