/**
 * The registry of CLI commands. A new command is one file in this folder exporting a
 * Command, plus one line here.
 */
import type { Command } from '../command.js';

import { runCommand } from './run.js';
import { checkCommand } from './check.js';
import { schemaCommand } from './schema.js';
import { benchCommand } from './bench.js';
import { startCommand } from './start.js';
import { docsCommand } from './docs.js';

export const commands: Command[] = [runCommand, checkCommand, schemaCommand, benchCommand, startCommand, docsCommand];
import { traceCommands } from './trace-deepbench.js'; commands.push(...traceCommands); // trace shape | deepbench | check
import { trainCommand } from './train.js'; commands.push(trainCommand); // train --model <bundled model>
import { compareCommand } from './compare.js'; commands.push(compareCommand); // compare --config A --config B --trace T --baseline A
import { validateCommand } from './validate.js'; commands.push(validateCommand); // validate: published figures vs rnnsim
import { accuracyCommand } from './accuracy.js'; commands.push(accuracyCommand); // accuracy: float vs fixed point / ternary / ... with memory footprint
import { traceModelCommand } from './trace-model.js'; commands.push(traceModelCommand); // trace model --model <name> --split test --quant fixed8 -o traces/<name>.json
import { dpsCommands } from './dps.js'; commands.push(...dpsCommands); // dps calibrate | trace | compare
import { modelCheckCommand } from './model-check.js'; commands.push(modelCheckCommand); // model check CARD|NAME: card vs weights vs data, parameters, MACs, a sample
import { deltaTraceCommand } from '../../techniques/delta/command.js'; commands.push(deltaTraceCommand); // delta trace --model <bundled> --theta-input X --theta-hidden Y -o FILE
import { traceGemmCommand } from './trace-gemm.js'; commands.push(traceGemmCommand); // trace gemm --m M --n N --k K -o FILE
import { sweepCommands } from './sweep.js'; commands.push(...sweepCommands); // sweep SPEC | sweep merge | sweep slurm
import { reportCommand } from './report.js'; commands.push(reportCommand); // report DIR: report.html for a sweep or compare folder
