/**
 * The interfaces a dataflow's roles ask for. A role names an interface, not a class: any
 * registered component kind that implements it (ComponentKind.implements) can fill the role,
 * so a config can swap, say, a banked DRAM model in for the bandwidth-latency one without
 * touching a dataflow. A new interface is added by extending RoleInterfaces (declaration
 * merging works from a technique's own folder).
 */
import type { Cycle } from '../engine/simulator.js';
import type { Resource } from '../engine/resource.js';
import type { Component } from '../engine/component.js';
import type { DotProductUnit } from './dot-product-unit.js';
import type { MultifunctionUnit } from './multifunction-unit.js';
import type { SystolicArray } from './systolic-array.js';
import type { SparsePe } from './sparse-pe.js';
import type { Gpu } from './gpu.js';
import type { Mvau } from './mvau.js';

/** One bank port reservation of a stream (see sram_buffer). */
export interface BankRequest {
  readonly resource: Resource;
  occupancy: number;
}

/** Main memory as dataflows use it: transfers that occupy channels and arrive after a latency. */
export interface MainMemory extends Component {
  readonly latencyCycles: number;
  /** Transfer `bytes` starting now; returns the cycle the data is usable. */
  transfer(bytes: number, direction: 'read' | 'write'): Cycle;
  /** Cycles to move `bytes` with nothing else in flight (no latency). */
  transferCycles(bytes: number): number;
  /** Peak bytes per cycle of all channels. */
  readonly bytesPerCycle: number;
}

/** An on-chip buffer as dataflows use it: capacity, word width, latencies and streams of words over its bank ports. */
export interface OnChipBuffer extends Component {
  readonly capacityBits: number;
  readonly wordBits: number;
  readonly readLatencyCycles: number;
  readonly writeLatencyCycles: number;
  wordsFor(bits: number): number;
  /** Port reservations for streaming `words` consecutive words (not yet acquired). */
  streamRequests(words: number): BankRequest[];
  /** Earliest cycle >= notBefore at which every bank a stream of `words` words touches has a free port. */
  streamFreeAt(words: number, notBefore: Cycle): Cycle;
  /** Reserve a stream of `words` words from `start` (see streamFreeAt); returns when its last bank share ends. */
  reserveStream(words: number, start: Cycle): Cycle;
  /** Cycles to stream `words` words with no other traffic. */
  streamCycles(words: number): number;
  recordReads(words: number): void;
  recordWrites(words: number): void;
  /** Port-cycles available over `cycles` cycles (for utilization). */
  portCapacity(cycles: number): number;
}

export interface RoleInterfaces {
  dram: MainMemory;
  sram_buffer: OnChipBuffer;
  dot_product_unit: DotProductUnit;
  multifunction_unit: MultifunctionUnit;
  systolic_array: SystolicArray;
  sparse_pe: SparsePe;
  gpu: Gpu;
  mvau: Mvau;
}

export type InterfaceName = keyof RoleInterfaces;
