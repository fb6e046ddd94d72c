/**
 * The registry of CLI commands. A new command is one file in this folder exporting a
 * Command, plus one line here.
 */
import type { Command } from '../command.js';

export const commands: Command[] = [];
import { traceCommands } from './trace-deepbench.js'; commands.push(...traceCommands); // trace shape | deepbench | check
