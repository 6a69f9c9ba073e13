"""Pictures that only Chapter 3 (backpropagation) draws.

Pure plot functions ``plot_x(..., ax=None) -> (fig, ax)``: with ``ax=None`` each makes a
bare :class:`matplotlib.figure.Figure` through :func:`nnlib.viz.new_axes` (never pyplot).
The numbers are measured or computed by the chapter; these functions only draw them.

* :func:`plot_backprop_cost`       — forward, backward and finite-difference time against the
  number of parameters (log-log): backward stays a small multiple of forward, finite
  differences grow with P.
* :func:`plot_derivative_bound`    — σ′ of sigmoid, tanh and ReLU with the line 1/4.
* :func:`plot_product_bound`       — per-layer gradient norms of a deep network relative to the
  layer next to the output, against the bound (1/4)^k after k layers.
* :func:`plot_norm_by_depth`       — the first layer's gradient norm against the depth.
* :func:`plot_kink_secant`         — why a centred difference across ReLU's kink is wrong.
* :func:`plot_error_vs_eps`        — gradient-check relative error against the step ε.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..activations import get_activation
from ._base import new_axes

__all__ = ["plot_backprop_cost", "plot_derivative_bound", "plot_product_bound",
           "plot_norm_by_depth", "plot_kink_secant", "plot_error_vs_eps"]

_ACTIVATION_COLOURS = {"sigmoid": "C3", "tanh": "C4", "relu": "C0"}


def plot_backprop_cost(n_params, t_forward, t_backward, n_params_fd, t_fd, ax=None):
    """Seconds per gradient against the parameter count P, on log-log axes.

    n_params (m,), t_forward (m,), t_backward (m,): one forward and one backward pass per
    network; n_params_fd (k,), t_fd (k,): a full finite-difference gradient (2P forward
    passes) for the networks where it was measured.  A dotted line extends 2P × forward to
    every network, the cost finite differences would have there.
    """
    n_params, t_forward, t_backward = (np.asarray(v, dtype=float)
                                       for v in (n_params, t_forward, t_backward))
    fig, ax = new_axes(ax, figsize=(5.6, 3.6), dpi=80)
    ax.loglog(n_params, t_forward, "o-", color="C0", label="forward pass")
    ax.loglog(n_params, t_backward, "s-", color="C3", label="backward pass (all gradients)")
    ax.loglog(n_params_fd, t_fd, "^-", color="C2", label="finite differences (measured)")
    ax.loglog(n_params, 2 * n_params * t_forward, ":", color="C2",
              label="2P forward passes (estimate)")
    ax.set_xlabel("number of parameters P")
    ax.set_ylabel("seconds")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="center right")
    ax.set_title("the cost of one gradient")
    return fig, ax


def plot_derivative_bound(lo=-6.0, hi=6.0, ax=None):
    """σ′(z) of sigmoid, tanh and ReLU on [lo, hi], with sigmoid′'s maximum 1/4 marked."""
    z = np.linspace(lo, hi, 601)
    fig, ax = new_axes(ax, figsize=(5.0, 3.0), dpi=80)
    for name, colour in _ACTIVATION_COLOURS.items():
        ax.plot(z, get_activation(name).df(z), color=colour, lw=2, label=f"{name}′")
    ax.axhline(0.25, color="C3", ls="--", lw=1)
    ax.annotate("1/4 = sigmoid′(0), its largest value", xy=(0, 0.25), xytext=(0.6, 0.42),
                fontsize="small", color="C3", arrowprops=dict(arrowstyle="->", color="C3"))
    ax.set(xlabel="z", ylabel="σ′(z)", ylim=(-0.05, 1.1))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig, ax


def plot_product_bound(norms, factor=0.25, ax=None, label="measured"):
    """Per-layer norms relative to the last hidden layer, against ``factor``^k.

    ``norms`` (L,) are ‖dW^(l)‖ for l = 1 … L; k = L − 1 − l counts the hidden layers
    between layer l and the last hidden layer L − 1.  Drawn on a log axis against k, a
    constant shrink factor per layer is a straight line.
    """
    norms = np.asarray(norms, dtype=float)
    hidden = norms[:-1]                                    # layers 1 … L−1
    k = np.arange(hidden.size)[::-1]                       # L−1−l for l = 1 … L−1
    fig, ax = new_axes(ax, figsize=(5.0, 3.2), dpi=80)
    ax.semilogy(k, hidden / hidden[-1], "o-", color="C3", ms=4, label=label)
    ax.semilogy(k, factor ** k.astype(float), "--", color="0.3",
                label=f"({factor:g})$^k$")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("k = layers between this one and the last hidden layer")
    ax.set_ylabel(r"$\|\partial L/\partial W^{(l)}\| \;/\; \|\partial L/\partial W^{(L-1)}\|$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return fig, ax


def plot_norm_by_depth(depths, norms_by_label: dict, ax=None):
    """‖dW^(1)‖ (the layer next to the input) against the number of hidden layers, log y.

    ``norms_by_label`` maps a label such as "sigmoid, Xavier" to an array like ``depths``.
    """
    depths = np.asarray(depths)
    fig, ax = new_axes(ax, figsize=(5.6, 3.4), dpi=80)
    markers = "osD^v"
    for i, (label, norms) in enumerate(norms_by_label.items()):
        name = str(label).split(",")[0]
        ax.semilogy(depths, np.asarray(norms, dtype=float), marker=markers[i % len(markers)],
                    ms=4, color=_ACTIVATION_COLOURS.get(name, f"C{i}"), label=str(label))
    ax.set_xlabel("hidden layers")
    ax.set_ylabel(r"$\|\partial L/\partial W^{(1)}\|_F$ at initialization")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return fig, ax


def plot_kink_secant(z0=0.0, eps=0.5, ax=None):
    """ReLU near its kink, with the secant a centred difference at z0 ± eps measures.

    The slope of the secant is the finite-difference estimate; the tangent slopes 0 and 1
    on either side are what backprop reports.  (A large ``eps`` makes the picture readable;
    with eps = 1e-6 the same happens whenever |z0| < eps.)
    """
    z = np.linspace(z0 - 3 * eps, z0 + 3 * eps, 301)
    relu = get_activation("relu").f
    lo, hi = z0 - eps, z0 + eps
    slope = float((relu(np.array(hi)) - relu(np.array(lo))) / (2 * eps))
    fig, ax = new_axes(ax, figsize=(4.2, 3.0), dpi=80)
    ax.plot(z, relu(z), color="C0", lw=2, label="ReLU")
    ax.plot([lo, hi], [relu(np.array(lo)), relu(np.array(hi))], "o--", color="C2",
            label=f"secant: slope {slope:.2f}")
    ax.axvspan(lo, hi, color="C2", alpha=0.08)
    ax.set(xlabel="z", ylabel="ReLU(z)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    ax.set_title(f"centred difference at z = {z0:g}, ε = {eps:g}", fontsize="medium")
    return fig, ax


def plot_error_vs_eps(eps, errors_by_label: dict, threshold=None, ax=None):
    """Gradient-check relative error against the finite-difference step ε, log-log.

    ``errors_by_label`` maps a label (e.g. "float64") to relative errors, one per ε.
    ``threshold`` draws the pass mark as a horizontal line.
    """
    eps = np.asarray(eps, dtype=float)
    fig, ax = new_axes(ax, figsize=(5.0, 3.2), dpi=80)
    for i, (label, errors) in enumerate(errors_by_label.items()):
        ax.loglog(eps, np.asarray(errors, dtype=float), "o-", ms=4, color=f"C{i}", label=str(label))
    if threshold is not None:
        ax.axhline(threshold, color="0.4", ls="--", lw=1, label=f"pass mark {threshold:.0e}")
    ax.invert_xaxis()
    ax.set_xlabel("ε (smaller to the right)")
    ax.set_ylabel("relative error")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return fig, ax
