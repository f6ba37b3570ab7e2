"""Sparse input files: top-k score archives and scipy sparse label matrices."""

import zipfile
from pathlib import Path

import numpy as np

_SPARSE_KEYS = ("data", "indices", "indptr", "format", "shape")


def read_top_k(path, key=None):
    """Top-k scores of an ``.npz`` of ``indices`` and ``scores``, as CSR.

    Returns None for any other file, or when ``key`` names one array.
    Raises ``ValueError`` for bad top-k arrays (see
    :class:`~skthresh.TopKScores`).
    """
    arrays = _arrays(path, key, ("indices", "scores"), ("n_labels",))
    if arrays is None:
        return None
    from skthresh._top_k import TopKScores

    n_labels = arrays.get("n_labels")
    top = TopKScores(
        arrays["indices"],
        arrays["scores"],
        n_labels=None if n_labels is None else int(n_labels),
    )
    return top.to_csr()


def read_sparse_labels(path, key=None):
    """0/1 labels saved by ``scipy.sparse.save_npz``, as CSR of bool, or None."""
    if _arrays(path, key, _SPARSE_KEYS, ()) is None:
        return None
    import scipy.sparse as sp

    from skthresh._summary_build import check_sparse_indicator

    return check_sparse_indicator(sp.load_npz(path), name="labels")


def _arrays(path, key, required, optional):
    """The arrays of an ``.npz`` archive holding exactly these names, else None."""
    path = Path(path)
    if key is not None or path.suffix.lower() != ".npz" or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = set(archive.files)
            if not set(required) <= names <= set(required) | set(optional):
                return None
            return {name: archive[name] for name in names}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None  # read_matrix gives the message
