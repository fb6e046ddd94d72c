/**
 * What an editor sees: yaml-language-server validates a config against the committed schema file
 * as written (no DRAM preset merged in, no discriminator keyword). Every shipped config must show
 * no error there, and every shipped sweep spec none against its own schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/context.js';

/** An editor's validator: draft-07, unknown keywords (ajv's `discriminator`) ignored. */
function editorValidator(schemaFile: string): (data: unknown) => string[] {
  const schema = JSON.parse(readFileSync(join(REPO, 'schemas', schemaFile), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

const yamlFiles = (dir: string): string[] => readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.yaml')).map((f) => join(REPO, dir, f));

describe('schemas as an editor sees them', () => {
  it('every shipped config validates against schemas/architecture.schema.json without preset merging', () => {
    const check = editorValidator('architecture.schema.json');
    const configs = yamlFiles('configs');
    expect(configs.length).toBeGreaterThanOrEqual(13);
    for (const file of configs) expect({ file, errors: check(parse(readFileSync(file, 'utf8'))) }).toEqual({ file, errors: [] });
  });

  it('a DRAM block without a preset must still give every field', () => {
    const check = editorValidator('architecture.schema.json');
    const config = parse(readFileSync(join(REPO, 'configs', 'epur.yaml'), 'utf8')) as { components: { dram: Record<string, unknown> } };
    config.components.dram = { kind: 'dram', channels: 2 };
    expect(check(config).join('\n')).toMatch(/must have required property 'bandwidth_gb_per_s'/);
  });

  it('every shipped sweep spec validates against schemas/sweep.schema.json and names it on its first line', () => {
    const check = editorValidator('sweep.schema.json');
    const specs = yamlFiles('examples');
    expect(specs.length).toBeGreaterThanOrEqual(2);
    for (const file of specs) {
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/sweep.schema.json');
      expect({ file, errors: check(parse(text)) }).toEqual({ file, errors: [] });
    }
  });

  it('the schemas have real identifiers, not placeholder domains', () => {
    for (const f of readdirSync(join(REPO, 'schemas'))) {
      const id = (JSON.parse(readFileSync(join(REPO, 'schemas', f), 'utf8')) as { $id: string }).$id;
      expect(id).toMatch(/^urn:rnnsim:schema:[a-z-]+:\d+$/);
    }
  });

  it('the README shows the yaml-language-server line', () => {
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toContain('# yaml-language-server: $schema=');
  });
});
