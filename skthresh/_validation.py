"""Validation of score matrices and label indicator matrices."""

import numbers

import numpy as np

from skthresh._torch import to_numpy


def _to_array(obj):
    if isinstance(obj, np.ma.MaskedArray):
        n_masked = int(np.ma.count_masked(obj))
        if n_masked:
            raise ValueError(
                f"it is a masked array with {n_masked} masked value(s), and masks "
                "are not applied: fill them (masked.filled(value)) or drop their "
                "rows first"
            )
        obj = obj.data
    obj = to_numpy(obj)
    if hasattr(obj, "toarray"):  # scipy.sparse
        obj = obj.toarray()
    elif hasattr(obj, "to_numpy") and not isinstance(obj, np.ndarray):  # pandas
        if _has_nullable_dtype(obj):
            # Float64, Int64, boolean...: numbers, with pd.NA as NaN.
            obj = obj.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            obj = obj.to_numpy()
    return np.asarray(obj)


def _has_nullable_dtype(frame):
    """Whether a pandas DataFrame or Series has a nullable (extension) dtype."""
    dtypes = frame.dtypes if hasattr(frame, "dtypes") else [frame.dtype]
    dtypes = getattr(dtypes, "values", dtypes)
    return any(not isinstance(dtype, np.dtype) for dtype in dtypes)


def check_scores(scores, *, name="scores", allow_1d=True, row_offset=0):
    """Return ``scores`` as a finite 2-D float32 or float64 numpy array.

    Parameters
    ----------
    scores : array-like, sparse matrix or torch tensor of shape (n_samples, n_labels)
        Scores; a 1-D array is one label.
    name : str, default="scores"
        Name used in error messages.
    allow_1d : bool, default=True
        Whether a 1-D array is accepted as one label.
    row_offset : int, default=0
        Row number of the first row, in messages (for chunks of a matrix).

    Returns
    -------
    scores : ndarray of shape (n_samples, n_labels)
        float32 stays float32, float16 becomes float32, every other numeric
        type becomes float64.
    """
    try:
        S = _to_array(scores)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be converted to an array: {exc}") from exc
    if S.dtype == object or S.dtype.kind in "USVMm":
        raise ValueError(f"{name} must be numeric; got an array of dtype {S.dtype}.")
    if S.dtype.kind == "c":
        raise ValueError(f"{name} must be real; got complex values.")
    if S.ndim == 1 and allow_1d:
        S = S.reshape(-1, 1)
    if S.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_labels); got a "
            f"{S.ndim}-D array with shape {S.shape}."
        )
    if S.shape[0] == 0 or S.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one sample and one label; got shape {S.shape}."
        )
    if S.dtype == np.float16:
        S = S.astype(np.float32)
    elif S.dtype not in (np.float32, np.float64):
        S = S.astype(np.float64)
    finite = np.isfinite(S)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        n_nan = int(np.isnan(S).sum())
        n_inf = int((~finite).sum()) - n_nan
        raise ValueError(
            f"{name} must be finite; found {n_nan} NaN and {n_inf} infinite "
            f"value(s), the first at row {bad[0] + row_offset}, label {bad[1]}."
        )
    return S


def check_indicator(Y, *, name="Y"):
    """Return ``Y`` as a 2-D boolean numpy array, checking it holds only 0 and 1.

    Parameters
    ----------
    Y : {array-like, sparse matrix} of shape (n_samples, n_labels)
        0/1 (or boolean) indicator matrix; a 1-D array is one label.
    name : str, default="Y"
        Name used in error messages.

    Returns
    -------
    Y : ndarray of bool of shape (n_samples, n_labels)
    """
    try:
        Y = _to_array(Y)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a 0/1 indicator matrix of shape (n_samples, n_labels) "
            f"and could not be read as one ({exc}). For lists of label names per "
            "sample, binarize with sklearn.preprocessing.MultiLabelBinarizer."
        ) from exc
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D indicator matrix of shape (n_samples, "
            f"n_labels); got a {Y.ndim}-D array with shape {Y.shape}."
        )
    if Y.shape[0] == 0 or Y.shape[1] == 0:
        raise ValueError(
            f"{name} must have at least one sample and one label; got shape {Y.shape}."
        )
    if Y.dtype == bool:
        return Y
    if Y.dtype.kind == "f" and np.isnan(Y).any():
        row, label = np.argwhere(np.isnan(Y))[0]
        raise ValueError(
            f"{name} must contain only 0 and 1; found other values such as [nan]: "
            f"{int(np.isnan(Y).sum())} missing value(s) (NaN or pd.NA), the first "
            f"at row {row}, label {label}."
        )
    if Y.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must be a 0/1 indicator matrix; got values of dtype "
            f"{Y.dtype} (for example {Y.flat[0]!r}). Binarize string labels "
            "with sklearn.preprocessing.MultiLabelBinarizer."
        )
    ok = (Y == 0) | (Y == 1)
    if not ok.all():
        values = np.unique(Y[~ok])[:5]
        raise ValueError(
            f"{name} must contain only 0 and 1; found other values such as "
            f"{values.tolist()}."
        )
    return Y.astype(bool)


def check_tuning_data(Y, scores, *, names=("Y", "scores")):
    """Validate a label matrix and a score matrix together.

    Parameters
    ----------
    Y : {array-like, sparse matrix} of shape (n_samples, n_labels)
        0/1 indicator matrix.
    scores : array-like or torch tensor of shape (n_samples, n_labels)
        Scores of the same samples and labels.
    names : tuple of str, default=("Y", "scores")
        The names of the labels and of the scores in messages.

    Returns
    -------
    Y : ndarray of bool of shape (n_samples, n_labels)
    scores : ndarray of float32 or float64 of shape (n_samples, n_labels)
    """
    S = check_scores(scores, name=names[1])
    Y = check_indicator(Y, name=names[0])
    if Y.shape != S.shape:
        raise_shape_mismatch(Y.shape, S.shape, names=names)
    return Y, S


def raise_shape_mismatch(shape_y, shape_s, where="", *, names=("Y", "scores")):
    """Raise the error for labels and scores of different shapes.

    Parameters
    ----------
    shape_y, shape_s : tuple of int
        Shapes of the labels and of the scores.
    where : str, default=""
        Added after the shapes, such as ``" in chunk 3"``.
    names : tuple of str, default=("Y", "scores")
        The names of the labels and of the scores.
    """
    y, s = names
    hint = ""
    if tuple(shape_y) == tuple(shape_s)[::-1]:
        hint = f" The scores look transposed: pass {s}.T."
    raise ValueError(
        f"{y} and {s} must have the same shape (n_samples, n_labels); got {y} with "
        f"shape {tuple(shape_y)} and {s} with shape {tuple(shape_s)}{where}.{hint}"
    )


def check_thresholds(thresholds, n_labels, *, name="thresholds"):
    """Return thresholds as a finite float64 array of shape ``(n_labels,)``.

    A scalar is broadcast to every label.
    """
    if isinstance(thresholds, numbers.Real) and not isinstance(thresholds, bool):
        thresholds = np.full(n_labels, float(thresholds))
    try:
        theta = np.asarray(to_numpy(thresholds), dtype=np.float64)
        if thresholds is None or isinstance(thresholds, (str, bool)):
            raise TypeError
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a number or an array of {n_labels} numbers, one per "
            f"label; got {thresholds!r}."
        ) from exc
    if theta.ndim == 0:
        theta = np.full(n_labels, float(theta))
    if theta.shape != (n_labels,):
        raise ValueError(
            f"{name} must be a scalar or an array of shape ({n_labels},), one per "
            f"label; got shape {theta.shape}."
        )
    if not np.isfinite(theta).all():
        raise ValueError(f"{name} must be finite; got {theta[~np.isfinite(theta)]}.")
    return theta


def listed(indices, limit=10):
    """The first ``limit`` indices as "0, 3, 7, ...", for messages."""
    indices = list(map(str, indices))
    more = ", ..." if len(indices) > limit else ""
    return ", ".join(indices[:limit]) + more
