import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import datasets as ds

REG = [ds.make_sine, ds.make_step, ds.make_abs, ds.make_bumpy]
CLS = [ds.make_moons, ds.make_circles, ds.make_spirals, ds.make_xor]
ALL = REG + CLS


@pytest.mark.parametrize("make", REG)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regression_shapes_dtypes_range(make, dtype):
    X, y = make(n=50, seed=1, dtype=dtype)
    assert X.shape == (50, 1) and y.shape == (50, 1)
    assert X.dtype == dtype and y.dtype == dtype
    assert np.all((X >= -1) & (X <= 1))
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))


@pytest.mark.parametrize("make", CLS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classification_shapes_dtypes(make, dtype):
    X, y = make(n=60, seed=1, dtype=dtype)
    assert X.shape == (60, 2) and y.shape == (60,)
    assert X.dtype == dtype and y.dtype == np.int64
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("make", CLS)
@pytest.mark.parametrize("n", [2, 7, 101, 200])
def test_classes_balanced_and_labels_in_range(make, n):
    X, y = make(n=n, seed=3)
    counts = np.bincount(y, minlength=2)
    assert set(np.unique(y)) <= {0, 1}
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("k", [2, 3, 5])
def test_spirals_k_arms(k):
    X, y = ds.make_spirals(n=10 * k + 1, k=k, seed=0)
    assert set(np.unique(y)) == set(range(k))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


def test_classification_is_shuffled():
    _, y = ds.make_moons(n=200)
    assert len(set(y[:20])) == 2          # not sorted by class


@pytest.mark.parametrize("make", ALL)
def test_determinism(make):
    X1, y1 = make(n=40, seed=7)
    X2, y2 = make(n=40, seed=7)
    X3, y3 = make(n=40, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", ALL)
def test_generator_seed_is_accepted_and_global_state_untouched(make):
    state = np.random.get_state()[1].copy()
    X1, _ = make(n=20, seed=np.random.default_rng(5))
    X2, _ = make(n=20, seed=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("name", ds.REGRESSION)
def test_zero_noise_matches_true_function(name):
    X, y = ds.DATASETS[name](n=30, noise=0.0)
    np.testing.assert_allclose(y, ds.true_function(name)(X))


def test_true_function_values():
    np.testing.assert_allclose(ds.true_function("sine")(np.array([0.5, -0.5])), [1.0, -1.0])
    np.testing.assert_array_equal(ds.true_function("step")(np.array([-0.1, 0.0, 0.3])),
                                  [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(ds.true_function("abs")(np.array([-0.5, 0.25])), [0.5, 0.25])
    # bumpy: the tallest bump is at x = −0.5 (height ≈ 1), a dip near x = 0.6
    grid = np.linspace(-1, 1, 2001)
    f = ds.true_function("bumpy")(grid)
    assert grid[np.argmax(f)] == pytest.approx(-0.5, abs=1e-2)
    assert f.min() < -0.6


def test_true_function_keeps_shape_and_dtype():
    x = np.zeros((4, 1), dtype=np.float32)
    for name in ds.REGRESSION:
        out = ds.true_function(name)(x)
        assert out.shape == (4, 1) and out.dtype == np.float32


def test_true_function_unknown_name_lists_names():
    with pytest.raises(ValueError, match="sine.*bumpy"):
        ds.true_function("moons")


@pytest.mark.parametrize("make", ALL)
def test_bad_arguments(make):
    with pytest.raises(ValueError, match="noise"):
        make(n=10, noise=-0.1)
    with pytest.raises(ValueError, match="noise"):
        make(n=10, noise=float("nan"))
    with pytest.raises(ValueError, match="n must be"):
        make(n=0)
    with pytest.raises(TypeError, match="n must be an integer"):
        make(n=10.0)
    with pytest.raises(TypeError, match="seed"):
        make(n=10, seed="a")
    with pytest.raises(TypeError, match="dtype"):
        make(n=10, dtype=np.int32)


def test_spirals_bad_k_and_circles_bad_factor():
    with pytest.raises(ValueError, match="k must be >= 2"):
        ds.make_spirals(k=1)
    with pytest.raises(ValueError, match="n must be >= 3"):
        ds.make_spirals(n=2, k=3)
    with pytest.raises(ValueError, match="factor"):
        ds.make_circles(factor=1.0)


# --- train_val_split / load_dataset -----------------------------------------------------------

def test_train_val_split_partitions_rows():
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.arange(10)
    d = ds.train_val_split(X, y, val_fraction=0.3, seed=1)
    assert isinstance(d, ds.Dataset)
    assert d.X_train.shape == (7, 2) and d.X_val.shape == (3, 2)
    assert sorted(np.concatenate([d.y_train, d.y_val]).tolist()) == list(range(10))
    np.testing.assert_array_equal(d.X_train[:, 0], 2 * d.y_train)     # rows stay paired
    assert not np.array_equal(d.y_train, np.arange(7))                # shuffled


def test_train_val_split_deterministic():
    X, y = ds.make_moons(n=40)
    a = ds.train_val_split(X, y, seed=2)
    b = ds.train_val_split(X, y, seed=2)
    c = ds.train_val_split(X, y, seed=3)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.y_val, c.y_val) or not np.array_equal(a.X_val, c.X_val)


def test_train_val_split_errors():
    X = np.zeros((4, 1))
    with pytest.raises(ValueError, match="same number of rows.*4.*\\(5,\\)"):
        ds.train_val_split(X, np.zeros(5))
    with pytest.raises(ValueError, match="val_fraction"):
        ds.train_val_split(X, np.zeros(4), val_fraction=1.0)
    with pytest.raises(ValueError, match="val_fraction"):
        ds.train_val_split(X, np.zeros(4), val_fraction=0.01)   # rounds to 0 rows


@pytest.mark.parametrize("name", list(ds.DATASETS))
def test_load_dataset(name):
    d = ds.load_dataset(name, n=100, seed=4)
    assert d.X_train.shape[0] == 75 and d.X_val.shape[0] == 25
    assert d.y_train.shape[0] == 75 and d.y_val.shape[0] == 25
    e = ds.load_dataset(name, n=100, seed=4)
    for u, v in zip(d, e):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(d.X_train, ds.load_dataset(name, n=100, seed=5).X_train)
    assert all(np.all(np.isfinite(a)) for a in d)


def test_load_dataset_options():
    d = ds.load_dataset("spirals", n=90, k=3, noise=0.0, val_fraction=0.5, dtype=np.float32)
    assert set(np.unique(np.concatenate([d.y_train, d.y_val]))) == {0, 1, 2}
    assert d.X_train.dtype == np.float32 and d.X_val.shape == (45, 2)
    r = np.hypot(d.X_train[:, 0], d.X_train[:, 1])
    assert np.all((r >= 0.1 - 1e-6) & (r <= 1 + 1e-6))          # noise=0 reached the maker


def test_load_dataset_unknown_name_lists_names():
    with pytest.raises(ValueError, match="'sine'.*'moons'.*'xor'"):
        ds.load_dataset("mnist")


def test_generators_share_the_positional_order_n_noise_seed():
    for make in ALL:
        X1, _ = make(30, 0.0, 4)
        X2, _ = make(n=30, noise=0.0, seed=4)
        np.testing.assert_array_equal(X1, X2)
    with pytest.raises(TypeError):
        ds.make_spirals(30, 0.0, 4, 3)        # k is keyword-only


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 60), frac=st.floats(0.05, 0.95), seed=st.integers(0, 2**31))
def test_train_val_split_is_a_partition(n, frac, seed):
    X = np.arange(n, dtype=float)[:, None]
    y = np.arange(n)
    try:
        d = ds.train_val_split(X, y, val_fraction=frac, seed=seed)
    except ValueError as exc:                    # only when a side would be empty
        assert "at least 1" in str(exc)
        return
    assert len(d.y_val) == round(frac * n)
    np.testing.assert_array_equal(np.sort(np.concatenate([d.y_train, d.y_val])), y)
    np.testing.assert_array_equal(d.X_train[:, 0], d.y_train)
