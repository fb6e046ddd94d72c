#!/usr/bin/python3
"""Writes reference weights, inputs and outputs of torch.nn.LSTM / torch.nn.GRU for the TypeScript
functional-model tests (test/functional/float-network.test.ts). CI does not run this: its outputs
are committed. Regenerate with Debian's torch (apt-get install python3-torch):

    /usr/bin/python3 test/reference/make_reference.py

Per case NAME it writes
  NAME.weights.safetensors  the module's state_dict, exactly torch's parameter names
  NAME.io.safetensors       input [batch, seq, input] (batch_first), h0, c0 (LSTM), output, h_n, c_n
                            (LSTM), float32; metadata "topology" = JSON of the module's settings.
safetensors is written by hand by tools/export_model.py's write_safetensors (struct + json, sorted
keys, 8-byte aligned data), so this script needs no safetensors package.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from export_model import write_safetensors  # noqa: E402


def make_case(name, cell, input_size, hidden_size, num_layers, bidirectional, proj_size=0,
              seq_len=6, batch=2, nonzero_state=False, seed=0):
    torch.manual_seed(seed)
    kwargs = dict(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
                  bidirectional=bidirectional, batch_first=True)
    if cell == "lstm":
        kwargs["proj_size"] = proj_size
        module = torch.nn.LSTM(**kwargs)
    else:
        module = torch.nn.GRU(**kwargs)
    module.eval()
    d = 2 if bidirectional else 1
    h_out = proj_size if proj_size > 0 else hidden_size
    x = torch.randn(batch, seq_len, input_size)
    if nonzero_state:
        h0 = 0.5 * torch.randn(num_layers * d, batch, h_out)
        c0 = 0.5 * torch.randn(num_layers * d, batch, hidden_size)
    else:
        h0 = torch.zeros(num_layers * d, batch, h_out)
        c0 = torch.zeros(num_layers * d, batch, hidden_size)
    with torch.no_grad():
        if cell == "lstm":
            out, (h_n, c_n) = module(x, (h0, c0))
        else:
            out, h_n = module(x, h0)
    write_safetensors(os.path.join(HERE, name + ".weights.safetensors"), dict(module.state_dict()),
                      {"format": "pt"})
    io = {"input": x, "h0": h0, "output": out, "h_n": h_n}
    if cell == "lstm":
        io["c0"] = c0
        io["c_n"] = c_n
    topology = {"cell": cell, "input_size": input_size, "hidden_size": hidden_size, "proj_size": proj_size,
                "num_layers": num_layers, "bidirectional": bidirectional}
    write_safetensors(os.path.join(HERE, name + ".io.safetensors"), io,
                      {"topology": json.dumps(topology, sort_keys=True), "torch": torch.__version__})


if __name__ == "__main__":
    make_case("lstm_bidir_2layer", "lstm", 5, 7, 2, True, seed=1)
    make_case("gru_2layer", "gru", 5, 7, 2, False, seed=2)
    make_case("gru_bidir_2layer", "gru", 5, 7, 2, True, nonzero_state=True, seed=3)
    make_case("lstmp_bidir_2layer", "lstm", 5, 7, 2, True, proj_size=3, nonzero_state=True, seed=4)
    make_case("lstm_1layer", "lstm", 5, 7, 1, False, nonzero_state=True, seed=5)
