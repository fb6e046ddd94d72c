"""The PyTorch recipes (docs/training.md). Standard recipes: torch's default initialisation,
Adam, linear warm-up then cosine decay, global gradient-norm clipping; nothing tuned for or
against low precision. Update counts are set by the time budget of one shared CPU thread."""

RECIPES = {
    # Character LM of State of the Union, 2 x 256 LSTM (the multi-layer model).
    'sotu-char-lstm-2x256': {
        'dataset': 'sotu-chars', 'task': 'language-model', 'cell': 'lstm', 'layers': 2, 'hidden': 256, 'embedding': 64,
        'batch': 16, 'updates': 300, 'lr': 2e-3, 'warmup': 20, 'clip': 1.0, 'seed': 20250101,
        'log_every': 5, 'eval_every': 50, 'eval_quick': 40, 'eval_validation': 400, 'eval_test': 400,
    },
}
