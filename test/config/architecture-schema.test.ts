import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureSchemaText } from '../../src/cli/commands/schema.js';
import { configReferenceMarkdown } from '../../src/reports/reference-docs.js';
import { REPO } from '../helpers/context.js';

describe('schemas/architecture.schema.json', () => {
  it('is exactly what `rnnsim schema` generates from the registered kinds (run it to update)', () => {
    const committed = readFileSync(join(REPO, 'schemas', 'architecture.schema.json'), 'utf8');
    expect(committed).toBe(architectureSchemaText());
  });

  it('declares every component kind and the epur dataflow', () => {
    const schema = JSON.parse(architectureSchemaText()) as {
      properties: { components: { additionalProperties: { oneOf: Array<{ properties: { kind: { const: string } } }> } }; dataflow: { oneOf: Array<{ properties: { kind: { const: string } } }> } };
    };
    const kinds = schema.properties.components.additionalProperties.oneOf.map((o) => o.properties.kind.const);
    expect(kinds).toEqual(expect.arrayContaining(['dot_product_unit', 'multifunction_unit', 'sram_buffer', 'dram', 'systolic_array']));
    expect(schema.properties.dataflow.oneOf.map((o) => o.properties.kind.const)).toContain('epur');
  });
});

describe('docs/config-reference.md', () => {
  it('is exactly what `rnnsim docs` generates from the declarations (run it to update): units, bounds, stats and actions as the code declares them', () => {
    const committed = readFileSync(join(REPO, 'docs', 'config-reference.md'), 'utf8');
    expect(committed).toBe(configReferenceMarkdown());
  });
});
