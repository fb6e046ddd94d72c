/**
 * Shared test utilities: a component context on a fresh simulator, temporary directories, configs derived from configs/epur.yaml, shape traces,
 * and main(argv) with its output captured.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { Simulator } from '../../src/engine/simulator.js';
import type { ComponentContext } from '../../src/components/context.js';
import { shapeTraceHeader, writeShapeTrace, type ShapeSpec } from '../../src/traces/index.js';
import { main } from '../../src/cli/main.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const EPUR_YAML = join(REPO, 'configs', 'epur.yaml');

/** A component context on a fresh simulator (timing and action counts; pricing is src/energy's). */
export function testContext(clockMhz = 1000): ComponentContext & { sim: Simulator } {
  return { sim: new Simulator(), clockMhz };
}

/** A fresh temporary directory; call the returned cleanup in afterAll/afterEach. */
export function tempDir(prefix = 'rnnsim-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

type Obj = Record<string, unknown>;

function mergeInto(target: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete target[k];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof target[k] === 'object' && target[k] !== null) {
      mergeInto(target[k] as Obj, v as Obj);
    } else target[k] = v;
  }
}

/** configs/epur.yaml parsed, with `patch` deep-merged (a key set to undefined is removed). */
export function epurConfigObject(patch: Obj = {}): Obj {
  const base = parse(readFileSync(EPUR_YAML, 'utf8')) as Obj;
  mergeInto(base, patch);
  return base;
}

/** Write a config derived from configs/epur.yaml to `dir/name` and return its path. */
export function writeEpurConfig(dir: string, name: string, patch: Obj = {}): string {
  const file = join(dir, name);
  writeFileSync(file, stringify(epurConfigObject(patch)));
  return file;
}

/** Write configs/epur.yaml's text with `edit` applied (for errors that need exact lines). */
export function writeEpurText(dir: string, name: string, edit: (text: string) => string): string {
  const file = join(dir, name);
  const text = readFileSync(EPUR_YAML, 'utf8');
  const edited = edit(text);
  if (edited === text) throw new Error(`test helper: the edit of ${name} changed nothing`);
  writeFileSync(file, edited);
  return file;
}

/** Write a shape-only trace and return its path. */
export function writeTrace(dir: string, spec: ShapeSpec, name = 'trace.json'): string {
  const file = join(dir, name);
  writeShapeTrace(file, shapeTraceHeader(spec));
  return file;
}

/** Run the CLI in-process; returns the exit code and what it wrote. */
export async function runCli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
