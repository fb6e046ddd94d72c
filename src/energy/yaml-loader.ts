/**
 * Reads a YAML config and validates it against a JSON schema, reporting every problem as an
 * InputError with the file, the line and column (from the yaml library's source positions)
 * and the key path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, isAlias, isMap, isNode, isScalar, parseDocument, visit, type Document } from 'yaml';
import { InputError } from '../errors.js';
import { readInputText } from '../input-file.js';
import { checkNestingDepth, shownLines } from '../input-shape.js';
import { limit, raiseHint } from '../limits.js';
import { didYouMean } from '../did-you-mean.js';
import { schemasDir } from './package-paths.js';
import { validatorFor } from '../config/validators.js';
import { ARCHITECTURE_VALIDATION, YAML_VALIDATION } from '../config/validation-options.js';

export type KeyPath = readonly (string | number)[];

export interface LoadedYaml {
  readonly file: string;
  readonly data: unknown;
  /** "line L, column C (at a.b[2].c)" for a key path, or its nearest existing ancestor. */
  where(keyPath: KeyPath): string;
}

export function formatKeyPath(keyPath: KeyPath): string {
  if (keyPath.length === 0) return '(top level)';
  let text = '';
  for (const key of keyPath) {
    text += typeof key === 'number' ? `[${key}]` : text === '' ? key : `.${key}`;
  }
  return text;
}

export function readYamlFile(file: string): LoadedYaml {
  const text = readInputText(file, { what: 'YAML file' });
  const lineCounter = new LineCounter();
  // The library's own duplicate-key check compares every key with every other (40,000 keys took
  // 48 s); checkDocument finds duplicates with a set per mapping instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    const place = `line ${pos.line}, column ${pos.col}`;
    throw new InputError(`${place}: invalid YAML: ${firstError.message.split('\n')[0]}`, file);
  }
  checkDocument(doc, lineCounter, file);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limit('yaml_aliases') }) as unknown;
  } catch (err) {
    // The yaml library throws a ReferenceError when aliases expand past maxAliasCount.
    if (err instanceof ReferenceError) {
      throw new InputError(`invalid YAML: aliases (*name) expand to more than the ${limit('yaml_aliases')} values allowed (${err.message}): ${raiseHint('yaml_aliases')}`, file);
    }
    throw err;
  }
  checkNestingDepth(data, file);
  return {
    file,
    data,
    where: (keyPath) => describePosition(doc, lineCounter, keyPath),
  };
}

/**
 * What the yaml library checks late or slowly: every alias (*name) follows its anchor (&name)
 * (the library reports this only when converting, without a place), and no mapping repeats a
 * key (the last would silently win).
 */
function checkDocument(doc: Document, lineCounter: LineCounter, file: string): void {
  const anchors = new Set<string>();
  const at = (offset: number | undefined): string => {
    const pos = lineCounter.linePos(offset ?? 0);
    return `line ${pos.line}, column ${pos.col}`;
  };
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) throw new InputError(`${at(node.range?.[0])}: invalid YAML: alias *${node.source} has no anchor &${node.source} before it`, file);
      return undefined;
    }
    if (isNode(node) && node.anchor) anchors.add(node.anchor);
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (!isScalar(key) || key.value === '<<') continue; // complex keys are compared by identity, merge keys may repeat
        const id = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id)) throw new InputError(`${at(key.range?.[0])}: invalid YAML: duplicate key '${String(key.value)}' (each key may appear once in a mapping)`, file);
        seen.add(id);
      }
    }
    return undefined;
  });
}

function describePosition(doc: Document, lineCounter: LineCounter, keyPath: KeyPath): string {
  // Walk up until a node exists: a missing key is reported at its parent object.
  for (let depth = keyPath.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(keyPath.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return `line ${pos.line}, column ${pos.col} (at ${formatKeyPath(keyPath)})`;
    }
  }
  return `(at ${formatKeyPath(keyPath)})`;
}

const validators = new Map<string, ValidateFunction>();
const objectValidators = new WeakMap<object, ValidateFunction>();

function schemaValidator(schemaFileName: string): ValidateFunction {
  const cached = validators.get(schemaFileName);
  if (cached) return cached;
  const schemaFile = path.join(schemasDir(), schemaFileName);
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;
  const validator = validatorFor(schema, YAML_VALIDATION);
  validators.set(schemaFileName, validator);
  return validator;
}

/** Throws an InputError listing every schema violation with its position; returns the data. */
export function validateAgainstSchema<T>(loaded: LoadedYaml, schemaFileName: string): T {
  return checkWithValidator<T>(loaded, schemaValidator(schemaFileName), `schemas/${schemaFileName}`);
}

/**
 * The same for a schema built in memory (the architecture schema is generated from the
 * registered kinds). `discriminator` selects oneOf branches by a tag such as `kind`.
 */
export function validateAgainstSchemaObject<T>(loaded: LoadedYaml, schema: object, schemaLabel: string): T {
  // Hashing the schema to find its compiled validator takes longer than validating: a caller that
  // passes the same schema object (a sweep validating thousands of points) looks it up once.
  let validate = objectValidators.get(schema);
  if (!validate) {
    validate = validatorFor(schema, ARCHITECTURE_VALIDATION);
    objectValidators.set(schema, validate);
  }
  return checkWithValidator<T>(loaded, validate, schemaLabel);
}

function checkWithValidator<T>(loaded: LoadedYaml, validate: ValidateFunction, schemaLabel: string): T {
  if (validate(loaded.data)) return loaded.data as T;
  const problems = shownLines(validate.errors ?? [], (error) => describeSchemaError(loaded, error));
  throw new InputError(`does not match ${schemaLabel}:\n  ${problems.join('\n  ')}`, loaded.file);
}

/** A name as a message shows it: strings as they are, anything else as valueJson does. */
function valueText(v: unknown): string {
  return typeof v === 'string' ? v : valueJson(v);
}

/** A value as JSON, cut at 200 characters (a value JSON cannot show, as its type). */
function valueJson(v: unknown): string {
  try {
    const text = JSON.stringify(v);
    if (text !== undefined) return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    // fall through
  }
  return typeof v;
}

/** The tag values a discriminated oneOf accepts (each branch's `const`). */
function discriminatorValues(parent: { oneOf?: unknown } | undefined, tag: string): string[] {
  if (!Array.isArray(parent?.oneOf)) return [];
  return parent.oneOf.flatMap((branch: unknown) => {
    const c = (branch as { properties?: Record<string, { const?: unknown; enum?: unknown }> }).properties?.[tag];
    if (typeof c?.const === 'string') return [c.const];
    return Array.isArray(c?.enum) ? c.enum.filter((v): v is string => typeof v === 'string') : [];
  });
}

function describeSchemaError(loaded: LoadedYaml, error: ErrorObject): string {
  const keyPath: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const params = error.params as Record<string, unknown>;
  const parent = error.parentSchema as { description?: unknown; properties?: unknown; oneOf?: unknown } | undefined;
  let expected = error.message ?? 'invalid';
  let showFound = error.keyword !== 'required' && error.keyword !== 'additionalProperties';
  if (error.keyword === 'additionalProperties') {
    const key = valueText(params['additionalProperty']);
    const known = parent?.properties !== null && typeof parent?.properties === 'object' ? Object.keys(parent.properties) : [];
    expected = `unknown key '${key}'${didYouMean(key, known)}`;
    keyPath.push(key);
  } else if (error.keyword === 'required') {
    expected = `missing required key '${valueText(params['missingProperty'])}'`;
  } else if (error.keyword === 'enum') {
    expected = `must be one of ${JSON.stringify(params['allowedValues'])}`;
  } else if (error.keyword === 'discriminator') {
    // Place the error at the tag and list the known values, not the whole component.
    const tag = valueText(params['tag']);
    const value = valueText(params['tagValue']);
    const known = discriminatorValues(parent, tag);
    keyPath.push(tag);
    expected = typeof params['tagValue'] === 'string' ? `unknown ${tag} '${value}'${didYouMean(value, known)}` : `${tag} must be a string, found ${value}`;
    if (known.length > 0) expected += `; known ${tag}s: ${known.join(', ')}`;
    showFound = false;
  } else if (error.keyword === 'const') {
    expected = `must be ${JSON.stringify(params['allowedValue'])}`;
  }
  // With verbose validation ajv hands back the offending value and the schema that rejected
  // it: show what was found and the field's description (which carries its unit).
  const found = !showFound || error.data === undefined ? '' : `; found ${valueJson(error.data)}`;
  const about = typeof parent?.description === 'string' && error.keyword !== 'additionalProperties' && error.keyword !== 'discriminator' ? ` (${parent.description})` : '';
  return `${loaded.where(keyPath)}: ${expected}${found}${about}`;
}
