/** Dataflow kinds known to rnnsim; a user adds one by registering its declaration. */
import type { DataflowKind } from './dataflow-kind.js';
import { epurDataflowKind } from './epur/epur-kind.js';
import { eseDataflowKind } from './ese/ese-kind.js';

const kinds = new Map<string, DataflowKind>();

export function registerDataflowKind(kind: DataflowKind): void {
  if (kinds.has(kind.kind)) throw new Error(`dataflow kind '${kind.kind}' is already registered`);
  kinds.set(kind.kind, kind);
}

export function dataflowKind(kind: string): DataflowKind | undefined {
  return kinds.get(kind);
}

export function dataflowKinds(): DataflowKind[] {
  return [...kinds.values()];
}

registerDataflowKind(epurDataflowKind);
import { systolicDataflowKind } from './systolic/systolic-kind.js'; registerDataflowKind(systolicDataflowKind);
registerDataflowKind(eseDataflowKind);
import { gpuRooflineDataflowKind } from './gpu/gpu-kind.js'; registerDataflowKind(gpuRooflineDataflowKind);
import { finnDataflowKind } from './finn/finn-kind.js'; registerDataflowKind(finnDataflowKind);
import { epurDpsDataflowKind } from './epur/epur-dps-kind.js'; registerDataflowKind(epurDpsDataflowKind);
