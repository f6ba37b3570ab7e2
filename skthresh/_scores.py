"""One score matrix from whatever a fitted base estimator returns."""

import numpy as np

RESPONSE_METHODS = ("auto", "predict_proba", "decision_function")


def resolve_response_method(estimator, response_method):
    """The method of ``estimator`` that gives scores.

    ``"auto"`` prefers ``predict_proba`` and falls back to
    ``decision_function``.
    """
    candidates = (
        ("predict_proba", "decision_function")
        if response_method == "auto"
        else (response_method,)
    )
    for name in candidates:
        if hasattr(estimator, name):
            return name
    name = type(estimator).__name__
    raise ValueError(
        f"The base estimator {name} has no {' or '.join(candidates)} method; "
        "skthresh needs scores to threshold. Use a probabilistic classifier or "
        "one with a decision_function."
    )


def _positive_column(classes):
    """Index of the positive class (1 or True) in one label's ``classes_``."""
    classes = np.asarray(classes)
    hits = np.flatnonzero(classes == 1)
    return int(hits[0]) if hits.size else classes.size - 1


def score_matrix(estimator, X, *, method, n_labels, binary):
    """Scores of ``X`` as one float64 matrix of shape ``(n_samples, n_labels)``.

    Parameters
    ----------
    estimator : fitted estimator
        A classifier trained on a 0/1 indicator matrix (``binary=False``) or
        on a 1-D binary target (``binary=True``).
    X : array-like
        Samples, in whatever form the estimator takes.
    method : {"predict_proba", "decision_function"}
        The response method to call.
    n_labels : int
        Number of labels the estimator was trained on.
    binary : bool
        Whether the estimator was trained on a 1-D binary target, in which
        case the score of its second class (``classes_[1]``) is returned.

    Returns
    -------
    scores : ndarray of float64 of shape (n_samples, n_labels)

    Notes
    -----
    ``predict_proba`` comes as an ``(n, n_labels)`` array (MLPClassifier,
    OneVsRestClassifier, ClassifierChain), as a list of ``n_labels`` arrays of
    shape ``(n, 2)`` (RandomForestClassifier, ExtraTreesClassifier,
    DecisionTreeClassifier, KNeighborsClassifier, MultiOutputClassifier), with
    ``(n, 1)`` for a label that was constant in training, or as ``(n, 2)``
    for a binary classifier. ``decision_function`` comes as ``(n, n_labels)``
    or ``(n,)``.
    """
    raw = getattr(estimator, method)(X)
    classes = getattr(estimator, "classes_", None)
    if isinstance(raw, list):
        if binary and len(raw) == 1:
            raw = raw[0]
        else:
            return _from_list(raw, classes, method, n_labels)
    raw = np.asarray(raw, dtype=np.float64)
    if binary:
        if raw.ndim == 2 and raw.shape[1] == 2:
            raw = raw[:, 1]
        elif raw.ndim == 2 and raw.shape[1] == 1 and method == "predict_proba":
            # Only one class was seen in training.
            value = 1.0 if classes is not None and np.asarray(classes)[0] == 1 else 0.0
            raw = np.full(raw.shape[0], value)
        elif raw.ndim == 2 and raw.shape[1] == 1:
            raw = raw[:, 0]
        if raw.ndim != 1:
            raise ValueError(
                f"The base estimator's {method} returned shape {raw.shape} for a "
                "binary target; expected (n_samples,) or (n_samples, 2)."
            )
        return raw.reshape(-1, 1)
    if raw.ndim == 1 and n_labels == 1:
        raw = raw.reshape(-1, 1)
    if raw.ndim != 2 or raw.shape[1] != n_labels:
        raise ValueError(
            f"The base estimator's {method} returned scores of shape {raw.shape}, "
            f"but the target has {n_labels} label(s); expected shape "
            f"(n_samples, {n_labels}). Was the base estimator trained on another "
            "label set?"
        )
    return raw


def _from_list(raw, classes, method, n_labels):
    if len(raw) != n_labels:
        raise ValueError(
            f"The base estimator's {method} returned {len(raw)} arrays, one per "
            f"label, but the target has {n_labels} label(s). Was the base "
            "estimator trained on another label set?"
        )
    columns = []
    for j, part in enumerate(raw):
        part = np.asarray(part, dtype=np.float64)
        label_classes = classes[j] if isinstance(classes, list) else None
        if part.ndim == 1:
            columns.append(part)
        elif part.shape[1] == 1:
            # A label constant in training: the estimator knows one class.
            only = None if label_classes is None else np.asarray(label_classes)[0]
            columns.append(np.full(part.shape[0], 1.0 if only == 1 else 0.0))
        else:
            col = (
                _positive_column(label_classes)
                if label_classes is not None
                else part.shape[1] - 1
            )
            columns.append(part[:, col])
    return np.column_stack(columns)
