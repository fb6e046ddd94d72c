/**
 * The registry of CLI commands. A new command is one file in this folder exporting a
 * Command, plus one line here.
 */
import type { Command } from '../command.js';

import { runCommand } from './run.js';
import { checkCommand } from './check.js';
import { schemaCommand } from './schema.js';

export const commands: Command[] = [runCommand, checkCommand, schemaCommand];
import { traceCommands } from './trace-deepbench.js'; commands.push(...traceCommands); // trace shape | deepbench | check
