/**
 * What a component needs from its surroundings: the simulator (for resources and time), the
 * technology table (for its cost model) and the accelerator clock (to turn ns into cycles).
 */
import type { Simulator } from '../engine/simulator.js';

/**
 * The technology-table primitives components price their actions with. Implemented by
 * src/energy/tech-table.ts; declared here structurally so a component depends only on what it uses.
 */
export interface TechCosts {
  intMultiplyEnergyPj(bits: number): number;
  intAddEnergyPj(bits: number): number;
  registerEnergyPjPerBit(): number;
  intMultiplyAreaUm2(bits: number): number;
  intAddAreaUm2(bits: number): number;
  registerAreaUm2PerBit(): number;
  sramReadEnergyPj(sizeBytes: number, wordBits: number): number;
  sramWriteEnergyPj(sizeBytes: number, wordBits: number): number;
  sramLeakageMw(sizeBytes: number, wordBits: number): number;
  sramAreaMm2(sizeBytes: number, wordBits: number): number;
}

export interface ComponentContext {
  readonly sim: Simulator;
  readonly tech: TechCosts;
  readonly clockMhz: number;
}

export const UM2_PER_MM2 = 1e6;

/** Convert a time in nanoseconds to whole accelerator cycles, rounding up (a partial cycle is a cycle). */
export function nsToCycles(ns: number, clockMhz: number): number {
  return Math.ceil((ns * clockMhz) / 1000 - 1e-9);
}
