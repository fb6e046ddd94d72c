/**
 * Every JSON Schema rnnsim validates input against, with the ajv options it is checked with:
 * what `npm run build` compiles ahead of time (validators.ts, scripts/build.mjs). A schema
 * validated through validatorFor but missing here still works (compiled at run time).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { architectureSchema } from './architecture-schema.js';
import { schemasDir } from '../energy/package-paths.js';
import { traceSchema } from '../traces/validate-header.js';
import type { ValidatorOptions } from './validators.js';
import { ARCHITECTURE_VALIDATION, TRACE_VALIDATION, YAML_VALIDATION } from './validation-options.js';

export interface CatalogEntry {
  readonly name: string;
  readonly schema: object;
  readonly options: ValidatorOptions;
}

function schemaFile(name: string): object {
  return JSON.parse(readFileSync(path.join(schemasDir(), name), 'utf8')) as object;
}

export function schemaCatalog(): CatalogEntry[] {
  return [
    { name: 'architecture', schema: architectureSchema(), options: ARCHITECTURE_VALIDATION },
    { name: 'tech-table', schema: schemaFile('tech-table.schema.json'), options: YAML_VALIDATION },
    { name: 'dram-preset', schema: schemaFile('dram-preset.schema.json'), options: YAML_VALIDATION },
    { name: 'trace', schema: traceSchema(), options: TRACE_VALIDATION },
  ];
}
