"""The settings the chapters use: data sets, network sizes, learning rates, grids of λ and p.

One place, shared by a chapter and by its claims test (``tests/test_claims_ch04_ch05.py``
re-runs exactly what the chapter runs).  Only settings live here; the functions that run
them are in :mod:`nnlib.analysis`.
"""

from __future__ import annotations

# --- the settings the chapters use ---------------------------------------------------------
# Sizes are chosen so that every matrix product of training stays below roughly 3·10⁵
# multiply-adds (rows × inputs × units, e.g. 270 × 32 × 32): above that OpenBLAS starts
# threads, and on a busy 2-core machine that made a training run ten times slower.

#: Chapter 4: the order of the activation table and of the race (the modern defaults first).
TABLE_ORDER = ("relu", "gelu", "silu", "sigmoid", "tanh", "identity")
#: Chapter 4, "why non-linearity": the same 2-16-16-1 network with and without ReLU.
CH4_NONLINEAR = dict(data=dict(name="circles", n=400, noise=0.1, val_fraction=0.25, seed=0),
                     train=dict(sizes=[2, 16, 16, 1], optimizer="momentum", lr=0.1, epochs=60,
                                batch_size=32, seed=0))
#: Chapter 4, the same network with each activation on two spirals.  The race itself uses
#: ``lr`` and each activation's recommended initialiser (He for the ReLU family, Xavier for
#: tanh and sigmoid); the grid repeats it for every initialiser in ``inits`` and rate in ``lrs``.
CH4_RACE = dict(data=dict(name="spirals", n=300, noise=0.05, val_fraction=0.25, seed=0),
                train=dict(sizes=[2, 32, 32, 1], optimizer="momentum", epochs=80,
                           batch_size=64, seed=0),
                lr=0.1, init="recommended", inits=("recommended", "he_normal", "xavier_normal"),
                lrs=(0.1, 0.3, 1.0))
#: Chapter 4, dead ReLUs: three hidden layers, plain SGD at a sane and a too-high rate.
CH4_DEAD = dict(data=CH4_RACE["data"],
                train=dict(sizes=[2, 32, 32, 32, 1], activation="relu", optimizer="sgd",
                           epochs=60, batch_size=32, seed=0),
                lrs=(0.1, 2.0))
#: Chapter 5: a small noisy training set (90 points) and a larger validation set (270).
CH5_DATA = dict(name="moons", n=360, noise=0.3, val_fraction=0.75, seed=0)
#: Chapter 5: a network far larger than 90 points need, trained long (full batch).
CH5_OVERFIT = dict(sizes=[2, 32, 32, 1], activation="tanh", optimizer="momentum", lr=0.2,
                   epochs=150, batch_size=90, seed=0)
#: Chapter 5: the penalty strengths λ and drop probabilities p the sliders choose from.
CH5_LAMBDAS = (0.0, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
CH5_DROPOUT = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7)
#: Chapter 5: |w| below this counts as a near-zero weight.
CH5_NEAR_ZERO = 1e-2
#: Chapter 5, batch norm at a high learning rate (the dead-unit set-up of chapter 4).
CH5_HIGH_LR = dict(data=CH4_RACE["data"],
                   train=dict(sizes=[2, 32, 32, 32, 1], activation="relu", optimizer="sgd",
                              lr=2.0, epochs=60, batch_size=32, seed=0))
#: Chapter 5, the regularization lab: noisy moons with the two knobs of overfitting (training
#: points, noise), §1's network trained full-batch (up to 400 points), and the λ and p it offers.
CH5_LAB = dict(n_train=50, noise=0.4, train={**CH5_OVERFIT, "batch_size": 400},
               lambdas=CH5_LAMBDAS, dropouts=(0.0, 0.2, 0.4, 0.5, 0.6))
#: Chapter 5, early stopping: stop when the validation loss has not improved for this many epochs.
CH5_PATIENCE = 20
#: Chapter 5, batch norm as a regulariser: full batches (no noise) against batches of 16.
CH5_BN_BATCHES = (90, 16)
#: Chapter 3, "from gradients to learning": noisy sine, a 1-16-1 tanh network, squared error.
CH3_LEARNING = dict(data=dict(name="sine", n=160, noise=0.1, val_fraction=0.25, seed=0),
                    sizes=(1, 16, 1), activation="tanh", seed=0)
#: Chapter 3: full-batch gradient descent with a too small, a good and a too large rate.
CH3_RATES = dict(lrs=(0.05, 1.0, 2.5), steps=100)
#: Chapter 3: mini-batch training with a validation set (nnlib.training.train).
CH3_MINIBATCH = dict(lr=0.5, epochs=60, batch_size=16, seed=0)
#: Chapter 3, initialisation: Var(w) = gain / fan_in, a stack of equal layers.
CH3_INIT_GAINS = {"too small (0.5/fan_in)": 0.5, "Xavier (1/fan_in)": 1.0, "He (2/fan_in)": 2.0,
                  "too large (4/fan_in)": 4.0}
CH3_VARIANCE = dict(depth=20, width=128, n=128, seed=0)
#: Chapter 3: the same mini-batch training with three optimizers (Momentum's η/(1 − β) = SGD's η).
CH3_OPTIMIZERS = {"sgd": dict(lr=0.5), "momentum": dict(lr=0.05, beta=0.9), "adam": dict(lr=0.01)}
