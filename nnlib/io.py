"""Save and load parameter dicts as ``.npz`` archives — plain arrays, never pickles.

    path = save_params("moons_mlp.npz", net.params)
    params = load_params(path)          # {"W1": array, "b1": array, ...}

An ``.npz`` file is a zip of ``.npy`` arrays, one per key.  We read it with
``allow_pickle=False``: a pickle can run arbitrary code when it is loaded, so a file that
contains an object array is refused instead of being unpickled.

Both functions add the ``.npz`` suffix when it is missing (as ``numpy.savez`` does), so
``save_params("model", p)`` and ``load_params("model")`` refer to the same file.

One way in, one way out: :func:`save_params` writes with ``np.savez`` (into a temporary file,
then ``os.replace``, so an error never leaves a half-written archive) and :func:`load_params`
reads with ``np.load(allow_pickle=False)``.  Keys must be parameter names such as ``W1``,
``b1``, ``gamma1`` or ``running_mean1`` (letters and underscores, then the layer number):
that keeps every key a plain ``.npy`` member name and never one of ``np.savez``'s own
arguments (``file``, ``allow_pickle``).  Errors name the file the learner asked for: a missing
folder, a path that is a folder, or a damaged archive (which is closed before the error is
raised) never mention a temporary file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from nnlib._checks import as_plain_array

__all__ = ["save_params", "load_params"]

#: A parameter name: letters and underscores, then the layer number ("W1", "gamma2", "running_var1").
PARAM_KEY = re.compile(r"[A-Za-z][A-Za-z_]*[0-9]+")


def _npz_path(path, name: str = "path") -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), "
                        f"got {type(path).__name__}")
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


def save_params(path, params: Mapping) -> Path:
    """Write ``params`` (dict name -> float array) to the ``.npz`` file ``path``.

    Keys must be parameter names like ``"W1"``, ``"b1"``, ``"gamma1"`` (:data:`PARAM_KEY`); values
    float32/float64 numpy arrays with finite entries (dtype and shape are kept exactly).
    Returns the path written.
    """
    path = _npz_path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot save to {str(path)!r}: the folder {str(folder)!r} does "
                                "not exist; create it first (e.g. Path(folder).mkdir(parents=True))")
    if path.is_dir():
        raise IsADirectoryError(f"cannot save to {str(path)!r}: it is a folder; pass a file name")
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays such as net.params, "
                        f"got {type(params).__name__}")
    arrays = {}
    for k, v in params.items():
        if not isinstance(k, str) or not k:
            raise TypeError(f"params keys must be non-empty strings such as 'W1', got {k!r}")
        if not PARAM_KEY.fullmatch(k):
            raise ValueError(f"params key {k!r} is not a parameter name: expected letters and "
                             f"underscores followed by the layer number, such as 'W1', 'b1', "
                             f"'gamma1', got {k!r}")
        if not isinstance(v, np.ndarray):
            raise TypeError(f"params[{k!r}] must be a numpy array, got {type(v).__name__}")
        arrays[k] = as_plain_array(v, f"params[{k!r}]")
    _write_npz(path, arrays)
    return path


def _write_npz(path: Path, arrays: dict) -> None:
    """``np.savez`` into a temporary file, then moved over ``path`` in one step."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)      # keys are PARAM_KEY names: never 'file' or 'allow_pickle'
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        # Name the file the learner asked for, not our temporary one.
        raise OSError(exc.errno, f"cannot save to {str(path)!r}: {exc.strerror}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_params(path) -> dict:
    """Read a ``.npz`` file written by :func:`save_params` into a dict name -> array.

    Raises ``FileNotFoundError`` if it does not exist and ``ValueError`` if it is not an
    ``.npz`` archive or holds an object (pickled) array.
    """
    path = _npz_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no parameter file at {str(path)!r}")
    # We open the file ourselves so that it is closed whatever np.load raises.
    with open(path, "rb") as fh:
        try:
            npz = np.load(fh, allow_pickle=False)
        except Exception as exc:  # noqa: BLE001 — ValueError, BadZipFile, EOFError, … on damage
            # np.load treats anything that is not npy/npz as a possible pickle and refuses it;
            # a damaged zip raises BadZipFile, an empty file EOFError.
            raise ValueError(f"{str(path)!r} is not an .npz archive of arrays (or it is "
                             "damaged); save parameters with save_params") from exc
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError(f"{str(path)!r} holds a single .npy array, not an .npz archive of "
                             "named parameters; save with save_params")
        with npz:
            return {k: _read_member(npz, k, path) for k in npz.files}


def _read_member(npz, key: str, path: Path) -> np.ndarray:
    try:
        return npz[key]
    except ValueError as exc:
        if "pickle" not in str(exc):
            raise ValueError(f"{str(path)!r} is damaged: the array under key {key!r} cannot be "
                             f"read ({exc})") from exc
        raise ValueError(f"{str(path)!r} contains an object array under key {key!r}; "
                         "refusing to unpickle it (unpickling can run arbitrary code). "
                         "Only plain numeric arrays can be loaded.") from exc
    except Exception as exc:  # noqa: BLE001 — numpy's header parser raises many kinds on damage
        raise ValueError(f"{str(path)!r} is damaged: the array under key {key!r} cannot be "
                         f"read ({type(exc).__name__}: {exc})") from exc
