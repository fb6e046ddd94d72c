/**
 * Character vocabulary for the language model. Typographic variants are folded to ASCII
 * (curly quotes, dashes), every other character outside printable ASCII becomes the unknown
 * symbol, and speeches are joined with '\n' (which never occurs inside a speech) so the model
 * sees document boundaries. Symbol 0 is the unknown symbol.
 */
const FOLD: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2011': '-',
  '\u00a0': ' ',
};

export const UNKNOWN_CHAR = '\u0000';

/** Printable ASCII plus '\n' after folding; id 0 is the unknown symbol. */
export function normaliseText(text: string): string {
  let out = '';
  for (const ch of text) {
    const f = FOLD[ch] ?? ch;
    const code = f.charCodeAt(0);
    out += f === '\n' || (code >= 32 && code <= 126) ? f : UNKNOWN_CHAR;
  }
  return out;
}

export class CharVocabulary {
  private readonly index = new Map<string, number>();

  /** `symbols[0]` must be UNKNOWN_CHAR. */
  constructor(readonly symbols: readonly string[]) {
    if (symbols[0] !== UNKNOWN_CHAR) throw new Error('symbol 0 must be the unknown symbol');
    symbols.forEach((s, i) => this.index.set(s, i));
  }

  /** Vocabulary of a (normalised) training text: the unknown symbol, then its characters sorted by code. */
  static fromText(normalised: string): CharVocabulary {
    const seen = new Set<string>(normalised);
    seen.delete(UNKNOWN_CHAR);
    return new CharVocabulary([UNKNOWN_CHAR, ...[...seen].sort()]);
  }

  get size(): number {
    return this.symbols.length;
  }

  encode(normalised: string): Int32Array {
    const out = new Int32Array(normalised.length);
    for (let i = 0; i < normalised.length; i++) out[i] = this.index.get(normalised[i]) ?? 0;
    return out;
  }
}

/** Speeches joined into one normalised text, one speech per line. */
export function joinDocuments(texts: readonly string[]): string {
  return texts.map((t) => normaliseText(t.replace(/\n/g, ' '))).join('\n') + '\n';
}
