#!/usr/bin/env python3
"""Train one PyTorch recipe on data exported by `rnnsim data export`.

    nice -n 10 /usr/bin/python3 tools/train/train.py RECIPE --data DATA_DIR --out OUT_DIR [--resume]

DATA_DIR holds train/, validation/ and test/ folders written by
`rnnsim data export --dataset <recipe's dataset> --split <split> --out DATA_DIR/<split>`.
OUT_DIR receives model.pt (the state_dict with torch.nn.LSTM/GRU names, see common.export_state_dict),
model.json (hyperparameters, data command, seed, float metrics, trivial baseline, minutes, machine),
checkpoint.pt (for --resume) and progress on stdout. Deterministic: one thread, seeded.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (SequenceModel, count_parameters, evenly_spread, export_state_dict, git_commit, load_split,  # noqa: E402
                    machine_description, proportion_ci95)
from recipes import RECIPES  # noqa: E402


def build_model(r, manifest):
    if r['task'] == 'language-model':
        vocab = len(manifest['vocabulary'])
        return SequenceModel(r['cell'], r['embedding'], r['hidden'], r['layers'], vocab, 'every-step', vocab_size=vocab)
    return SequenceModel(r['cell'], r['input_size'], r['hidden'], r['layers'], len(manifest['classes']), 'last')


def learning_rate(step, total, peak, warmup):
    """Linear warm-up, then cosine decay to 10% of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))


@torch.no_grad()
def evaluate(model, r, inputs, labels, batch=64):
    """Per-example metric: correct (0/1) for classifiers, bits per character of each segment for LMs."""
    model.eval()
    out = []
    for s in range(0, len(inputs), batch):
        x = torch.as_tensor(inputs[s:s + batch])
        y = torch.as_tensor(labels[s:s + batch]).long()
        logits = model(x)
        if r['task'] == 'language-model':
            nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction='none').view(y.shape)
            out.append((nll.mean(1) / math.log(2)).numpy())
        else:
            out.append((logits.argmax(1) == y).float().numpy())
    model.train()
    return np.concatenate(out)


def trivial_baseline(r, train_labels, test_labels):
    if r['task'] == 'language-model':
        counts = np.bincount(train_labels.reshape(-1), minlength=int(max(train_labels.max(), test_labels.max())) + 1).astype(np.float64) + 1
        p = counts / counts.sum()
        return {'description': 'add-one unigram character model fitted on the train split', 'test': float(-np.log2(p[test_labels.reshape(-1)]).mean())}
    majority = int(np.bincount(train_labels).argmax())
    return {'description': f'always the most frequent training class ({majority})', 'test': float((test_labels == majority).mean())}


def summarize(r, per_example):
    if r['task'] == 'language-model':
        m = float(per_example.mean())
        se = float(per_example.std(ddof=1) / math.sqrt(len(per_example)))
        return {'bits_per_char': round(m, 4), 'se': round(se, 4), 'ci95': [round(m - 1.96 * se, 4), round(m + 1.96 * se, 4)], 'examples': len(per_example)}
    p, se, ci = proportion_ci95(per_example)
    return {'accuracy': round(float(p), 4), 'se': round(se, 4), 'ci95': [round(ci[0], 4), round(ci[1], 4)], 'examples': len(per_example)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('recipe', choices=sorted(RECIPES))
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--resume', action='store_true')
    args = ap.parse_args()
    r = RECIPES[args.recipe]
    torch.set_num_threads(1)
    torch.manual_seed(r['seed'])
    np.random.seed(r['seed'])
    os.makedirs(args.out, exist_ok=True)

    tr_x, tr_y, tr_len, manifest = load_split(os.path.join(args.data, 'train'))
    va_x, va_y, _, va_manifest = load_split(os.path.join(args.data, 'validation'))
    te_x, te_y, _, te_manifest = load_split(os.path.join(args.data, 'test'))
    for m, split in ((manifest, 'train'), (va_manifest, 'validation'), (te_manifest, 'test')):
        if m['dataset'] != r['dataset'] or m['split'] != split:
            sys.exit(f"{args.data}/{split}: holds {m['dataset']}/{m['split']}, recipe {args.recipe} needs {r['dataset']}/{split}")
    if tr_len is not None:
        sys.exit('variable-length sequences are not used by these recipes')

    model = build_model(r, manifest)
    opt = torch.optim.Adam(model.parameters(), lr=r['lr'])
    gen = np.random.default_rng(r['seed'])
    step = 0
    elapsed = 0.0
    history = []
    ckpt_path = os.path.join(args.out, 'checkpoint.pt')
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['optimizer'])
        step, elapsed, history = ck['step'], ck['elapsed_s'], ck['history']
        gen.bit_generator.state = ck['numpy_rng']
        torch.set_rng_state(ck['torch_rng'])
        print(f'resumed at update {step}', flush=True)

    val_quick = evenly_spread(len(va_x), r['eval_quick'])
    n_train = len(tr_x)
    order = []
    print(f"{args.recipe}: {r['cell']} {r['layers']}x{r['hidden']}, {count_parameters(model)} parameters, {n_train} training sequences, "
          f"{r['updates']} updates of {r['batch']}", flush=True)
    t0 = time.time() - elapsed
    loss_sum, loss_n = 0.0, 0
    model.train()
    while step < r['updates']:
        # Sampling without replacement within an epoch; the epoch order is drawn from the seeded
        # generator, and the update count fixes where every epoch starts, so --resume replays it.
        epoch, pos = divmod(step * r['batch'], n_train)
        if pos + r['batch'] > n_train:
            pos = 0
            epoch += 1
        if len(order) == 0 or order[0] != epoch:
            perm = np.random.default_rng([r['seed'], epoch]).permutation(n_train)
            order = [epoch, perm]
        idx = order[1][pos:pos + r['batch']]
        x, y = tr_x[idx], tr_y[idx]
        if r.get('train_window'):
            # Language models train on a random window of each segment (seeded by update), so more,
            # cheaper updates fit the time budget; evaluation reads whole segments from a zero state.
            w = r['train_window']
            start = np.random.default_rng([r['seed'], 1, step]).integers(0, x.shape[1] - w + 1, size=len(idx))
            x = np.stack([x[i, s:s + w] for i, s in enumerate(start)])
            y = np.stack([y[i, s:s + w] for i, s in enumerate(start)])
        x = torch.as_tensor(x)
        y = torch.as_tensor(y).long()
        for g in opt.param_groups:
            g['lr'] = learning_rate(step, r['updates'], r['lr'], r['warmup'])
        logits = model(x)
        if r['task'] == 'language-model':
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        else:
            loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), r['clip']))
        opt.step()
        step += 1
        loss_sum += float(loss)
        loss_n += 1
        if step % r['log_every'] == 0 or step == r['updates']:
            el = time.time() - t0
            unit = 'bpc' if r['task'] == 'language-model' else 'nats'
            scale = 1 / math.log(2) if r['task'] == 'language-model' else 1
            print(f'update {step}/{r["updates"]} epoch {epoch} train loss {loss_sum / loss_n * scale:.4f} {unit} |g| {grad_norm:.2f} '
                  f'lr {opt.param_groups[0]["lr"]:.2e} {el / 60:.1f} min ({el / step:.2f} s/update)', flush=True)
            loss_sum, loss_n = 0.0, 0
        if step % r['eval_every'] == 0 or step == r['updates']:
            v = evaluate(model, r, va_x[val_quick], va_y[val_quick])
            history.append({'update': step, 'minutes': round((time.time() - t0) / 60, 2), 'validation_quick': round(float(v.mean()), 4)})
            print(f'  validation ({len(val_quick)} sequences): {v.mean():.4f}', flush=True)
            torch.save({'model': model.state_dict(), 'optimizer': opt.state_dict(), 'step': step, 'elapsed_s': time.time() - t0,
                        'history': history, 'numpy_rng': gen.bit_generator.state, 'torch_rng': torch.get_rng_state()}, ckpt_path)
    minutes = (time.time() - t0) / 60

    va_idx = evenly_spread(len(va_x), r['eval_validation'])
    te_idx = evenly_spread(len(te_x), r['eval_test'])
    print(f'final evaluation: {len(va_idx)} validation, {len(te_idx)} test sequences', flush=True)
    va = evaluate(model, r, va_x[va_idx], va_y[va_idx])
    te = evaluate(model, r, te_x[te_idx], te_y[te_idx])
    np.save(os.path.join(args.out, 'float_validation_per_example.npy'), va)
    np.save(os.path.join(args.out, 'float_test_per_example.npy'), te)
    torch.save(export_state_dict(model), os.path.join(args.out, 'model.pt'))
    card = {
        'recipe': args.recipe,
        'task': r['task'],
        'topology': {'cell': r['cell'], 'input_size': r['embedding'] if r['task'] == 'language-model' else r['input_size'],
                     'hidden_size': r['hidden'], 'num_layers': r['layers'], 'bias': True, 'batch_first': True, 'bidirectional': False,
                     'proj_size': 0, 'embedding': r['task'] == 'language-model', 'readout': 'every step' if r['task'] == 'language-model' else 'last step'},
        'parameters': count_parameters(model),
        'state_dict_names': list(export_state_dict(model).keys()),
        'data': {'dataset': r['dataset'], 'commands': [f'rnnsim data export --dataset {r["dataset"]} --split {s} --out DATA_DIR/{s}' for s in ('train', 'validation', 'test')],
                 'sizes': {'train': int(n_train), 'validation': int(len(va_x)), 'test': int(len(te_x))},
                 'evaluated': {'validation': f'{len(va_idx)} evenly spread (floor(i*N/k))', 'test': f'{len(te_idx)} evenly spread (floor(i*N/k))'}},
        'seed': r['seed'],
        'hyperparameters': {k: r[k] for k in ('batch', 'train_window', 'updates', 'lr', 'warmup', 'clip') if k in r} | {'optimizer': 'Adam (torch defaults)', 'schedule': 'linear warm-up, cosine decay to 10%', 'initialisation': 'torch defaults'},
        'command': f'nice -n 10 /usr/bin/python3 tools/train/train.py {args.recipe} --data DATA_DIR --out OUT_DIR',
        'float': {'validation': summarize(r, va), 'test': summarize(r, te)},
        'baseline': trivial_baseline(r, tr_y, te_y[te_idx]),
        'history': history,
        'training': {'minutes': round(minutes, 1), 'machine': machine_description(), 'git_commit': git_commit()},
    }
    with open(os.path.join(args.out, 'model.json'), 'w') as f:
        json.dump(card, f, indent=2)
    print(json.dumps(card['float']), flush=True)
    print(f'done in {minutes:.1f} min; wrote {args.out}/model.pt and model.json', flush=True)


if __name__ == '__main__':
    main()
