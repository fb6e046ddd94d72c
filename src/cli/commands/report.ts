/**
 * `rnnsim report DIR`: report.html for a sweep or compare folder (src/reports/html-report.ts).
 * It goes into the folder itself (a sweep's own file, or added to a compare result, which is
 * rewritten whole) unless --out names another file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { InputError } from '../../errors.js';
import { readReportData } from '../../reports/report-data.js';
import { REPORT_MARKER, reportHtml } from '../../reports/html-report.js';
import { readSweepManifest, writeSweepFile } from '../../sweep/sweep-folder.js';
import { RESULT_MANIFEST, writeResultFolder } from '../../output/result-folder.js';
import { textContaining, writeOwnedFile } from '../../output/owned-file.js';

const REPORT_FILE = { ...textContaining(REPORT_MARKER, 'rnnsim report page') };

export const reportCommand: Command = {
  path: ['report'],
  summary: 'write report.html for a sweep or compare folder: Pareto fronts, parameter sensitivity, stall breakdown, a sortable table (self-contained, no network)',
  positionals: '<folder>',
  options: [{ name: 'out', type: 'string', description: 'write the page here instead of <folder>/report.html' }],
  async run(options, positionals) {
    if (positionals.length !== 1) throw new InputError('give one sweep or compare folder');
    const dir = positionals[0];
    const html = await reportHtml(readReportData(dir));
    const out = stringOption(options, 'out');
    if (out !== undefined) {
      writeOwnedFile(out, html, REPORT_FILE);
      process.stdout.write(`wrote ${out}\n`);
      return 0;
    }
    if (readSweepManifest(dir)) {
      writeSweepFile(dir, 'report.html', html);
    } else {
      // A compare result: written again whole, with the page added to its files.
      let manifest: { command: string; files: string[] };
      try {
        manifest = JSON.parse(readFileSync(join(dir, RESULT_MANIFEST), 'utf8')) as { command: string; files: string[] };
      } catch {
        throw new InputError(`has no ${RESULT_MANIFEST}: rnnsim did not write it, so the report is not added to it; give --out FILE`, dir);
      }
      const files = new Map<string, string | Uint8Array>();
      for (const f of manifest.files) if (f !== 'report.html') files.set(f, readFileSync(join(dir, f)));
      files.set('report.html', html);
      writeResultFolder(dir, files, { command: manifest.command });
    }
    process.stdout.write(`wrote ${join(dir, 'report.html')}\n`);
    return 0;
  },
};
