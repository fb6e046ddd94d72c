/** `rnnsim check`: validate architecture configs, explain every error, and warn about starved designs. */
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { loadArchitecture } from '../../config/load-architecture.js';
import { techFor } from '../../config/technology.js';
import { readLatencyFindings } from '../../config/read-latency-warnings.js';
import { InputError } from '../../errors.js';
import { SET_OPTION, overridesOf } from '../set-option.js';
import { readTrace, verifyPayload } from '../../traces/reader.js';
import { workloadFromTrace } from '../../dataflows/workload.js';
import { fitTraceToDatapath } from '../../dataflows/datapath-width.js';

export const checkCommand: Command = {
  path: ['check'],
  summary: "validate architecture configs (YAML syntax, schema, roles, technology table, DRAM preset) and warn when a design starves a unit or a buffer's read latency is shorter than its access time",
  positionals: '<config.yaml>...',
  options: [
    { name: 'trace', type: 'string', description: 'trace header (JSON): also warn about what depends on the workload (weights that stream from DRAM, DRAM bandwidth)' },
    SET_OPTION,
  ],
  async run(options, positionals) {
    if (positionals.length === 0) throw new InputError('give at least one config file to check');
    const overrides = overridesOf(options);
    const tracePath = stringOption(options, 'trace');
    const given = tracePath === undefined ? undefined : { path: tracePath, trace: await readTrace(tracePath, { verifyChecksum: false }) };
    if (given) await verifyPayload(given.trace);
    for (const file of positionals) {
      const config = loadArchitecture(file, { overrides });
      // At the widths the run would use: a trace wider than the datapath is refused here too.
      const workload = given === undefined ? undefined : workloadFromTrace(given.trace.header, fitTraceToDatapath(config, given.trace.header, given.path));
      const tech = techFor(config);
      const latency = readLatencyFindings(config, tech);
      const roles = Object.entries(config.roles)
        .map(([role, r]) => `${role}: ${r.kind} ${Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`)
        .join('\n    ');
      process.stdout.write(`ok: ${file}: '${config.name}', dataflow ${config.dataflow.kind}, ${config.clockMhz} MHz, ${config.technology.node_nm} nm\n    ${roles}\n`);
      const diagnostics = config.dataflow.diagnose?.({ clockMhz: config.clockMhz, dataflowParams: config.dataflowParams, roles: config.roles, workload }) ?? [];
      for (const d of diagnostics) process.stdout.write(`  warning: ${d.message}\n`);
      for (const f of latency) {
        if (f.outsideGrid !== null) process.stdout.write(`  warning: components.${f.role}: priced on the 64-bit-port curve, outside the CACTI grid: ${f.outsideGrid}\n`);
        if (!f.check.ok) process.stdout.write(`  warning: components.${f.role}: ${f.check.message} (${f.accessFrom}); the simulation uses the configured latency\n`);
      }
    }
    return 0;
  },
};
