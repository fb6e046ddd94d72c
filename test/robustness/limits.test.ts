/**
 * Limits up front (issue 12): inputs whose declared sizes would exhaust memory or time are
 * refused before the work starts, with exit 1 and a message naming the file, the field and the
 * limit; --set-limit raises a limit for one run. Each case is one the issue measured failing
 * (a hang, an abort at 2.8 GB, or exit 2 with a stack trace).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shapeTraceHeader } from '../../src/traces/shape.js';
import { loadModel } from '../../src/models/load-model.js';
import { EPUR_YAML, REPO, runCli, tempDir, writeEpurText } from '../helpers/context.js';

const { dir, cleanup } = tempDir('rnnsim-limits-');
afterAll(() => cleanup());

/** A shape-only trace with `edit` applied to its header object (numbers written as given, e.g. 1e300). */
function traceWith(name: string, edit: (h: Record<string, any>) => void): string {
  const h = JSON.parse(JSON.stringify(shapeTraceHeader({ cell: 'lstm', input_size: 8, hidden_size: 8, timesteps: 3, name }))) as Record<string, any>;
  edit(h);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(h));
  return file;
}

describe('trace headers declaring impossible work are refused before any loop over them', () => {
  it('num_layers 1e300: trace check exits 1 at once naming /model/num_layers and the layers limit', async () => {
    const t = traceWith('layers-1e300', (h) => (h.model.num_layers = 1e300));
    const r = await runCli(['trace', 'check', t]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/layers-1e300\.json: \/model\/num_layers is 1e\+300 layers, more than rnnsim accepts: the layers limit is 1024 layers; raise it with --set-limit layers=N/);
  });

  it('num_layers 1e9: run exits 1 (it aborted at 2.8 GB)', async () => {
    const t = traceWith('layers-1e9', (h) => (h.model.num_layers = 1e9));
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', t]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/model\/num_layers is 1000000000 layers/);
  });

  it('a sequence of 1e300 timesteps: run exits 1 naming the workload and the layer_timesteps limit', async () => {
    const t = traceWith('steps-1e300', (h) => (h.workload.sequence_lengths_timesteps = [1e300]));
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', t]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sequence_lengths_timesteps.*is 1e\+300 timesteps.*layer_timesteps limit is 100000000/);
  });

  it('hidden_size 2^25: refused by the vector_elements limit (16,777,216)', async () => {
    const t = traceWith('wide', (h) => (h.model.hidden_size = 2 ** 25));
    const r = await runCli(['trace', 'check', t]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/model\/hidden_size is 33554432 elements.*vector_elements limit is 16777216/);
  });

  it('work past 2^53 MACs is refused even with the macs limit at its largest (2^53 - 1)', async () => {
    // 4 gates x 2^23 x (2^23 + 2^23) = 2^49 MACs per step; x 2^10 steps x 1 layer = 2^59.
    const t = traceWith('macs-2-59', (h) => {
      h.model.input_size = 2 ** 23;
      h.model.hidden_size = 2 ** 23;
      h.workload.sequence_lengths_timesteps = [1024];
    });
    const r = await runCli(['trace', 'check', t, '--set-limit', `macs=${Number.MAX_SAFE_INTEGER}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is 576460752303423500 MACs, more than rnnsim accepts: the macs limit is 9007199254740991 MACs$/m);
  });

  it('a GEMM of 2^20 x 2^20 x 2^20 is refused by the macs limit', async () => {
    const file = join(dir, 'gemm.json');
    writeFileSync(file, JSON.stringify({ format_version: 1, name: 'gemm', workload_kind: 'gemm', gemm: { m: 2 ** 20, n: 2 ** 20, k: 2 ** 20 }, precision: { weight_bits: 8, activation_bits: 8 }, sparsity: { weight_density: 1 }, provenance: { generator: 'test', source: 'test', assumptions: [] } }));
    const r = await runCli(['trace', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GEMM work m x n x k is 1152921504606847000 MACs.*macs limit is 100000000000000/);
  });

  it('--set-limit raises a limit for one run: 2000 layers refused by default, accepted with layers=4096', async () => {
    const t = traceWith('layers-2000', (h) => (h.model.num_layers = 2000));
    expect((await runCli(['trace', 'check', t])).code).toBe(1);
    const raised = await runCli(['trace', 'check', '--set-limit', 'layers=4096', t]);
    expect(raised.stderr).toBe('');
    expect(raised.code).toBe(0);
    // The next run is back at the default.
    expect((await runCli(['trace', 'check', t])).code).toBe(1);
  });

  it('bad --set-limit flags are refused with the list of limits', async () => {
    const unknown = await runCli(['check', EPUR_YAML, '--set-limit', 'layer=5']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown limit 'layer'; the limits are input_file_bytes, .*, macs/);
    const bad = await runCli(['check', EPUR_YAML, '--set-limit=macs=-1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--set-limit macs=-1: expected an integer from 1 to 9007199254740991 \(MACs\), found '-1'/);
    const missing = await runCli(['check', EPUR_YAML, '--set-limit']);
    expect(missing.code).toBe(1);
  });
});

describe('input files: size, nesting, aliases, error counts', () => {
  it('check /dev/zero exits 1 at the input_file_bytes limit (it reached 7.7 GB)', async () => {
    const r = await runCli(['check', '/dev/zero']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/dev\/zero: YAML file is more than 67108864 bytes, larger than rnnsim reads: the input_file_bytes limit is 67108864 bytes/);
  });

  it('a config file over the limit is refused from its size alone', async () => {
    const file = writeEpurText(dir, 'big.yaml', (t) => `${t}\n# ${'x'.repeat(2000)}\n`);
    const r = await runCli(['check', file, '--set-limit', 'input_file_bytes=1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/big\.yaml: YAML file is \d+ bytes, larger than rnnsim reads: the input_file_bytes limit is 1000 bytes/);
  });

  it('a trace header nested 100,000 levels deep exits 1 (it overflowed the stack: exit 2)', async () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, `{"format_version":1,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const r = await runCli(['trace', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deep\.json: at \/x\/0\/0.*: objects and arrays nest more than 64 levels deep: the nesting_depth limit is 64 levels/);
  });

  it('an undefined YAML alias is an error at its line (it was exit 2)', async () => {
    const file = writeEpurText(dir, 'alias.yaml', (t) => t.replace(/^clock_mhz: .*$/m, 'clock_mhz: *nope'));
    const r = await runCli(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/alias\.yaml: line \d+, column 12: invalid YAML: alias \*nope has no anchor &nope before it/);
  });

  it('a YAML alias bomb exits 1 naming the yaml_aliases limit (it was exit 2)', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const n = String.fromCharCode(97 + i);
      const p = String.fromCharCode(96 + i);
      lines.push(`${n}: &${n} [${Array(10).fill(`*${p}`).join(', ')}]`);
    }
    const file = join(dir, 'bomb.yaml');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bomb\.yaml: invalid YAML: aliases \(\*name\) expand to more than the 100 values allowed.*yaml_aliases limit is 100/);
  });

  it('40,000 unknown keys: the first 20 errors and a count of the rest, within seconds', async () => {
    const extra = Array.from({ length: 40_000 }, (_, i) => `unknown_key_${i}: 1`).join('\n');
    const file = writeEpurText(dir, 'keys.yaml', (t) => `${t}\n${extra}\n`);
    const start = Date.now();
    const r = await runCli(['check', file]);
    const ms = Date.now() - start;
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(22); // the first line, 20 errors, the count
    expect(lines[21]).toBe('  ... and 39980 more (only 20 are shown: --set-limit errors_shown=N shows more)');
    // Not a timing assertion on speed, a bound on the quadratic blow-up the issue measured (20 s).
    console.log(`40,000 unknown keys rejected in ${ms} ms`);
  });
});

describe('repeated keys are refused, not silently resolved to the last', () => {
  it('a trace header with a key twice exits 1 at the second one (last one won before)', async () => {
    const t = traceWith('dup', () => undefined);
    writeFileSync(t, readFileSync(t, 'utf8').replace('"name":"dup"', '"name":"dup","name":"other"'));
    const r = await runCli(['trace', 'check', t]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dup\.json: invalid JSON at line 1, column \d+: expected each property name once per object; "name" appears again/);
  });

  it('a config with a key twice exits 1 at its line', async () => {
    const file = writeEpurText(dir, 'dup.yaml', (t) => t.replace(/^clock_mhz: .*$/m, (line) => `${line}\n${line}`));
    const r = await runCli(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dup\.yaml: line \d+, column 1: invalid YAML: duplicate key 'clock_mhz'/);
  });
});

describe('runs whose schedule would not fit in memory are refused before they start', () => {
  const tpu = join(REPO, 'configs', 'tpu-v1.yaml');
  const trace = join(REPO, 'traces', 'deepbench', 'lstm-h512-b1-t25.json');

  it('a 1 x 1 TPU array on lstm-h512-b1-t25 (52,428,800 tiles; it reached 4.6 GB in 120 s) exits 1 at the array', async () => {
    const r = await runCli(['run', '--config', tpu, '--trace', trace, '--set', 'components.systolic_array.rows=1', '--set', 'components.systolic_array.cols=1', '--set', 'narrow_datapath=requantize']);
    expect(r.code).toBe(1);
    // 25 steps x ceil(1024 / 1) x ceil(2048 / 1) tiles.
    expect(r.stderr).toMatch(/tpu-v1\.yaml: .*\(at components\.systolic_array\): the schedule of this trace on a 1 x 1 array is 52428800 tiles, more than rnnsim accepts: the tiles limit is 5000000 tiles/);
  });

  it('a 32 x 32 array fits (51,200 tiles)', async () => {
    const r = await runCli(['run', '--config', tpu, '--trace', trace, '--set', 'components.systolic_array.rows=32', '--set', 'components.systolic_array.cols=32', '--set', 'narrow_datapath=requantize']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('E-PUR runs whose tile jobs would fill the heap are refused before the jobs are made', () => {
  // An LSTM of 256 inputs and 256 units, 3 steps, in 1-row tiles, with a 1 KiB input buffer:
  // 8192 bits, double-buffered, at 16 bits = 256 elements a chunk.
  const small = (): string => traceWith('tile-jobs', (h) => {
    h.model.input_size = 256;
    h.model.hidden_size = 256;
  });
  const tiny = ['--set', 'dataflow.tile_rows=1', '--set', 'components.input_buffer.size_kib=1'];

  it('step by step: 4 gate slices x 256 rows x 2 chunks of [x h] x 1 step a pass = 2048 jobs, refused at 2047', async () => {
    const config = join(REPO, 'configs', 'epur-step-by-step.yaml');
    const refused = await runCli(['run', '--config', config, '--trace', small(), ...tiny, '--set-limit', 'tile_jobs=2047']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/epur-step-by-step\.yaml: dataflow\.tile_rows \(set by --set dataflow\.tile_rows=1\): the tile jobs of this trace's passes in 1-row tiles .* is 2048 jobs, more than rnnsim accepts: the tile_jobs limit is 2047 jobs/);
    const ran = await runCli(['run', '--config', config, '--trace', small(), ...tiny, '--set-limit', 'tile_jobs=2048']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
  });

  it('a finished layer lets its jobs go: two such layers hold 2048 jobs at a time, not 4096', async () => {
    const config = join(REPO, 'configs', 'epur-step-by-step.yaml');
    const twoLayers = traceWith('tile-jobs-2', (h) => {
      h.model.input_size = 256;
      h.model.hidden_size = 256;
      h.model.num_layers = 2;
    });
    const ran = await runCli(['run', '--config', config, '--trace', twoLayers, ...tiny, '--set-limit', 'tile_jobs=2048']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
  });

  it('MWL: the input-side pass repeats each of its 256 rows for the 3 steps of its window (768 a slice), the recurrent pass once (256): 4096 jobs', async () => {
    const refused = await runCli(['run', '--config', EPUR_YAML, '--trace', small(), ...tiny, '--set-limit', 'tile_jobs=4095']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is 4096 jobs, more than rnnsim accepts: the tile_jobs limit is 4095 jobs/);
    const ran = await runCli(['run', '--config', EPUR_YAML, '--trace', small(), ...tiny, '--set-limit', 'tile_jobs=4096']);
    expect(ran.stderr).toBe('');
  });

  it('a 65536-unit LSTM in 1-row tiles (it aborted out of memory at 5.6 GB) exits 1 at the default limit', async () => {
    // configs/epur.yaml runs MWL: its first passes are the input-side passes over W_x. Each gate
    // slice: 65536 rows x 32 chunks of 2048 of its 65536 inputs (8 KiB input buffer,
    // double-buffered, 16 bits) x the 2 steps of its window = 4,194,304 jobs; the second slice
    // brings the run to 8,388,608.
    const wide = traceWith('wide-tiles', (h) => {
      h.model.input_size = 65536;
      h.model.hidden_size = 65536;
      h.workload.sequence_lengths_timesteps = [2];
    });
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', wide, '--set', 'dataflow.tile_rows=1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is 8388608 jobs, more than rnnsim accepts: the tile_jobs limit is 5000000 jobs; raise it with --set-limit tile_jobs=N/);
  });
});

describe('ESE runs whose sparse layouts would not fit are refused before any is built', () => {
  const ese = join(REPO, 'configs', 'ese.yaml');
  // An LSTM of 8 inputs and 8 units at density 0.5 on configs/ese.yaml's 32 PEs per channel.
  const tinySparse = (): string => traceWith('tiny-sparse', (h) => (h.sparsity = { weight_density: 0.5 }));

  it('32 x 8 input and recurrent matrices: a 256-byte mask + 32 PEs x 8 columns x 8 bytes x 2 matrices, twice (also joined) = 8448 bytes, refused at 8447', async () => {
    const refused = await runCli(['run', '--config', ese, '--trace', tinySparse(), '--set-limit', 'sparse_layout_bytes=8447']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ese\.yaml: line \d+, column \d+ \(at dataflow\.pes_per_channel\): the sparse layouts of this trace over 32 PEs .* is 8448 bytes, more than rnnsim accepts: the sparse_layout_bytes limit is 8447 bytes/);
    const ran = await runCli(['run', '--config', ese, '--trace', tinySparse(), '--set-limit', 'sparse_layout_bytes=8448']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
  });

  it('a 65536-unit LSTM (exit 2 from a 16 GiB typed array before) exits 1 at the default limit', async () => {
    // Largest matrix 4 x 65536 rows x 65536 columns = 17,179,869,184 bytes of mask, + 32 PEs x
    // 65536 columns x 8 bytes x 2 matrices x 2 (also joined) = 67,108,864.
    const wide = traceWith('wide-sparse', (h) => {
      h.model.input_size = 65536;
      h.model.hidden_size = 65536;
      h.sparsity = { weight_density: 0.1 };
    });
    const r = await runCli(['run', '--config', ese, '--trace', wide, '--set', 'components.weight_buffer.size_kib=1024']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is 17246978048 bytes, more than rnnsim accepts: the sparse_layout_bytes limit is 536870912 bytes/);
  });

  it('a weight buffer too small for the average PE is refused from the trace\'s counts, before the layouts (a 16384-unit LSTM took 53 s and 2.2 GB to be refused after them)', async () => {
    // [W_x W_h]: 32 rows x 16 columns, 128 + 128 non-zeros of 16-bit weights + 4-bit indices, and
    // a 16-bit pointer per PE and column, in one chunk (16 columns < fetch_columns 64):
    // (256 x 20 + 32 x 16 x 16) / 32 PEs = 416 bits = 52 bytes; 2 staging chunks need 832 bits.
    const refused = await runCli(['run', '--config', ese, '--trace', tinySparse(), '--set', 'components.weight_buffer.size_kib=0.1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot hold 2 chunks of 64 columns \(at least 52 bytes per PE, the average chunk\)/);
    // 0.125 KiB = 1024 bits holds them (the balanced layout gives every PE exactly the average).
    const ran = await runCli(['run', '--config', ese, '--trace', tinySparse(), '--set', 'components.weight_buffer.size_kib=0.125']);
    expect(ran.stderr).toBe('');
  });
});

describe('runs whose step records would fill the heap are refused before they start', () => {
  // Batch 2 over lengths [5, 3, 4, 1]: lockstep groups [5, 3] and [4, 1] walk 5 + 4 = 9 steps, in
  // each of 2 layers x 2 directions: 36 step records (one row each of timesteps.csv).
  const grouped = (): string =>
    traceWith('grouped', (h) => {
      h.model.num_layers = 2;
      h.model.bidirectional = true;
      h.workload = { batch_size: 2, sequence_lengths_timesteps: [5, 3, 4, 1] };
    });

  it('36 step records are refused at a limit of 35, naming the trace and the step_records limit', async () => {
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', grouped(), '--set-limit', 'step_records=35']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/grouped\.json: the steps this run records \(.*\) is 36 steps, more than rnnsim accepts: the step_records limit is 35 steps/);
  });

  it('and run at a limit of 36, with 36 rows in timesteps.csv', async () => {
    const out = join(dir, 'grouped-out');
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', grouped(), '--set-limit', 'step_records=36', '--out', out]);
    expect(r.stderr).toBe('');
    expect(readFileSync(join(out, 'timesteps.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 36);
  });

  it('ESE runs a batch one sequence after another: 5 + 3 + 4 + 1 = 13 timesteps x 4 layer-directions = 52 records', async () => {
    const ese = join(REPO, 'configs', 'ese.yaml');
    const r = await runCli(['run', '--config', ese, '--trace', grouped(), '--set-limit', 'step_records=51']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/grouped\.json: the steps this run records \(as the ese dataflow counts them\) is 52 steps, more than rnnsim accepts: the step_records limit is 51 steps/);
    expect((await runCli(['run', '--config', ese, '--trace', grouped(), '--set-limit', 'step_records=52'])).stderr).not.toMatch(/step_records/);
  });

  it('the default (4,000,000) refuses a 5,000,000-step sequence at once (8,000,000 steps peaked at 4.0 GB, next to the 4.1 GB default heap of V8)', async () => {
    const r = await runCli(['run', '--config', EPUR_YAML, '--trace', traceWith('five-million', (h) => (h.workload.sequence_lengths_timesteps = [5_000_000]))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is 5000000 steps, more than rnnsim accepts: the step_records limit is 4000000 steps/);
  });
});

describe('model cards declaring impossible sizes are refused before anything is listed per layer', () => {
  it('num_layers 1e9 in a card (it filled a 4 GB heap) is an InputError naming the card, the key and the limit', () => {
    const card = join(dir, 'huge-card.json');
    writeFileSync(card, JSON.stringify({ cell: 'lstm', input_size: 3, hidden_size: 4, num_layers: 1e9, head: { type: 'none' }, weights: 'none.safetensors' }));
    expect(() => loadModel(card)).toThrow(/huge-card\.json: .*num_layers.*is 1000000000 layers, more than rnnsim accepts: the layers limit is 1024 layers/);
  });
});
