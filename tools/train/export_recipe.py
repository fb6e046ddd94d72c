#!/usr/bin/env python3
"""Bundle a trained recipe (train.py + evaluate_quant.py output) as an rnnsim model.

    /usr/bin/python3 tools/train/export_recipe.py RUN_DIR --name NAME --dataset BUNDLED_DATASET \\
        --data DATA_DIR [--out models/NAME] [--reference test/reference/trained/NAME.json] [--reference-examples K]

RUN_DIR holds model.pt, model.json (train.py) and quantization.json (evaluate_quant.py); DATA_DIR the
`rnnsim data export` splits the recipe was trained on. Writes
  OUT/model.safetensors, OUT/model.json  with tools/export_model.py: the card, with the recipe,
                                         training provenance, float metrics and the static-precision
                                         screen (metrics, notes);
  OUT/README.md                          the model card for people: data, split, recipe, results;
  REFERENCE                              outputs of K test sequences (the first K of rnnsim's evenly
                                         spread subset, floor(i N / K)): torch's float32 head outputs
                                         and metric, and the emulated fixed-point datapath's output
                                         codes and metric at every screened precision (quantize.py,
                                         with the screen's formats), for test/models/trained-models.test.ts.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import quantize as Q  # noqa: E402
from common import SequenceModel, evenly_spread, load_split  # noqa: E402
from export_model import export_model  # noqa: E402


def parse_format(name):
    """'Q2.14' -> (2, 14)."""
    m, n = name[1:].split('.')
    return int(m), int(n)


def torch_model(card, state):
    t = card['topology']
    lm = card['task'] == 'language-model'
    vocab = state['embedding.weight'].shape[0] if lm else None
    m = SequenceModel(t['cell'], t['input_size'], t['hidden_size'], t['num_layers'], state['head.weight'].shape[0],
                      'every-step' if lm else 'last', vocab_size=vocab)
    m.load_state_dict({('rnn.' + k if k.startswith(('weight_', 'bias_')) else k): v for k, v in state.items()})
    m.eval()
    return m


def per_example_metric(logits, y, lm):
    """float64 per-example metric from logits: correct 0/1, or bits per character of a segment."""
    if lm:
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), y.reshape(-1), reduction='none').view(y.shape)
        return (nll.mean(1) / math.log(2)).tolist()
    return (logits.argmax(-1) == y).double().tolist()


@torch.no_grad()
def reference(card, state, quant, data_dir, k):
    t = card['topology']
    lm = card['task'] == 'language-model'
    x, y, _, _ = load_split(os.path.join(data_dir, 'test'))
    n_split = len(x)
    idx = [int(i) for i in evenly_spread(n_split, k)]
    xs, ys = x[idx], torch.as_tensor(y[idx]).long()
    model = torch_model(card, state)
    logits = model(torch.as_tensor(xs))
    steps = [0, xs.shape[1] // 2, xs.shape[1] - 1] if lm else None
    out = {
        'model': card['recipe'], 'split': 'test', 'split_size': n_split, 'subset': k, 'indices': idx,
        'float': {
            'source': f'torch {torch.__version__} float32 ({"nn.Embedding -> " if lm else ""}nn.{t["cell"].upper()} -> nn.Linear), this script',
            'per_example': per_example_metric(logits, ys, lm),
        },
    }
    if lm:
        out['float']['logit_steps'] = steps
        out['float']['logits'] = [[logits[i, s].tolist() for s in steps] for i in range(len(idx))]
    else:
        out['float']['logits'] = logits.tolist()
    # Fixed point: the screen's formats (16-bit words, integer bits chosen per precision), every step at b bits.
    emb = state['embedding.weight'][torch.as_tensor(xs).long()] if lm else torch.as_tensor(xs)
    w, b = state['head.weight'].double(), state['head.bias'].double()
    fixed = {'source': 'tools/train/quantize.py quantized_forward (the emulation of rnnsim\'s integer datapath), formats of quantization.json', 'by_bits': {}}
    for bits, r in quant['static'].items():
        fm = [{key: parse_format(v) for key, v in layer.items()} for layer in r['formats_dps']]
        h = Q.quantized_forward(state, t['cell'], t['num_layers'], emb.float(), fm, int(bits))
        frac = fm[-1]['activation'][1]
        codes = torch.round(h * 2.0 ** frac)
        assert torch.equal(codes * 2.0 ** -frac, h)
        hl = h if lm else h[:, -1]
        lg = hl @ w.t() + b
        fixed['by_bits'][bits] = {
            'formats': [{key: list(v) for key, v in layer.items()} for layer in fm],
            'last_step_codes': codes[:, -1].long().tolist(),
            'code_sum': int(codes.sum().item()),
            'code_abs_sum': int(codes.abs().sum().item()),
            'per_example': per_example_metric(lg, ys, lm),
        }
    out['fixed_point'] = fixed
    return out


def fmt_ci(d, digits):
    return f"{d['loss']:+.{digits}f} [{d['ci95'][0]:+.{digits}f}, {d['ci95'][1]:+.{digits}f}]"


def readme(name, card, quant, dataset, rnnsim_card, size_bytes):
    t = card['topology']
    lm = card['task'] == 'language-model'
    unit = 'bits per character' if lm else 'accuracy'
    fl = card['float']
    key = 'bits_per_char' if lm else 'accuracy'
    digits = 4 if lm else 2
    hp = card['hyperparameters']
    lines = [
        f'# {name}',
        '',
        rnnsim_card['description'],
        '',
        f'Weights: `model.safetensors`, {card["parameters"]:,} float32 parameters ({size_bytes / 1e6:.2f} MB), torch\'s',
        'parameter names; card: `model.json` (schemas/model-card.schema.json). Trained with PyTorch by',
        f'`tools/train/train.py {card["recipe"]}` (recipe in tools/train/recipes.py; docs/training.md) and',
        f'bundled by `tools/train/export_recipe.py`.',
        '',
        '## Data',
        '',
        f'Bundled data set `{dataset}` (src/datasets/registry.ts): the sequences `rnnsim data export --dataset {dataset}`',
        'writes, which the model was trained on. Source: ' + rnnsim_card['data'].get('source', '') + '. Split rule: ' + rnnsim_card['data'].get('split_rule', '') + '.',
        f'Split sizes (train / validation / test): {card["data"]["sizes"]["train"]} / {card["data"]["sizes"]["validation"]} / {card["data"]["sizes"]["test"]}'
        + (' segments of 256 predictions.' if lm else ' images.'),
        '',
        '## Training',
        '',
        f'{t["num_layers"]} x {t["hidden_size"]} {t["cell"].upper()}' + (f', embedding {t["input_size"]}' if lm else f', {t["input_size"]} inputs per step')
        + f', linear head; {hp["updates"]} Adam updates of batch {hp["batch"]}' + (f' (windows of {hp["train_window"]} characters)' if 'train_window' in hp else '')
        + f', peak learning rate {hp["lr"]}, {hp["schedule"]}, gradient-norm clipping at {hp["clip"]}, initialisation: {hp["initialisation"]},'
        + f' seed {card["seed"]}. {card["training"]["minutes"]} minutes on one thread of a shared 2-core {card["training"]["machine"]["cpu"]}'
        + f' (torch {card["training"]["machine"]["torch"]}).',
        '',
        '## Results',
        '',
        f'Float32 (torch), evenly spread subsets: validation {fl["validation"][key]} (95% CI {fl["validation"]["ci95"]}, {fl["validation"]["examples"]} examples),'
        + f' test {fl["test"][key]} (95% CI {fl["test"]["ci95"]}, {fl["test"]["examples"]} examples). Trivial baseline: {card["baseline"]["description"]}, {round(card["baseline"]["test"], 4)}.',
        '',
        f'Static precision screen (tools/train/evaluate_quant.py, quantization.json of the run): DPS "static b" semantics (weights',
        'and matrix-vector inputs at b bits, gate sums, cell state and element-wise operations at 16 bits, 256-entry LUT',
        f'activations), formats from {quant["calibration_examples"]} validation examples; {quant["test_examples"]} test and',
        f'{quant["validation_examples"]} validation examples; loss in {"bits per character" if lm else "accuracy points"} (positive = worse), paired',
        'per example, 95% interval:',
        '',
        f'| design | test {unit} | loss vs float (test) | loss vs static 16 (test) | loss vs static 16 (validation) | formats (layer 0, at b bits) |',
        '|---|---|---|---|---|---|',
        f'| float32 | {quant["float"]["test"]} | | | | |',
    ]
    for bits, r in quant['static'].items():
        sf = r['step_formats'][0]
        lines.append(f'| static {bits} | {r["test"]} | {fmt_ci(r["test_vs_float"], digits)} | {fmt_ci(r["test_vs_static16"], digits)} | {fmt_ci(r["validation_vs_static16"], digits)} | weights {sf["weight"]}, inputs {sf["matvec_inputs"]}; gates {r["formats_dps"][0]["gate"]}' + (f', cell {r["formats_dps"][0]["cell"]}' if t['cell'] == 'lstm' else '') + ' |')
    lines += [
        '',
        'The emulation (tools/train/quantize.py) was checked bit for bit against rnnsim\'s integer datapath',
        '(`tools/train/check_emulation.py`: random 2-layer LSTMs and GRUs with saturating formats, steps at 16, 8, 6',
        'and 4 bits, every output code equal), and on this model by test/models/trained-models.test.ts: rnnsim\'s',
        'QuantizedRnn with the formats above gives the emulation\'s output codes and metric on recorded test',
        'sequences (test/reference/trained/), and rnnsim\'s float32 model torch\'s head outputs. `rnnsim dps evaluate`',
        'chooses its own formats on its own validation subset and its dynamic designs read weights most significant',
        'bit first with half-up rounding (docs/dps.md), so its numbers can differ slightly from this screen.',
        '',
    ]
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('run_dir')
    ap.add_argument('--name', required=True)
    ap.add_argument('--dataset', required=True, help='the bundled rnnsim data set with the encoding the recipe was trained on')
    ap.add_argument('--data', required=True, help='the exported splits the recipe was trained on')
    ap.add_argument('--description', required=True)
    ap.add_argument('--out')
    ap.add_argument('--reference')
    ap.add_argument('--reference-examples', type=int, default=4)
    args = ap.parse_args()
    torch.set_num_threads(1)
    root = os.path.dirname(os.path.dirname(HERE))
    out = args.out or os.path.join(root, 'models', args.name)
    ref_path = args.reference or os.path.join(root, 'test', 'reference', 'trained', f'{args.name}.json')
    with open(os.path.join(args.run_dir, 'model.json')) as f:
        card = json.load(f)
    with open(os.path.join(args.run_dir, 'quantization.json')) as f:
        quant = json.load(f)
    with open(os.path.join(args.data, 'test', 'dataset.json')) as f:
        manifest = json.load(f)
    state = torch.load(os.path.join(args.run_dir, 'model.pt'))
    lm = card['task'] == 'language-model'
    t = card['topology']
    core = {k: v for k, v in state.items() if k.startswith(('weight_', 'bias_'))}
    topology = {k: t[k] for k in ('cell', 'input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'bidirectional', 'proj_size')}
    key = 'bits_per_char' if lm else 'accuracy'
    static = {}
    for bits, r in quant['static'].items():
        static[bits] = {'validation': r['validation'], 'test': r['test'], 'test_loss_vs_float': r['test_vs_float'],
                        'test_loss_vs_static16': r['test_vs_static16'], 'validation_loss_vs_static16': r['validation_vs_static16'],
                        'formats_16bit_words': r['formats_dps'], 'step_formats': r['step_formats']}
    metrics = {
        'name': key, 'validation': card['float']['validation'][key], 'test': card['float']['test'][key],
        'float32_torch': card['float'], 'baseline': card['baseline'],
        'static_precision_screen': {
            'tool': 'tools/train/evaluate_quant.py', 'semantics': quant['semantics'], 'loss_unit': quant['loss_unit'],
            'calibration_examples': quant['calibration_examples'], 'validation_examples': quant['validation_examples'],
            'test_examples': quant['test_examples'], 'float32_on_these_examples': quant['float'], 'static': static,
        },
    }
    data_info = {
        'source': manifest['source'], 'split_rule': manifest['split_rule'], 'sizes': card['data']['sizes'],
        'encoding': {'dataset': args.dataset, 'arrays': manifest['arrays'], 'encoder': manifest.get('encoder', manifest.get('encoding'))},
        'notes': {'export_commands': [c.replace('--dataset sotu-chars ', '--dataset sotu-chars-256 ') for c in card['data']['commands']],
                  'evaluated_at_training': card['data']['evaluated']},
    }
    training = {'minutes': card['training']['minutes'], 'machine': card['training']['machine'], 'git_commit': card['training']['git_commit'],
                'history': card['history'], 'parameters': card['parameters']}
    hyper = dict(card['hyperparameters'], recipe=card['recipe'])
    notes = {'emulation_check': 'tools/train/check_emulation.py: quantize.py equals rnnsim\'s integer datapath bit for bit on random 2-layer LSTMs and GRUs at steps of 16, 8, 6 and 4 bits; test/models/trained-models.test.ts checks this model against test/reference/trained/' + args.name + '.json'}
    if manifest.get('dataset') != args.dataset:
        notes['data_name'] = f"trained on data exported when this encoding was named '{manifest.get('dataset')}' in rnnsim data export; the arrays are those of '{args.dataset}'"
    vocab = manifest.get('vocabulary') if lm else None
    export_model(out, core_state=core, topology=topology, embedding_weight=state.get('embedding.weight'),
                 head_weight=state['head.weight'], head_bias=state['head.bias'],
                 head_type='language_model' if lm else 'classifier', classes=None if lm else manifest['classes'],
                 vocabulary=vocab, metric=key, name=args.name, description=args.description, dataset=args.dataset,
                 command=card['command'].replace('OUT_DIR', 'RUN_DIR') + ' && tools/train/evaluate_quant.py RUN_DIR --data DATA_DIR && tools/train/export_recipe.py RUN_DIR --name ' + args.name,
                 seed=card['seed'], metrics=metrics, training=training, hyperparameters=hyper, notes=notes)
    card_path = os.path.join(out, 'model.json')
    with open(card_path) as f:
        written = json.load(f)
    written = {'$schema': '../../schemas/model-card.schema.json', **written}
    data_block = dict(written['data'], **data_info)
    written['data'] = data_block
    with open(card_path, 'w') as f:
        json.dump(written, f, indent=2)
        f.write('\n')
    size = os.path.getsize(os.path.join(out, 'model.safetensors'))
    with open(os.path.join(out, 'README.md'), 'w') as f:
        f.write(readme(args.name, card, quant, args.dataset, written, size))
    ref = reference(card, state, quant, args.data, args.reference_examples)
    os.makedirs(os.path.dirname(ref_path), exist_ok=True)
    with open(ref_path, 'w') as f:
        json.dump(ref, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {out}/model.safetensors ({size} bytes), model.json, README.md and {ref_path} ({os.path.getsize(ref_path)} bytes)')


if __name__ == '__main__':
    main()
