/**
 * Every numeric value in the top-level configs (configs/*.yaml; configs/tech and configs/dram
 * have their own tests) carries, on the same line, a comment that gives its source or says
 * "assumed". A source is recognised by a reference to a document (name.md / name.yaml), a
 * reference mark ([A], [V], [S], [D]) or the word "assumed".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument, visit, isScalar } from 'yaml';
import { REPO } from '../helpers/context.js';

const CONFIGS = join(REPO, 'configs');
const SOURCE = /assumed|\b[\w.-]+\.(md|yaml|json)\b|\[(A|V|S|D)\b[^\]]*\]/i;

/** Problems in one YAML text: "line N: value V has no source comment". */
export function unsourcedNumbers(text: string): string[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const lines = text.split('\n');
  const problems: string[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'number' || !node.range) return;
      const { line, col } = lineCounter.linePos(node.range[0]);
      const rest = lines[line - 1].slice(col - 1);
      const hash = rest.indexOf('#');
      const comment = hash < 0 ? '' : rest.slice(hash + 1);
      if (!SOURCE.test(comment)) problems.push(`line ${line}: ${String(node.value)} has no source comment`);
    },
  });
  return problems;
}

describe('sources of the numbers in configs/*.yaml', () => {
  it('the checker finds an unsourced number and accepts sourced ones (self-test)', () => {
    const text = ['a: 1   # assumed', 'b:', '  c: 2  # anchors.md E-PUR [A]', '  d: 3', '  e: 4  # a comment with no source', 'f: x  # 5'].join('\n');
    expect(unsourcedNumbers(text)).toEqual(['line 4: 3 has no source comment', 'line 5: 4 has no source comment']);
  });

  const files = readdirSync(CONFIGS).filter((f) => f.endsWith('.yaml')).sort();
  it('there are top-level configs to check', () => {
    expect(files).toContain('epur.yaml');
  });
  for (const f of files) {
    it(`${f}: every number has a source or "assumed" on its line`, () => {
      expect(unsourcedNumbers(readFileSync(join(CONFIGS, f), 'utf8'))).toEqual([]);
    });
  }
});
