/**
 * Small word vocabulary for the spam classifier. Tokens are lower-cased runs of letters, runs
 * of digits, and the symbols $ ! % (strong spam cues). Id 0 pads, id 1 is the unknown word;
 * the rest are the most frequent training-split words (ties broken alphabetically).
 */
export const PAD = 0;
export const UNKNOWN_WORD = 1;

const TOKEN = /[a-z]+|[0-9]+|[$!%]/g;

export function tokenize(text: string, limit: number): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(TOKEN)) {
    out.push(m[0]);
    if (out.length >= limit) break;
  }
  return out;
}

export class WordVocabulary {
  private readonly index = new Map<string, number>();

  /** words[0] is the pad marker, words[1] the unknown marker. */
  constructor(readonly words: readonly string[]) {
    words.forEach((w, i) => this.index.set(w, i));
  }

  static fromDocuments(tokenized: readonly (readonly string[])[], size: number): WordVocabulary {
    const counts = new Map<string, number>();
    for (const doc of tokenized) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]);
    return new WordVocabulary(['<pad>', '<unk>', ...ranked.slice(0, size - 2)]);
  }

  get size(): number {
    return this.words.length;
  }

  /**
   * Ids of the first `length` tokens, left-padded with PAD, so the last step of every sequence
   * is a real token and the classifier reads the final hidden state.
   */
  encodeLeftPadded(tokens: readonly string[], length: number, out: Int32Array, offset: number): void {
    const n = Math.min(tokens.length, length);
    const pad = length - n;
    for (let i = 0; i < pad; i++) out[offset + i] = PAD;
    for (let i = 0; i < n; i++) out[offset + pad + i] = this.index.get(tokens[i]) ?? UNKNOWN_WORD;
  }
}
