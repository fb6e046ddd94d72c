/** `rnnsim docs`: regenerate docs/config-reference.md from the declarations. */
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { configReferenceMarkdown } from '../../reports/reference-docs.js';
import { writeFileAtomic } from '../../reports/atomic-write.js';

export const docsCommand: Command = {
  path: ['docs'],
  summary: 'write docs/config-reference.md from the component and dataflow declarations',
  options: [{ name: 'out', type: 'string', default: 'docs/config-reference.md', description: 'where to write it' }],
  async run(options) {
    const out = stringOption(options, 'out')!;
    writeFileAtomic(out, configReferenceMarkdown());
    process.stdout.write(`wrote ${out}\n`);
    return 0;
  },
};
