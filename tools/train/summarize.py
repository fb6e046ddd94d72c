#!/usr/bin/env python3
"""Markdown table of trained recipes from their model.json and quantization.json.

    /usr/bin/python3 tools/train/summarize.py OUT/recipe1 OUT/recipe2 ...
"""
import json
import os
import sys


def fmt_loss(d, lm):
    if not d:
        return '-'
    unit = '' if lm else ' pt'
    return f"{d['loss']:+.3f}{unit} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]"


def main():
    rows = []
    for d in sys.argv[1:]:
        with open(os.path.join(d, 'model.json')) as f:
            card = json.load(f)
        q = None
        if os.path.exists(os.path.join(d, 'quantization.json')):
            with open(os.path.join(d, 'quantization.json')) as f:
                q = json.load(f)
        lm = card['task'] == 'language-model'
        t = card['topology']
        key = 'bits_per_char' if lm else 'accuracy'
        fv, ft = card['float']['validation'], card['float']['test']
        static = q['static'] if q else {}
        cells = []
        for b in ('16', '8', '6', '4'):
            r = static.get(b)
            cells.append(f"{r['validation']:.4f} / {r['test']:.4f}, test loss {fmt_loss(r['test_vs_float'], lm)}" if r else '-')
        rows.append([card['recipe'], 'char LM' if lm else 'classification', card['data']['dataset'],
                     f"{t['cell'].upper()} {t['num_layers']}x{t['hidden_size']}" + (f", emb {t['input_size']}" if lm else f", input {t['input_size']}"),
                     str(card['parameters']), f"{fv[key]:.4f} / {ft[key]:.4f} (se {ft['se']:.4f})", f"{card['baseline']['test']:.4f}", *cells,
                     f"{card['training']['minutes']:.0f}"])
    head = ['model', 'task', 'data', 'topology', 'parameters', 'float val / test', 'trivial baseline (test)',
            'static 16 val / test', 'static 8', 'static 6', 'static 4', 'train min']
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')


if __name__ == '__main__':
    main()
