"""Per-layer gradient norms on a log scale: the vanishing/exploding-gradient picture.

The numbers come from :func:`nnlib.analysis.gradients.gradient_norms_by_layer`; this module only
draws them.  :class:`LayerNormArtists` keeps one line per series and updates it in place, so a
widget can redraw at slider speed; :func:`plot_layer_gradient_norms` is the one-shot version.
"""

from __future__ import annotations

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.colors import to_rgba
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from .._checks import as_float_array, check_int
from ..activations import ACTIVATIONS, activation_colour, get_activation
from ..network import Gradients
from ._base import new_axes
from .network import (EDGE_OFF, MAX_NEURONS, UNLIT, UNLIT_EDGE, NetworkDiagram, _net_sizes,
                      get_cmap, layer_symbol)

#: Norms below this (including exact zeros) are drawn on the bottom edge, as open triangles.
NORM_FLOOR = 1e-40
_STYLES = [dict(color="C0", marker="o"), dict(color="C3", marker="s"),
           dict(color="C2", marker="^"), dict(color="C4", marker="D")]


class LayerNormArtists:
    """Lines of ‖dW^(l)‖ against the layer index l on a log y-axis, updated in place.

    ``update(norms_dict)`` takes ``{label: array (L,)}`` (as returned by
    ``gradient_norms_by_layer``); up to four series.  Values that are 0 or below
    :data:`NORM_FLOOR` are drawn at the floor as open triangles ▽ (a log axis cannot show 0);
    NaN/inf entries are left out.
    """

    def __init__(self, ax, max_series: int = len(_STYLES)):
        self.ax = ax
        ax.set_yscale("log")
        # Decade ticks only: a log axis's minor ticks cost about a third of a redraw.
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_xlabel("layer l (1 = next to the input)")
        ax.set_ylabel(r"$\|\partial L / \partial W^{(l)}\|_F$")
        ax.grid(True, which="major", alpha=0.3)
        self.lines = [ax.plot([], [], lw=1.5, ms=4, **_STYLES[i])[0] for i in range(max_series)]
        self.floored = [ax.plot([], [], ls="none", marker="v", mfc="none", ms=6,
                                color=_STYLES[i]["color"])[0] for i in range(max_series)]

    def update(self, norms_dict: dict) -> None:
        if not isinstance(norms_dict, dict) or not norms_dict:
            raise TypeError(f"norms_dict must be a non-empty dict label -> array of per-layer "
                            f"norms, got {type(norms_dict).__name__}")
        if len(norms_dict) > len(self.lines):
            raise ValueError(f"norms_dict can hold at most {len(self.lines)} series, "
                             f"got {len(norms_dict)}")
        shown, n_layers = [], 1
        for i, line in enumerate(self.lines):
            if i >= len(norms_dict):
                line.set_data([], [])
                self.floored[i].set_data([], [])
                continue
            label, norms = list(norms_dict.items())[i]
            norms = np.asarray(norms, dtype=float).reshape(-1)              # (L,)
            layer = np.arange(1, norms.size + 1)
            finite = np.isfinite(norms)
            low = finite & (norms < NORM_FLOOR)
            drawn = np.where(finite, np.maximum(norms, NORM_FLOOR), np.nan)
            line.set_data(layer, drawn)
            line.set_label(str(label))
            self.floored[i].set_data(layer[low], np.full(low.sum(), NORM_FLOOR))
            shown.append(drawn[finite])
            n_layers = max(n_layers, norms.size)
        # Limits in coarse steps (5 layers; whole decades) so that they change rarely: a
        # widget redraws its cached axes background only when a limit changes.
        self.ax.set_xlim(0.5, 5 * np.ceil(n_layers / 5) + 0.5)
        self.ax.xaxis.set_major_locator(_integer_locator(n_layers))
        values = np.concatenate(shown) if shown else np.array([])
        self.ax.set_ylim(*_log_limits(values))
        handles = self.lines[:len(norms_dict)]
        if any(len(f.get_xdata()) for f in self.floored):
            handles = handles + [self.floored[0]]
            self.floored[0].set_label(f"0 or < {NORM_FLOOR:.0e}")
        self.ax.legend(handles=handles, loc="best", fontsize="small")


def plot_layer_gradient_norms(norms_dict: dict, ax=None):
    """Plot ‖dW^(l)‖_F per layer on a log scale, one line per entry of ``norms_dict``.

    ``norms_dict`` maps a label (e.g. "at initialization") to an array of shape (L,), the
    norm of layer l at index l − 1 — the output of
    :func:`nnlib.analysis.gradients.gradient_norms_by_layer`.  A straight falling line on this
    log axis is a *geometric* decay: the gradient is multiplied by a factor < 1 per layer.
    Returns ``(fig, ax)``.
    """
    fig, ax = new_axes(ax, figsize=(6.0, 3.5), dpi=80)
    LayerNormArtists(ax).update(norms_dict)
    ax.set_title("gradient norm per layer")
    return fig, ax


def _log_limits(values):
    """y-limits of a log axis around the positive finite ``values`` (a decade of margin)."""
    if values.size == 0:
        return NORM_FLOOR / 10, 1.0
    lo, hi = float(values.min()), float(values.max())
    # The bottom moves in steps of three decades: a deep network's first layer keeps
    # falling by decades as the depth grows.
    return 10 ** (3 * np.floor(np.log10(lo) / 3) - 0.3), 10 ** (np.ceil(np.log10(hi)) + 0.3)


def _integer_locator(n_layers):
    return MaxNLocator(nbins=min(5 * int(np.ceil(n_layers / 5)), 8), integer=True)

GRADIENT_CMAP = "magma_r"   # pale = small gradient, dark = large
DECADES = 5                 # the colour scale spans max·10⁻⁵ … max
BAR_COLOR = to_rgba("#7a3b8f")
BAR_OFF = to_rgba("#d9cde0")



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


class GradientFlowArtists:
    """A network diagram on ``ax`` that shows any frame of δ flowing backwards (``n_frames = L + 1``)."""

    def __init__(self, ax, net, X, y, max_neurons=MAX_NEURONS):
        self.net = net
        self.diagram = NetworkDiagram(ax, _net_sizes(net), max_neurons=max_neurons)
        self.diagram.caption.set_fontsize(9)       # the backward rule is a long line
        self.update(X, y)

    @property
    def n_frames(self) -> int:
        return self.diagram.layout.L + 1

    def update(self, X, y):
        """Recompute δ and dW for the batch (X, y) and the colours they get."""
        X = as_float_array(X, "X", ndim=2).astype(self.net.dtype, copy=False)
        self.loss, self.grads = self.net.loss_and_grads(X, y)          # evaluation mode
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


def add_gradient_colorbar(ax, cmap=GRADIENT_CMAP):
    """A log colourbar beside ``ax`` for :func:`log_colors`: 10⁻⁵ … 1 of the largest value
    (opacity blended onto white, as the edges and neurons are drawn)."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import ListedColormap, LogNorm

    t = np.linspace(0.0, 1.0, 256)
    rgba = get_cmap(cmap)(t)
    alpha = (0.15 + 0.85 * t)[:, None]
    mappable = ScalarMappable(LogNorm(10.0 ** -DECADES, 1.0),
                              ListedColormap(1.0 - alpha * (1.0 - rgba[:, :3])))
    bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.7, pad=0.01, aspect=25)
    bar.set_label("|∂L/∂W| (edges), mean |δ| (neurons)\nrelative to the largest", fontsize="small")
    bar.ax.tick_params(labelsize="small")
    # Plain-text decade labels and no minor ticks: mathtext labels would double a widget's redraw.
    bar.ax.yaxis.set_major_locator(LogLocator(numticks=DECADES + 1))
    bar.ax.yaxis.set_minor_locator(NullLocator())
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{np.log10(v):.0f}"))
    return bar


def animate_gradient_flow(net, X, y, ax=None, interval=700, max_neurons=MAX_NEURONS,
                          figsize=(6.0, 3.5), dpi=72, colorbar=True):
    """Animate δ flowing backwards through ``net`` for the batch X (n, d), y: L + 1 frames.

    Frame 0 is the network after the forward pass; frame f lights layers L … L−f+1 with
    mean |δ| per neuron and |∂L/∂W| per edge (log colour scales, shown by a colourbar unless
    ``colorbar=False``).  Returns a ``FuncAnimation``
    on a bare Figure; show it with ``nnlib.viz.to_jshtml(anim)``.
    """
    fig, ax = new_axes(ax, figsize=figsize, dpi=dpi)
    picture = GradientFlowArtists(ax, net, X, y, max_neurons=max_neurons)
    if colorbar:
        add_gradient_colorbar(ax)
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


class GradientBarArtists:
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

    def update(self, norms):
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


def plot_gradient_norms_panels(norms_by_label: dict, axes=None, figsize=None, dpi=100):
    """Per-layer gradient-norm bars of several networks side by side, on ONE shared log y-axis.

    ``norms_by_label`` maps a panel title (e.g. "sigmoid, Xavier") to anything
    :func:`plot_gradient_norms` accepts.  Panels that are compared share their y-axis, so a
    bar's height means the same in each.  Returns ``(fig, axes)``.
    """
    from ._base import new_panels

    n = len(norms_by_label)
    fig, axes = new_panels(n, axes=axes, figsize=figsize or (3.2 * n, 3.0), dpi=dpi, sharey=True)
    all_norms = [layer_norms(v) for v in norms_by_label.values()]
    for ax, (label, norms) in zip(axes, zip(norms_by_label, all_norms)):
        GradientBarArtists(ax).update(norms)
        ax.set_title(str(label), fontsize="medium")
        ax.tick_params(labelsize="small")
        ax.xaxis.label.set_fontsize("small")
        if ax is not axes[0]:
            ax.set_ylabel("")
        else:
            ax.yaxis.label.set_fontsize("small")
    positive = np.concatenate([v[v > 0] for v in all_norms])
    bottom = float(positive.min()) / 10 if positive.size else 1e-12
    top = max(float(max(v.max() for v in all_norms)), bottom * 10) * 3
    for ax in axes:                        # bars start at the common bottom of the shared axis
        for bar in ax.patches:
            if bar.get_visible() and bar.get_height() > 0:
                bar.set_height(bar.get_y() + bar.get_height() - bottom)
            bar.set_y(bottom)
        ax.set_ylim(bottom, top)
    return fig, axes


def plot_gradient_norms(grads_or_norms, ax=None, figsize=(3.5, 3.0), dpi=80):
    """Bars of the per-layer gradient norms ‖∂L/∂W^(l)‖_F, l = 1 … L, on a log scale.

    ``grads_or_norms``: the :class:`~nnlib.network.Gradients` from ``net.backward``, a dict of
    gradients keyed "W1" … , or an array of L norms.  Returns ``(fig, ax)``.
    """
    norms = layer_norms(grads_or_norms)
    fig, ax = new_axes(ax, figsize=figsize, dpi=dpi)
    GradientBarArtists(ax).update(norms)
    return fig, ax

def plot_derivative_bound(lo=-6.0, hi=6.0, ax=None):
    """σ′(z) of sigmoid, tanh and ReLU on [lo, hi], with sigmoid′'s maximum 1/4 marked."""
    z = np.linspace(lo, hi, 601)
    fig, ax = new_axes(ax, figsize=(5.0, 3.0), dpi=80)
    for name in ("sigmoid", "tanh", "relu"):
        ax.plot(z, get_activation(name).df(z), color=activation_colour(name), lw=2, label=f"{name}′")
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
                    ms=4, color=activation_colour(name) if name in ACTIVATIONS else f"C{i}", label=str(label))
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
