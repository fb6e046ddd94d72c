/**
 * A sweep point's key: the hash of what determines its result, and nothing else. The resolved
 * config (every parameter with its value, DRAM presets merged; not the file's path or comments),
 * the technology table as resolved for it, the trace's sha256 and the rnnsim build. Re-running a
 * sweep skips a point whose key already has a finished folder; a different build, a changed
 * config or trace gives a new key, so a stale result is never reused.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArchitectureConfig } from '../config/load-architecture.js';

/** JSON with object keys sorted at every level: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What of a loaded config determines a run's result. */
export function resolvedConfig(config: ArchitectureConfig): unknown {
  return {
    name: config.name,
    clock_mhz: config.clockMhz,
    // Only when it is not the default, so the keys of every earlier point stay as they were.
    ...(config.narrowDatapath === 'requantize' ? { narrow_datapath: config.narrowDatapath } : {}),
    technology: config.technology,
    dataflow: { kind: config.dataflow.kind, ...config.dataflowParams },
    components: config.roles,
  };
}

export interface KeyInputs {
  readonly config: ArchitectureConfig;
  readonly techSha256: string;
  readonly traceSha256: string;
  readonly build: string;
}

/** 20 hex digits (80 bits) of the sha256 of the key inputs: short enough for a folder name. */
export function pointKey(inputs: KeyInputs): string {
  return sha256(canonicalJson({ config: resolvedConfig(inputs.config), tech: inputs.techSha256, trace: inputs.traceSha256, rnnsim: inputs.build })).slice(0, 20);
}

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const codeRoot = fileURLToPath(new URL('../', import.meta.url));
let build: string | undefined;

function codeFiles(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) codeFiles(full, out);
    else if (/\.(js|ts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
}

/**
 * rnnsim's version and a hash of the code it runs ("0.1.0+1a2b3c4d5e6f"): the version alone
 * would not tell a rebuilt simulator from the one that wrote a result.
 */
export function rnnsimBuild(): string {
  if (build !== undefined) return build;
  const version = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const files: string[] = [];
  codeFiles(codeRoot, files);
  const h = createHash('sha256');
  for (const f of files) h.update(path.relative(codeRoot, f)).update('\0').update(readFileSync(f)).update('\0');
  build = `${version}+${h.digest('hex').slice(0, 12)}`;
  return build;
}
