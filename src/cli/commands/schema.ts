/** `rnnsim schema`: write the architecture JSON Schema generated from the registered kinds. */
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { architectureSchema } from '../../config/architecture-schema.js';
import { textContaining, writeOwnedFile } from '../../output/owned-file.js';

export function architectureSchemaText(): string {
  return JSON.stringify(architectureSchema(), null, 2) + '\n';
}

export const schemaCommand: Command = {
  path: ['schema'],
  summary: 'write schemas/architecture.schema.json from the component and dataflow declarations',
  options: [{ name: 'out', type: 'string', default: 'schemas/architecture.schema.json', description: 'where to write it' }],
  async run(options) {
    const out = stringOption(options, 'out')!;
    writeOwnedFile(out, architectureSchemaText(), textContaining('"title": "rnnsim architecture config"', 'generated architecture JSON Schema'));
    process.stdout.write(`wrote ${out}\n`);
    return 0;
  },
};
