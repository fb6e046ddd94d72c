/** The ajv options each kind of input is validated with (part of a compiled validator's identity, validators.ts). */
import type { ValidatorOptions } from './validators.js';

/** YAML inputs (configs, technology tables, DRAM presets): every error, with the offending value and schema. */
export const YAML_VALIDATION: ValidatorOptions = { allErrors: true, strict: true, verbose: true };
/** Architecture configs: the same, choosing oneOf branches by `kind`. */
export const ARCHITECTURE_VALIDATION: ValidatorOptions = { ...YAML_VALIDATION, discriminator: true };
/** Trace headers. */
export const TRACE_VALIDATION: ValidatorOptions = { allErrors: true, strict: true };
