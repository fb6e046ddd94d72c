#!/usr/bin/env python3
"""Static-precision screen of a trained recipe with the emulated rnnsim datapath (quantize.py).

    nice -n 10 /usr/bin/python3 tools/train/evaluate_quant.py MODEL_DIR --data DATA_DIR [--bits 16,8,6,4]

For each precision b, as rnnsim does (src/dps/model-eval.ts setupModel, src/accuracy):
  1. ranges from float inference on the calibration subset of the validation split;
  2. the integer-bit choice (range rule, or one integer bit fewer for the weights and/or the
     activations) with the best metric on that subset, evaluated with b-bit weights and activations
     and 16-bit gates and cell ("accuracy table" semantics);
  3. the DPS design's static b: the chosen integer bits, 16-bit words, every step at b bits: weights
     and matrix-vector inputs (x_t, h_(t-1)) at b bits, gate sums, cell state, activation-unit
     outputs and h_t at 16 bits; evaluated on the validation and test subsets.
Metrics per example (correct 0/1, or bits per character of a segment) give paired differences
against float and against static 16 on the same examples, with standard errors and 95% intervals.
Writes MODEL_DIR/quantization.json and prints a summary.
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
import quantize as Q  # noqa: E402
from common import evenly_spread, load_split, paired_difference  # noqa: E402


class Screen:
    def __init__(self, model_dir, data_dir):
        with open(os.path.join(model_dir, 'model.json')) as f:
            self.card = json.load(f)
        self.state = torch.load(os.path.join(model_dir, 'model.pt'))
        t = self.card['topology']
        self.cell, self.layers, self.lm = t['cell'], t['num_layers'], self.card['task'] == 'language-model'
        self.data = {s: load_split(os.path.join(data_dir, s)) for s in ('validation', 'test')}

    def subset(self, split, k):
        x, y, _, _ = self.data[split]
        idx = evenly_spread(len(x), k)
        x, y = x[idx], y[idx]
        if self.lm:
            x = self.state['embedding.weight'][torch.as_tensor(x).long()]
        return torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y).long()

    def per_example(self, h, y):
        """Metric per example from last-layer hidden states h [B, T, H] (float64 -> the float32 head)."""
        w, b = self.state['head.weight'].double(), self.state['head.bias'].double()
        if self.lm:
            logits = h @ w.t() + b
            nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction='none').view(y.shape)
            return (nll.mean(1) / math.log(2)).numpy()
        logits = h[:, -1] @ w.t() + b
        return (logits.argmax(1) == y).double().numpy()

    def float_hidden(self, x):
        rnn = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}[self.cell](x.shape[2], self.state['weight_hh_l0'].shape[1], self.layers, batch_first=True)
        rnn.load_state_dict({k: v for k, v in self.state.items() if k.startswith(('weight_', 'bias_'))})
        with torch.no_grad():
            return rnn(x)[0].double()

    def run(self, x, y, formats, bits, chunk=128):
        out = []
        for s in range(0, len(x), chunk):
            h = Q.quantized_forward(self.state, self.cell, self.layers, x[s:s + chunk], formats, bits)
            out.append(self.per_example(h, y[s:s + chunk]))
        return np.concatenate(out)

    def metric(self, v):
        return float(v.mean())


def better(a, b, lm):
    return a < b if lm else a > b


def diff_summary(a, b, lm):
    """Loss of a against b (positive = a worse), in accuracy points or bits per character."""
    m, se, ci = paired_difference(b, a) if not lm else paired_difference(a, b)
    scale = 1 if lm else 100
    return {'loss': round(m * scale, 4), 'se': round(se * scale, 4), 'ci95': [round(ci[0] * scale, 4), round(ci[1] * scale, 4)]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model_dir')
    ap.add_argument('--data', required=True)
    ap.add_argument('--bits', default='16,8,6,4')
    ap.add_argument('--calibration', type=int, help='validation examples for ranges and the integer-bit choice (default 200 sequences; 20 segments for LMs)')
    ap.add_argument('--validation', type=int, help='validation examples evaluated (default: as in model.json)')
    ap.add_argument('--test', type=int, help='test examples evaluated (default: as in model.json)')
    args = ap.parse_args()
    torch.set_num_threads(1)
    t0 = time.time()
    sc = Screen(args.model_dir, args.data)
    lm = sc.lm
    n_cal = args.calibration or (20 if lm else 200)
    n_val = args.validation or sc.card['float']['validation']['examples']
    n_test = args.test or sc.card['float']['test']['examples']
    cal_x, cal_y = sc.subset('validation', n_cal)
    ranges = Q.observe_ranges(sc.state, sc.cell, sc.layers, cal_x)
    print('ranges:', json.dumps([{k: round(v, 4) for k, v in r.items()} for r in ranges]), flush=True)
    val_x, val_y = sc.subset('validation', n_val)
    te_x, te_y = sc.subset('test', n_test)
    float_val = sc.per_example(sc.float_hidden(val_x), val_y)
    float_test = sc.per_example(sc.float_hidden(te_x), te_y)
    float_cal = sc.per_example(sc.float_hidden(cal_x), cal_y)
    unit = 'bpc' if lm else 'accuracy'
    print(f'float: calibration {float_cal.mean():.4f}, validation {float_val.mean():.4f}, test {float_test.mean():.4f} ({unit})', flush=True)
    results = {}
    for bits in [int(b) for b in args.bits.split(',')]:
        trials = []
        best = None
        for wd in (0, 1):
            for ad in (0, 1):
                fm = Q.formats_for(ranges, bits, wd, ad)
                key = json.dumps([(l['weight'], l['activation']) for l in fm])
                if any(t['key'] == key for t in trials):
                    continue
                m = sc.metric(sc.run(cal_x, cal_y, fm, bits))
                trials.append({'key': key, 'weight_drop': wd, 'activation_drop': ad, 'metric': round(m, 4), 'formats': Q.describe(fm)})
                if best is None or better(m, best['metric'], lm):
                    best = trials[-1]
                print(f'  {bits} bits, drop w{wd}/a{ad}: calibration {m:.4f}  {Q.describe(fm)[0]}', flush=True)
        dps = Q.formats_for(ranges, bits, best['weight_drop'], best['activation_drop'], element_word_bits=16)
        v = sc.run(val_x, val_y, dps, bits)
        t = sc.run(te_x, te_y, dps, bits)
        results[bits] = {'choice': {'weight_drop': best['weight_drop'], 'activation_drop': best['activation_drop']},
                         'search_trials': [{k: x for k, x in tr.items() if k != 'key'} for tr in trials],
                         'formats_dps': Q.describe(dps), 'step_formats': [{'weight': Q.fmt_name(Q.at_precision(l['weight'], bits)), 'matvec_inputs': Q.fmt_name(Q.at_precision(l['activation'], bits))} for l in dps],
                         'validation': round(sc.metric(v), 4), 'test': round(sc.metric(t), 4),
                         'validation_vs_float': diff_summary(v, float_val, lm), 'test_vs_float': diff_summary(t, float_test, lm),
                         '_val': v, '_test': t}
        print(f'static {bits}: validation {v.mean():.4f} ({results[bits]["validation_vs_float"]}), test {t.mean():.4f} ({results[bits]["test_vs_float"]}) '
              f'[{(time.time() - t0) / 60:.1f} min]', flush=True)
    if 16 in results:
        for bits, r in results.items():
            r['test_vs_static16'] = diff_summary(r['_test'], results[16]['_test'], lm)
            r['validation_vs_static16'] = diff_summary(r['_val'], results[16]['_val'], lm)
    for r in results.values():
        del r['_val'], r['_test']
    out = {'model': sc.card['recipe'], 'metric': unit, 'loss_unit': 'bits per character' if lm else 'accuracy points',
           'semantics': 'DPS static b: weights and matrix-vector inputs at b bits, gates/cell/element-wise at 16 bits; 256-entry LUTs; formats from validation ranges (quantize.py, bit-exact with rnnsim)',
           'calibration_examples': n_cal, 'validation_examples': len(val_x), 'test_examples': len(te_x),
           'ranges': ranges, 'float': {'calibration': round(float(float_cal.mean()), 4), 'validation': round(float(float_val.mean()), 4), 'test': round(float(float_test.mean()), 4)},
           'static': {str(b): r for b, r in results.items()}, 'minutes': round((time.time() - t0) / 60, 1)}
    with open(os.path.join(args.model_dir, 'quantization.json'), 'w') as f:
        json.dump(out, f, indent=2)
    # The summary also goes into model.json, next to the float metrics.
    sc.card['quantization_emulation'] = {
        'file': 'quantization.json', 'semantics': out['semantics'], 'calibration_examples': n_cal,
        'static': {b: {'validation': r['validation'], 'test': r['test'], 'test_loss_vs_float': r['test_vs_float'],
                       'test_loss_vs_static16': r.get('test_vs_static16'), 'formats_layer0': r['formats_dps'][0]} for b, r in out['static'].items()}}
    with open(os.path.join(args.model_dir, 'model.json'), 'w') as f:
        json.dump(sc.card, f, indent=2)
    print(f'wrote {args.model_dir}/quantization.json in {out["minutes"]} min', flush=True)


if __name__ == '__main__':
    main()
