/** `rnnsim check`: validate architecture configs and explain every error. */
import type { Command } from '../command.js';
import { loadArchitecture } from '../../config/load-architecture.js';
import { techFor } from '../../config/technology.js';
import { InputError } from '../../errors.js';

export const checkCommand: Command = {
  path: ['check'],
  summary: 'validate architecture configs (YAML syntax, schema, roles, technology table, DRAM preset)',
  positionals: '<config.yaml>...',
  options: [],
  async run(_options, positionals) {
    if (positionals.length === 0) throw new InputError('give at least one config file to check');
    for (const file of positionals) {
      const config = loadArchitecture(file);
      techFor(config);
      const roles = Object.entries(config.roles)
        .map(([role, p]) => `${role}: ${Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`)
        .join('\n    ');
      process.stdout.write(`ok: ${file}: '${config.name}', dataflow ${config.dataflow.kind}, ${config.clockMhz} MHz, ${config.technology.node_nm} nm\n    ${roles}\n`);
    }
    return 0;
  },
};
