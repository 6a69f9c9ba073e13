"""One source of truth per concept: an activation registered once shows up in every network,
widget, picture and table, with no other edit (nnlib.activations.register_activation)."""

import numpy as np
import pytest
from matplotlib.colors import to_hex

from nnlib import activations
from nnlib.activations import Activation, activation_colour, register_activation
from nnlib.analysis.activations import activation_table, saturation_regions
from nnlib.network import MLP
from nnlib.training import History
from nnlib.viz import plot_activations
from nnlib.viz.activations import plot_activation_race
from nnlib.widgets import (activation_race_widget, activation_widget, forward_pass_widget,
                           gradient_flow_widget, representation_widget, training_explorer,
                           universal_approximation_widget, vanishing_gradient_widget)


def _softplus(z):
    return np.logaddexp(0.0, z).astype(z.dtype, copy=False)


def _softplus_grad(z):
    return activations.sigmoid(z)


@pytest.fixture
def softplus():
    act = Activation("softplus", _softplus, _softplus_grad, lambda da, z, a: da * _softplus_grad(z),
                     colour="#8c564b", formula=r"$\log(1 + e^{z})$", use="smooth ReLU (test only)")
    register_activation(act)
    yield act
    del activations.ACTIVATIONS["softplus"]


def _activation_controls(box):
    return [c for name, c in box.controls.items() if name.startswith("activation")]


def test_a_registered_activation_reaches_every_widget(softplus):
    builders = [activation_widget, universal_approximation_widget, vanishing_gradient_widget,
                forward_pass_widget, representation_widget, gradient_flow_widget, training_explorer]
    for build in builders:
        box = build()
        controls = _activation_controls(box)
        assert controls, f"{build.__name__} has no activation control"
        for control in controls:
            assert "softplus" in control.options, f"{build.__name__}: {control.options}"
    box = forward_pass_widget(activation="softplus")
    assert box.controls["activation"].value == "softplus"


def test_a_registered_activation_reaches_networks_pictures_and_tables(softplus):
    net = MLP([2, 3, 1], activation="softplus", seed=0)
    X = np.random.default_rng(0).standard_normal((5, 2))
    loss, grads = net.loss_and_grads(X, np.zeros((5, 1)))
    assert np.isfinite(loss) and set(grads) == set(net.params)

    fig, ax = plot_activations(["softplus", "relu"])
    colours = {line.get_label(): to_hex(line.get_color()) for line in ax.lines}
    assert any(to_hex(c) == "#8c564b" for c in colours.values())
    assert activation_colour("softplus") == "#8c564b"

    row, = activation_table(["softplus"])
    assert row["formula"] == softplus.formula and row["use"] == softplus.use
    assert saturation_regions("softplus", -10, 10)

    history = History(train_loss=[1.0, 0.5], val_loss=[1.1, 0.6])
    plot_activation_race({"softplus": history, "relu": history})
    activation_race_widget({"softplus": history, "relu": history})


def test_an_unregistered_colour_comes_from_the_registry_position(softplus):
    register_activation(softplus._replace(name="softplus2", colour=""))
    try:
        assert activation_colour("softplus2") == f"C{list(activations.ACTIVATIONS).index('softplus2') % 10}"
    finally:
        del activations.ACTIVATIONS["softplus2"]


def test_register_activation_rejects_what_is_not_an_activation():
    with pytest.raises(TypeError, match="Activation"):
        register_activation(("elu", None, None, None))
    with pytest.raises(ValueError, match="name"):
        register_activation(Activation("no name", _softplus, _softplus_grad, None))
