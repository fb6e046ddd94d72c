/**
 * tools/export_model.py from the command line, on a state_dict whose submodules are not named
 * rnn/embedding/head: the exported card and weights load, and rnnsim's float32 outputs match
 * torch's. Needs Debian's python3-torch at /usr/bin/python3; skipped where it is missing (CI
 * installs only npm packages: the committed fixtures of make_user_models.py cover the export there).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/datasets/npy.js';
import { forwardFloat } from '../../src/functional/network.js';
import { loadModel, partsOf } from '../../src/models/load-model.js';
import { sequenceInput } from '../../src/models/inference.js';
import { forEachReadout, makeReadoutScratch } from '../../src/models/readout.js';
import { REPO, tempDir } from '../helpers/context.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

const MAKE = `
import sys, numpy as np, torch
out = sys.argv[1]
torch.manual_seed(5)
class Tagger(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(9, 4)
        self.lstm = torch.nn.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3, batch_first=True)
        self.fc = torch.nn.Linear(6, 3)
net = Tagger().eval()
torch.save({"epoch": 3, "state_dict": net.state_dict()}, out + "/ckpt.pt")
x = torch.randint(0, 9, (5, 7))
with torch.no_grad():
    y, _ = net.lstm(net.emb(x))
    logits = net.fc(y[:, -1])
np.save(out + "/tokens.npy", x.numpy())
np.save(out + "/logits.npy", logits.numpy())
# Without the prefixes, the exporter must refuse the state_dict and name what it would leave out.
sys.path.insert(0, sys.argv[2])
from export_model import _split_state
try:
    _split_state(net.state_dict(), "embedding.", "head.")
    print("NO ERROR")
except ValueError as e:
    print("REFUSED:", e)
`;

describe.skipIf(!hasTorch)('tools/export_model.py (command line)', () => {
  it('exports a prefixed state_dict checkpoint whose outputs rnnsim reproduces within 1e-5; refuses tensors it would drop', () => {
    const { dir, cleanup } = tempDir('rnnsim-export-');
    try {
      const made = spawnSync(PYTHON, ['-c', MAKE, dir, join(REPO, 'tools')], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      expect(made.stdout).toMatch(/REFUSED: tensors not exported .*'emb\.weight', 'fc\.weight', 'fc\.bias'.*set --embedding-prefix \/ --head-prefix/);
      const out = join(dir, 'exported');
      const exp = spawnSync(PYTHON, [join(REPO, 'tools', 'export_model.py'), join(dir, 'ckpt.pt'), '--out', out, '--embedding-prefix', 'emb.', '--head-prefix', 'fc.', '--classes', 'a,b,c', '--batch-first', '--test-data', '../tokens.npy'], { encoding: 'utf8' });
      expect(exp.status, exp.stderr).toBe(0);
      expect(exp.stdout).toMatch(/check with: rnnsim model check/);
      const model = loadModel(join(out, 'model.json'));
      expect(model.name).toBe('exported');
      expect(model.topology).toEqual({ cell: 'lstm', input_size: 4, hidden_size: 6, proj_size: 3, num_layers: 2, bidirectional: true });
      expect(model.card.batch_first).toBe(true);
      // The card names its weights by SHA-256 (computed here from the file, independently of the tool).
      expect(model.card.weights_sha256).toBe(createHash('sha256').update(readFileSync(join(out, 'model.safetensors'))).digest('hex'));
      const parts = partsOf(model);
      const tokens = readNpy(join(dir, 'tokens.npy'));
      const logits = readNpy(join(dir, 'logits.npy'));
      let max = 0;
      for (let k = 0; k < 5; k++) {
        const seq = { steps: 7, tokens: (tokens.data as Int32Array).slice(k * 7, (k + 1) * 7) };
        const o = forwardFloat(parts.rnn, sequenceInput(seq, parts), 7).output;
        forEachReadout(parts, 'classification', o, 7, makeReadoutScratch(parts), (row) => {
          for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(row[c] - logits.data[k * 3 + c]));
        });
      }
      expect(max).toBeLessThan(1e-5);
      // Its test data came from the export flags (every 5th sequence held out for validation).
      expect(model.data.load('test').sequences.length).toBe(4);
    } finally {
      cleanup();
    }
  });
});
