"""The network diagram: neurons as discs in columns, one column per layer, and the weights as edges.

Layer l (l = 0 … L) is drawn at x = l with its h_l neurons stacked top to bottom.  A layer wider
than ``max_neurons`` shows its first and last neurons with a gap marked ``+N`` (N neurons not
drawn), so a 512-wide layer stays readable.  The edge from neuron j of layer l−1 to neuron i of
layer l stands for the weight W^(l)[i, j] (W^(l) has shape (h_l, h_{l-1})).

:class:`NetworkDiagram` owns the artists (one ``LineCollection`` of edges per layer, one
scatter of all neurons, the labels) and recolours them in place, which is what the
animations and widgets need; :func:`plot_network` is the one-call static picture.
The diagram shows the Dense weights only (no normalisation layers or skip connections).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize, to_rgba

from .._checks import as_float_array, check_choice, check_int
from ._base import new_axes

POSITIVE = to_rgba("#c0392b")   # W > 0: red
NEGATIVE = to_rgba("#2e6fb0")   # W < 0: blue
UNLIT = to_rgba("#f4f4f4")      # a neuron whose value is not shown (yet) ...
UNLIT_EDGE = to_rgba("#b0b0b0")  # ... has a pale rim; a lit one a dark rim
EDGE_OFF = to_rgba("#bbbbbb", 0.12)
NODE_EDGE = to_rgba("#333333")
ACTIVATION_CMAP = "PuOr_r"      # 0 is white; positive orange ("lit"), negative purple
MAX_NEURONS = 12

# Labels are plain Unicode text (a⁽²⁾, h₁) rather than mathtext ($a^{(2)}$): parsing mathtext
# costs milliseconds per new string, and the widgets redraw these labels on every change.
_SUPERSCRIPT = str.maketrans("0123456789()-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻⁺")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def layer_symbol(name: str, l: int) -> str:
    """``name`` with the layer index as a superscript: ``layer_symbol("a", 2) == "a⁽²⁾"``."""
    return name + f"({l})".translate(_SUPERSCRIPT)


def subscript(n) -> str:
    """The digits of ``n`` as subscripts: ``"h" + subscript(12) == "h₁₂"``."""
    return str(n).translate(_SUBSCRIPT)


class NetworkLayout(NamedTuple):
    """Where each drawn neuron sits.

    sizes   : [h_0, …, h_L]
    shown   : per layer, the indices of the drawn neurons, (m_l,) int
    xy      : per layer, their positions, (m_l, 2)
    gaps    : per layer, ``(x, y, N)`` of the "+N" marker, or None when every neuron is drawn
    slots   : the tallest column, counting the gap marker as a slot
    """

    sizes: list
    shown: list
    xy: list
    gaps: list
    slots: int

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    def node_slice(self, l: int) -> slice:
        """The rows of layer l in the stacked array of all drawn neurons."""
        start = sum(len(s) for s in self.shown[:l])
        return slice(start, start + len(self.shown[l]))

    def segments(self, l: int) -> np.ndarray:
        """Edges into layer l (l ≥ 1) as segments (m_l · m_{l-1}, 2, 2).

        Ordered like ``W[shown_l][:, shown_{l-1}].ravel()``: row i of W, then column j.
        """
        head, tail = self.xy[l], self.xy[l - 1]
        start = np.repeat(tail[None, :, :], len(head), axis=0)      # (m_l, m_{l-1}, 2)
        end = np.repeat(head[:, None, :], len(tail), axis=1)         # (m_l, m_{l-1}, 2)
        return np.stack([start, end], axis=2).reshape(-1, 2, 2)


def network_layout(sizes, max_neurons: int = MAX_NEURONS) -> NetworkLayout:
    """Positions of the drawn neurons of a network with widths ``sizes = [h_0, …, h_L]``."""
    sizes = [check_int(h, f"sizes[{i}]") for i, h in enumerate(sizes)]
    max_neurons = check_int(max_neurons, "max_neurons", minimum=3)
    shown, xy, gaps = [], [], []
    slots = max(min(h, max_neurons) for h in sizes)
    for l, h in enumerate(sizes):
        idx, gap_slot = _shown_neurons(h, max_neurons)
        m = len(idx) + (gap_slot is not None)
        y_slots = (m - 1) / 2 - np.arange(m)                          # top to bottom, centred on 0
        y = np.delete(y_slots, gap_slot) if gap_slot is not None else y_slots
        shown.append(idx)
        xy.append(np.column_stack([np.full(len(idx), float(l)), y]))
        gaps.append(None if gap_slot is None else (float(l), y_slots[gap_slot], h - len(idx)))
    return NetworkLayout(sizes, shown, xy, gaps, slots)


def _shown_neurons(h, max_neurons):
    """All of 0…h−1, or the first and last ones around one gap slot when h > max_neurons."""
    if h <= max_neurons:
        return np.arange(h), None
    n_top = max_neurons // 2
    n_bottom = max_neurons - 1 - n_top
    return np.r_[np.arange(n_top), np.arange(h - n_bottom, h)], n_top


# --- colours ---------------------------------------------------------------------------------

def weight_edge_style(W, scale=None):
    """Edge colours and widths for weights ``W`` (any shape, flattened to (m,)).

    Colour = sign (red > 0, blue < 0); opacity and width grow with |W| / ``scale``
    (default: max |W|).  Returns ``(rgba (m, 4), widths (m,))``.
    """
    W = np.ravel(W)
    scale = float(np.max(np.abs(W))) if scale is None and W.size else scale
    t = np.abs(W) / scale if scale else np.zeros_like(W)              # (m,) in [0, 1]
    rgba = np.where((W >= 0)[:, None], POSITIVE, NEGATIVE)
    rgba[:, 3] = 0.12 + 0.88 * t
    return rgba, 0.3 + 2.4 * t


def activation_colors(values, vmax, cmap=ACTIVATION_CMAP):
    """Node colours for activation ``values`` (m,) on a diverging map centred at 0, spanning ±vmax."""
    values = np.ravel(values)
    vmax = vmax if vmax > 0 else 1.0
    return get_cmap(cmap)(0.5 + 0.5 * np.clip(values / vmax, -1.0, 1.0))


def _weight_cmap():
    """The edge colours of :func:`weight_edge_style` as one opaque colormap from −max to +max
    (blue … pale … red; the opacity the edges get is blended onto white)."""
    t = np.abs(np.linspace(-1.0, 1.0, 255))                           # |W| / max
    alpha = (0.12 + 0.88 * t)[:, None]
    base = np.where((np.linspace(-1.0, 1.0, 255) >= 0)[:, None], POSITIVE[:3], NEGATIVE[:3])
    return ListedColormap(1.0 - alpha * (1.0 - base))


def add_weight_colorbar(ax, vmax, label="weight $W$ (edges)"):
    """A colourbar beside ``ax`` for edges drawn by :func:`weight_edge_style` with scale ``vmax``."""
    vmax = float(vmax) if vmax > 0 else 1.0
    mappable = ScalarMappable(Normalize(-vmax, vmax), _weight_cmap())
    bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.7, pad=0.01, aspect=25)
    bar.set_label(label, fontsize="small")
    bar.ax.tick_params(labelsize="small")
    return bar


def add_activation_colorbar(ax, vmax, label="activation $a$ (neurons)", cmap=ACTIVATION_CMAP):
    """A colourbar beside ``ax`` for neurons coloured by :func:`activation_colors` (±``vmax``)."""
    vmax = float(vmax) if vmax > 0 else 1.0
    mappable = ScalarMappable(Normalize(-vmax, vmax), get_cmap(cmap))
    bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.7, pad=0.01, aspect=25)
    bar.set_label(label, fontsize="small")
    bar.ax.tick_params(labelsize="small")
    return bar


@functools.lru_cache(maxsize=None)
def get_cmap(name):
    """A colormap by name, looked up once (``matplotlib.colormaps[name]`` builds a copy every time)."""
    return colormaps[name]


def _layer_vectors(a, sizes, name="a"):
    """``a`` (a Cache, cache.a of one sample, or one vector per layer) as a list of (h_l,) arrays."""
    if hasattr(a, "a") and hasattr(a, "z"):            # a Cache from net.forward
        a = a.a
    if not isinstance(a, (list, tuple)):
        raise TypeError(f"{name} must be a list of per-layer vectors (cache.a of one sample), "
                        f"got {type(a).__name__}")
    if len(a) != len(sizes):
        raise ValueError(f"{name} must have one entry per layer ({len(sizes)} for sizes {sizes}), "
                         f"got {len(a)}")
    out = []
    for l, (v, h) in enumerate(zip(a, sizes)):
        v = as_float_array(v, f"{name}[{l}]")
        if v.size != h:
            raise ValueError(f"{name}[{l}] must hold the {h} values of one sample "
                             f"(shape ({h},) or (1, {h})), got shape {v.shape}")
        out.append(v.reshape(h))
    return out


# --- the artists -----------------------------------------------------------------------------

class NetworkDiagram:
    """The artists of one network diagram on ``ax``, recoloured in place.

    ``edges[l-1]`` is the LineCollection of the edges into layer l; ``nodes`` is one scatter
    of every drawn neuron (layer l occupies ``layout.node_slice(l)``); ``caption`` is a text
    above the axes (cheaper to change than a title, which re-measures the axes' ticks).  Call
    :meth:`remove` before drawing another diagram on the same axes.
    """

    def __init__(self, ax, sizes, max_neurons=MAX_NEURONS, labels=True, output_name="ŷ"):
        self.ax = ax
        self.layout = layout = network_layout(sizes, max_neurons)
        self.edges = []
        for l in range(1, layout.L + 1):
            collection = LineCollection(layout.segments(l), colors=[EDGE_OFF], linewidths=0.6,
                                        zorder=1, capstyle="round")
            self.edges.append(ax.add_collection(collection, autolim=False))
        xy = np.concatenate(layout.xy)                                       # (n_nodes, 2)
        self.nodes = ax.scatter(xy[:, 0], xy[:, 1], s=self._marker_area(), c=[UNLIT],
                                edgecolors=[UNLIT_EDGE], linewidths=0.8, zorder=3)
        self.caption = ax.text(0.5, 1.0, "", transform=ax.transAxes, ha="center", va="bottom",
                               fontsize=9)
        self.texts = [self.caption] + [self._gap_text(*gap) for gap in layout.gaps if gap is not None]
        if labels:
            self.texts += self._layer_labels(output_name)
        half = (layout.slots - 1) / 2
        ax.set_xlim(-0.5, layout.L + 0.5)
        ax.set_ylim(-half - (1.9 if labels else 0.7), half + 0.7)
        ax.set_axis_off()

    @property
    def n_nodes(self) -> int:
        return sum(len(s) for s in self.layout.shown)

    def _marker_area(self):
        """Disc area in points² so that neighbouring discs never touch, whatever the size."""
        width_in, height_in = self.ax.figure.get_size_inches()
        bbox = self.ax.get_position()
        per_row = bbox.height * height_in * 72 / (self.layout.slots + 2.6)
        per_column = bbox.width * width_in * 72 / (self.layout.L + 1)
        return float(min(0.6 * per_row, 0.3 * per_column, 22.0) ** 2)

    def _gap_text(self, x, y, n_hidden):
        return self.ax.text(x, y, f"⋮ +{n_hidden}", ha="center", va="center", fontsize=7,
                            color="#444444", zorder=4,
                            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))

    def _layer_labels(self, output_name):
        """Under each column "a⁽ˡ⁾ = x / h₀ = 2", or just "x / 2" when the columns are narrow."""
        layout, L = self.layout, self.layout.L
        y = -(layout.slots - 1) / 2 - 0.6
        width_in = self.ax.figure.get_size_inches()[0] * self.ax.get_position().width
        narrow = width_in * 72 / (L + 1) < 50                         # points per column
        texts = []
        for l, h in enumerate(layout.sizes):
            name = "x" if l == 0 else (output_name if l == L else None)
            if narrow:
                label = f"{name or layer_symbol('a', l)}\n{h}"
            else:
                symbol = layer_symbol("a", l) + ("" if name is None else f" = {name}")
                label = f"{symbol}\nh{subscript(l)} = {h}"
            texts.append(self.ax.text(l, y, label, ha="center", va="top", fontsize=7 if narrow else 8,
                                      linespacing=1.4))
        return texts

    # --- recolouring ------------------------------------------------------------------------
    def set_edges(self, l, rgba, widths=None):
        """Colour the edges into layer l: ``rgba`` (m, 4) or one colour; ``widths`` (m,) or scalar."""
        self.edges[l - 1].set_color(rgba)
        if widths is not None:
            self.edges[l - 1].set_linewidth(widths)

    def set_nodes(self, face, rim=None):
        """Colour every drawn neuron: ``face`` (and optionally ``rim``) of shape (n_nodes, 4)."""
        self.nodes.set_facecolors(face)
        if rim is not None:
            self.nodes.set_edgecolors(rim)

    def shown_weights(self, W, l):
        """The entries of W^(l) (h_l, h_{l-1}) that have a drawn edge, flattened like ``edges[l-1]``."""
        return W[np.ix_(self.layout.shown[l], self.layout.shown[l - 1])].ravel()

    def shown_values(self, v, l):
        """The entries of a layer-l vector v (h_l,) whose neuron is drawn."""
        return v[self.layout.shown[l]]

    def weight_styles(self, params):
        """Per layer l = 1 … L the ``(rgba, widths)`` of its weight edges, from ``params["W{l}"]``."""
        styles = []
        for l in range(1, self.layout.L + 1):
            W = params[f"W{l}"]
            styles.append(weight_edge_style(self.shown_weights(W, l), scale=np.max(np.abs(W))))
        return styles

    def node_colors(self, values, lit=None, scale="global"):
        """Face and rim colours, each (n_nodes, 4), for per-layer vectors ``values`` (h_l,).

        Layers not in ``lit`` (default: all) stay unlit.  ``scale="global"`` puts every layer
        on one colour scale ±max|value|; ``"layer"`` gives each layer its own.
        """
        check_choice(scale, "scale", ["global", "layer"])
        lit = range(len(values)) if lit is None else lit
        shown = [self.shown_values(v, l) for l, v in enumerate(values)]
        face = np.tile(np.array(UNLIT), (self.n_nodes, 1))
        rim = np.tile(np.array(UNLIT_EDGE), (self.n_nodes, 1))
        vmax = max(float(np.max(np.abs(v))) for v in shown)
        for l in lit:
            rows = self.layout.node_slice(l)
            top = float(np.max(np.abs(shown[l]))) if scale == "layer" else vmax
            face[rows] = activation_colors(shown[l], top)
            rim[rows] = NODE_EDGE
        return face, rim

    def remove(self):
        """Take every artist of this diagram off the axes."""
        for artist in [*self.edges, self.nodes, *self.texts]:
            artist.remove()
        self.edges, self.texts = [], []


def plot_network(net, a=None, ax=None, max_neurons=MAX_NEURONS, scale="global", labels=True,
                 figsize=(6.0, 3.5), dpi=80, colorbar=True):
    """Draw an nnlib MLP: neurons per layer, weights as edges (red > 0, blue < 0, bolder = larger |W|).

    Parameters
    ----------
    net : nnlib.network.MLP (anything with ``sizes`` and ``params["W1"] …``).
    a : optional activations of ONE sample: the ``cache`` from ``net.forward(x[None])``, its
        ``cache.a`` (arrays of shape (1, h_l)), or a list of (h_l,) vectors for l = 0 … L.
        Neurons are then coloured by value (orange > 0, purple < 0, white = 0); otherwise they are pale.
    max_neurons : draw at most this many neurons per layer (wider layers show "+N").
    scale : "global" (one colour scale for every layer) or "layer" (each layer its own).
    colorbar : add colour scales beside the diagram: the weights (in units of each layer's
        largest |W|) and, when ``a`` is given, the activations.

    Returns ``(fig, ax)``.
    """
    sizes = _net_sizes(net)
    values = None if a is None else _layer_vectors(a, sizes)
    fig, ax = new_axes(ax, figsize=figsize, dpi=dpi)
    diagram = NetworkDiagram(ax, sizes, max_neurons=max_neurons, labels=labels)
    for l, (rgba, widths) in enumerate(diagram.weight_styles(net.params), start=1):
        diagram.set_edges(l, rgba, widths)
    if values is not None:
        diagram.set_nodes(*diagram.node_colors(values, scale=scale))
    if colorbar:
        # Each layer's edges are scaled by its own max |W| (weight_styles): the bar is in
        # units of that maximum.
        add_weight_colorbar(ax, 1.0, label="$W$ / max$|W|$ of its layer (edges)")
        if values is not None and scale == "global":
            shown = [diagram.shown_values(v, l) for l, v in enumerate(values)]
            add_activation_colorbar(ax, max(float(np.max(np.abs(v))) for v in shown))
        elif values is not None:
            add_activation_colorbar(ax, 1.0, label="$a$ / max$|a|$ of its layer (neurons)")
    return fig, ax


def _net_sizes(net):
    """``net.sizes`` after checking that ``net`` looks like an MLP with W1 … WL."""
    sizes = getattr(net, "sizes", None)
    params = getattr(net, "params", None)
    if sizes is None or not isinstance(params, dict):
        raise TypeError(f"net must be an nnlib.network.MLP, got {type(net).__name__}")
    missing = [f"W{l}" for l in range(1, len(sizes)) if f"W{l}" not in params]
    if missing:
        raise ValueError(f"net.params lacks the weights {missing} for sizes {list(sizes)}")
    return list(sizes)
