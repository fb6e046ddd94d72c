#!/usr/bin/env python3
"""Checks quantize.py against rnnsim's integer datapath: random 2-layer LSTM and GRU (weights
spread so that some values saturate), random inputs, several formats and step precisions; the
emulated output codes must equal rnnsim's exactly. Needs `npm run build` (uses dist/).

    /usr/bin/python3 tools/train/check_emulation.py
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quantize as Q  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for k in sorted(tensors):
        a = np.ascontiguousarray(tensors[k].detach().numpy().astype('<f4'))
        header[k] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def run_case(cell, formats, step_bits, seed):
    torch.manual_seed(seed)
    rnn = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}[cell](3, 16, 2, batch_first=True)
    with torch.no_grad():
        for p in rnn.parameters():
            p.mul_(6.0)  # weights up to about 1.5: gate sums and cell states reach saturation in narrow formats
    state = {k: v.detach() for k, v in rnn.state_dict().items()}
    x = torch.randn(4, 12, 3) * 1.5
    with tempfile.TemporaryDirectory() as d:
        write_safetensors(os.path.join(d, 'weights.safetensors'), state)
        np.save(os.path.join(d, 'inputs.npy'), x.numpy().astype('<f4'))
        with open(os.path.join(d, 'case.json'), 'w') as f:
            json.dump({'formats': formats, 'step_bits': step_bits}, f)
        subprocess.run(['node', os.path.join(ROOT, 'tools/train/emulation_check.mjs'), d], check=True)
        ref = np.load(os.path.join(d, 'codes.npy'))
    fm = [{k: tuple(v) for k, v in l.items()} for l in formats]
    got = Q.quantized_forward(state, cell, 2, x, fm, step_bits) * 2.0 ** fm[-1]['activation'][1]
    diff = np.abs(got.numpy() - ref).max()
    print(f'{cell} step {step_bits} bits, formats {Q.describe(fm)}: max |code difference| {diff:.0f} over {ref.size} codes', flush=True)
    return diff == 0


def main():
    ok = True
    for cell in ('lstm', 'gru'):
        # DPS-style: 16-bit words, steps at 16, 8 and 6 bits; and a narrow table-style config (8-bit everything but gate/cell).
        wide = [{'weight': [2, 14], 'activation': [3, 13], 'gate': [4, 12], 'cell': [3, 13]}, {'weight': [2, 14], 'activation': [1, 15], 'gate': [5, 11], 'cell': [2, 14]}]
        narrow = [{'weight': [2, 6], 'activation': [2, 6], 'gate': [3, 13], 'cell': [2, 14]}, {'weight': [1, 7], 'activation': [1, 7], 'gate': [3, 13], 'cell': [2, 14]}]
        for formats, bits in ((wide, 16), (wide, 8), (wide, 6), (narrow, 8), (narrow, 4)):
            ok &= run_case(cell, formats, bits, seed=7)
    print('emulation matches rnnsim bit for bit' if ok else 'MISMATCH', flush=True)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
