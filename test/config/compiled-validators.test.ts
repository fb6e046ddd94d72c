/**
 * The build compiles every schema of the catalog ahead of time (scripts/build.mjs ->
 * dist/validators/); the compiled validators must accept and reject exactly what ajv compiling
 * the schema at run time does, with the same errors (messages are built from them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { builtModule } from '../helpers/built.js';
import { REPO } from '../helpers/context.js';

interface Built {
  schemaCatalog(): Array<{ name: string; schema: object; options: object }>;
  validatorFor(schema: object, options: object): ValidateFunction;
  compileNow(schema: object, options: object): ValidateFunction;
  validatorHash(schema: object, options: object): string;
  COMPILED_VALIDATORS_DIR: string;
}

async function built(): Promise<Built> {
  const catalog = (await import(builtModule('config/schema-catalog.js'))) as Pick<Built, 'schemaCatalog'>;
  const validators = (await import(builtModule('config/validators.js'))) as Omit<Built, 'schemaCatalog'>;
  return { ...catalog, ...validators };
}

const yamlDir = (dir: string): unknown[] =>
  readdirSync(join(REPO, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(REPO, dir, f), 'utf8')) as unknown);

/** Valid documents of each schema, and the same broken in several ways. */
function documents(name: string): unknown[] {
  const valid =
    name === 'architecture'
      ? yamlDir('configs')
      : name === 'tech-table'
        ? yamlDir('configs/tech')
        : name === 'dram-preset'
          ? yamlDir('configs/dram')
          : readdirSync(join(REPO, 'traces', 'deepbench'))
              .filter((f) => f.endsWith('.json'))
              .slice(0, 3)
              .map((f) => JSON.parse(readFileSync(join(REPO, 'traces', 'deepbench', f), 'utf8')) as unknown);
  const broken = valid.flatMap((doc) => {
    const d = doc as Record<string, unknown>;
    const keys = Object.keys(d);
    return [
      { ...d, not_a_field: 1 },
      Object.fromEntries(keys.slice(1).map((k) => [k, d[k]])),
      Object.fromEntries(keys.map((k, i) => [k, i % 2 === 0 ? 'text' : d[k]])),
      Object.fromEntries(keys.map((k) => [k, typeof d[k] === 'object' && d[k] !== null ? { ...(d[k] as object), kind: 'no_such_kind', extra: -1 } : d[k]])),
      null,
      [],
    ];
  });
  return [...valid, ...broken];
}

describe('compiled validators', () => {
  it('exist for every schema of the catalog and agree with ajv compiling at run time', async () => {
    const b = await built();
    const compiled = readdirSync(b.COMPILED_VALIDATORS_DIR);
    const catalog = b.schemaCatalog();
    expect(catalog.map((e) => e.name)).toEqual(['architecture', 'tech-table', 'dram-preset', 'trace']);
    let rejected = 0;
    for (const entry of catalog) {
      expect(compiled).toContain(`${b.validatorHash(entry.schema, entry.options)}.cjs`);
      const ahead = b.validatorFor(entry.schema, entry.options);
      const now = b.compileNow(entry.schema, entry.options);
      expect(ahead).not.toBe(now);
      for (const doc of documents(entry.name)) {
        const ok = ahead(doc);
        expect(now(doc), entry.name).toBe(ok);
        expect(JSON.stringify(ahead.errors ?? null)).toBe(JSON.stringify(now.errors ?? null));
        if (!ok) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(40);
  });
});
