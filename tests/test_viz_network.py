"""Smoke and content tests of the network pictures: diagram, forward pass, representations, gradient flow.

Each test looks at the artists a picture made (how many neuron markers, which colour an edge
got, which layers are lit) rather than at pixels.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (only to count pyplot's open figures)
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlib.datasets import make_moons  # noqa: E402
from nnlib.network import MLP  # noqa: E402
from nnlib.viz import (animate_forward, animate_gradient_flow,  # noqa: E402
                       animate_representations, plot_gradient_norms, plot_network,
                       plot_representations, to_jshtml)
from nnlib.viz.gradients import log_colors
from nnlib.viz.network import (NEGATIVE, POSITIVE, UNLIT, NetworkDiagram, layer_symbol,
                               network_layout, subscript, weight_edge_style)
from nnlib.viz.representation import project_2d, representation_views  # noqa: E402


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before, "a picture function opened a pyplot figure"


@pytest.fixture
def moons():
    return make_moons(60, 0.1, 0)


def _lit(diagram):
    """Boolean per drawn neuron: is its face coloured (not the unlit grey)?"""
    return ~np.all(np.isclose(diagram.nodes.get_facecolors(), UNLIT), axis=1)


# --- 1. diagram --------------------------------------------------------------------------------

def test_layout_caps_wide_layers_with_a_gap():
    layout = network_layout([2, 30, 5, 1], max_neurons=12)
    assert [len(s) for s in layout.shown] == [2, 11, 5, 1]
    assert layout.gaps[1][2] == 19 and layout.gaps[0] is None
    assert list(layout.shown[1][:6]) == [0, 1, 2, 3, 4, 5] and layout.shown[1][-1] == 29
    assert layout.slots == 12
    assert layout.segments(2).shape == (5 * 11, 2, 2)


def test_plot_network_markers_size_and_labels():
    net = MLP([3, 20, 4, 2], head="softmax", seed=0)
    fig, ax = plot_network(net, figsize=(6.0, 3.5), dpi=72)
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches()) == (6.0, 3.5)
    assert len(ax.collections[-1].get_offsets()) == 3 + 11 + 4 + 2          # neuron markers
    assert len(ax.collections) == 3 + 1                                     # L edge sets + nodes
    texts = [t.get_text() for t in ax.texts]
    assert any("+9" in t for t in texts)
    assert any("a⁽⁰⁾ = x" in t and "h₀ = 3" in t for t in texts)
    assert any("a⁽³⁾ = ŷ" in t for t in texts)
    fig.savefig(__import__("io").BytesIO(), format="png")


def test_edge_colours_follow_weight_sign_and_magnitude():
    net = MLP([2, 3, 1], seed=0)
    net.params["W1"][...] = [[1.0, -0.5], [0.25, -2.0], [0.0, 0.5]]
    net.params["W2"][...] = [[-1.0, 2.0, 0.1]]
    fig, ax = plot_network(net)
    edges = ax.collections[0]
    rgba, widths = edges.get_colors(), np.asarray(edges.get_linewidths())
    W = net.params["W1"].ravel()
    for colour, w in zip(rgba, W):
        assert np.allclose(colour[:3], (POSITIVE if w >= 0 else NEGATIVE)[:3])
    order = np.argsort(np.abs(W))
    assert np.all(np.diff(rgba[order, 3]) >= 0) and np.all(np.diff(widths[order]) >= 0)
    assert rgba[np.argmax(np.abs(W)), 3] == pytest.approx(1.0)


def test_nodes_coloured_by_activations_from_cache_or_vectors():
    net = MLP([2, 4, 1], activation="tanh", head="sigmoid", seed=1)
    _, cache = net.forward(np.array([[0.5, -1.0]]))
    fig1, ax1 = plot_network(net, a=cache)
    fig2, ax2 = plot_network(net, a=cache.a)
    fig3, ax3 = plot_network(net, a=[v[0] for v in cache.a])
    faces = [ax.collections[-1].get_facecolors() for ax in (ax1, ax2, ax3)]
    assert np.allclose(faces[0], faces[1]) and np.allclose(faces[0], faces[2])
    assert not np.any(np.all(np.isclose(faces[0], UNLIT), axis=1))
    # the neuron with the largest |a| gets the most saturated colour (furthest from white)
    values = np.concatenate([v[0] for v in cache.a])
    whiteness = faces[0][:, :3].sum(axis=1)
    assert np.argmin(whiteness) == np.argmax(np.abs(values))


def test_plot_network_into_given_axes_and_bad_input():
    net = MLP([2, 3, 1], seed=0)
    fig, ax = plot_network(net)
    fig2, ax2 = plot_network(net, ax=ax)
    assert fig2 is fig and ax2 is ax
    with pytest.raises(TypeError, match="net"):
        plot_network("not a net")
    with pytest.raises(ValueError, match="one entry per layer"):
        plot_network(net, a=[np.zeros(2)])
    with pytest.raises(ValueError, match=r"a\[1\]"):
        plot_network(net, a=[np.zeros(2), np.zeros(5), np.zeros(1)])
    batch = net.forward(np.zeros((4, 2)))[1]
    with pytest.raises(ValueError, match="one sample"):
        plot_network(net, a=batch)
    with pytest.raises(ValueError, match="scale"):
        plot_network(net, a=net.forward(np.zeros((1, 2)))[1], scale="loud")
    with pytest.raises(ValueError, match="max_neurons"):
        plot_network(net, max_neurons=1)


def test_diagram_remove_leaves_axes_empty():
    fig, ax = plot_network(MLP([2, 3, 1], seed=0))
    ax.clear()
    diagram = NetworkDiagram(ax, [2, 20, 1])
    diagram.remove()
    assert not ax.collections and not ax.texts


def test_unicode_labels():
    assert layer_symbol("a", 12) == "a⁽¹²⁾" and "h" + subscript(10) == "h₁₀"
    rgba, widths = weight_edge_style(np.zeros(3))
    assert np.all(np.isfinite(rgba)) and np.all(widths > 0)


# --- 2. forward pass ---------------------------------------------------------------------------

def test_animate_forward_frames_light_layers_in_order():
    net = MLP([2, 5, 30, 1], activation="relu", head="sigmoid", seed=0)
    anim = animate_forward(net, [0.3, -0.7])
    assert isinstance(anim, FuncAnimation)
    picture = anim.picture
    assert picture.n_frames == net.L + 1
    layout = picture.diagram.layout
    for frame in range(picture.n_frames):
        picture.draw(frame)
        lit = _lit(picture.diagram)
        for l in range(net.L + 1):
            assert np.all(lit[layout.node_slice(l)]) == (l <= frame), (frame, l)
    assert "ŷ" in picture.diagram.caption.get_text()
    html = to_jshtml(anim).data
    assert "<img" in html or "frames" in html


def test_animate_forward_values_come_from_forward():
    net = MLP([2, 3, 2], activation="tanh", seed=3)
    anim = animate_forward(net, np.array([[1.0, 2.0]]))
    _, cache = net.forward(np.array([[1.0, 2.0]]))
    for l in range(net.L + 1):
        assert np.allclose(anim.picture.a[l], cache.a[l][0])
    anim.picture.update([0.0, 0.0])
    assert np.allclose(anim.picture.a[0], 0.0)
    to_jshtml(anim)


def test_animate_forward_bad_input():
    net = MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="x must be one sample"):
        animate_forward(net, np.zeros((2, 2)))
    with pytest.raises(TypeError, match="x"):
        animate_forward(net, "x")
    anim = animate_forward(net, [0.0, 1.0])
    with pytest.raises(ValueError, match="frame"):
        anim.picture.draw(3)
    to_jshtml(anim)


# --- 3. representations -------------------------------------------------------------------------

def test_plot_representations_width_two_shows_values(moons):
    X, y = moons
    net = MLP([2, 2, 6, 1], activation="tanh", head="sigmoid", seed=0)
    fig, axes = plot_representations(net, X, y)
    assert isinstance(fig, Figure) and len(axes) == net.L + 1
    _, cache = net.forward(X)
    for l in (0, 1):
        assert np.allclose(axes[l].collections[-1].get_offsets(), cache.a[l])
    titles = [t.get_text() for ax in axes for t in ax.texts]
    assert "PCA" in titles[2] and "h = 6" in titles[2]
    assert "1-D" in titles[3]
    assert "PCA" not in titles[1]


def test_pca_projection_is_deterministic_and_centred(rng):
    A = rng.standard_normal((50, 5)) * [5, 3, 1, 0.1, 0.1]
    P1, project, how = project_2d(A)
    P2, _, _ = project_2d(A.copy())
    assert np.allclose(P1, P2) and np.allclose(P1.mean(axis=0), 0)
    assert how.startswith("PCA") and "%" in how
    assert np.var(P1[:, 0]) >= np.var(P1[:, 1])
    assert np.allclose(project(A), P1)
    P0, _, _ = project_2d(np.zeros((10, 4)))                 # a dead layer: no NaN
    assert np.all(np.isfinite(P0))


def test_representation_views_z_and_grid(moons):
    X, y = moons
    net = MLP([2, 3, 3, 1], activation="relu", head="sigmoid", seed=0)
    views_a = representation_views(net, X, y)
    views_z = representation_views(net, X, y, z=True)
    assert "z⁽¹⁾" in views_z[1].title and "a⁽¹⁾" in views_a[1].title
    assert views_a[1].grid.shape[1:] == (40, 2) and len(views_a[1].grid) > 0
    assert len(views_a[-1].grid) == 0                          # 1-D: no grid
    assert not np.allclose(views_a[1].points, views_z[1].points)


def test_animate_representations_steps_layers(moons):
    X, y = moons
    net = MLP([2, 2, 2, 1], activation="tanh", head="sigmoid", seed=0)
    anim = animate_representations(net, X, y)
    assert isinstance(anim, FuncAnimation) and len(anim.views) == net.L + 1
    anim.picture.update(anim.views[1])
    _, cache = net.forward(X)
    assert np.allclose(anim.picture.points.get_offsets(), cache.a[1])
    to_jshtml(anim)


def test_representations_bad_input(moons):
    X, y = moons
    with pytest.raises(ValueError, match="2-D inputs"):
        plot_representations(MLP([3, 2, 1], seed=0), np.zeros((5, 3)), np.zeros(5))
    net = MLP([2, 2, 1], seed=0)
    with pytest.raises(ValueError, match="y must hold one label per row"):
        plot_representations(net, X, y[:-1])
    fig, axes = plot_representations(net, X, y)
    with pytest.raises(ValueError, match="axes"):
        plot_representations(net, X, y, axes=axes[:2])


# --- 4. gradient flow ----------------------------------------------------------------------------

def test_animate_gradient_flow_lights_layers_backwards(moons):
    X, y = moons
    net = MLP([2, 4, 4, 4, 1], activation="sigmoid", head="sigmoid", seed=0)
    anim = animate_gradient_flow(net, X, y)
    picture = anim.picture
    assert picture.n_frames == net.L + 1
    layout = picture.diagram.layout
    picture.draw(0)
    assert not np.any(_lit(picture.diagram))
    for frame in range(1, net.L + 1):
        picture.draw(frame)
        lit = _lit(picture.diagram)
        for l in range(1, net.L + 1):
            assert np.all(lit[layout.node_slice(l)]) == (l > net.L - frame), (frame, l)
    assert not np.any(_lit(picture.diagram)[layout.node_slice(0)])   # x has no δ
    to_jshtml(anim)


def test_gradient_edges_darker_for_larger_gradients(moons):
    X, y = moons
    net = MLP([2, 3, 1], activation="tanh", head="sigmoid", seed=0)
    anim = animate_gradient_flow(net, X, y)
    anim.picture.draw(net.L)
    _, grads = net.loss_and_grads(X, y)
    g = np.abs(grads["W1"]).ravel()
    rgba = anim.picture.diagram.edges[0].get_colors()
    darkness = 3 - rgba[:, :3].sum(axis=1)
    order = np.argsort(g)
    assert np.all(np.diff(darkness[order]) >= -1e-9)
    assert np.allclose(anim.picture.norms, grads.layer_norms())
    to_jshtml(anim)


def test_log_colors_handles_zeros():
    rgba, t = log_colors(np.array([0.0, 1e-9, 1e-3, 1e-2]), top=1e-2)
    assert t[0] == 0 and t[1] == 0 and t[-1] == 1 and 0 < t[2] < 1
    rgba, t = log_colors(np.zeros(3), top=0.0)
    assert np.all(t == 0) and np.all(np.isfinite(rgba))


def test_plot_gradient_norms_from_grads_dict_and_array(moons):
    X, y = moons
    net = MLP([2, 5, 5, 5, 1], activation="sigmoid", head="sigmoid", seed=0)
    _, grads = net.loss_and_grads(X, y)
    for source in (grads, dict(grads), grads.layer_norms()):
        fig, ax = plot_gradient_norms(source)
        assert ax.get_yscale() == "log"
        bars = ax.patches
        assert len(bars) == net.L
        tops = [b.get_y() + b.get_height() for b in bars]
        assert np.allclose(tops, grads.layer_norms())


def test_plot_gradient_norms_zero_and_bad_input():
    fig, ax = plot_gradient_norms([1e-3, 0.0, 1e-1])
    visible = [t.get_text() for t in ax.texts if t.get_visible()]
    assert visible == ["0"]
    fig.savefig(__import__("io").BytesIO(), format="png")
    with pytest.raises(ValueError, match=">= 0"):
        plot_gradient_norms([1.0, -1.0])
    with pytest.raises(ValueError, match="at least one layer"):
        plot_gradient_norms([])
    with pytest.raises(TypeError, match="grads_or_norms"):
        plot_gradient_norms("big")


def test_displayed_figures_are_drawn_for_high_density_screens():
    """setup_notebook's PNG: PIXEL_RATIO pixels per pixel shown, the shown size in its metadata."""
    from nnlib.viz import new_axes
    from nnlib.viz.notebook import PIXEL_RATIO, figure_png

    fig, ax = new_axes(figsize=(4.0, 3.0), dpi=100)
    ax.plot([0, 1], [0, 1])
    data, meta = figure_png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert abs(width - PIXEL_RATIO * meta["width"]) <= 1 and abs(height - PIXEL_RATIO * meta["height"]) <= 1
    assert 300 <= meta["width"] <= 450 and 200 <= meta["height"] <= 340    # about 4 × 3 in at 100 dpi
