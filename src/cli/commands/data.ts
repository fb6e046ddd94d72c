/** `rnnsim data export`: a data set split as .npy files, encoded by rnnsim's own code (src/datasets/export.ts). */
import { InputError } from '../../errors.js';
import { EXPORTABLE_DATASETS, findExportableDataset, writeExport } from '../../datasets/export.js';
import type { SplitName } from '../../datasets/split-rule.js';
import { stringOption, type Command } from '../command.js';

const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

export const dataExportCommand: Command = {
  path: ['data', 'export'],
  summary: 'Write one split of a data set as .npy (inputs, labels) plus dataset.json, into a new or empty folder',
  options: [
    { name: 'dataset', type: 'string', description: `data set: ${EXPORTABLE_DATASETS.map((d) => `${d.name} (${d.summary})`).join('; ')}`, required: true },
    { name: 'split', type: 'string', description: 'train, validation or test', required: true },
    { name: 'out', type: 'string', description: 'output folder (must not exist or be empty; nothing is overwritten)', required: true },
  ],
  async run(options) {
    const dataset = findExportableDataset(stringOption(options, 'dataset') ?? '');
    const split = stringOption(options, 'split') ?? '';
    if (!(SPLITS as readonly string[]).includes(split)) throw new InputError(`--split must be one of ${SPLITS.join(', ')}, got '${split}'`);
    const out = stringOption(options, 'out') ?? '';
    const exported = dataset.exportSplit(split as SplitName);
    const files = writeExport(out, exported, { command: `rnnsim data export --dataset ${dataset.name} --split ${split} --out <dir>` });
    for (const a of exported.arrays) process.stdout.write(`${a.file}: [${a.shape.join(', ')}] ${a.description}\n`);
    process.stdout.write(`wrote ${files.length} files to ${out}\n`);
    return 0;
  },
};
