"""How fast is one nnlib training step, compared with what it cannot avoid?

For each network and dtype, three things are timed in the same run, on the same data:

* ``gemm``  — only the matrix products a training step needs: per layer a_prev @ W.T
  (forward), delta.T @ a_prev (dW) and, except for the first layer, delta @ W (da_prev).
  No step can be faster than this: it is the lower bound.
* ``hand``  — a minimal hand-written NumPy step (ReLU hidden layers, sigmoid/BCE or
  softmax/CE head, plain SGD), with no validation and no abstraction.  Like any
  real step it takes integer labels and computes the loss value it would report.
* ``nnlib`` — ``net.loss_and_grads`` (forward, loss, backward) → ``SGD.step``.

It prints the median time of each (measured in interleaved rounds, so all three see the
same machine) and the ratios nnlib/gemm and nnlib/hand.
Targets: nnlib/gemm ≤ 1.15 at the largest size, nnlib/hand ≤ 1.3 at the smallest.

    python benchmarks/bench_training_step.py            # all sizes (about a minute)
    python benchmarks/bench_training_step.py --quick    # the two smaller sizes
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import special

from nnlib.network import MLP
from nnlib.optimizers import SGD

CONFIGS = [  # (sizes, batch)
    ([2, 8, 8, 1], 100),
    ([784, 128, 10], 64),
    ([784, 512, 512, 10], 256),
    ([1024, 2048, 2048, 10], 1024),
]
LR = 1e-3


def interleaved_medians(fns, min_time=1.0, min_rounds=7, sample_time=0.02):
    """Median time per call of each function in ``fns``, measured in interleaved rounds.

    Each round times every function once (a sample of ``k`` calls, ``k`` chosen so a
    sample lasts about ``sample_time`` seconds), so slow drifts of the machine's speed
    (other processes, clock changes) affect all of them alike instead of whichever
    happened to run during the drift.
    """
    counts = []
    for fn in fns:
        fn()  # warm-up: allocations, BLAS thread start-up
        t0 = time.perf_counter()
        fn()
        once = time.perf_counter() - t0
        counts.append(max(1, int(sample_time / max(once, 1e-7))))
    samples = [[] for _ in fns]
    start = time.perf_counter()
    while len(samples[0]) < min_rounds or time.perf_counter() - start < min_time * len(fns):
        for fn, k, out in zip(fns, counts, samples):
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            out.append((time.perf_counter() - t0) / k)
    return [float(np.median(s)) for s in samples]


def make_problem(sizes, n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0])).astype(dtype)
    k = sizes[-1]
    y = rng.integers(0, 2 if k == 1 else k, size=n)
    head = "sigmoid" if k == 1 else "softmax"
    return X, y, head


def gemm_step(Ws, X, n):
    """The matrix products only, on arrays of the right shapes (values do not matter)."""
    def step():
        a = [X]
        for W in Ws:
            a.append(a[-1] @ W.T)
        delta = a[-1]
        for l in range(len(Ws) - 1, -1, -1):
            delta.T @ a[l]                 # dW
            if l > 0:
                delta = delta @ Ws[l]      # da_prev
    return step


def hand_step(params, X, y, head):
    """A bare NumPy training step with no checks: the baseline an expert would write."""
    L = len(params) // 2
    n = X.shape[0]
    k = params[f"W{L}"].shape[0]
    lr = X.dtype.type(LR)

    def step():
        # Like any real step it receives integer labels and computes the loss it reports.
        a, zs = [X], []
        for l in range(1, L + 1):
            z = a[-1] @ params[f"W{l}"].T + params[f"b{l}"]
            zs.append(z)
            a.append(np.maximum(z, 0) if l < L else z)
        z = a[-1]
        if head == "sigmoid":
            Y = y[:, None].astype(X.dtype)
            loss = np.sum(np.logaddexp(0, z) - Y * z) / n
            p = special.expit(z)
        else:
            Y = np.eye(k, dtype=X.dtype)[y]
            shifted = z - z.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            total = e.sum(axis=1, keepdims=True)
            loss = (np.sum(np.log(total)) - np.sum(Y * shifted)) / n
            p = e / total
        delta = (p - Y) / n
        for l in range(L, 0, -1):
            dW = delta.T @ a[l - 1]
            db = delta.sum(axis=0)
            if l > 1:
                delta = (delta @ params[f"W{l}"]) * (zs[l - 2] > 0)
            params[f"W{l}"] -= lr * dW
            params[f"b{l}"] -= lr * db
        return float(loss)
    return step


def nnlib_step(net, X, y):
    opt = SGD(lr=LR)

    def step():
        _, grads = net.loss_and_grads(X, y, train=True)
        opt.step(net.params, grads)
    return step


def run(configs, min_time):
    rows = []
    for sizes, n in configs:
        for dtype in (np.float32, np.float64):
            X, y, head = make_problem(sizes, n, dtype)
            net = MLP(sizes, activation="relu", head=head, seed=0, dtype=dtype)
            hand_params = {k: v.copy() for k, v in net.params.items()}
            Ws = [hand_params[f"W{l}"] for l in range(1, net.L + 1)]
            t_gemm, t_hand, t_nn = interleaved_medians(
                [gemm_step(Ws, X, n), hand_step(hand_params, X, y, head), nnlib_step(net, X, y)],
                min_time)
            rows.append((sizes, n, np.dtype(dtype).name, t_gemm, t_hand, t_nn))
            print(_row(*rows[-1]), flush=True)
    return rows


def _row(sizes, n, dtype, t_gemm, t_hand, t_nn):
    name = "-".join(map(str, sizes)) + f" ×{n}"
    return (f"| {name:<22} | {dtype:<7} | {t_gemm * 1e3:9.3f} | {t_hand * 1e3:9.3f} | {t_nn * 1e3:9.3f} "
            f"| {t_nn / t_gemm:6.2f} | {t_nn / t_hand:6.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the two smallest networks")
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds per measurement")
    args = parser.parse_args()
    configs = CONFIGS[:2] if args.quick else CONFIGS
    print("| network × batch        | dtype   | gemm (ms) | hand (ms) | nnlib (ms) | /gemm | /hand |")
    print("|------------------------|---------|-----------|-----------|-----------|--------|--------|")
    run(configs, args.min_time)


if __name__ == "__main__":
    main()
