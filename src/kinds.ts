/**
 * Every registered component and dataflow kind, built-in and technique: import this (not the
 * registries directly) wherever a config is resolved or the schema is generated, so techniques
 * under src/techniques/ are registered first.
 */
import './techniques/index.js';

export { componentKinds, registeredKind } from './components/registry.js';
export { dataflowKind, dataflowKinds } from './dataflows/registry.js';
