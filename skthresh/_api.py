"""The functional front door: thresholds from scores, decisions from thresholds."""

import numpy as np

from skthresh._summary import ScoreSummary, is_dask
from skthresh._top_k import TopKScores, label_lists_to_csr, top_k_decisions
from skthresh._torch import is_tensor
from skthresh._validation import check_scores, check_thresholds
from skthresh.strategies._registry import configure_strategy
from skthresh.strategies._row_blocks import RowBlocks
from skthresh.utils._sklearn_compat import validate_params

# Parameters whose own checks give a more specific message than a type
# constraint would (the registered strategy names, the metric names, the
# number of thresholds expected) are "no_validation" here: they are checked
# in the function body, and every message names the parameter.


@validate_params(
    {
        "Y_true": ["array-like", "sparse matrix", ScoreSummary],
        "scores": ["array-like", "sparse matrix", TopKScores, None],
        "strategy": "no_validation",  # get_strategy lists the registered names
        "metric": "no_validation",  # check_metric lists the metric names
        "min_positives": "no_validation",  # BaseThresholdStrategy.optimize
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def learn_thresholds(
    Y_true,
    scores=None,
    *,
    strategy="surrogate",
    metric="f1_micro",
    min_positives=1,
    sample_weight=None,
    **params,
):
    """Learn one decision threshold per label from tuning scores.

    For users who already have scores, for example a deep-learning tagger's
    outputs on a validation set.

    Large inputs are welcome: a ``numpy.memmap``, a scipy sparse matrix
    (missing entries are scores of 0) or a ``dask.array`` is read chunk by
    chunk into a :class:`ScoreSummary`, never copied whole, whenever the
    strategy and metric need only per-label counts (F-beta averaged over
    labels, every strategy but ``"bagged"`` and ``surrogate`` with
    ``mode="dense"``). Sparse scores and :class:`TopKScores` are then
    summarized by their stored entries only: memory proportional to those,
    with the same thresholds as from the dense matrix. Otherwise (a samples
    average) the input is read a block of rows at a time: ``"global"`` finds
    the best shared threshold without loading it whole, and the other
    strategies get the blocks validated and joined into one matrix.

    Parameters
    ----------
    Y_true : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
            ScoreSummary
        True 0/1 labels of the tuning samples (a 1-D array is one label),
        or a :class:`ScoreSummary` of labels and scores (then ``scores``
        is None).
    scores : {array-like, sparse matrix, TopKScores} of shape \
            (n_samples, n_labels), default=None
        Scores of the same samples: probabilities, logits or any decision
        score where higher means more likely positive. Torch tensors may
        live on any device; dask arrays are summarized block by block. With
        :class:`TopKScores` (each sample's ``k`` best labels), ``Y_true``
        may also be a list of label-index lists, one per sample.
    strategy : str or BaseThresholdStrategy, default="surrogate"
        A registered name (see
        :func:`~skthresh.strategies.available_strategies`) or a strategy
        object. An object is used as it is, so its fitted attributes
        (``history_``, ``n_iter_``) can be read afterwards.
    metric : str, FBeta or callable, default="f1_micro"
        Metric to maximize: ``"f1_micro"``, ``"f1_macro"``, ``"f1_samples"``,
        ``"f<beta>_<average>"`` or a :class:`~skthresh.metrics.FBeta`; the
        search strategies (``"coordinate"``, ``"global"``, ``"heuristic"``)
        also take a callable ``metric(Y_true, Y_pred) -> float``.
    min_positives : int, default=1
        Labels with fewer positive tuning samples (or no negative one) get
        the best threshold shared by all labels; see
        :meth:`~skthresh.strategies.BaseThresholdStrategy.optimize`.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the tuning samples: the strategy maximizes the F-beta of
        weighted counts, that of ``sklearn.metrics.fbeta_score(...,
        sample_weight=...)``. Needs ``Y_true`` and ``scores`` as matrices
        (read whole), a micro or macro average, and a strategy that takes
        weights (``available_strategies("sample_weight")``, the default
        ``"surrogate"`` among them); the others raise a ``ValueError``.
    **params : dict
        Hyper-parameters of the strategy, for example ``slope=100`` or
        ``max_iter=200`` for ``"surrogate"``.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
        Label ``j`` is predicted for a sample when its score is strictly
        greater than ``thresholds[j]``; see :func:`apply_thresholds`.

    See Also
    --------
    apply_thresholds : Decisions from scores and thresholds.
    SurrogateThresholdClassifier : The same inside a scikit-learn estimator.

    Examples
    --------
    >>> from skthresh import apply_thresholds, learn_thresholds
    >>> from skthresh.datasets import make_tagging_scores
    >>> Y, S, Y_test, S_test = make_tagging_scores(
    ...     2000, 20, n_test_samples=2000, random_state=0)
    >>> thresholds = learn_thresholds(Y, S, strategy="surrogate", slope=100)
    >>> apply_thresholds(S_test, thresholds).shape
    (2000, 20)
    """
    strategy = configure_strategy(strategy, params, copy=False)
    if isinstance(Y_true, ScoreSummary) != (scores is None):
        raise ValueError(
            "Pass Y_true and scores, or a ScoreSummary as Y_true and no scores; "
            f"got Y_true of type {type(Y_true).__name__} and "
            f"scores={'None' if scores is None else type(scores).__name__}."
        )
    if isinstance(scores, TopKScores):
        if isinstance(Y_true, list | tuple):
            Y_true = label_lists_to_csr(Y_true, *scores.shape, name="Y_true")
        if sample_weight is not None:
            scores = scores.to_csr()  # weights need the matrices read whole
        # Otherwise summarized, or read by row blocks, from the (n, k) arrays.
    if sample_weight is not None:
        return strategy.optimize(
            Y_true,
            scores,
            metric,
            min_positives=min_positives,
            sample_weight=sample_weight,
        )
    if _streamed(Y_true, scores):
        if not _counts_suffice(strategy, metric):
            # Read a block of rows at a time: per-sample counts (the samples
            # average) need only a block's rows.
            Y_true, scores = RowBlocks(Y_true, scores), None
        else:
            Y_true = ScoreSummary.from_arrays(
                Y_true, scores, verbose=strategy._verbosity()
            )
            scores = None
    return strategy.optimize(Y_true, scores, metric, min_positives=min_positives)


def _streamed(Y, scores):
    """Whether the inputs are better read chunk by chunk than loaded whole."""
    return any(
        is_dask(a) or isinstance(a, np.memmap | TopKScores) or hasattr(a, "tocsr")
        for a in (Y, scores)
    ) and not is_tensor(scores)


def _counts_suffice(strategy, metric):
    """Whether ``strategy`` can learn from a summary for ``metric``."""
    from skthresh.metrics import check_metric
    from skthresh.strategies._callable import is_callable_metric

    if is_callable_metric(metric):
        return False
    try:
        metric = check_metric(metric)
    except ValueError:
        return False  # optimize() gives the message
    return strategy._input_for(metric) != "arrays"


@validate_params(
    {
        "scores": ["array-like", "sparse matrix", TopKScores],
        "thresholds": "no_validation",  # check_thresholds says how many
    },
    prefer_skip_nested_validation=True,
)
def apply_thresholds(scores, thresholds):
    """Binary decisions ``scores > thresholds``, label by label.

    A score equal to its threshold is negative; this tie rule holds
    everywhere in skthresh.

    Parameters
    ----------
    scores : {array-like, sparse matrix, TopKScores} or torch tensor of \
            shape (n_samples, n_labels)
        Scores; a 1-D array is one label.
    thresholds : float or array-like of shape (n_labels,)
        One threshold per label, or one for all.

    Returns
    -------
    decisions : ndarray of int64 of shape (n_samples, n_labels)
        0/1 decisions. A torch tensor input gives a torch tensor of int64 on
        the same device. Sparse scores (missing entries are 0) give a
        sparse CSR matrix when no threshold is negative, so that the missing
        entries stay negative; otherwise a dense array. :class:`TopKScores`
        are sparse scores: the labels outside a sample's top ``k`` score 0,
        and the CSR decisions are built from the ``(n_samples, k)`` arrays.

    Examples
    --------
    >>> from skthresh import apply_thresholds
    >>> apply_thresholds([[0.2, 0.7], [0.5, 0.4]], [0.5, 0.3])
    array([[0, 1],
           [0, 1]])
    """
    if is_tensor(scores):
        import torch

        if scores.ndim not in (1, 2):
            raise ValueError(
                "scores must be a 1-D or 2-D tensor of shape (n_samples, n_labels); "
                f"got a {scores.ndim}-D tensor with shape {tuple(scores.shape)}."
            )
        n_labels = scores.shape[-1] if scores.ndim == 2 else 1
        theta = check_thresholds(thresholds, n_labels)
        finite = torch.isfinite(scores)
        if not finite.all():
            bad = torch.nonzero(~finite.reshape(len(scores), -1))[0].tolist()
            n_nan = int(torch.isnan(scores).sum())
            n_inf = int((~finite).sum()) - n_nan
            raise ValueError(
                f"scores must be finite; found {n_nan} NaN and {n_inf} infinite "
                f"value(s), the first at row {bad[0]}, label {bad[1]}."
            )
        theta_t = torch.as_tensor(theta, dtype=torch.float64, device=scores.device)
        if scores.ndim == 1:
            theta_t = theta_t[0]
        return (scores.to(torch.float64) > theta_t).to(torch.int64)
    if isinstance(scores, TopKScores):
        return top_k_decisions(scores, check_thresholds(thresholds, scores.n_labels))
    if hasattr(scores, "tocsr") and scores.ndim == 2:
        sparse = _apply_sparse(scores, thresholds)
        if sparse is not None:
            return sparse
    S = check_scores(scores)
    theta = check_thresholds(thresholds, S.shape[1])
    decisions = (S > theta).astype(np.int64)
    return decisions[:, 0] if np.ndim(scores) == 1 else decisions


def _apply_sparse(scores, thresholds):
    """Sparse decisions of sparse scores, or None if they would be dense."""
    import scipy.sparse as sp

    csr = sp.csr_matrix(scores)
    theta = check_thresholds(thresholds, csr.shape[1])
    if (theta < 0).any():
        return None
    data = np.asarray(csr.data, dtype=np.float64)
    finite = np.isfinite(data)
    if not finite.all():
        first = int(np.argmin(finite))
        row = int(np.searchsorted(csr.indptr, first, side="right")) - 1
        raise ValueError(
            f"scores must be finite; found {int((~finite).sum())} non-finite "
            f"value(s), the first at row {row}, label {int(csr.indices[first])}."
        )
    keep = data > theta[csr.indices]
    out = sp.csr_matrix(
        (keep.astype(np.int64), csr.indices.copy(), csr.indptr.copy()),
        shape=csr.shape,
    )
    out.eliminate_zeros()
    return out
