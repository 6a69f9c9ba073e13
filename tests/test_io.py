import numpy as np
import pytest

from nnlib.io import load_params, save_params


def _params(dtype):
    rng = np.random.default_rng(0)
    return {"W1": rng.normal(size=(4, 2)).astype(dtype), "b1": np.zeros(4, dtype=dtype),
            "gamma1": np.ones(4, dtype=dtype), "W2": rng.normal(size=(1, 4)).astype(dtype)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_keeps_keys_order_dtype_values(tmp_path, dtype):
    p = _params(dtype)
    written = save_params(tmp_path / "net.npz", p)
    q = load_params(written)
    assert list(q) == list(p)
    for k in p:
        assert q[k].dtype == dtype and q[k].shape == p[k].shape
        np.testing.assert_array_equal(q[k], p[k])


def test_suffix_added_like_numpy(tmp_path):
    written = save_params(str(tmp_path / "model"), _params(np.float64))
    assert written.name == "model.npz" and written.exists()
    assert set(load_params(tmp_path / "model")) == {"W1", "b1", "gamma1", "W2"}


@pytest.mark.parametrize("key", ["file", "allow_pickle", "W", "1W", "W 1", "../W1", "W1.npy",
                                 "W1/b1", "Wé1"])
def test_keys_that_are_not_parameter_names_are_refused(tmp_path, key):
    # np.savez's own arguments (file, allow_pickle) are among them: no key can collide.
    with pytest.raises(ValueError, match=f"params key {key!r} is not a parameter name"):
        save_params(tmp_path / "odd.npz", {"W1": np.ones(2), key: np.zeros(3)})
    assert not any(tmp_path.iterdir())             # nothing written


def test_parameter_and_buffer_names_are_accepted(tmp_path):
    p = {"W1": np.ones((2, 2)), "gamma12": np.ones(2), "running_mean1": np.zeros(2)}
    assert list(load_params(save_params(tmp_path / "ok.npz", p))) == list(p)


def test_a_matrix_is_saved_as_the_array_it_holds(tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        m = np.matrix([[1.0, 2.0]])
    q = load_params(save_params(tmp_path / "m.npz", {"W1": m}))
    assert type(q["W1"]) is np.ndarray and q["W1"].shape == (1, 2)


def test_overwrite_and_no_leftover_temp_file(tmp_path):
    save_params(tmp_path / "a.npz", {"W1": np.ones(1)})
    save_params(tmp_path / "a.npz", {"W1": np.full(1, 2.0)})
    assert load_params(tmp_path / "a.npz")["W1"][0] == 2.0
    assert [f.name for f in tmp_path.iterdir()] == ["a.npz"]


def test_loaded_arrays_are_independent_of_the_file(tmp_path):
    path = save_params(tmp_path / "a.npz", {"W1": np.ones(2)})
    q = load_params(path)
    q["W1"] += 1                                   # writable, in-memory
    assert load_params(path)["W1"][0] == 1.0


@pytest.mark.parametrize("bad, err, match", [
    ([np.ones(2)], TypeError, "params must be a dict"),
    ({"W1": [1.0, 2.0]}, TypeError, r"params\['W1'\] must be a numpy array"),
    ({"W1": 1.0}, TypeError, r"params\['W1'\] must be a numpy array"),
    ({"W1": np.array([{}], dtype=object)}, TypeError, r"params\['W1'\].*dtype object"),
    ({"W1": np.array([np.nan])}, ValueError, r"params\['W1'\].*finite"),
    ({1: np.ones(2)}, TypeError, "keys must be non-empty strings"),
])
def test_save_rejects_bad_params(tmp_path, bad, err, match):
    with pytest.raises(err, match=match):
        save_params(tmp_path / "x.npz", bad)
    assert not any(tmp_path.iterdir())             # nothing written


def test_bad_path_type(tmp_path):
    with pytest.raises(TypeError, match="path"):
        save_params(3, {"W1": np.ones(1)})
    with pytest.raises(TypeError, match="path"):
        load_params(None)


def test_object_array_file_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, W1=np.ones(2), W2=np.array([{"x": 1}], dtype=object))  # pickled member
    with pytest.raises(ValueError, match="object array under key 'W2'.*unpickle"):
        load_params(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load_params(tmp_path / "nope")


def test_not_an_npz(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not an .npz archive"):
        load_params(tmp_path / "junk.npz")
    np.save(tmp_path / "single.npy", np.ones(2))
    (tmp_path / "single.npy").rename(tmp_path / "single.npz")
    with pytest.raises(ValueError, match="single .npy array"):
        load_params(tmp_path / "single.npz")
