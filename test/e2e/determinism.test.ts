import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.js';
import { runFiles } from '../../src/reports/run-files.js';
import { EPUR_YAML, REPO } from '../helpers/context.js';

describe('determinism', () => {
  it('the same run twice gives byte-identical result files', async () => {
    const trace = join(REPO, 'traces', 'deepbench', 'lstm-h512-b1-t25.json');
    const a = runFiles(await simulate(EPUR_YAML, trace));
    const b = runFiles(await simulate(EPUR_YAML, trace));
    expect([...a.keys()]).toEqual(['summary.json', 'timesteps.csv', 'layers.csv', 'energy.csv', 'area.csv', 'tech-resolved.json']);
    expect(Buffer.from(b.get('summary.json')!)).toEqual(Buffer.from(a.get('summary.json')!));
    for (const [name, text] of a) expect(b.get(name), name).toBe(text);
    // Paths in summary.json are relative to the package, so the bytes do not depend on the checkout.
    const summary = JSON.parse(a.get('summary.json')!) as { config: { file: string }; trace: { file: string } };
    expect(summary.config.file).toBe('configs/epur.yaml');
    expect(summary.trace.file).toBe('traces/deepbench/lstm-h512-b1-t25.json');
  });
});

