/**
 * `rnnsim validate`: run every validation point (src/validation/points.ts), print the table and
 * write the result folder <out> (validation.md, validation.json) atomically. Exit code 1 if a checked
 * point is outside its bound, a known miss came within its bound (update the entry), or a run failed.
 */
import cliProgress from 'cli-progress';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { runValidation } from '../../validation/run-validation.js';
import { validationJson, validationMarkdown, validationText } from '../../validation/report.js';
import { resultOutput } from '../result-output.js';
import { FORCE_OPTION } from '../command.js';

export const validateCommand: Command = {
  path: ['validate'],
  summary: 'compare rnnsim with every published figure it models; write <out>/validation.md and validation.json',
  options: [{ name: 'out', type: 'string', default: 'results/validation', description: 'result folder for validation.md and validation.json (written atomically)' }, FORCE_OPTION],
  async run(options) {
    const out = resultOutput(options, 'validate')!;
    const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: 'validate [{bar}] {value}/{total} {point}' }, cliProgress.Presets.shades_classic) : undefined;
    let results;
    try {
      bar?.start(1, 0, { point: '' });
      results = await runValidation(undefined, (done, total, id) => {
        bar?.setTotal(total);
        bar?.update(done, { point: id });
      });
    } finally {
      bar?.stop();
    }
    out.write(new Map([['validation.md', validationMarkdown(results)], ['validation.json', validationJson(results)]]));
    process.stdout.write(validationText(results));
    process.stdout.write(`written ${join(out.dir, 'validation.md')} and ${join(out.dir, 'validation.json')}\n`);
    const bad = results.filter((r) => r.status === 'fail' || r.status === 'error' || r.status === 'known_miss_now_within');
    return bad.length > 0 ? 1 : 0;
  },
};
