"""Loader for the bundled yeast multi-label benchmark."""

from importlib.resources import files

import numpy as np
from sklearn.utils import Bunch

_DESCR = """\
Yeast gene functional classification dataset (multi-label)
==========================================================

Micro-array expression and phylogenetic profile features of 2417 yeast
(Saccharomyces cerevisiae) genes, each annotated with one or more of 14
functional classes.

- Samples: 2417
- Features: 103 real-valued (Att1 .. Att103), in [-0.80, 0.73]
- Labels: 14 binary (Class1 .. Class14)
- Labels per sample: 4.24 on average (label cardinality)

Source: MULAN multi-label dataset repository (also OpenML data id 40597).
The values are bundled exactly as published there (6 decimals).

Citation: A. Elisseeff and J. Weston, "A kernel method for multi-labelled
classification", Advances in Neural Information Processing Systems 14
(NIPS 2001), MIT Press, 2002, pp. 681-687.
"""


def _read_npz():
    resource = files("skthresh.datasets") / "data" / "yeast.npz"
    with resource.open("rb") as f, np.load(f, allow_pickle=False) as npz:
        data = npz["data"] / 1e6
        shape = tuple(int(n) for n in npz["target_shape"])
        bits = np.unpackbits(npz["target_packed"], count=shape[0] * shape[1])
        target = bits.reshape(shape).astype(np.int64)
        feature_names = [str(name) for name in npz["feature_names"]]
        target_names = [str(name) for name in npz["target_names"]]
    return data, target, feature_names, target_names


def load_yeast(*, return_X_y=False, as_frame=False):
    """Load the yeast multi-label classification dataset.

    The dataset is bundled with the package: it is read from the installed
    files, works offline and never downloads anything.

    =================   ===================
    Samples total       2417
    Dimensionality      103
    Labels              14
    Labels per sample   4.24 on average
    Features            real, -0.80 to 0.73
    =================   ===================

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame of float64 columns and
        ``target`` a pandas DataFrame of int64 columns, and ``frame`` is a
        DataFrame holding both. Requires pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (2417, 103)
            The feature matrix, float64.
        target : {ndarray, DataFrame} of shape (2417, 14)
            The label indicator matrix, int64 with values 0 and 1.
        feature_names : list of str
            The names of the feature columns, ``"Att1"`` .. ``"Att103"``.
        target_names : list of str
            The names of the label columns, ``"Class1"`` .. ``"Class14"``.
        frame : DataFrame of shape (2417, 117) or None
            Features and labels together when ``as_frame=True``, else None.
        DESCR : str
            A description of the dataset.

    (data, target) : tuple if ``return_X_y`` is True
        The feature matrix and the label indicator matrix, as ndarrays or,
        with ``as_frame=True``, DataFrames.

    See Also
    --------
    skthresh.datasets.make_tagging_scores : Simulated scores of a miscalibrated
        multi-label tagger.

    Notes
    -----
    The features are stored as exact integer multiples of 1e-6, so the
    returned float64 values equal those parsed from the published CSV.

    References
    ----------
    .. [1] A. Elisseeff and J. Weston, "A kernel method for multi-labelled
           classification", Advances in Neural Information Processing
           Systems 14, 2002, pp. 681-687.

    Examples
    --------
    >>> from skthresh.datasets import load_yeast
    >>> X, Y = load_yeast(return_X_y=True)
    >>> X.shape, Y.shape
    ((2417, 103), (2417, 14))
    >>> bunch = load_yeast()
    >>> bunch.target_names[:3]
    ['Class1', 'Class2', 'Class3']
    """
    data, target, feature_names, target_names = _read_npz()
    frame = None
    if as_frame:
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "pandas is required for as_frame=True; install it with "
                "pip install pandas"
            ) from exc
        data = pd.DataFrame(data, columns=feature_names)
        target = pd.DataFrame(target, columns=target_names)
        frame = pd.concat([data, target], axis=1)

    if return_X_y:
        return data, target

    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=feature_names,
        target_names=target_names,
        DESCR=_DESCR,
    )
