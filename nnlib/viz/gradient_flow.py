"""Backpropagation as an animation: the error signal δ flows from the output back to the input.

After one forward pass on a batch X (n, d) with targets y, ``net.backward`` gives every layer's

    δ^(L) = ∂L/∂z^(L),   δ^(l) = (δ^(l+1) W^(l+1)) ⊙ σ′(z^(l)),   dW^(l) = δ^(l).T a^(l-1)

Frame f (f = 0 … L) lights layers L, L−1, …, L−f+1: a neuron's colour is its mean |δ_i| over the
batch, an edge's colour is |∂L/∂W^(l)[i, j]|.  Both colour scales are logarithmic and shared by
all layers (dark = large, pale = small), so a vanishing gradient fades towards the input.
:func:`plot_gradient_norms` draws ‖dW^(l)‖_F per layer as bars on a log scale.
"""

from __future__ import annotations

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.colors import to_rgba
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from nnlib._checks import as_float_array, check_int
from nnlib.losses import loss_and_delta
from nnlib.network import Gradients

from ._base import new_axes
from .diagram import (EDGE_OFF, MAX_NEURONS, UNLIT, UNLIT_EDGE, NetworkDiagram, _net_sizes, get_cmap,
                      layer_symbol)

__all__ = ["animate_gradient_flow", "plot_gradient_norms", "GradientFlowPicture",
           "GradientBars", "backprop", "GRADIENT_CMAP"]

GRADIENT_CMAP = "magma_r"   # pale = small gradient, dark = large
DECADES = 5                 # the colour scale spans max·10⁻⁵ … max
BAR_COLOR = to_rgba("#7a3b8f")
BAR_OFF = to_rgba("#d9cde0")


def backprop(net, X, y):
    """One forward and backward pass in evaluation mode: returns ``(L, grads)``.

    X (n, d), y the targets ``net``'s loss expects; ``grads`` is the :class:`Gradients` of
    ``net.backward`` (``grads["W1"]`` …, ``grads.delta[l]`` of shape (n, h_l)).
    """
    X = as_float_array(X, "X", ndim=2).astype(net.dtype, copy=False)
    _, cache = net.forward(X)
    L, delta_L = loss_and_delta(net.loss_name, cache.z[-1], y)
    return L, net.backward(delta_L, cache)


def log_colors(values, top, cmap=GRADIENT_CMAP):
    """RGBA (m, 4) for non-negative ``values`` on a log scale from top·10⁻⁵ (pale) to ``top`` (dark).

    Returns ``(rgba, t)`` with t in [0, 1] the position on the scale; opacity follows t too.
    """
    values = np.ravel(values)
    if top <= 0:
        return np.tile(np.array(EDGE_OFF), (values.size, 1)), np.zeros(values.size)
    with np.errstate(divide="ignore"):
        t = np.clip(1.0 + np.log10(values / top) / DECADES, 0.0, 1.0)
    rgba = get_cmap(cmap)(t)
    rgba[:, 3] = 0.15 + 0.85 * t
    return rgba, t


class GradientFlowPicture:
    """A network diagram on ``ax`` that shows any frame of δ flowing backwards (``n_frames = L + 1``)."""

    def __init__(self, ax, net, X, y, max_neurons=MAX_NEURONS):
        self.net = net
        self.diagram = NetworkDiagram(ax, _net_sizes(net), max_neurons=max_neurons)
        self.diagram.caption.set_fontsize(8)       # the backward rule is a long line
        self.set_data(X, y)

    @property
    def n_frames(self) -> int:
        return self.diagram.layout.L + 1

    def set_data(self, X, y):
        """Recompute δ and dW for the batch (X, y) and the colours they get."""
        self.loss, self.grads = backprop(self.net, X, y)
        d, L = self.diagram, self.diagram.layout.L
        dW = [np.abs(d.shown_weights(self.grads[f"W{l}"], l)) for l in range(1, L + 1)]
        delta = [None] + [d.shown_values(np.mean(np.abs(self.grads.delta[l]), axis=0), l)
                          for l in range(1, L + 1)]                          # mean |δ_i|, (m_l,)
        top_W = max(float(np.max(g)) for g in dW)
        top_delta = max(float(np.max(v)) for v in delta[1:])
        self._edges = [log_colors(g, top_W) for g in dW]
        self._nodes = [None] + [log_colors(v, top_delta)[0] for v in delta[1:]]
        self.norms = self.grads.layer_norms()                                # (L,)

    def lit_layers(self, frame):
        """The layers whose δ is shown in ``frame``: L, L−1, …, L−frame+1."""
        L = self.diagram.layout.L
        return range(L - frame + 1, L + 1)

    def draw(self, frame):
        """Recolour the diagram for ``frame`` in place; returns the changed artists."""
        d, L = self.diagram, self.diagram.layout.L
        frame = check_int(frame, "frame", minimum=0)
        if frame > L:
            raise ValueError(f"frame must be in 0..{L} for a network with L = {L}, got {frame}")
        face = np.tile(np.array(UNLIT), (d.n_nodes, 1))
        rim = np.tile(np.array(UNLIT_EDGE), (d.n_nodes, 1))
        lit = self.lit_layers(frame)
        for l in range(1, L + 1):
            rgba, t = self._edges[l - 1]
            if l in lit:
                face[d.layout.node_slice(l)] = self._nodes[l]
                rim[d.layout.node_slice(l)] = (0.2, 0.2, 0.2, 1.0)
                d.set_edges(l, rgba, 0.4 + 2.2 * t)
            else:
                d.set_edges(l, EDGE_OFF, 0.6)
        d.set_nodes(face, rim)
        self.diagram.caption.set_text(self._caption(frame))
        return [*d.edges, d.nodes, d.caption]

    def _caption(self, frame):
        L = self.diagram.layout.L
        if frame == 0:
            return f"after the forward pass: loss L = {self.loss:.3g}"
        l = L - frame + 1
        delta, W = (lambda k: layer_symbol("δ", k)), (lambda k: layer_symbol("W", k))   # noqa: E731
        rule = (f"{delta(L)} = ∂L/∂{layer_symbol('z', L)}" if l == L else
                f"{delta(l)} = ({delta(l + 1)} {W(l + 1)}) ⊙ σ′({layer_symbol('z', l)})")
        return f"{rule},   ‖∂L/∂{W(l)}‖ = {self.norms[l - 1]:.1e}"

    def remove(self):
        self.diagram.remove()


def animate_gradient_flow(net, X, y, ax=None, interval=700, max_neurons=MAX_NEURONS,
                          figsize=(6.0, 3.5), dpi=72):
    """Animate δ flowing backwards through ``net`` for the batch X (n, d), y: L + 1 frames.

    Frame 0 is the network after the forward pass; frame f lights layers L … L−f+1 with
    mean |δ| per neuron and |∂L/∂W| per edge (log colour scales).  Returns a ``FuncAnimation``
    on a bare Figure; show it with ``nnlib.viz.to_jshtml(anim)``.
    """
    fig, ax = new_axes(ax, figsize=figsize, dpi=dpi)
    picture = GradientFlowPicture(ax, net, X, y, max_neurons=max_neurons)
    anim = FuncAnimation(fig, picture.draw, frames=range(picture.n_frames), interval=interval,
                         blit=False, repeat=True)
    anim.picture = picture
    return anim


# --- per-layer gradient norms ----------------------------------------------------------------

def layer_norms(grads_or_norms):
    """‖dW^(l)‖_F for l = 1 … L, as an array (L,).

    From a :class:`Gradients`, a dict with "W1" … keys, or the norms themselves.
    """
    if isinstance(grads_or_norms, Gradients):
        norms = grads_or_norms.layer_norms()
    elif isinstance(grads_or_norms, dict):
        norms = Gradients(grads_or_norms, None).layer_norms()
    else:
        norms = as_float_array(grads_or_norms, "grads_or_norms", ndim=1)
    if norms.size == 0:
        raise ValueError("grads_or_norms must hold at least one layer (no 'W1' key or an empty array)")
    if np.any(norms < 0):
        raise ValueError(f"gradient norms must be >= 0, got {norms[norms < 0][0]}")
    return np.asarray(norms, dtype=np.float64)


class GradientBars:
    """Bars of ‖dW^(l)‖ on a log axis, updated in place.

    The bars are a pool: a deeper network adds bars, a shallower one hides the extra ones,
    so changing the depth back and forth creates nothing new.
    """

    def __init__(self, ax):
        self.ax, self.bars, self.zero_marks, self.L = ax, [], [], 0
        ax.set_yscale("log")
        # Few major ticks, no minor ones, plain-text labels: a log axis with mathtext labels
        # would cost more to draw than the whole diagram.
        ax.yaxis.set_major_locator(LogLocator(numticks=5))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{np.log10(v):.0f}"))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))   # each label costs ~0.7 ms
        ax.set_ylabel("‖∂L/∂W⁽ˡ⁾‖", fontsize=8)
        ax.set_xlabel("layer l", fontsize=8)
        ax.tick_params(labelsize=7)

    def set_norms(self, norms):
        """Show ``norms`` (L,); a zero norm (which a log axis cannot draw) is marked "0"."""
        norms = layer_norms(norms)
        self._use(norms.size)
        bottom = float(norms[norms > 0].min()) / 10 if np.any(norms > 0) else 1e-12
        for bar, value in zip(self.bars, norms):   # a log axis has no 0: bars start at `bottom`
            bar.set_y(bottom)
            bar.set_height(value - bottom if value > 0 else 0.0)
        for l, mark in enumerate(self.zero_marks, start=1):
            mark.set_visible(l <= self.L and norms[l - 1] == 0)
            mark.set_y(bottom * 1.5)
        self.ax.set_ylim(bottom, max(float(norms.max()), bottom * 10) * 3)
        return self.bars[:self.L]

    def set_lit(self, layers):
        """Colour the bars of ``layers`` (1-based) strongly and the others faintly."""
        for l, bar in enumerate(self.bars[:self.L], start=1):
            bar.set_facecolor(BAR_COLOR if l in layers else BAR_OFF)

    def _use(self, L):
        """Show bars 1 … L, adding bars to the pool when it is too small."""
        ls = np.arange(len(self.bars) + 1, L + 1)
        if ls.size:
            self.bars += list(self.ax.bar(ls, np.ones(ls.size), color=BAR_COLOR, width=0.7))
            self.zero_marks += [self.ax.text(l, 1.0, "0", ha="center", va="bottom", fontsize=7,
                                             visible=False) for l in ls]
        for l, bar in enumerate(self.bars, start=1):
            bar.set_visible(l <= L)
        self.L = L
        self.ax.set_xlim(0.4, L + 0.6)


def plot_gradient_norms(grads_or_norms, ax=None, figsize=(3.5, 3.0), dpi=80):
    """Bars of the per-layer gradient norms ‖∂L/∂W^(l)‖_F, l = 1 … L, on a log scale.

    ``grads_or_norms``: the :class:`~nnlib.network.Gradients` from ``net.backward``, a dict of
    gradients keyed "W1" … , or an array of L norms.  Returns ``(fig, ax)``.
    """
    norms = layer_norms(grads_or_norms)
    fig, ax = new_axes(ax, figsize=figsize, dpi=dpi)
    GradientBars(ax).set_norms(norms)
    return fig, ax
