/**
 * Precision-scalable PE area ratios from Bit Fusion's synthesized PEs
 * (hsharma35/bitfusion@04ec1c8 results/systolic_array_synth.csv, one PE, 500 MHz), worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { bitSerialAreaRatio, composableAreaRatio } from '../../src/energy/precision-scalable.js';

describe('composable PE area over the fixed PE of the same top precision', () => {
  it('uses a synthesized pair where Bit Fusion has one: 16/2 = 7492.413585 / 2203.236034 = 3.4006', () => {
    expect(composableAreaRatio(16, 2).ratio).toBeCloseTo(3.4006, 4);
    expect(composableAreaRatio(8, 2).ratio).toBeCloseTo(1733.129989 / 687.6072, 9); // 2.5205
  });

  it('derives 16/8 from the 4-brick pair 4/2: k = 431.474398 / (4 x 124.8912) = 0.86370; 0.86370 x 4 x 687.6072 / 2203.236 = 1.0782', () => {
    expect(composableAreaRatio(16, 8).ratio).toBeCloseTo(1.0782, 4);
  });

  it('derives 16/4 from the 16-brick pair 8/2: k = 1733.129989 / (16 x 124.8912) = 0.86732; x 16 x 282.24 / 2203.236 = 1.7777', () => {
    expect(composableAreaRatio(16, 4).ratio).toBeCloseTo(1.7777, 4);
  });

  it('is 1 for a fixed unit; bit-serial takes Stripes\' quoted 32% overhead', () => {
    expect(composableAreaRatio(16, 16).ratio).toBe(1);
    expect(bitSerialAreaRatio().ratio).toBe(1.32);
  });
});
