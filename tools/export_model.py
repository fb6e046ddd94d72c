#!/usr/bin/python3
"""Export a PyTorch LSTM or GRU for rnnsim: weights as safetensors plus a model card.

Writes, in the output directory,
  model.safetensors  the recurrent core's parameters under torch's nn.LSTM / nn.GRU state_dict names,
                     unprefixed (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0,
                     ..._reverse), plus embedding.weight, head.weight, head.bias; float32
  model.json         the model card (schemas/model-card.schema.json in the rnnsim repository): torch's
                     constructor arguments (cell, input_size, hidden_size, num_layers, bias, batch_first,
                     bidirectional, proj_size), the embedding, the head, the metric and the data.
Needs only torch (Debian: apt-get install python3-torch); safetensors is written by hand.

From your own script (the usual way):

    import sys; sys.path.insert(0, "/path/to/rnnsim/tools")
    from export_model import export_model, write_split
    export_model("exported/my-model", rnn=net.rnn, embedding=net.embedding, head=net.head,
                 head_type="classifier", classes=["neg", "pos"],
                 data={"validation": "data/validation", "test": "data/test"})
    write_split("exported/my-model/data/test", x_test, lengths=len_test, labels=y_test)

`module=net` instead of rnn/embedding/head takes the submodules named rnn, embedding and head.

From the command line, with a file written by torch.save (a whole module, or a state_dict, or a dict
holding one under "state_dict" or "model"):

    /usr/bin/python3 tools/export_model.py checkpoint.pt --out exported/my-model \\
        --head-type classifier --classes neg,pos --test-data data/test

The core is found by its weight_ih_l0 tensor; the embedding and head by the prefixes --embedding-prefix
(default embedding.) and --head-prefix (default head.). The topology of a state_dict is read from the
tensor names and shapes.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

import numpy as np
import torch

CARD_FORMAT_VERSION = 1
CORE_KINDS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")


def write_safetensors(path, tensors, metadata=None):
    """Writes a dict name -> tensor (or array) as float32 safetensors: sorted keys, 8-byte aligned data."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(metadata[k]) for k in sorted(metadata)}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        value = tensors[name]
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        arr = np.ascontiguousarray(np.asarray(value).astype("<f4"))
        raw = arr.tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * ((8 - (8 + len(js)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def write_split(directory, inputs, lengths=None, labels=None):
    """Writes one data split the way rnnsim reads it: inputs.npy (float32 [N, T, I] or integer token ids
    [N, T]), and optionally lengths.npy (valid steps of each sequence) and labels.npy (class of each)."""
    os.makedirs(directory, exist_ok=True)
    x = inputs.detach().cpu().numpy() if isinstance(inputs, torch.Tensor) else np.asarray(inputs)
    if x.ndim == 3:
        x = x.astype(np.float32)
    elif x.ndim == 2:
        if not np.issubdtype(x.dtype, np.integer):
            raise ValueError("token ids [N, T] must be integers (float inputs need three dimensions [N, T, I])")
        x = x.astype(np.int64)
    else:
        raise ValueError(f"inputs must be [N, T, I] floats or [N, T] token ids, got shape {x.shape}")
    np.save(os.path.join(directory, "inputs.npy"), x)
    for name, v in (("lengths", lengths), ("labels", labels)):
        if v is None:
            continue
        a = v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)
        if a.shape != (x.shape[0],):
            raise ValueError(f"{name} must have shape [{x.shape[0]}], got {a.shape}")
        np.save(os.path.join(directory, name + ".npy"), a.astype(np.int64))


def _core_name(key):
    for kind in CORE_KINDS:
        if key.startswith(kind + "_l"):
            return True
    return False


def topology_of_module(rnn):
    """Card fields of an nn.LSTM / nn.GRU from its constructor arguments."""
    if not isinstance(rnn, (torch.nn.LSTM, torch.nn.GRU)):
        raise TypeError(f"rnn must be a torch.nn.LSTM or torch.nn.GRU, got {type(rnn).__name__}")
    return {
        "cell": "lstm" if isinstance(rnn, torch.nn.LSTM) else "gru",
        "input_size": int(rnn.input_size),
        "hidden_size": int(rnn.hidden_size),
        "num_layers": int(rnn.num_layers),
        "bias": bool(rnn.bias),
        "batch_first": bool(rnn.batch_first),
        "bidirectional": bool(rnn.bidirectional),
        "proj_size": int(getattr(rnn, "proj_size", 0)),
        "dropout": float(rnn.dropout),
    }


def topology_of_state(core):
    """Card fields of a recurrent core from its (unprefixed) state_dict names and shapes."""
    if "weight_ih_l0" not in core or "weight_hh_l0" not in core:
        raise ValueError("no weight_ih_l0 / weight_hh_l0 in the state_dict: not an nn.LSTM / nn.GRU")
    rows, input_size = core["weight_ih_l0"].shape
    proj = core["weight_hr_l0"].shape[0] if "weight_hr_l0" in core else 0
    hidden = core["weight_hr_l0"].shape[1] if proj else core["weight_hh_l0"].shape[1]
    if rows == 4 * hidden:
        cell = "lstm"
    elif rows == 3 * hidden:
        cell = "gru"
    else:
        raise ValueError(f"weight_ih_l0 has {rows} rows: expected 4 x hidden (LSTM) or 3 x hidden (GRU), hidden = {hidden}")
    layers = 0
    while f"weight_ih_l{layers}" in core:
        layers += 1
    return {
        "cell": cell,
        "input_size": int(input_size),
        "hidden_size": int(hidden),
        "num_layers": layers,
        "bias": "bias_ih_l0" in core,
        "bidirectional": "weight_ih_l0_reverse" in core,
        "proj_size": int(proj),
    }


def _state_of(module):
    return {k: v for k, v in module.state_dict().items()}


def export_model(out_dir, rnn=None, embedding=None, head=None, module=None, head_type=None, classes=None,
                 vocabulary=None, embedding_vocabulary=None, readout="last_step", metric=None, name=None, description=None, data=None,
                 dataset=None, command=None, seed=None, metrics=None, training=None, hyperparameters=None,
                 notes=None, core_state=None, topology=None, embedding_weight=None, head_weight=None, head_bias=None):
    """Writes out_dir/model.safetensors and out_dir/model.json; returns the card's path.

    rnn / embedding / head: torch modules (nn.LSTM or nn.GRU, nn.Embedding, nn.Linear), or module: one
    whose submodules are named rnn, embedding (optional) and head (optional). (core_state + topology +
    embedding_weight / head_weight / head_bias: the same from bare tensors, as the command line uses.)
    head_type: "classifier" (default with a head), "language_model" or "none" (default without one).
    classes: class names (default: their number); vocabulary: a language model's tokens (default: their
    number); embedding_vocabulary: the token of each embedding row (bundled text data sets such as
    spam-words encode with it; a language model's vocabulary serves both); readout: "last_step" (output at the last valid step) or "final_state" (torch's h_n of the
    last layer; differs for a bidirectional model). metric: accuracy, bits_per_char, perplexity or
    agreement (default by head). data: {"train"|"validation"|"test": path relative to out_dir} or
    dataset: a bundled rnnsim data set. The rest is provenance, copied into the card.
    """
    if module is not None:
        rnn = rnn if rnn is not None else getattr(module, "rnn", None)
        embedding = embedding if embedding is not None else getattr(module, "embedding", None)
        head = head if head is not None else getattr(module, "head", None)
        if rnn is None:
            raise ValueError("module has no submodule named rnn: pass rnn=... (and embedding=..., head=...)")
    if rnn is not None:
        topology = topology_of_module(rnn)
        core_state = _state_of(rnn)
    if core_state is None or topology is None:
        raise ValueError("give rnn=<nn.LSTM or nn.GRU> (or module=...)")
    if embedding is not None:
        if not isinstance(embedding, torch.nn.Embedding):
            raise TypeError(f"embedding must be a torch.nn.Embedding, got {type(embedding).__name__}")
        embedding_weight = embedding.weight
    if head is not None:
        if not isinstance(head, torch.nn.Linear):
            raise TypeError(f"head must be a torch.nn.Linear, got {type(head).__name__}")
        head_weight, head_bias = head.weight, head.bias

    tensors = {}
    for key, value in core_state.items():
        if not _core_name(key):
            raise ValueError(f"unexpected tensor {key!r} in the recurrent core")
        tensors[key] = value
    card = {"format_version": CARD_FORMAT_VERSION}
    if name is not None:
        card["name"] = name
    if description is not None:
        card["description"] = description
    card.update(topology)
    d = 2 if topology["bidirectional"] else 1
    h_out = topology["proj_size"] or topology["hidden_size"]

    if embedding_weight is not None:
        num, dim = embedding_weight.shape
        if dim != topology["input_size"]:
            raise ValueError(f"embedding_dim {dim} != the core's input_size {topology['input_size']}")
        card["embedding"] = {"num_embeddings": int(num), "embedding_dim": int(dim)}
        if embedding is not None and embedding.padding_idx is not None:
            card["embedding"]["padding_idx"] = int(embedding.padding_idx)
        if embedding_vocabulary is not None:
            if len(embedding_vocabulary) != num:
                raise ValueError(f"{len(embedding_vocabulary)} embedding vocabulary tokens for {num} embedding rows")
            card["embedding"]["vocabulary"] = list(embedding_vocabulary)
        tensors["embedding.weight"] = embedding_weight

    if head_type is None:
        head_type = "none" if head_weight is None else "classifier"
    if head_type == "none":
        if head_weight is not None:
            raise ValueError("head_type none, but a head was given")
        card["head"] = {"type": "none"}
    else:
        if head_weight is None:
            raise ValueError(f"head_type {head_type} needs a head (nn.Linear)")
        rows, width = head_weight.shape
        if width != d * h_out:
            raise ValueError(f"head in_features {width} != the core's output width {d * h_out} (directions x {h_out})")
        if head_type == "classifier":
            names = list(classes) if classes is not None else int(rows)
            if classes is not None and len(names) != rows:
                raise ValueError(f"{len(names)} classes for a head with {rows} outputs")
            card["head"] = {"type": "classifier", "classes": names, "readout": readout}
        elif head_type == "language_model":
            if embedding_weight is None or embedding_weight.shape[0] != rows:
                raise ValueError("a language model needs an embedding with num_embeddings = the head's outputs")
            tokens = list(vocabulary) if vocabulary is not None else int(rows)
            if vocabulary is not None and len(tokens) != rows:
                raise ValueError(f"{len(tokens)} vocabulary tokens for a head with {rows} outputs")
            card["head"] = {"type": "language_model", "vocabulary": tokens}
        else:
            raise ValueError(f"head_type must be none, classifier or language_model, got {head_type!r}")
        if head_bias is None:
            card["head"]["bias"] = False
        tensors["head.weight"] = head_weight
        if head_bias is not None:
            tensors["head.bias"] = head_bias

    card["weights"] = "model.safetensors"
    card["weights_sha256"] = ""  # filled in once the file is written (keeps the key next to "weights")
    card["dtype"] = "float32"
    if metric is not None:
        card["metric"] = metric
    if dataset is not None and data is not None:
        raise ValueError("give either dataset (a bundled data set) or data (files), not both")
    if dataset is not None:
        card["data"] = {"dataset": dataset}
    elif data is not None:
        card["data"] = dict(data)
    for key, value in (("seed", seed), ("command", command), ("hyperparameters", hyperparameters),
                       ("metrics", metrics), ("training", training), ("notes", notes)):
        if value is not None:
            card[key] = value
    for key, value in tensors.items():
        t = value.detach().float() if isinstance(value, torch.Tensor) else torch.as_tensor(value, dtype=torch.float32)
        if not torch.isfinite(t).all():
            raise ValueError(f"tensor {key} has NaN or infinite values")
        tensors[key] = t
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(os.path.join(out_dir, "model.safetensors"), tensors,
                      {"format": "pt", "torch": torch.__version__, "exported_by": "rnnsim tools/export_model.py"})
    with open(os.path.join(out_dir, "model.safetensors"), "rb") as f:
        card["weights_sha256"] = hashlib.sha256(f.read()).hexdigest()
    path = os.path.join(out_dir, "model.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    return path


def _split_state(state, embedding_prefix, head_prefix):
    """(core state unprefixed, embedding weight, head weight, head bias) from a whole state_dict."""
    ends = [k for k in state if k.endswith("weight_ih_l0")]
    if len(ends) != 1:
        raise ValueError(f"expected one recurrent core (a key ending in weight_ih_l0), found {len(ends)}: {ends}")
    prefix = ends[0][: -len("weight_ih_l0")]
    core = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix) and _core_name(k[len(prefix):])}
    emb = state.get(embedding_prefix + "weight")
    hw = state.get(head_prefix + "weight")
    hb = state.get(head_prefix + "bias")
    used = set(prefix + k for k in core) | {embedding_prefix + "weight", head_prefix + "weight", head_prefix + "bias"}
    left = [k for k in state if k not in used]
    if left:
        raise ValueError(f"tensors not exported (not the core, {embedding_prefix}weight or {head_prefix}weight/bias): {left}; "
                         "set --embedding-prefix / --head-prefix to the submodule names")
    return core, emb, hw, hb


def _main(argv):
    p = argparse.ArgumentParser(description="Export a torch LSTM/GRU checkpoint as rnnsim model.safetensors + model.json.")
    p.add_argument("checkpoint", help="file written by torch.save: a module, a state_dict, or a dict with 'state_dict' / 'model'")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--name", help="model name (default: the output directory's name)")
    p.add_argument("--description")
    p.add_argument("--head-type", choices=["classifier", "language_model", "none"], help="default: classifier with a head, none without")
    p.add_argument("--classes", help="comma-separated class names (default: their number)")
    p.add_argument("--vocabulary-file", help="a language model's tokens, one per line (default: their number)")
    p.add_argument("--embedding-vocabulary-file", help="the token of each embedding row, one per line (for bundled text data sets)")
    p.add_argument("--readout", choices=["last_step", "final_state"], default="last_step")
    p.add_argument("--metric", choices=["accuracy", "bits_per_char", "perplexity", "agreement"])
    p.add_argument("--embedding-prefix", default="embedding.", help="state_dict prefix of the nn.Embedding (default embedding.)")
    p.add_argument("--head-prefix", default="head.", help="state_dict prefix of the nn.Linear head (default head.)")
    p.add_argument("--dataset", help="a bundled rnnsim data set the model is evaluated on")
    p.add_argument("--train-data", help="train split, relative to the output directory")
    p.add_argument("--validation-data", help="validation split, relative to the output directory")
    p.add_argument("--test-data", help="test split, relative to the output directory")
    p.add_argument("--batch-first", action="store_true", help="record batch_first: true (a state_dict does not say)")
    args = p.parse_args(argv)

    obj = torch.load(args.checkpoint, map_location="cpu")
    kwargs = {}
    if isinstance(obj, torch.nn.Module):
        if isinstance(obj, (torch.nn.LSTM, torch.nn.GRU)):
            kwargs["rnn"] = obj
        else:
            sub = {n: m for n, m in obj.named_children()}
            kwargs["rnn"] = next((m for m in sub.values() if isinstance(m, (torch.nn.LSTM, torch.nn.GRU))), None)
            if kwargs["rnn"] is None:
                raise SystemExit(f"{args.checkpoint}: no nn.LSTM / nn.GRU child module")
            kwargs["embedding"] = sub.get(args.embedding_prefix.rstrip("."))
            kwargs["head"] = sub.get(args.head_prefix.rstrip("."))
    else:
        state = obj
        for key in ("state_dict", "model"):
            if isinstance(state, dict) and key in state and isinstance(state[key], dict):
                state = state[key]
        if not isinstance(state, dict):
            raise SystemExit(f"{args.checkpoint}: expected a module or a state_dict, got {type(obj).__name__}")
        core, emb, hw, hb = _split_state(state, args.embedding_prefix, args.head_prefix)
        topology = topology_of_state(core)
        topology["batch_first"] = bool(args.batch_first)
        kwargs.update(core_state=core, topology=topology, embedding_weight=emb, head_weight=hw, head_bias=hb)
    data = {k: v for k, v in (("train", args.train_data), ("validation", args.validation_data), ("test", args.test_data)) if v}
    def lines(path):
        if not path:
            return None
        with open(path, encoding="utf-8") as f:
            return [line.rstrip("\n") for line in f]
    vocabulary = lines(args.vocabulary_file)
    embedding_vocabulary = lines(args.embedding_vocabulary_file)
    path = export_model(
        args.out, head_type=args.head_type, classes=args.classes.split(",") if args.classes else None,
        vocabulary=vocabulary, embedding_vocabulary=embedding_vocabulary, readout=args.readout, metric=args.metric, name=args.name,
        description=args.description, data=data or None, dataset=args.dataset,
        command="tools/export_model.py " + " ".join(argv), **kwargs)
    print(f"wrote {path} and {os.path.join(args.out, 'model.safetensors')}; check with: rnnsim model check {path}")


if __name__ == "__main__":
    _main(sys.argv[1:])
