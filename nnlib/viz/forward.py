"""The forward pass as an animation: one sample x flows through the diagram layer by layer.

Frame l (l = 0 … L) lights the neurons of layers 0 … l with their activations a^(l) and the
edges into layer l at full strength (earlier edges faded, later ones grey):

    frame 0:  a^(0) = x
    frame l:  a^(l) = σ(W^(l) a^(l-1) + b^(l))          (one sample, so a^(l) is a vector (h_l,))

The numbers come from ``net.forward``; this module only colours the diagram.
:class:`ForwardPassArtists` draws any frame on demand (the widget's Play button uses it);
:func:`animate_forward` wraps it in a ``FuncAnimation`` for the static (jshtml) edition.
"""

from __future__ import annotations

import numpy as np
from matplotlib.animation import FuncAnimation

from nnlib._checks import as_float_array, check_int

from ._base import new_axes
from .network import (EDGE_OFF, MAX_NEURONS, NetworkDiagram, _net_sizes, add_activation_colorbar,
                      add_weight_colorbar, layer_symbol)

__all__ = ["animate_forward", "ForwardPassArtists"]

FADED = 0.35   # opacity factor of edges the signal has already passed


def _short(v, digits, first=3):
    """A vector as "(0.12, −0.40, …)" showing its first few entries."""
    text = ", ".join(f"{value:.{digits}f}" for value in v[:first])
    return f"({text}{', …' if v.size > first else ''})"


def one_sample(net, x, name="x"):
    """``x`` as a (1, d) row for ``net.forward``: accepts shape (d,) or (1, d)."""
    x = as_float_array(x, name, ndim=(1, 2))
    d = _net_sizes(net)[0]
    if x.size != d or (x.ndim == 2 and x.shape[0] != 1):
        raise ValueError(f"{name} must be one sample of shape ({d},) or (1, {d}), got shape {x.shape}")
    return x.reshape(1, d).astype(net.dtype, copy=False)


class ForwardPassArtists:
    """A network diagram on ``ax`` that can show any frame of one sample's forward pass.

    ``set_input(x)`` runs ``net.forward`` on the new sample (shape (d,)); ``draw(frame)``
    recolours the artists in place.  ``n_frames = L + 1``.  ``remove()`` clears the axes of it.
    """

    def __init__(self, ax, net, x, max_neurons=MAX_NEURONS, scale="global"):
        self.net, self.scale = net, scale
        self.diagram = NetworkDiagram(ax, _net_sizes(net), max_neurons=max_neurons)
        self._weight_styles = self.diagram.weight_styles(net.params)
        self.update(x)

    @property
    def n_frames(self) -> int:
        return self.diagram.layout.L + 1

    def update(self, x):
        """Run the forward pass on one sample ``x`` (d,) and keep every a^(l) as a vector (h_l,)."""
        _, cache = self.net.forward(one_sample(self.net, x))
        self.a = [a_l[0] for a_l in cache.a]                      # a[l]: (h_l,)

    def draw(self, frame):
        """Light layers 0 … ``frame``; returns the artists that changed (for FuncAnimation)."""
        L = self.diagram.layout.L
        frame = check_int(frame, "frame", minimum=0)
        if frame > L:
            raise ValueError(f"frame must be in 0..{L} for a network with L = {L}, got {frame}")
        self.diagram.set_nodes(*self.diagram.node_colors(self.a, lit=range(frame + 1), scale=self.scale))
        for l, (rgba, widths) in enumerate(self._weight_styles, start=1):
            if l < frame:
                rgba = rgba * [1, 1, 1, FADED]
            elif l > frame:
                rgba, widths = EDGE_OFF, 0.6
            self.diagram.set_edges(l, rgba, widths)
        self.diagram.caption.set_text(self._caption(frame))
        return [*self.diagram.edges, self.diagram.nodes, self.diagram.caption]

    def _caption(self, frame):
        L, sigma = self.diagram.layout.L, getattr(self.net, "activation", "σ")
        a = lambda l: layer_symbol("a", l)                                   # noqa: E731
        if frame == 0:
            return f"{a(0)} = x = {_short(self.a[0], 2)}   (hidden σ = {sigma})"
        if frame < L:
            return (f"{a(frame)} = σ({layer_symbol('W', frame)} {a(frame - 1)} + "
                    f"{layer_symbol('b', frame)})   (σ = {sigma})")
        return f"output ŷ = {a(L)} = {_short(self.a[L], 3)}   (head: {getattr(self.net, 'head', '?')})"

    def remove(self):
        self.diagram.remove()


def animate_forward(net, x, ax=None, interval=700, max_neurons=MAX_NEURONS, scale="global",
                    figsize=(6.0, 3.5), dpi=72, colorbar=False):
    """Animate one sample ``x`` (shape (d,) or (1, d)) flowing through ``net``, one layer per frame.

    Frame l shows layers 0 … l lit with their activations (L + 1 frames); ``colorbar=True``
    adds the colour scales of the weights and the activations beside it.  Returns a
    ``matplotlib.animation.FuncAnimation`` on a bare Figure; show it with
    ``nnlib.viz.to_jshtml(anim)``.
    """
    fig, ax = new_axes(ax, figsize=figsize, dpi=dpi)
    picture = ForwardPassArtists(ax, net, x, max_neurons=max_neurons, scale=scale)
    if colorbar:                    # colour scales: weights per layer, activations (one scale)
        add_weight_colorbar(ax, 1.0, label="$W$ / max$|W|$ of its layer")
        if scale == "global":
            shown = [picture.diagram.shown_values(v, l) for l, v in enumerate(picture.a)]
            add_activation_colorbar(ax, max(float(np.max(np.abs(v))) for v in shown),
                                    label="activation $a$")
        else:
            add_activation_colorbar(ax, 1.0, label="$a$ / max$|a|$ of its layer")
    anim = FuncAnimation(fig, picture.draw, frames=range(picture.n_frames), interval=interval,
                         blit=False, repeat=True)
    anim.picture = picture      # keep it reachable (and inspectable in tests)
    return anim
