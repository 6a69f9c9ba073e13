"""A 2-D data set as each layer sees it: how every layer moves, bends and folds the plane.

For layer l the picture shows the rows of a^(l) (n, h_l) — or of z^(l), the layer's values before
σ — one dot per sample, coloured by its class.  How the h_l numbers become two coordinates:

* h_l = 2: the two values themselves (nothing hidden);
* h_l = 1: the value on the horizontal axis; the rows are spread vertically by class so they
  do not hide one another (that height carries no information);
* h_l > 2: the first two principal components: P = (A − mean) V[:2].T with A − mean = U S V
  (NumPy's SVD), each component's sign fixed so its largest loading is positive (the same
  network always gives the same picture).  The title gives the share of variance shown.

Behind the dots a grid of straight lines in the input plane is carried through the same layers
(and the same projection), so one sees the plane itself being bent.  All values come from
``net.forward``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnlib._checks import as_float_array

from ._base import new_axes
from .network import _net_sizes, get_cmap, layer_symbol

__all__ = ["plot_representations", "animate_representations", "representation_views",
           "project_2d", "RepresentationArtists", "LayerView", "class_colors"]

GRID_LINES = 9        # grid lines per direction
GRID_POINTS = 40      # points along each grid line
GRID_COLOR = (0.55, 0.55, 0.55, 0.45)


class LayerView(NamedTuple):
    """What one panel shows.

    points   : (n, 2) the samples' coordinates
    grid     : (n_lines, GRID_POINTS, 2) the carried grid lines (empty for 1-D layers)
    title    : e.g. "layer 2: a^(2), h = 8" and a second line "PCA, 93% of variance"
    kind     : "2-D" (the values themselves), "1-D" or "PCA"
    """

    points: np.ndarray
    grid: np.ndarray
    title: str
    kind: str


def project_2d(A, y=None):
    """Two plotting coordinates for the rows of ``A`` (n, h) and a note saying how they were made.

    Returns ``(P (n, 2), project, how)`` where ``project(B)`` maps other rows B (m, h) the same
    way (None for a 1-D layer) and ``how`` is "", "1-D …" or "PCA, xx% of variance".  ``y`` (n,) labels
    spread a 1-D layer vertically by class.
    """
    A = np.asarray(A, dtype=np.float64)
    h = A.shape[1]
    if h == 2:
        return A, (lambda B: np.asarray(B, dtype=np.float64)), ""
    if h == 1:
        labels = np.zeros(len(A)) if y is None else np.asarray(y).reshape(len(A), -1)[:, 0]
        height = 0.15 * (labels - labels.mean()) * (np.ptp(A) or 1.0)
        return np.column_stack([A[:, 0], height]), None, "1-D (split by class)"
    mean = A.mean(axis=0)
    _, S, Vt = np.linalg.svd(A - mean, full_matrices=False)
    V = Vt[:2]                                                     # (2, h)
    V = V * np.sign(V[np.arange(2), np.argmax(np.abs(V), axis=1)])[:, None]
    V[~np.isfinite(V)] = 0.0
    total = float(np.sum(S**2))
    share = float(np.sum(S[:2] ** 2)) / total if total > 0 else 1.0

    def project(B):
        return (np.asarray(B, dtype=np.float64) - mean) @ V.T      # (m, 2)

    return project(A), project, f"PCA, {100 * share:.0f}% of variance"


def _grid(X):
    """Straight lines across the data's bounding box: (2·GRID_LINES, GRID_POINTS, 2)."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low) + 1e-9
    low, high = low - pad, high + pad
    across = [np.linspace(low[i], high[i], GRID_LINES) for i in range(2)]     # where lines sit
    along = [np.linspace(low[i], high[i], GRID_POINTS) for i in range(2)]     # points on a line
    vertical = np.stack(np.broadcast_arrays(across[0][:, None], along[1][None, :]), axis=-1)
    horizontal = np.stack(np.broadcast_arrays(along[0][None, :], across[1][:, None]), axis=-1)
    return np.concatenate([vertical, horizontal])


def representation_views(net, X, y, z=False, grid=True):
    """One :class:`LayerView` per layer l = 0 … L of ``net`` applied to X (n, 2).

    ``z=True`` shows z^(l) (before σ) instead of a^(l) for l ≥ 1.  ``y`` (n,) are class labels
    (only used to spread 1-D layers).
    """
    X, y = _check_points(net, X, y)
    _, cache = net.forward(X.astype(net.dtype, copy=False))
    lines = _grid(X) if grid else np.empty((0, GRID_POINTS, 2))                # (lines, points, 2)
    grid_cache = net.forward(lines.reshape(-1, 2).astype(net.dtype))[1] if len(lines) else None
    L = len(cache.a) - 1
    views = []
    for l in range(L + 1):
        use_z = z and l > 0
        A = (cache.z if use_z else cache.a)[l]                                   # (n, h_l)
        G = None if grid_cache is None else (grid_cache.z if use_z else grid_cache.a)[l]
        views.append(_layer_view(l, L, A, G, y, use_z, note="z from layer 1 on" if z and l == 0 else ""))
    return views


def _layer_view(l, L, A, G, y, use_z, note=""):
    """The LayerView of layer l from its values A (n, h) and the grid's values G (m, h) or None."""
    P, project, how = project_2d(A, y)
    if project is None or G is None:
        carried = np.empty((0, GRID_POINTS, 2))
    else:
        carried = project(G).reshape(-1, GRID_POINTS, 2)
    h = A.shape[1]
    symbol = "x" if l == 0 else layer_symbol("z" if use_z else "a", l)
    name = "input" if l == 0 else ("output" if l == L else f"layer {l}")
    # Always two lines, so that a widget's frozen layout has room for every title.
    second = how or note or ("the data as given" if l == 0 else "the two values themselves")
    title = f"{name}: {symbol}, h = {h}\n{second}"
    return LayerView(P, carried, title, {1: "1-D", 2: "2-D"}.get(h, "PCA"))


def _check_points(net, X, y):
    sizes = _net_sizes(net)
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2 or sizes[0] != 2:
        raise ValueError(f"the representation view needs 2-D inputs: X must have shape (n, 2) and "
                         f"net.sizes[0] == 2, got X of shape {X.shape} and sizes {sizes}")
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must hold one label per row of X ({X.shape[0]}), got shape {y.shape}")
    return X, y


def class_colors(y):
    """(n, 4) colours for labels y: integer classes (n,), or 0/1 columns (n, 1)."""
    labels = np.asarray(y).reshape(len(y), -1)[:, 0]
    codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
    return get_cmap("tab10")(codes % 10)


class RepresentationArtists:
    """A scatter of the samples and the carried grid on one axes, switched between views in place."""

    def __init__(self, ax, y, marker_size=9.0):
        self.ax = ax
        self.grid = ax.add_collection(LineCollection([], colors=[GRID_COLOR], linewidths=0.6,
                                                     zorder=1), autolim=False)
        self.points = ax.scatter(np.zeros(len(y)), np.zeros(len(y)), s=marker_size, zorder=2,
                                 linewidths=0)
        # A text above the axes rather than a title: set_title re-measures the tick labels.
        self.title = ax.text(0.5, 1.01, "", transform=ax.transAxes, ha="center", va="bottom",
                             fontsize=8)
        ax.tick_params(labelsize=7)
        ax.locator_params(nbins=4)          # few ticks: each costs a text layout per redraw
        self.set_labels(y)

    def set_labels(self, y):
        """Colour the dots by the labels ``y`` (n,) (the number of samples may change)."""
        self.points.set_facecolors(class_colors(y))

    def update(self, view: LayerView):
        """Move the dots and the grid to ``view`` and fit the limits to the dots."""
        self.points.set_offsets(view.points)
        self.grid.set_segments(list(view.grid))
        low, high = view.points.min(axis=0), view.points.max(axis=0)
        pad = 0.08 * (high - low) + 1e-3
        self.ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        self.ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        self.title.set_text(view.title)
        if view.kind == "1-D":      # the height only separates the classes: no scale for it
            self.ax.set_yticks([])
        elif not self.ax.get_yticks().size:
            self.ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        return [self.points, self.grid, self.title]


def plot_representations(net, X, y, axes=None, z=False, grid=True, panel_size=2.2, dpi=80):
    """The data set X (n, 2) with labels y (n,) as seen by every layer of ``net``, one panel each.

    ``axes``: a sequence of L + 1 axes to draw into, or None for a new bare Figure with one row
    of panels.  ``z=True`` shows z^(l) (before σ).  Returns ``(fig, axes)``.
    """
    views = representation_views(net, X, y, z=z, grid=grid)
    if axes is None:
        fig = Figure(figsize=(panel_size * len(views), panel_size + 0.3), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        axes = list(np.atleast_1d(fig.subplots(1, len(views))))
    else:
        axes = list(np.ravel(axes)) if not hasattr(axes, "figure") else [axes]
        if len(axes) != len(views):
            raise ValueError(f"axes must hold one axes per layer (L + 1 = {len(views)}), got {len(axes)}")
        fig = axes[0].figure
    for ax, view in zip(axes, views):
        RepresentationArtists(ax, y).update(view)
    return fig, axes


def animate_representations(net, X, y, ax=None, z=False, grid=True, interval=1000,
                            figsize=(4.0, 3.6), dpi=72):
    """Step through the layers of ``net`` on one axes: frame l shows the data after layer l.

    Returns a ``FuncAnimation`` (L + 1 frames) on a bare Figure; show it with ``to_jshtml``.
    """
    views = representation_views(net, X, y, z=z, grid=grid)
    fig, ax = new_axes(ax, figsize=figsize, dpi=dpi)
    picture = RepresentationArtists(ax, y)
    anim = FuncAnimation(fig, lambda l: picture.update(views[l]), frames=range(len(views)),
                         interval=interval, blit=False, repeat=True)
    anim.picture, anim.views = picture, views
    return anim
