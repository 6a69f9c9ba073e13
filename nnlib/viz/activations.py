"""Activation functions σ(z) and their derivatives σ′(z), with minima and saturation marked.

The minima come from :func:`nnlib.analysis.activations.activation_minimum` and the saturated
intervals (|σ′| below a threshold: almost no gradient passes) from
:func:`nnlib.analysis.activations.saturation_regions`; this module only draws them.
"""

from __future__ import annotations

import functools

import numpy as np

from .._checks import check_choice, check_float
from ..activations import ACTIVATIONS, activation_colour, get_activation, hidden_activations
from ..analysis.activations import activation_minimum, saturation_regions
from ._base import new_axes, new_panels

_N_POINTS = 801
_STRIP = 0.03          # height of one saturation strip, as a fraction of the axes
# The minimum of a named activation never changes: compute it once per name.
_minimum = functools.lru_cache(maxsize=None)(activation_minimum)


class ActivationArtists:
    """σ and σ′ of every hidden activation on one axes; ``update`` shows a chosen few.

    All artists are made once (two lines and a minimum marker per activation); ``update``
    sets their data and visibility, and redraws only the shaded saturation spans.
    """

    def __init__(self, ax):
        self.ax = ax
        self.f_lines, self.df_lines, self.min_marks = {}, {}, {}
        for name in hidden_activations():
            colour = activation_colour(name)
            self.f_lines[name], = ax.plot([], [], color=colour, lw=2, label=name)
            self.df_lines[name], = ax.plot([], [], color=colour, lw=1.2, ls="--")
            self.min_marks[name], = ax.plot([], [], "o", color=colour, ms=6, mec="black", zorder=5)
        self.spans = []
        self.note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center")
        ax.axhline(0, color="black", lw=0.6)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel("z")
        ax.grid(True, alpha=0.3)

    def update(self, names, lo=-5.0, hi=5.0, derivative=True, threshold=0.05) -> None:
        names = _check_names(names)
        lo, hi = check_float(lo, "lo"), check_float(hi, "hi")
        if hi <= lo:
            raise ValueError(f"hi must be greater than lo, got lo={lo}, hi={hi}")
        threshold = check_float(threshold, "threshold", low=0.0, low_inclusive=False)
        z = np.linspace(lo, hi, _N_POINTS)                                   # (m,)
        y_values = []
        for name in hidden_activations():
            on = name in names
            for artist in (self.f_lines[name], self.df_lines[name], self.min_marks[name]):
                artist.set_visible(on)
            if not on:
                continue
            act = get_activation(name)
            f, df = act.f(z), act.df(z)
            self.f_lines[name].set_data(z, f)
            self.df_lines[name].set_data(z, df)
            self.df_lines[name].set_visible(bool(derivative))
            y_values += [f, df] if derivative else [f]
            self._mark_minimum(name, lo, hi)
        self._shade_saturation(names, lo, hi, threshold)
        self.ax.set_xlim(lo, hi)
        data = np.concatenate(y_values) if y_values else np.array([-1.0, 1.0])
        self.ax.set_ylim(*_padded(data, free_bottom=_STRIP * len(names)))
        self.note.set_text("" if names else "choose at least one activation")
        self._legend(names, derivative, threshold)

    def moving_artists(self) -> list:
        """Everything ``update`` changes (for a widget that redraws only those)."""
        legend = self.ax.get_legend()
        return ([*self.f_lines.values(), *self.df_lines.values(), *self.min_marks.values()]
                + self.spans + [self.note] + ([legend] if legend is not None else []))

    def _mark_minimum(self, name, lo, hi):
        """A dot on the minimum; its value goes into the legend label."""
        minimum = _minimum(name)
        if minimum is None or not lo <= minimum.z <= hi:
            self.min_marks[name].set_data([], [])
            self.f_lines[name].set_label(name)
            return
        self.min_marks[name].set_data([minimum.z], [minimum.f])
        self.f_lines[name].set_label(f"{name}: min {minimum.f:.3f} at z = {minimum.z:.3f}")

    def _shade_saturation(self, names, lo, hi, threshold):
        """One strip per activation along the bottom edge where |σ′| < threshold.

        With a single activation its saturated bands are also shaded lightly over the
        whole height; with several, full-height bands would pile up into noise.
        """
        for span in self.spans:
            span.remove()
        self.spans = []
        for row, name in enumerate(names):
            colour = activation_colour(name)
            for start, end in saturation_regions(name, lo, hi, threshold):
                self.spans.append(self.ax.axvspan(start, end, row * _STRIP, (row + 1) * _STRIP,
                                                  color=colour, alpha=0.6, lw=0))
                if len(names) == 1:
                    self.spans.append(self.ax.axvspan(start, end, color=colour, alpha=0.1, lw=0))

    def _legend(self, names, derivative, threshold):
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = [self.f_lines[n] for n in hidden_activations() if n in names]
        if not handles:
            legend = self.ax.get_legend()
            if legend is not None:
                legend.remove()
            return
        if derivative:
            handles.append(Line2D([], [], color="gray", ls="--", label="σ′ (dashed)"))
        handles.append(Patch(color="gray", alpha=0.6, label=f"|σ′| < {threshold:g} (bars at the bottom)"))
        self.ax.legend(handles=handles, loc="upper left", fontsize="small")


def plot_activations(names, lo=-5.0, hi=5.0, ax=None, derivative=True, threshold=0.05):
    """Plot σ(z) (solid) and σ′(z) (dashed) of each activation in ``names`` over [lo, hi].

    A dot marks the minimum of activations that have one (GELU ≈ −0.170 at z ≈ −0.752,
    SiLU ≈ −0.278 at z ≈ −1.278; the values are in the legend).  Coloured bars along the
    bottom edge, one row per activation, mark its *saturation* regions where
    |σ′(z)| < ``threshold`` — there the backward pass δ = da ⊙ σ′(z) lets almost no
    gradient through (a single activation's regions are also shaded over the full height).  ``names``: a name or a list of names from
    ``relu, gelu, silu, sigmoid, tanh, identity``.  Returns ``(fig, ax)``.
    """
    names = _check_names(names)
    if not names:
        raise ValueError("names must list at least one activation, got an empty list")
    fig, ax = new_axes(ax, figsize=(6.0, 3.5), dpi=80)
    ActivationArtists(ax).update(names, lo, hi, derivative, threshold)
    ax.set_title("activations σ(z) and derivatives σ′(z)")
    return fig, ax


def _check_names(names):
    if isinstance(names, str):
        names = [names]
    if not hasattr(names, "__iter__"):
        raise TypeError(f"names must be an activation name or a list of names, got {names!r}")
    return [check_choice(n, "names", hidden_activations()) for n in names]


def _padded(values, margin=0.08, free_bottom=0.0):
    """y-limits around ``values`` leaving the fraction ``free_bottom`` of the height empty.

    The ends are rounded outwards to multiples of 0.5 (of 5 beyond a range of 20), so that
    small changes of the data leave the limits — and a widget's cached background — alone.
    """
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = margin * max(hi - lo, 1e-3)
    step = 0.5 if hi - lo <= 20 else 5.0
    lo, hi = step * np.floor((lo - pad) / step), step * np.ceil((hi + pad) / step)
    return lo - free_bottom / (1 - free_bottom) * (hi - lo), hi


def plot_neuron_response(neurons, activation="sigmoid", lo=-4.0, hi=4.0, ax=None, title=None):
    """a = σ(w·x + b) of a neuron with one input x ∈ [lo, hi], one curve per (w, b) in ``neurons``.

    Each curve's switch point x = −b/w (where z = 0) is marked with a dot.  Returns ``(fig, ax)``.
    """
    sigma = get_activation(activation)
    x = np.linspace(lo, hi, 401)
    fig, ax = new_axes(ax, figsize=(5.0, 3.0), dpi=80)
    for i, (w, b) in enumerate(neurons):
        colour = f"C{i}"
        ax.plot(x, sigma.f(w * x + b), color=colour, lw=2, label=f"w = {w:g}, b = {b:g}")
        if w != 0 and lo <= -b / w <= hi:
            ax.plot([-b / w], sigma.f(np.array([0.0])), "o", color=colour, ms=5)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xlabel("input $x$")
    ax.set_ylabel(rf"$a = \mathrm{{{activation}}}(wx + b)$")
    ax.set_title(title or "one neuron; the dot marks x = −b/w")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig, ax


# --- chapter 4 ---------------------------------------------------------------------------

def plot_linear_collapse(t, outputs: dict, ax=None, xlabel="position t along the line"):
    """Network outputs along a straight line x(t) = x₀ + t·v through input space.

    ``outputs`` maps a label to an array (m,) of outputs at the points t (m,).  Labels
    containing "product" are drawn dashed on top, so a curve that coincides with the stack
    it reproduces stays visible.
    """
    t = np.asarray(t, dtype=float)
    fig, ax = new_axes(ax, figsize=(5.4, 3.2), dpi=80)
    for i, (label, y) in enumerate(outputs.items()):
        dashed = "product" in label
        # Colours of the registry: a label naming an activation gets its colour, the linear
        # stack identity's grey; the product matrix is drawn black and dashed on top.
        named = [n for n in hidden_activations() if n.replace("_", " ") in label.lower()]
        colour = "black" if dashed else activation_colour(named[-1] if named else "identity")
        ax.plot(t, np.asarray(y, dtype=float).reshape(-1), ls="--" if dashed else "-",
                lw=2.4 if not dashed else 1.6, color=colour, label=label, zorder=3 if dashed else 2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("network output $z^{(L)}$")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return fig, ax


def plot_dead_units(counts: dict, n_units: int, ax=None):
    """Dead hidden units (summed over the hidden layers) after each epoch, one curve per label.

    ``counts`` maps a label (e.g. "lr = 2.0") to an int array (epochs + 1, layers) from
    :func:`nnlib.analysis.activations.train_counting_dead_units` (row 0 = initialisation);
    ``n_units`` is the number of hidden units, the top of the y-axis.
    """
    fig, ax = new_axes(ax, figsize=(5.4, 3.2), dpi=80)
    styles = ("-", "--", ":", "-.")
    for i, (label, c) in enumerate(counts.items()):
        total = np.asarray(c).reshape(len(c), -1).sum(axis=1)
        # Every curve is a ReLU network: ReLU's colour, one line style per setting.
        ax.plot(np.arange(len(total)), total, lw=2, color=activation_colour("relu"),
                ls=styles[i % len(styles)], label=label)
    ax.axhline(n_units, color="black", lw=0.8, ls=":")
    ax.set_ylim(-0.02 * n_units, 1.05 * n_units)
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"dead units (of {n_units})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="center right")
    return fig, ax


class RaceArtists:
    """Training (left) and validation (right) loss per epoch, one line per activation.

    All lines are made once; :meth:`update` shows the chosen activations and rescales.
    """

    def __init__(self, ax_train, ax_val, histories: dict):
        self.axes = (ax_train, ax_val)
        self.histories = histories
        self.lines = {}
        for name, history in histories.items():
            colour = activation_colour(name) if name in ACTIVATIONS else None
            for ax, values in zip(self.axes, (history.train_loss, history.val_loss)):
                line, = ax.plot(np.arange(1, len(values) + 1), values, lw=1.8, color=colour,
                                label=name)
                self.lines.setdefault(name, []).append(line)
        for ax, title in zip(self.axes, ("training loss", "validation loss")):
            ax.set_yscale("log")
            ax.set_xlabel("epoch")
            ax.set_title(title, fontsize="medium")
            ax.grid(True, alpha=0.3)
        ax_train.set_ylabel("loss (log scale)")
        self.note = ax_train.text(0.5, 0.5, "", transform=ax_train.transAxes, ha="center")

    def set_histories(self, histories: dict) -> None:
        """Show other runs of the same activations (another learning rate or initialiser)."""
        for name, lines in self.lines.items():
            if name in histories:
                h = histories[name]
                for line, values in zip(lines, (h.train_loss, h.val_loss)):
                    line.set_data(np.arange(1, len(values) + 1), values)
        self.histories = {**self.histories, **histories}

    def update(self, names) -> None:
        names = [n for n in names if n in self.histories]
        values = []
        for name, lines in self.lines.items():
            for line in lines:
                line.set_visible(name in names)
            if name in names:
                values += [np.asarray(line.get_ydata(), dtype=float) for line in lines]
        self.note.set_text("" if names else "choose at least one activation")
        for ax in self.axes:
            legend = ax.get_legend()
            if legend is not None:
                legend.remove()
        if names:
            v = np.concatenate(values)
            v = v[np.isfinite(v) & (v > 0)]
            for ax in self.axes:
                ax.set_ylim(v.min() / 1.5, v.max() * 1.5)
                ax.set_xlim(0, max(len(h.train_loss) for h in self.histories.values()))
            self.axes[1].legend(handles=[self.lines[n][1] for n in self.lines if n in names],
                                fontsize="small", loc="lower left")


def plot_activation_race(histories: dict, names=None, axes=None):
    """Training and validation loss per epoch for each activation's History, side by side.

    ``histories`` maps an activation name to a :class:`~nnlib.training.History`; ``names``
    chooses which to show (default all).  Returns ``(fig, (ax_train, ax_val))``.
    """
    fig, axes = new_panels(2, axes=axes, figsize=(8.0, 3.2))
    artists = RaceArtists(axes[0], axes[1], histories)
    artists.update(list(histories) if names is None else list(names))
    return fig, axes
