#!/usr/bin/python3
"""Small torch models exported with tools/export_model.py, with their data and torch's own outputs,
for the tests of rnnsim's model path (test/models/). CI does not run this: its outputs are committed
(test/fixtures/user-models/, about 100 KB). Regenerate with Debian's torch:

    /usr/bin/python3 test/reference/make_user_models.py

Each model is trained for a few seconds on a synthetic task (so its metric means something), then
exported. Per model NAME, in test/fixtures/user-models/NAME/:
  model.json, model.safetensors     the export
  data/...                          validation and test data in one of the forms rnnsim reads
  expected/test_output.npy          the recurrent core's output on the test inputs [N, T, D*H_out]
                                    (torch, packed sequences: zeros past each sequence's length)
  expected/test_logits.npy          the head's outputs: [N, classes] at the readout (classifiers), or
                                    [N, T-1, vocabulary] (language model)
Models:
  lstmp-classifier  2-layer LSTM with projection (5 -> 12, proj 6), dense inputs, variable lengths,
                    3 classes read at the last valid step; data as .npy directories
  bigru-classifier  embedding (16 x 6) + 2-layer bidirectional GRU (hidden 10), variable lengths,
                    2 classes read from the final states (torch.cat(h_n[-2], h_n[-1])); data as JSON Lines
  lstm-lm           embedding (10 x 8) + 1-layer LSTM (16) language model, perplexity; token ids .npy,
                    test data only (rnnsim holds out every 5th sequence for validation)
  gru-nohead        1-layer GRU (4 -> 8), no head (metric: agreement); dense inputs .npy, no labels
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from export_model import export_model, write_split  # noqa: E402

OUT = os.path.join(ROOT, "test", "fixtures", "user-models")


class Net(torch.nn.Module):
    """embedding (optional) -> rnn -> head (optional), with torch's packed-sequence semantics."""

    def __init__(self, rnn, embedding=None, head=None, readout="last_step"):
        super().__init__()
        self.embedding = embedding
        self.rnn = rnn
        self.head = head
        self.readout = readout

    def core(self, x, lengths):
        if self.embedding is not None:
            x = self.embedding(x)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        h_n = state[0] if isinstance(state, tuple) else state
        return out, h_n

    def forward(self, x, lengths):
        out, h_n = self.core(x, lengths)
        if self.head is None:
            return out
        if self.readout == "every_step":
            return self.head(out)
        if self.readout == "final_state":
            d = 2 if self.rnn.bidirectional else 1
            last = torch.cat([h_n[-d + i] for i in range(d)], dim=1)
        else:
            last = out[torch.arange(out.shape[0]), lengths - 1]
        return self.head(last)


def train(net, batches, loss_fn, steps, lr=0.01):
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for step in range(steps):
        x, lengths, y = batches(step)
        opt.zero_grad()
        loss = loss_fn(net(x, lengths), y)
        loss.backward()
        opt.step()
    return float(loss)


def fresh(name):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "expected"))
    return d


def save_expected(d, net, x, lengths, lm=False):
    net.eval()
    with torch.no_grad():
        out, _ = net.core(x, lengths)
        np.save(os.path.join(d, "expected", "test_output.npy"), out.numpy().astype(np.float32))
        if net.head is not None:
            logits = net.head(out) if lm else net(x, lengths)
            np.save(os.path.join(d, "expected", "test_logits.npy"), logits.numpy().astype(np.float32))


def lstmp_classifier():
    torch.manual_seed(11)
    g = torch.Generator().manual_seed(12)
    T, I = 12, 5

    def sample(n):
        x = torch.randn(n, T, I, generator=g)
        lengths = torch.randint(4, T + 1, (n,), generator=g)
        mask = (torch.arange(T)[None, :] < lengths[:, None]).float()
        x = x * mask[:, :, None]
        score = (x[:, :, :3] * mask[:, :, None]).sum(dim=1)  # sum of the first three features over valid steps
        return x, lengths, score.argmax(dim=1)

    net = Net(torch.nn.LSTM(I, 12, num_layers=2, proj_size=6, batch_first=True), head=torch.nn.Linear(6, 3))
    train(net, lambda s: sample(64), torch.nn.functional.cross_entropy, 300)
    d = fresh("lstmp-classifier")
    xv, lv, yv = sample(48)
    xt, lt, yt = sample(64)
    net.eval()
    with torch.no_grad():
        acc = float((net(xt, lt).argmax(1) == yt).float().mean())
    write_split(os.path.join(d, "data", "validation"), xv, lengths=lv, labels=yv)
    write_split(os.path.join(d, "data", "test"), xt, lengths=lt, labels=yt)
    export_model(d, module=net, head_type="classifier", classes=["first", "second", "third"], readout="last_step",
                 name="lstmp-classifier", description="2-layer LSTM with projection; class = which of the first three features sums highest over the valid steps",
                 data={"validation": "data/validation", "test": "data/test"}, seed=11,
                 command="/usr/bin/python3 test/reference/make_user_models.py", metrics={"name": "accuracy", "test": round(acc, 4)})
    save_expected(d, net, xt, lt)
    return acc


def bigru_classifier():
    torch.manual_seed(21)
    g = torch.Generator().manual_seed(22)
    T, V = 14, 16

    def sample(n):
        lengths = torch.randint(3, T + 1, (n,), generator=g)
        x = torch.randint(1, V, (n, T), generator=g)
        mask = torch.arange(T)[None, :] < lengths[:, None]
        x = x * mask  # id 0 past the end (never read: packed)
        y = ((x == 3) & mask).sum(1) > ((x == 5) & mask).sum(1)
        return x, lengths, y.long()

    net = Net(torch.nn.GRU(6, 10, num_layers=2, bidirectional=True, batch_first=True),
              embedding=torch.nn.Embedding(V, 6), head=torch.nn.Linear(20, 2), readout="final_state")
    train(net, lambda s: sample(64), torch.nn.functional.cross_entropy, 400)
    d = fresh("bigru-classifier")
    os.makedirs(os.path.join(d, "data"))
    xv, lv, yv = sample(40)
    xt, lt, yt = sample(64)
    net.eval()
    with torch.no_grad():
        acc = float((net(xt, lt).argmax(1) == yt).float().mean())
    names = ["no", "yes"]
    for split, (x, lengths, y) in (("validation", (xv, lv, yv)), ("test", (xt, lt, yt))):
        with open(os.path.join(d, "data", split + ".jsonl"), "w") as f:
            for k in range(x.shape[0]):
                f.write(json.dumps({"tokens": x[k, : lengths[k]].tolist(), "label": names[int(y[k])]}) + "\n")
    export_model(d, module=net, head_type="classifier", classes=names, readout="final_state",
                 name="bigru-classifier", description="embedding + 2-layer bidirectional GRU; yes when token 3 occurs more often than token 5",
                 data={"validation": "data/validation.jsonl", "test": "data/test.jsonl"}, seed=21,
                 command="/usr/bin/python3 test/reference/make_user_models.py", metrics={"name": "accuracy", "test": round(acc, 4)})
    save_expected(d, net, xt, lt)
    return acc


def lstm_lm():
    torch.manual_seed(31)
    g = torch.Generator().manual_seed(32)
    T, V = 20, 10

    def sample(n):
        # Noisy counting: each token is the previous + 1 (mod V), replaced by a random token 20% of the time.
        start = torch.randint(0, V, (n, 1), generator=g)
        x = (start + torch.arange(T)[None, :]) % V
        noise = torch.rand(n, T, generator=g) < 0.2
        return torch.where(noise, torch.randint(0, V, (n, T), generator=g), x)

    net = Net(torch.nn.LSTM(8, 16, batch_first=True), embedding=torch.nn.Embedding(V, 8), head=torch.nn.Linear(16, V),
              readout="every_step")

    def batches(step):
        x = sample(32)
        return x[:, :-1], torch.full((32,), T - 1), x[:, 1:]

    train(net, batches, lambda logits, y: torch.nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1)), 300)
    d = fresh("lstm-lm")
    xt = sample(40)
    write_split(os.path.join(d, "data", "test"), xt)
    net.eval()
    with torch.no_grad():
        logits = net(xt[:, :-1], torch.full((40,), T - 1))
        nats = float(torch.nn.functional.cross_entropy(logits.reshape(-1, V), xt[:, 1:].reshape(-1)))
    export_model(d, module=net, head_type="language_model", vocabulary=[str(i) for i in range(V)], metric="perplexity",
                 name="lstm-lm", description="embedding + LSTM language model of noisy counting sequences (next = previous + 1 mod 10)",
                 data={"test": "data/test"}, seed=31, command="/usr/bin/python3 test/reference/make_user_models.py",
                 metrics={"name": "perplexity", "test_all_40": round(float(np.exp(nats)), 4)})
    save_expected(d, net, xt[:, :-1], torch.full((40,), T - 1), lm=True)
    return float(np.exp(nats))


def gru_nohead():
    torch.manual_seed(41)
    g = torch.Generator().manual_seed(42)
    net = Net(torch.nn.GRU(4, 8, batch_first=True))
    d = fresh("gru-nohead")
    xt = torch.randn(16, 10, 4, generator=g)
    write_split(os.path.join(d, "data", "test"), xt)
    export_model(d, module=net, name="gru-nohead", description="an untrained GRU without a head (outputs h)",
                 data={"test": "data/test"}, seed=41, command="/usr/bin/python3 test/reference/make_user_models.py")
    save_expected(d, net, xt, torch.full((16,), 10))


if __name__ == "__main__":
    print("lstmp-classifier test accuracy", lstmp_classifier())
    print("bigru-classifier test accuracy", bigru_classifier())
    print("lstm-lm test perplexity", lstm_lm())
    gru_nohead()
    print("torch", torch.__version__)
