"""The cost of computing: measured seconds against a size, and backprop against finite differences.

* :func:`plot_timings` — measured seconds against a size (log-log), one line per method.
* :func:`plot_backprop_cost` — time of a forward + backward pass against the number of
  parameters, beside the cost of finite differences.

The chapters measure the seconds; these functions only draw them.
"""

from __future__ import annotations

import numpy as np

from ._base import new_axes


def plot_timings(sizes, seconds, xlabel, ax=None, title=None, per=None):
    """Measured seconds against a size (batch size, width …) on log-log axes.

    sizes (m,); seconds: dict label -> (m,) times, one line per method.  ``per`` = "sample"
    divides each time by the size (the cost of one sample).  Returns ``(fig, ax)``.
    """
    sizes = np.asarray(sizes, dtype=float)
    fig, ax = new_axes(ax, figsize=(5.0, 3.4), dpi=80)
    markers = "osD^v"
    for i, (label, t) in enumerate(seconds.items()):
        t = np.asarray(t, dtype=float)
        ax.loglog(sizes, t / sizes if per == "sample" else t, marker=markers[i % len(markers)],
                  ms=4, lw=1.5, label=label)
    ax.set_xticks(sizes)
    ax.set_xticklabels([f"{s:g}" for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("seconds per sample" if per == "sample" else "seconds")
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    return fig, ax


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
