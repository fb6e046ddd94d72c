/**
 * Worker-thread entry of the design evaluator (tinypool runs the default export per task). Each
 * worker keeps one ChunkRunner, so integer weights are built once per worker and formats.
 */
import { ChunkRunner, type ChunkResult, type ChunkTask } from './design-chunk.js';

const runner = new ChunkRunner();

export default function runChunk(task: ChunkTask): Promise<ChunkResult> {
  return runner.run(task);
}
