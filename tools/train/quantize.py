"""PyTorch emulation of rnnsim's fixed-point datapath (docs/functional-model.md, src/functional/
integer-lstm-cell.ts, integer-gru-cell.ts) and of its post-training format choice
(src/accuracy/fixed-point-formats.ts), to screen models quickly. Integer codes are held in float64
tensors: every product and sum of the datapath is an integer below 2^53, so BLAS float64 GEMMs are
exact and the codes equal rnnsim's. Where this differs from rnnsim:
  - the 48-bit accumulator saturation is not applied (it cannot trigger at these word lengths);
  - it processes a batch of sequences at once (rnnsim one at a time): same arithmetic.
Formats: Qm.n as (m, n), m including the sign bit.
"""
import math

import torch

SIGMOID_SPEC = (256, 8)   # (entries, range): LUT over [-8, 8)
TANH_SPEC = (256, 4)      # LUT over [-4, 4)
INTERMEDIATE_WORD_BITS = 16
DT = torch.float64


def integer_bits_for(max_abs):
    """Fewest m (sign included) with 2^(m-1) > max_abs; at least 1 (post-training.ts integerBitsFor)."""
    m = 1
    while 2 ** (m - 1) <= max_abs:
        m += 1
    return m


def fmt_name(f):
    return f'Q{f[0]}.{f[1]}'


def saturate(codes, f):
    hi = 2 ** (f[0] + f[1] - 1) - 1
    return codes.clamp_(-hi - 1, hi)


def quantize(x, f):
    """Float -> code: round half to even, saturate."""
    return saturate(torch.round(x.to(DT) * 2.0 ** f[1]), f)


def requant(codes, frac_in, f):
    """Code with frac_in fractional bits -> format f: round half to even (exact power-of-two scaling), saturate."""
    shift = f[1] - frac_in
    return saturate(torch.round(codes * 2.0 ** shift), f)


class Lut:
    """rnnsim's 'lut' activation unit (activation-tables.ts): clamp to [-range, range), index =
    floor((x + range) * entries / 2range) in input codes, entry = round-half-even(f(bin midpoint))."""

    def __init__(self, fn, spec, fmt_in, fmt_out):
        entries, rng = spec
        self.lo = -rng * 2 ** fmt_in[1]
        self.span = 2 * rng * 2 ** fmt_in[1]
        self.entries = entries
        step = 2 * rng / entries
        mids = torch.tensor([-rng + (k + 0.5) * step for k in range(entries)], dtype=DT)
        vals = torch.sigmoid(mids) if fn == 'sigmoid' else torch.tanh(mids)
        self.table = quantize(vals, fmt_out)

    def __call__(self, codes):
        t = (codes - self.lo).clamp_(0, self.span - 1)
        idx = torch.floor(t * self.entries / self.span).long()
        return self.table[idx]


def layer_params(state, layer):
    return (state[f'weight_ih_l{layer}'], state[f'weight_hh_l{layer}'], state[f'bias_ih_l{layer}'], state[f'bias_hh_l{layer}'])


@torch.no_grad()
def observe_ranges(state, cell, num_layers, inputs):
    """Per layer max |.| of the parameters, of layer inputs and hidden states, of gate
    pre-activations and of the cell state, from float64 inference (range-observer.ts).
    inputs: float [B, T, I] (already embedded)."""
    ranges = []
    x = inputs.to(DT)
    for l in range(num_layers):
        wih, whh, bih, bhh = [p.to(DT) for p in layer_params(state, l)]
        H = whh.shape[1]
        r = {'weight': max(float(p.abs().max()) for p in (wih, whh, bih, bhh)), 'activation': float(x.abs().max()), 'gate': 0.0, 'cell': 0.0}
        B, T, _ = x.shape
        h = x.new_zeros(B, H)
        c = x.new_zeros(B, H)
        xp = x @ wih.t() + bih
        out = []
        for t in range(T):
            hh = h @ whh.t() + bhh
            if cell == 'lstm':
                g = xp[:, t] + hh
                r['gate'] = max(r['gate'], float(g.abs().max()))
                i, f, gg, o = g.chunk(4, 1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(gg)
                h = torch.sigmoid(o) * torch.tanh(c)
                r['cell'] = max(r['cell'], float(c.abs().max()))
            else:
                xr, xz, xn = xp[:, t].chunk(3, 1)
                hr, hz, hn = hh.chunk(3, 1)
                pr, pz = xr + hr, xz + hz
                rr = torch.sigmoid(pr)
                pn = xn + rr * hn
                r['gate'] = max(r['gate'], float(pr.abs().max()), float(pz.abs().max()), float(pn.abs().max()))
                n = torch.tanh(pn)
                z = torch.sigmoid(pz)
                h = (1 - z) * n + z * h
            out.append(h)
        x = torch.stack(out, 1)
        r['activation'] = max(r['activation'], float(x.abs().max()))
        ranges.append(r)
    return ranges


def formats_for(ranges, word_bits, weight_drop=0, activation_drop=0, element_word_bits=None):
    """fixed-point-formats.ts fixedPointConfig: weights and activations at word_bits with range-derived
    integer bits (minus the drops), gates and cell at 16 bits. element_word_bits (DPS, widenFormats):
    the same integer bits, the activation/weight words widened to that many bits (the step then runs at
    word_bits for the matrix-vector operands only)."""
    def word(m, w):
        m = max(1, min(m, w - 1))
        return (m, w - m)
    out = []
    for r in ranges:
        mw = integer_bits_for(r['weight']) - weight_drop
        ma = integer_bits_for(max(r['activation'], 1.0)) - activation_drop
        w = word(mw, word_bits)
        a = word(ma, word_bits)
        if element_word_bits:
            w = (w[0], element_word_bits - w[0])
            a = (a[0], element_word_bits - a[0])
        out.append({'weight': w, 'activation': a,
                    'gate': word(integer_bits_for(r['gate']), INTERMEDIATE_WORD_BITS),
                    'cell': word(integer_bits_for(r['cell']), INTERMEDIATE_WORD_BITS)})
    return out


def at_precision(f, bits):
    """formatsAtPrecision: keep integer bits, at most bits - m fractional bits."""
    return (f[0], min(f[1], bits - f[0]))


@torch.no_grad()
def quantized_forward(state, cell, num_layers, inputs, formats, step_bits):
    """Hidden states of the last layer, dequantized, [B, T, H], with every step at step_bits
    (weights and matrix-vector inputs at min(word, step_bits); gates, cell, activations as formats)."""
    x_float = inputs.to(DT)
    prev_codes, prev_frac = None, None
    for l in range(num_layers):
        lf = formats[l]
        A, G, C = lf['activation'], lf['gate'], lf['cell']
        Wb = at_precision(lf['weight'], step_bits)
        As = at_precision(A, step_bits)
        wih, whh, bih, bhh = layer_params(state, l)
        # Weights quantized at the static word, then (if the step is narrower) requantized: the
        # low-precision code is derived from the static-precision code, as quantized-params.ts does.
        def wq(p):
            c = quantize(p, lf['weight'])
            return requant(c, lf['weight'][1], Wb) if Wb != lf['weight'] else c
        Wih, Whh, Bih, Bhh = wq(wih), wq(whh), wq(bih), wq(bhh)
        na, nas, ng, nc = A[1], As[1], G[1], C[1]
        acc_frac = Wb[1] + nas
        sig = Lut('sigmoid', SIGMOID_SPEC, G, A)
        tanh_g = Lut('tanh', TANH_SPEC, G, A)
        xa = quantize(x_float, A) if l == 0 else requant(prev_codes, prev_frac, A)
        xs = requant(xa, na, As)
        B, T, _ = xs.shape
        H = Whh.shape[1]
        h = xs.new_zeros(B, H)
        out = torch.empty(B, T, H, dtype=DT)
        if cell == 'lstm':
            tanh_c = Lut('tanh', TANH_SPEC, C, A)
            c = xs.new_zeros(B, H)
            F = max(na + nc, 2 * na)
            bias = (Bih + Bhh) * 2.0 ** nas
            for t in range(T):
                hs = requant(h, na, As)
                acc = torch.addmm(bias, xs[:, t], Wih.t())
                acc.addmm_(hs, Whh.t())
                pre = requant(acc, acc_frac, G)
                pi, pf, pg, po = pre.chunk(4, 1)
                i, f, o, g = sig(pi), sig(pf), sig(po), tanh_g(pg)
                c = requant(f * c * 2.0 ** (F - na - nc) + i * g * 2.0 ** (F - 2 * na), F, C)
                h = requant(o * tanh_c(c), 2 * na, A)
                out[:, t] = h
        else:
            bx, bh = Bih * 2.0 ** nas, Bhh * 2.0 ** nas
            for t in range(T):
                hs = requant(h, na, As)
                ax = torch.addmm(bx, xs[:, t], Wih.t())
                ah = torch.addmm(bh, hs, Whh.t())
                axr, axz, axn = ax.chunk(3, 1)
                ahr, ahz, ahn = ah.chunk(3, 1)
                r = sig(requant(axr + ahr, acc_frac, G))
                z = sig(requant(axz + ahz, acc_frac, G))
                hn = requant(ahn, acc_frac, G)
                npre = saturate(requant(axn, acc_frac, G) + requant(r * hn, na + ng, G), G)
                n = tanh_g(npre)
                h = requant(n * 2.0 ** na + z * (h - n), 2 * na, A)
                out[:, t] = h
        prev_codes, prev_frac = out, na
    return prev_codes * 2.0 ** -prev_frac


def describe(formats):
    return [{k: fmt_name(v) for k, v in lf.items()} for lf in formats]
