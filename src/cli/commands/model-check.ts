/**
 * `rnnsim model check CARD|NAME`: reads a model card and its weights and checks them against each
 * other (names, shapes, dtype, NaN/Inf), checks its data (shapes, token ids, labels), and prints
 * the topology, parameters, MACs per timestep and the float32 model's output on one sample.
 */
import { InputError } from '../../errors.js';
import type { SplitName } from '../../datasets/split-rule.js';
import { headLabels, headOutputs } from '../../models/card.js';
import type { EvalData } from '../../models/eval-data.js';
import { loadModel } from '../../models/load-model.js';
import { macsPerStep, parameterCounts, sampleOutput } from '../../models/model-summary.js';
import { textTable } from '../../reports/text-table.js';
import { stringOption, type Command } from '../command.js';
import { DATA_OPTIONS, dataFlags, MODELS_DIR_OPTION } from '../model-options.js';

function fmtValues(values: readonly number[]): string {
  const shown = values.slice(0, 10).map((v) => v.toPrecision(5));
  return `[${shown.join(', ')}${values.length > 10 ? `, ... (${values.length} values)` : ''}]`;
}

export const modelCheckCommand: Command = {
  path: ['model', 'check'],
  summary: 'check a model card against its weights and data; print topology, parameters, MACs per timestep and the float32 output on a sample',
  positionals: 'CARD|NAME',
  options: [MODELS_DIR_OPTION, ...DATA_OPTIONS, { name: 'json', type: 'boolean', description: 'print the summary as JSON' }],
  async run(options, positionals) {
    if (positionals.length !== 1) throw new InputError("give one model: 'rnnsim model check path/to/model.json' or a bundled model's name");
    const model = loadModel(positionals[0], { modelsDir: stringOption(options, 'models-dir') ?? 'models', data: dataFlags(options) });
    const t = model.topology;
    const card = model.card;
    const splits: { split: SplitName; sequences: number; steps: number; labelled: boolean; description: string }[] = [];
    let sampleData: EvalData | null = null;
    for (const split of ['validation', 'test'] as const) {
      if (!model.data.has(split)) continue;
      const d = model.data.load(split);
      splits.push({ split, sequences: d.sequences.length, steps: d.sequences.reduce((a, s) => a + s.steps, 0), labelled: d.task !== 'classification' || d.sequences.every((s) => s.label !== undefined), description: d.description });
      if (split === 'test') sampleData = d;
    }
    const params = parameterCounts(model);
    const macs = macsPerStep(model);
    const sample = sampleOutput(model, sampleData);
    const head = card.head;
    const summary = {
      model: model.name,
      card: model.cardFile,
      bundled: model.bundled,
      weights: { file: model.safetensorsPath, sha256: model.sha256, tensors: model.tensors.size, dtype: model.cardInfo.dtype },
      topology: { ...t, bias: model.cardInfo.bias },
      embedding: card.embedding ? { num_embeddings: card.embedding.num_embeddings, embedding_dim: card.embedding.embedding_dim } : null,
      head: head.type === 'none' ? { type: 'none' } : { type: head.type, outputs: headOutputs(head), ...(head.type === 'classifier' ? { readout: head.readout ?? 'last_step' } : {}) },
      metric: model.metric,
      data: { origin: model.data.origin, splits },
      parameters: params,
      macs_per_step: macs,
      sample,
    };
    if (options['json'] === true) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    }
    const names = headLabels(head);
    const lines: string[][] = [
      ['model', `${model.name}${model.bundled ? ' (bundled)' : ''}: ${model.cardFile}`],
      ['weights', `${model.safetensorsPath}: ${model.tensors.size} tensors, ${model.cardInfo.dtype}, names and shapes as the card says, no NaN or infinite value; sha256 ${model.sha256}`],
      ['core', `${t.cell}, ${t.num_layers} layer(s), input ${t.input_size}, hidden ${t.hidden_size}${t.proj_size ? `, projection ${t.proj_size}` : ''}, ${t.bidirectional ? 'bidirectional' : 'unidirectional'}, ${model.cardInfo.bias ? 'with' : 'without'} biases`],
      ['embedding', card.embedding ? `${card.embedding.num_embeddings} x ${card.embedding.embedding_dim} (token ids 0..${card.embedding.num_embeddings - 1})` : 'none (float inputs)'],
      ['head', head.type === 'none' ? 'none (outputs h)' : `${head.type}, ${headOutputs(head)} outputs${names.length ? ` (${names.slice(0, 5).map((n) => JSON.stringify(n)).join(', ')}${names.length > 5 ? ', ...' : ''})` : ''}${head.type === 'classifier' ? `, readout ${head.readout ?? 'last_step'}` : ''}`],
      ['metric', model.metric],
      ['data', `${model.data.origin}${splits.length ? `; ${splits.map((s) => `${s.split}: ${s.sequences} sequences, ${s.steps} steps${s.labelled ? '' : ', no labels (metric: agreement)'}`).join('; ')}` : ''}`],
      ['parameters', `core ${params.core}, embedding ${params.embedding}, head ${params.head}; total ${params.total} (${params.float32Bytes} bytes as float32)`],
      ['macs_per_step', `core ${macs.core} per timestep (${macs.layers.map((l) => `layer ${l.layer}: ${l.total}`).join(', ')}); head ${macs.head} per ${macs.headPer === 'none' ? '-' : macs.headPer} (float32, not in traces)`],
      ['sample', `${sample.source}: ${sample.steps} steps`],
      ['sample_output', `${head.type === 'none' ? 'h at the last step' : 'logits'} ${fmtValues(sample.values)}${sample.top !== undefined ? `; top ${JSON.stringify(sample.top)}` : ''}${sample.label !== undefined ? `; ${head.type === 'language_model' ? 'next token' : 'label'} ${JSON.stringify(sample.label)}` : ''}`],
    ];
    process.stdout.write(`${textTable(['quantity', 'value'], lines)}\n`);
    return 0;
  },
};
