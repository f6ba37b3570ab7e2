"""The contract every threshold strategy follows."""

import contextlib
import numbers
import warnings
from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator, clone

from skthresh._summary import ScoreSummary
from skthresh._validation import check_thresholds, check_tuning_data, listed
from skthresh.metrics import Utility, check_metric
from skthresh.strategies._callable import is_callable_metric
from skthresh.strategies._catalog import names_where
from skthresh.strategies._operating import is_operating_metric, warn_unreachable
from skthresh.strategies._row_blocks import RowBlocks
from skthresh.strategies._tuning_data import (
    BlockData,
    DenseData,
    SummaryData,
    WeightedDenseData,
)
from skthresh.strategies._weighted_summary import WeightedSummary
from skthresh.utils._sklearn_compat import _check_sample_weight, check_parameters


class DegenerateLabelWarning(UserWarning):
    """Warn that a label had no positive or no negative tuning sample.

    Such a label gives a strategy nothing to learn from. A label without
    positives gets the best threshold shared by all labels. A label without
    negatives is predicted positive for every sample, as in the tuning data:
    its threshold is set below every score (just below 0 for
    probabilities). That rule scored 0.8 to 1.0 points of held-out micro-F1
    above the shared threshold on yeast with 5 to 20 tuning samples, and
    within 0.2 points of it on simulated scores
    (``benchmarks/bench_degenerate_labels.py``). Strategies that give every
    label one threshold (``global``) give it to these labels too.

    Examples
    --------
    >>> import warnings
    >>> from skthresh import DegenerateLabelWarning, learn_thresholds
    >>> Y = [[1, 0], [0, 0], [1, 0], [0, 0]]
    >>> S = [[.9, .2], [.3, .7], [.6, .5], [.2, .1]]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     thresholds = learn_thresholds(Y, S, strategy="global")
    >>> caught[0].category is DegenerateLabelWarning
    True
    """


class BaseThresholdStrategy(BaseEstimator, metaclass=ABCMeta):
    """Base class of threshold strategies, stating the contract they follow.

    Subclass it and implement ``_optimize`` to write a strategy; register it
    with :func:`~skthresh.strategies.register_strategy` to use it by name,
    and test it with :func:`~skthresh.utils.estimator_checks.check_strategy`.

    See Also
    --------
    skthresh.utils.estimator_checks.check_strategy : The contract as tests.
    register_strategy : Make a strategy available by name.

    Notes
    -----
    A strategy turns a tuning set, a 0/1 matrix ``Y`` and a score matrix
    ``S`` of shape ``(n_samples, n_labels)``, into one threshold per label,
    with the decision rule ``S > thresholds`` (a score equal to its
    threshold is negative). It is a scikit-learn estimator: ``__init__``
    stores its hyper-parameters and nothing else, ``get_params`` and
    ``set_params`` work, and anything it learns while optimizing ends with
    ``_`` (``n_iter_``, ``history_`` for iterative strategies).

    Users call :meth:`optimize`. It validates everything once: the
    hyper-parameters against ``_parameter_constraints`` (scikit-learn's
    machinery, so a bad value raises a ``ValueError`` or ``TypeError`` that
    names the parameter), the metric and the data. It then calls one of
    the two hooks below and checks that the result is a finite array of
    shape ``(n_labels,)``. Subclasses never re-validate.

    **Hooks** (methods a subclass writes):

    ``_optimize(Y, S, metric)`` (required)
        Thresholds from matrices: ``Y`` a boolean ndarray of shape
        ``(n_samples, n_labels)``, ``S`` a finite float32 or float64 ndarray
        of the same shape, ``metric`` an :class:`~skthresh.metrics.FBeta`
        (or, if the strategy accepts them, a callable).
    ``_optimize_summary(summary, metric)`` (optional)
        Thresholds from a :class:`~skthresh.ScoreSummary`, for an F-beta
        averaged over labels (micro or macro). Writing it declares that the
        strategy runs on summaries, and so on memory-mapped, sparse,
        chunked and Dask inputs; :meth:`optimize` then summarizes matrices
        first for those metrics, so that every input gives the same
        thresholds.
    ``_optimize_operating_point(summary, metric, trusted)`` (optional)
        For an operating-point metric (a
        :class:`~skthresh.metrics.RecallAtPrecision`,
        :class:`~skthresh.metrics.PrecisionAtRecall` or
        :class:`~skthresh.metrics.Utility`), written by the strategies that
        declare ``_accepts_operating_points``: an ``OperatingPoint`` (see
        ``strategies/_operating.py``) learned from a
        :class:`~skthresh.ScoreSummary` (matrices are summarized first, so
        every input gives the same thresholds). ``trusted`` marks the
        labels with at least ``min_positives`` positives; the others must
        predict nothing. Labels are not held at a shared threshold for
        these metrics: a floor is each label's own promise (a shared
        threshold need not keep it), and a utility states the cost of
        every decision, so each label gets its exact optimum.
    ``_optimize_weighted(Y, S, sample_weight, summary, metric)`` (optional)
        For a strategy that takes weights (``_accepts_sample_weight``) but
        wants the matrices for ``metric`` (``_input_for`` gives
        ``"arrays"``): the matrices, their rows' weights (all positive),
        and their weighted summary, for the counts the strategy needs
        besides (starts, objective). Otherwise weighted samples reach
        ``_optimize_summary`` as the weighted summary.
    ``_optimize_blocks(blocks, metric)`` (optional)
        Thresholds from a ``RowBlocks`` (``_row_blocks``) for a samples
        average, read a block of rows at a time: memory-mapped, sparse and
        Dask inputs are then never joined into matrices (rare labels held
        at a shared threshold included). Other strategies get such inputs
        joined into matrices, block by block.
    ``_input_for(metric)`` (optional)
        Which input the strategy wants for ``metric``: ``"summary"``,
        ``"arrays"`` (it needs the matrix) or ``"any"`` (it runs on a
        summary when given one, but matrices are not summarized first,
        because its matrix code gives the same thresholds faster). The
        default is ``"summary"`` for an F-beta averaged over labels when
        ``_optimize_summary`` is written, ``"arrays"`` otherwise; override
        it when a parameter changes the answer.

    **Declarations** (class attributes; the capability lists that users see,
    such as :func:`~skthresh.strategies.available_strategies` with a
    ``capability``, are derived from them):

    ``_parameter_constraints`` : dict
        scikit-learn constraints of every ``__init__`` parameter (see
        :func:`sklearn.utils._param_validation.validate_parameter_constraints`).
        A ``bool`` satisfies only a ``"boolean"`` constraint, never a
        numeric one. Checks that need the data (the length of a per-label
        array) stay in the hooks.
    ``_accepts_callable_metric`` : bool, default=False
        Whether ``metric`` may be a callable ``metric(Y_true, Y_pred)``.
    ``_accepts_operating_points`` : bool, default=False
        Whether ``metric`` may be an operating-point metric (a precision or
        recall floor, or a utility); such a strategy writes
        ``_optimize_operating_point``. The others refuse those metrics with
        a ``ValueError`` that names the strategies that accept them. After
        a floor metric, the strategy has ``constraint_met_`` (whether the
        floor, or its confidence bound, held on the tuning data: a bool per
        label for ``average="label"``, one bool for ``"micro"``) and
        ``unreachable_labels_`` (the labels no cut brings to the floor).
    ``_accepts_sample_weight`` : bool, default=False
        Whether :meth:`optimize` may be given ``sample_weight``, with an
        F-beta averaged over labels (micro or macro, or one label). The
        weighted tuning set reaches ``_optimize_summary`` (or
        ``_optimize_weighted``, beside the matrices) as a summary whose
        counts are sums of weights (``summary.counts``,
        ``summary.positive_cuts``, ``summary.score`` and
        ``summary.pos_weight`` are weighted; ranks, scores and
        ``summary.pos`` are those of the rows), so such a strategy reads
        its counts from those; samples of weight 0 are removed first. A
        ``"fixed"`` strategy ignores the weights. The others refuse weights
        with a ``ValueError`` that names the strategies that take them.
    ``_threshold_kind`` : {"per_label", "shared", "fixed"}, default="per_label"
        What the strategy learns. For ``"per_label"``, labels with no
        positive or no negative tuning sample (and labels with fewer than
        ``min_positives`` positives) are held at the best shared threshold
        (see :class:`DegenerateLabelWarning`): the hooks then receive only
        the other labels, and a metric that adds the held labels' counts
        to theirs (pooled counts for a micro average, each sample's for a
        samples average), so the free labels are optimized for the
        decisions the held ones keep. A strategy's ``objective_``, if it
        has one, is then recomputed over all labels, while ``history_``
        keeps the values seen during the search. ``"shared"`` strategies
        give every label one threshold anyway, and ``"fixed"`` ones learn
        nothing from the data: neither holds labels.
    ``_per_label_params`` : tuple of str, default=()
        Parameters that may hold one value per label (an ``init`` array),
        or an inner strategy that may: while labels are held, the hooks see
        the free labels' values only.
    ``_brute_force_tolerance`` : float or dict, default=0.0
        For the contract suite: how far below the exhaustive optimum the
        metric may end on tiny problems (per average if a dict).

    A subclass that draws random numbers takes a ``random_state``
    parameter and derives every generator from it, so that equal seeds
    give equal thresholds.

    Examples
    --------
    >>> from numbers import Real
    >>> import numpy as np
    >>> from sklearn.utils._param_validation import Interval
    >>> from skthresh.strategies import BaseThresholdStrategy
    >>> class Quantile(BaseThresholdStrategy):
    ...     _parameter_constraints = {"q": [Interval(Real, 0, 1, closed="both")]}
    ...     def __init__(self, q=0.9):
    ...         self.q = q
    ...     def _optimize(self, Y, S, metric):
    ...         return np.quantile(S, self.q, axis=0)
    >>> Y, S = [[0, 1], [1, 0], [1, 1]], [[.2, .9], [.8, .1], [.7, .6]]
    >>> Quantile(q=0.5).optimize(Y, S)
    array([0.7, 0.6])
    """

    _parameter_constraints: dict = {}
    _accepts_callable_metric = False
    _accepts_operating_points = False
    _accepts_sample_weight = False
    _threshold_kind = "per_label"
    _per_label_params = ()
    _brute_force_tolerance = 0.0

    def optimize(
        self, Y, scores=None, metric="f1_micro", *, min_positives=1, sample_weight=None
    ):
        """Learn one threshold per label on a tuning set.

        Parameters
        ----------
        Y : {array-like, sparse matrix} of shape (n_samples, n_labels) \
                or ScoreSummary
            True 0/1 labels of the tuning samples, or a summary of labels
            and scores (then ``scores=None``).
        scores : array-like or torch tensor of shape (n_samples, n_labels)
            Scores of the tuning samples; higher means more likely positive.
        metric : str, FBeta or callable, default="f1_micro"
            Metric to maximize; see :func:`skthresh.metrics.check_metric`.
            Some strategies also take a callable ``metric(Y_true, Y_pred) ->
            float`` on 0/1 int64 matrices (see
            ``available_strategies("callable_metric")``); the others compute
            F-beta from counts and need one.
        min_positives : int, default=1
            Labels with fewer positive tuning samples than this (or with no
            negative one) get the best threshold shared by all labels instead
            of their own, which rare labels overfit. Labels with no positive
            or no negative sample also raise a :class:`DegenerateLabelWarning`.
            With ``sample_weight``, positives are counted by weight.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the tuning samples (finite, non-negative, not all
            zero): every count behind the metric is a sum of weights, as in
            ``sklearn.metrics.fbeta_score(..., sample_weight=...)``, and a
            sample of weight 0 counts as if it were absent. Needs ``Y`` and
            ``scores`` as matrices, an F-beta averaged over labels ("micro"
            or "macro", or one label), and a strategy that takes weights
            (see ``available_strategies("sample_weight")``).

        Returns
        -------
        thresholds : ndarray of float64 of shape (n_labels,)
            A sample is positive for label ``j`` when its score is strictly
            greater than ``thresholds[j]``.
        """
        check_parameters(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )
        if is_callable_metric(metric):
            if not self._accepts_callable_metric:
                raise ValueError(
                    f"{type(self).__name__} needs an F-beta metric (a name such "
                    "as 'f1_micro' or an FBeta), whose values it computes from "
                    "counts; got a callable. Strategies that accept callables: "
                    f"{_quoted(names_where(_accepts_callables))}."
                )
        else:
            metric = check_metric(metric)
            if is_operating_metric(metric) and not self._accepts_operating_points:
                raise ValueError(
                    f"{type(self).__name__} cannot optimize metric={metric.name!r}: "
                    "precision and recall floors and utilities need a strategy "
                    "that searches each label's count curve for them. Strategies "
                    f"that do: {_quoted(names_where(_accepts_operating))}."
                )
        if (
            not isinstance(min_positives, numbers.Integral)
            or isinstance(min_positives, bool)
            or min_positives < 0
        ):
            raise ValueError(
                "min_positives must be an integer >= 0; got "
                f"min_positives={min_positives!r}."
            )
        if sample_weight is not None:
            data = self._weighted_data(Y, scores, metric, sample_weight)
            if self._threshold_kind == "fixed":
                return data.run(self, metric)
            return self._optimize_with_rare_labels(data, metric, min_positives)
        if isinstance(Y, RowBlocks):
            if scores is not None:
                raise ValueError("Pass either row blocks or Y and scores; got both.")
            if self._reads_blocks(metric):
                data = BlockData(Y)
                return self._optimize_with_rare_labels(data, metric, min_positives)
            # The others need the whole matrix: the blocks, validated, joined.
            Y, scores = Y.arrays()
        if isinstance(Y, ScoreSummary) and scores is not None:
            raise ValueError(
                "Pass either a ScoreSummary (and scores=None) or Y and scores; "
                "got both."
            )
        if is_operating_metric(metric):
            return self._fit_operating_point(Y, scores, metric, min_positives)
        if isinstance(Y, ScoreSummary):
            self._check_summary_support(metric)
            data = SummaryData(Y)
        else:
            Y, S = check_tuning_data(Y, scores)
            # Micro and macro F-beta need only per-label counts: strategies
            # that work on a summary always do, so that thresholds are the
            # same from arrays, chunks or Dask.
            if self._input_for(metric) == "summary":
                summary = ScoreSummary._of_validated(Y, S, self._verbosity())
                data = SummaryData(summary)
            else:
                data = DenseData(Y, S)
        if self._threshold_kind == "fixed":
            return data.run(self, metric)
        return self._optimize_with_rare_labels(data, metric, min_positives)

    def _weighted_data(self, Y, scores, metric, sample_weight):
        """The tuning set of weighted samples, checked: see ``sample_weight``."""
        name = type(self).__name__
        if not self._accepts_sample_weight:
            raise ValueError(
                f"{name} does not take sample_weight: its search counts "
                "samples, not their weights. Strategies that take "
                f"sample_weight: {_quoted(names_where(_accepts_weights))}."
            )
        if isinstance(Y, RowBlocks | ScoreSummary):
            raise ValueError(
                f"sample_weight needs Y and scores as matrices; got a "
                f"{type(Y).__name__}, which keeps no sample's identity. Pass "
                "the label and score matrices instead."
            )
        if (
            is_callable_metric(metric)
            or is_operating_metric(metric)
            or metric.average == "samples"
        ):
            shown = getattr(metric, "name", metric)
            raise ValueError(
                "sample_weight needs an F-beta metric averaged over labels "
                f"('micro' or 'macro', or one label); got metric={shown!r}."
            )
        Y, S = check_tuning_data(Y, scores)
        try:
            w = _check_sample_weight(
                sample_weight, S, dtype=np.float64, ensure_non_negative=True
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "sample_weight must hold one finite, non-negative weight per "
                f"tuning sample ({S.shape[0]}), not all zero: {exc}"
            ) from exc
        # A sample of weight 0 counts as absent, to the last threshold.
        keep = w > 0
        if not keep.all():
            Y, S, w = Y[keep], S[keep], w[keep]
        if self._threshold_kind == "fixed":
            return DenseData(Y, S)
        summary = WeightedSummary(Y, S, w)
        if self._input_for(metric) == "arrays":
            return WeightedDenseData(summary, Y, S, w)
        return SummaryData(summary)

    @abstractmethod
    def _optimize(self, Y, S, metric):
        """Return thresholds for validated matrices; see the class docstring."""

    def _optimize_weighted(self, Y, S, sample_weight, summary, metric):
        """Return thresholds from weighted matrices; see the class docstring."""
        raise NotImplementedError(
            f"{type(self).__name__} does not take weighted matrices."
        )

    def _optimize_summary(self, summary, metric):
        """Return thresholds from a summary; see the class docstring."""
        raise NotImplementedError(
            f"{type(self).__name__} does not run on a ScoreSummary."
        )

    def _optimize_blocks(self, blocks, metric):
        """Return thresholds from row blocks; see the class docstring."""
        raise NotImplementedError(f"{type(self).__name__} does not read row blocks.")

    def _reads_blocks(self, metric):
        """Whether the strategy reads row blocks for ``metric`` (samples F-beta)."""
        return (
            type(self)._optimize_blocks is not BaseThresholdStrategy._optimize_blocks
            and not is_callable_metric(metric)
            and metric.average == "samples"
        )

    def _verbosity(self):
        """The strategy's ``verbose`` parameter, 0 if it has none."""
        return self.get_params(deep=False).get("verbose") or 0

    @classmethod
    def _runs_on_summary(cls):
        """Whether the class declares summary support (writes the hook)."""
        return cls._optimize_summary is not BaseThresholdStrategy._optimize_summary

    def _input_for(self, metric):
        """``"summary"``, ``"arrays"`` or ``"any"``; see the class docstring."""
        if is_operating_metric(metric):
            return "summary" if self._accepts_operating_points else "arrays"
        if (
            not self._runs_on_summary()
            or is_callable_metric(metric)
            or metric.average == "samples"
        ):
            return "arrays"
        return "summary"

    def _check_summary_support(self, metric):
        if is_callable_metric(metric) or metric.average == "samples":
            raise ValueError(
                "A ScoreSummary holds per-label counts only: it serves F-beta "
                "metrics averaged over labels ('micro' or 'macro'), not a "
                "callable metric or a samples average, which need the score "
                "matrix."
            )
        if self._input_for(metric) == "arrays":
            raise ValueError(
                f"{self!r} needs the score matrix and cannot work on a "
                "ScoreSummary. Strategies that can: "
                f"{_quoted(names_where(lambda cls: cls._runs_on_summary()))}."
            )

    def _fit_operating_point(self, Y, scores, metric, min_positives):
        """Thresholds for an operating-point metric, from a summary."""
        if isinstance(Y, ScoreSummary):
            # The searches read each label's full sorted scores.
            summary = Y._with_zeros_written()
        else:
            Y, S = check_tuning_data(Y, scores)
            summary = ScoreSummary._of_validated(Y, S, self._verbosity())
        trusted = np.ones(summary.n_labels, dtype=bool)
        if isinstance(metric, Utility):
            metric.gains(summary.n_labels)  # per-label gains: one per label
        else:
            trusted = summary.pos >= min_positives
        result = self._optimize_operating_point(summary, metric, trusted)
        thresholds = self._checked(result.thresholds, summary.n_labels)
        self.objective_ = result.objective
        if not isinstance(metric, Utility):
            self.constraint_met_ = result.constraint_met
            self.unreachable_labels_ = np.asarray(result.unreachable, dtype=np.int64)
            untrusted = np.flatnonzero(~trusted & (summary.pos > 0))
            warn_unreachable(
                metric, result, untrusted, shared=self._threshold_kind == "shared"
            )
        return thresholds

    def _optimize_operating_point(self, summary, metric, trusted):
        """Return an ``OperatingPoint``; see the class docstring."""
        raise NotImplementedError(
            f"{type(self).__name__} does not optimize operating-point metrics."
        )

    def _checked(self, thresholds, n_labels):
        """A strategy's result, checked."""
        thresholds = np.asarray(thresholds, dtype=np.float64)
        if thresholds.shape != (n_labels,):
            raise RuntimeError(
                f"{type(self).__name__}._optimize returned shape "
                f"{thresholds.shape}; expected ({n_labels},)."
            )
        if not np.isfinite(thresholds).all():
            raise RuntimeError(
                f"{type(self).__name__}._optimize returned non-finite thresholds."
            )
        return thresholds

    def _optimize_with_rare_labels(self, data, metric, min_positives):
        """Hold rare labels at the shared threshold, optimize the others.

        The held labels' decisions count in the metric that the other labels
        are optimized for (see ``_held``), so the result is never below the
        all-shared start for strategies that never end below their start.
        """
        n_pos = data.pos
        no_positive, all_positive = data.degenerate()
        degenerate = no_positive | all_positive
        rare = degenerate | (n_pos < min_positives)
        if not rare.any() or self._threshold_kind != "per_label":
            thresholds = data.run(self, metric)
            if degenerate.any():
                # One threshold for every label: the shared one, all included.
                _warn_degenerate(np.flatnonzero(degenerate), thresholds, None)
            return thresholds
        shared = data.shared_threshold(metric)
        thresholds = np.full(data.n_labels, shared)
        # A label without negatives is predicted positive for every sample:
        # optimal on the tuning data, and better on new data than the shared
        # threshold on yeast (benchmarks/bench_degenerate_labels.py).
        thresholds[all_positive] = everything_positive_threshold(*data.score_range())
        free = ~rare
        if free.any():
            held_metric = data.hold(metric, rare, thresholds[rare])
            with data.take_labels(free) as sub, self._free_label_params(free):
                thresholds[free] = sub.run(self, held_metric)
        if hasattr(self, "objective_") or not free.any():
            # The objective describes all labels, held ones included.
            self.objective_ = data.evaluate(metric, thresholds)
        if degenerate.any():
            _warn_degenerate(np.flatnonzero(degenerate), thresholds, all_positive)
        return thresholds

    def _free_label_values(self, free):
        """The per-label parameters, cut to the ``free`` labels: {name: value}.

        A per-label array is cut; an inner strategy is cloned with its own
        per-label parameters cut; anything else is left alone.
        """
        params = self.get_params(deep=False)
        cut = {}
        for name in self._per_label_params:
            value = params.get(name)
            if isinstance(value, BaseThresholdStrategy):
                inner = clone(value)
                cut[name] = inner.set_params(**inner._free_label_values(free))
                continue
            if value is None or isinstance(value, str) or np.ndim(value) == 0:
                continue
            # Checked against all labels, so that a wrong shape names them.
            cut[name] = check_thresholds(value, free.size, name=name)[free]
        return cut

    @contextlib.contextmanager
    def _free_label_params(self, free):
        """Per-label parameters cut to the ``free`` labels, then restored."""
        cut = self._free_label_values(free)
        saved = {name: getattr(self, name) for name in cut}
        self.set_params(**cut)
        try:
            yield
        finally:
            self.set_params(**saved)


def _accepts_callables(cls):
    return cls._accepts_callable_metric


def _accepts_operating(cls):
    return cls._accepts_operating_points


def _accepts_weights(cls):
    return cls._accepts_sample_weight


def _quoted(names):
    return ", ".join(repr(name) for name in names) or "none"


def everything_positive_threshold(low, high):
    """A threshold below every score a label can have: every sample positive.

    Just below 0 for probabilities (all tuning scores within ``[0, 1]``);
    otherwise below the lowest tuning score of any label by the scores' whole
    range (at least 1), since a threshold must be finite.
    """
    if low >= 0.0 and high <= 1.0:
        return float(np.nextafter(0.0, -np.inf))
    low, high, big = float(low), float(high), float(np.finfo(np.float64).max)
    # Halves first: the spread of scores near the float64 limits overflows.
    spread = min(2.0 * max(high / 2.0 - low / 2.0, 0.5), big)
    below = max(low - spread, -big)
    # Strictly below the lowest score, also where subtracting rounds back.
    with np.errstate(over="ignore"):
        below = min(below, float(np.nextafter(low, -np.inf)))
    return float(below) if np.isfinite(below) else -big


def _warn_degenerate(labels, thresholds, all_positive):
    """Warn about labels without positives (or negatives), saying what they got."""
    parts = []
    if all_positive is None:
        parts.append(
            f"label indices {listed(labels)}; like every label they get the "
            f"shared threshold, {thresholds[labels[0]]:.6g}"
        )
    else:
        no_pos = labels[~all_positive[labels]]
        no_neg = labels[all_positive[labels]]
        if no_pos.size:
            parts.append(
                f"no positive: label indices {listed(no_pos)}, set to the best "
                f"threshold shared by all labels, {thresholds[no_pos[0]]:.6g}"
            )
        if no_neg.size:
            parts.append(
                f"no negative: label indices {listed(no_neg)}, set below every "
                f"score ({thresholds[no_neg[0]]:.6g}), so that every sample is "
                "positive, as in the tuning data"
            )
    warnings.warn(
        f"{labels.size} label(s) have no positive or no negative sample in the "
        f"tuning data ({'; '.join(parts)}).",
        DegenerateLabelWarning,
        stacklevel=4,
    )
