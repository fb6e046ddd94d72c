/**
 * Renders the header fields of schemas/trace.schema.json as a Markdown table, so the field
 * reference in docs/trace-format.md is generated from the schema (a test keeps them equal).
 */
import { traceSchema } from './validate-header.js';

interface SchemaNode {
  readonly description?: string;
  readonly type?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly items?: SchemaNode;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  /** Required fields by workload kind (top level: then = gemm, else = rnn). */
  readonly then?: SchemaNode;
  readonly else?: SchemaNode;
}

function typeText(n: SchemaNode): string {
  if (n.const !== undefined) return `const ${JSON.stringify(n.const)}`;
  if (n.enum) return n.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  let t = n.type ?? 'any';
  if (t === 'array' && n.items) t = `array of ${typeText(n.items)}`;
  const range: string[] = [];
  if (n.minimum !== undefined) range.push(`>= ${n.minimum}`);
  if (n.maximum !== undefined) range.push(`<= ${n.maximum}`);
  if (n.minItems !== undefined) range.push(`>= ${n.minItems} items`);
  return range.length ? `${t} (${range.join(', ')})` : t;
}

function rows(node: SchemaNode, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${key}`;
    const required = node.required?.includes(key) ? 'yes' : node.else?.required?.includes(key) ? 'yes (rnn)' : node.then?.required?.includes(key) ? 'yes (gemm)' : 'no';
    const description = (child.description ?? '').replace(/\|/g, '\\|').replace(/</g, '&lt;');
    out.push(`| \`${path}\` | ${typeText(child)} | ${required} | ${description} |`);
    if (child.properties) rows(child, `${path}.`, out);
  }
}

export function renderHeaderFieldTable(): string {
  const out = ['| field | type | required | meaning (unit) |', '|---|---|---|---|'];
  rows(traceSchema() as SchemaNode, '', out);
  return out.join('\n');
}
