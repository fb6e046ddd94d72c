/**
 * JSON Schema validators compiled ahead of time. Compiling a schema with ajv costs more than a
 * small simulation, so `npm run build` (scripts/build.mjs) writes the ajv standalone code of
 * every schema of the catalog (schema-catalog.ts) to dist/validators/<hash>.cjs, the name being
 * a hash of the schema and the ajv options. At run time a validator is taken from there when a
 * file for the schema in force exists, and is compiled with ajv (loaded only then) otherwise:
 * a schema changed since the build, or a run from the sources (tests), costs time, never
 * correctness. The two validate alike (standalone code is what ajv itself would run; a test
 * compares their errors).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Options, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

/** Where compiled validators live: dist/validators/ for dist/config/validators.js. */
export const COMPILED_VALIDATORS_DIR = fileURLToPath(new URL('../validators/', import.meta.url));

/** The ajv options a validator is compiled with (part of its identity). */
export type ValidatorOptions = Pick<Options, 'allErrors' | 'strict' | 'verbose' | 'discriminator'>;

/** The name of a schema's compiled validator: a hash of the schema and the options. */
export function validatorHash(schema: object, options: ValidatorOptions): string {
  return createHash('sha256').update(JSON.stringify({ schema, options })).digest('hex').slice(0, 24);
}

const cache = new Map<string, ValidateFunction>();

/** A validator for `schema`: compiled ahead of time if the build made one, else by ajv now. */
export function validatorFor(schema: object, options: ValidatorOptions): ValidateFunction {
  const hash = validatorHash(schema, options);
  let validate = cache.get(hash);
  if (!validate) {
    const file = `${COMPILED_VALIDATORS_DIR}${hash}.cjs`;
    validate = existsSync(file) ? (require(file) as ValidateFunction) : compileNow(schema, options);
    cache.set(hash, validate);
  }
  return validate;
}

/** Compile with ajv at run time (no compiled validator for this schema). */
export function compileNow(schema: object, options: ValidatorOptions): ValidateFunction {
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv(options).compile(schema);
}
