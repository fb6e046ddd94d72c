"""Shared pieces of the PyTorch recipes: data (the .npy files `rnnsim data export` writes),
the model (submodules embedding / rnn / head, so the state_dict names are those rnnsim's model
card expects), metrics with standard errors, and the machine description."""
import json
import math
import os
import platform
import subprocess

import numpy as np
import torch
from torch import nn


def load_split(folder):
    """inputs, labels (numpy), lengths (or None) and the dataset.json manifest of one exported split."""
    with open(os.path.join(folder, 'dataset.json')) as f:
        manifest = json.load(f)
    inputs = np.load(os.path.join(folder, 'inputs.npy'))
    labels = np.load(os.path.join(folder, 'labels.npy'))
    lengths_path = os.path.join(folder, 'lengths.npy')
    lengths = np.load(lengths_path) if os.path.exists(lengths_path) else None
    return inputs, labels, lengths, manifest


def evenly_spread(n, k):
    """k indices spread evenly over range(n): floor(i * n / k), as rnnsim's evaluation subsets."""
    if k >= n:
        return np.arange(n)
    return np.array([(i * n) // k for i in range(k)], dtype=np.int64)


class SequenceModel(nn.Module):
    """Optional embedding -> torch.nn.LSTM/GRU (batch_first) -> linear head.

    readout 'last': the head reads the last valid step (classification);
    'every-step': the head reads every step (language model)."""

    def __init__(self, cell, input_size, hidden_size, num_layers, output_size, readout, vocab_size=None):
        super().__init__()
        self.cell = cell
        self.readout = readout
        self.embedding = nn.Embedding(vocab_size, input_size) if vocab_size else None
        rnn_class = {'lstm': nn.LSTM, 'gru': nn.GRU}[cell]
        self.rnn = rnn_class(input_size, hidden_size, num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, output_size)

    def core_input(self, x):
        return self.embedding(x) if self.embedding is not None else x

    def forward(self, x, lengths=None):
        out, _ = self.rnn(self.core_input(x))
        if self.readout == 'every-step':
            return self.head(out)
        if lengths is None:
            return self.head(out[:, -1])
        idx = (torch.as_tensor(lengths, dtype=torch.long) - 1).view(-1, 1, 1).expand(-1, 1, out.shape[2])
        return self.head(out.gather(1, idx).squeeze(1))


def export_state_dict(model):
    """state_dict with torch.nn.LSTM/GRU names for the core (weight_ih_l0, ...; no 'rnn.' prefix)."""
    out = {}
    for k, v in model.state_dict().items():
        out[k[len('rnn.'):] if k.startswith('rnn.') else k] = v.detach().clone().float().contiguous()
    return out


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())


def proportion_ci95(correct):
    """Accuracy, its standard error and a normal 95% interval from a 0/1 vector."""
    c = np.asarray(correct, dtype=np.float64)
    p = c.mean()
    se = math.sqrt(p * (1 - p) / len(c))
    return p, se, (p - 1.96 * se, p + 1.96 * se)


def paired_difference(a, b):
    """Mean of a - b per example, its standard error and 95% interval (paired: same examples)."""
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    m = d.mean()
    se = d.std(ddof=1) / math.sqrt(len(d)) if len(d) > 1 else float('nan')
    return m, se, (m - 1.96 * se, m + 1.96 * se)


def machine_description():
    cpu = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {'cpu': cpu, 'logical_cpus': os.cpu_count(), 'torch': torch.__version__, 'threads': torch.get_num_threads(),
            'python': platform.python_version(), 'load_average_at_end': os.getloadavg()}


def git_commit():
    try:
        return subprocess.check_output(['git', 'rev-parse', 'HEAD'], cwd=os.path.dirname(__file__), text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return None
