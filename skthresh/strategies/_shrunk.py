"""Per-label thresholds shrunk towards a shared target by cross-validation."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from skthresh._summary import ScoreSummary
from skthresh.metrics import FBeta
from skthresh.strategies._base import BaseThresholdStrategy, DegenerateLabelWarning
from skthresh.strategies._callable import is_callable_metric
from skthresh.strategies._folds import (
    fold_summary,
    label_folds,
    positive_entries,
    row_folds,
)
from skthresh.strategies._held import take_rows
from skthresh.strategies._registry import configure_strategy
from skthresh.strategies._shared import shared_threshold
from skthresh.strategies._starts import default_threshold
from skthresh.strategies._tuning_data import DenseData
from skthresh.utils._sklearn_compat import HasMethods, Interval, StrOptions

_TARGETS = ("shared", "default")
_DEFAULT_STRENGTHS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, np.inf)


class ShrunkThresholds(BaseThresholdStrategy):
    """Per-label thresholds pulled towards a shared target, as far as pays.

    The best cut of each label on the tuning data (found by ``strategy``)
    overfits when the label has few positive tuning samples, and a single
    threshold for all labels, or the untuned default, then does better on
    new data. This strategy moves label ``j``'s threshold from its own
    optimum ``t_j`` towards a shared target ``T``,

    .. math:: \\theta_j = t_j + \\lambda_j (T - t_j), \\qquad
              \\lambda_j = \\frac{c}{c + e_j},

    where ``e_j`` is the label's evidence for its own cut, an
    empirical-Bayes-style rule in which the target counts as ``c`` units
    of evidence. With ``evidence="gain"`` (the default), ``e_j`` is what
    the label's own cut gains over the target on the tuning data, in
    samples: ``(1 + beta^2) * dTP - F * dPP``, the change of the F-beta
    numerator less ``F`` times the change of its denominator (``dTP`` and
    ``dPP``: the label's true and predicted positives at its own cut minus
    at the target; ``F``: the metric at the own cuts). It is small for a
    label with few positives and for a label whose metric is flat between
    its own cut and the target. With ``evidence="positives"``, ``e_j`` is
    the label's number of positive tuning samples. (For a samples average
    or a callable metric, the gain uses the micro formula, with ``beta=1``
    for a callable.) Labels with strong
    evidence keep their own optimum; weak ones move most. The strength
    ``c`` (from ``strengths``) and the target, either the best threshold
    shared by all labels (``"shared"``) or the fixed default (0.5 for
    scores within ``[0, 1]``, 0 otherwise; ``"default"``), are chosen
    together by a ``cv``-fold cross-validation inside the tuning data:
    the inner strategy, the shared threshold and the evidence are learned
    on the other folds, and the candidate thresholds scored on the held
    fold, with the counts of all folds pooled. ``c = 0`` gives the inner
    strategy's thresholds and ``c = inf`` the target itself, so the
    cross-validation chooses among the plain per-label optimum, the shared
    threshold, the default and the compromises between them. Ties go to
    the weaker shrinkage.

    Folds: from a :class:`~skthresh.ScoreSummary` (and from matrices, which
    are summarized first, for F-beta averaged over labels), each label's
    sorted scores are split into folds on their own, stratified by
    positives and negatives (a summary has no rows, and a micro or macro
    average needs per-label counts only), so matrices and summaries of the
    same data give the same thresholds. With a samples average, a callable
    metric or an inner strategy that needs the matrix, the folds are
    random sets of rows.

    Parameters
    ----------
    strategy : str or BaseThresholdStrategy, default="coordinate"
        The per-label strategy whose thresholds are shrunk: a registered
        name or an object (cloned for each fit).
    cv : int, default=5
        Number of folds of the inner cross-validation (at most the number
        of tuning samples are used).
    strengths : array-like of float or None, default=None
        Candidate strengths ``c`` (units of evidence, ``>= 0``, ``inf``
        allowed). None: ``(0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000,
        inf)``.
    evidence : {"gain", "positives"}, default="gain"
        The evidence ``e_j`` of each label, see above.
    random_state : int, RandomState instance or None, default=None
        Draws the folds, and seeds ``strategy`` when it has a
        ``random_state``.

    Attributes
    ----------
    strength_ : float
        The strength ``c`` chosen.
    target_kind_ : {"shared", "default"}
        The target chosen.
    target_ : float
        The target's value on the whole tuning data.
    shrinkage_ : ndarray of shape (n_labels,)
        ``lambda_j``, between 0 (own optimum) and 1 (target); NaN for the
        labels held at the shared threshold (see ``min_positives`` in
        :meth:`optimize`).
    inner_thresholds_ : ndarray of shape (n_labels,)
        The inner strategy's thresholds (NaN for held labels).
    cv_scores_ : ndarray of shape (2, n_strengths)
        Cross-validated metric of each target (rows: ``"shared"``,
        ``"default"``) and strength (columns, as ``strengths_``).
    strengths_ : ndarray of shape (n_strengths,)
        The candidate strengths, sorted.

    See Also
    --------
    CoordinateAscent : Exact per-label optimum, the default inner strategy.
    GlobalThreshold : The best threshold shared by all labels.
    BaggedThresholds : Another guard against overfitting: averaged cuts.

    Examples
    --------
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.strategies import ShrunkThresholds
    >>> Y, S = make_tagging_scores(500, 20, random_state=0)
    >>> shrunk = ShrunkThresholds(random_state=0)
    >>> shrunk.optimize(Y, S).shape
    (20,)
    >>> shrunk.target_kind_ in ("shared", "default")
    True
    >>> bool(((shrunk.shrinkage_ >= 0) & (shrunk.shrinkage_ <= 1)).all())
    True
    """

    _parameter_constraints = {
        "strategy": [str, HasMethods(["optimize"])],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "strengths": ["array-like", None],
        "evidence": [StrOptions({"positives", "gain"})],
        "random_state": ["random_state"],
    }
    # An inner strategy object may hold per-label parameters.
    _per_label_params = ("strategy",)
    # Callables are passed on: the inner strategy accepts them or says no.
    _accepts_callable_metric = True
    # Shrunk cuts give up tuning-set optimality by design: on 100 tiny
    # problems of the contract suite's kind (8 samples; micro, macro and
    # samples averages) the worst gap to the optimum was 0.21, the mean 0.04.
    _brute_force_tolerance = 0.3

    def __init__(
        self,
        strategy="coordinate",
        *,
        cv=5,
        strengths=None,
        evidence="gain",
        random_state=None,
    ):
        self.strategy = strategy
        self.evidence = evidence
        self.cv = cv
        self.strengths = strengths
        self.random_state = random_state

    # -- the base class's hooks ---------------------------------------------------

    def optimize(
        self, Y, scores=None, metric="f1_micro", *, min_positives=1, sample_weight=None
    ):
        self._free = None
        thresholds = super().optimize(
            Y,
            scores,
            metric,
            min_positives=min_positives,
            sample_weight=sample_weight,
        )
        if self._free is not None:
            # Held labels were not shrunk: NaN in the per-label attributes.
            for name in ("shrinkage_", "inner_thresholds_"):
                full = np.full(self._free.size, np.nan)
                full[self._free] = getattr(self, name)
                setattr(self, name, full)
        del self._free
        return thresholds

    optimize.__doc__ = BaseThresholdStrategy.optimize.__doc__

    def _free_label_values(self, free):
        self._free = np.asarray(free, dtype=bool)
        return super()._free_label_values(free)

    def _input_for(self, metric):
        kind = super()._input_for(metric)
        if kind == "summary" and self._inner()._input_for(metric) == "arrays":
            return "arrays"
        return kind

    def _optimize_summary(self, summary, metric):
        strengths, rng, seed = self._setup()
        plain = _plain(metric)
        default = default_threshold(summary)
        n_folds = min(self.cv, summary.n_samples)
        pooled = np.zeros((3, len(_TARGETS), strengths.size, summary.n_labels))
        if n_folds >= 2:
            # Folds split each label's full sorted scores (zeros included).
            full = summary._with_zeros_written()
            positive = positive_entries(full)
            fold = label_folds(full, positive, n_folds, rng)
            for f in range(n_folds):
                train = fold_summary(full, positive, fold != f)
                test = fold_summary(full, positive, fold == f)
                own, shared = self._fit(seed, train, None, plain)
                targets = (shared, default)
                evidence = self._evidence(own, targets, train.pos, train.counts, plain)
                cands = _candidates(own, evidence, targets, strengths)
                flat = cands.reshape(-1, summary.n_labels).T
                tp, pp = test.counts(np.ascontiguousarray(flat))
                counts = (tp.T.reshape(cands.shape), pp.T.reshape(cands.shape))
                pooled[0] += counts[0]
                pooled[1] += counts[1]
                pooled[2] += test.pos
        cv_scores = plain.from_counts(pooled[0], pooled[1], pooled[2])
        own, shared = self._fit(seed, summary, None, metric)
        evidence = self._evidence(
            own, (shared, default), summary.pos, summary.counts, plain
        )
        return self._finish(own, evidence, shared, default, strengths, cv_scores)

    def _optimize(self, Y, S, metric):
        strengths, rng, seed = self._setup()
        default = default_threshold(S)
        n = S.shape[0]
        n_folds = min(self.cv, n)
        cv_scores = np.zeros((len(_TARGETS), strengths.size))
        pooled = None
        if n_folds >= 2:
            fold = row_folds(n, n_folds, rng)
            counts = isinstance(metric, FBeta) and metric.average != "samples"
            if counts:
                pooled = np.zeros((3, len(_TARGETS), strengths.size, S.shape[1]))
            for f in range(n_folds):
                train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
                fold_metric = take_rows(metric, train)
                own, shared = self._fit(seed, Y[train], S[train], fold_metric)
                targets = (shared, default)
                evidence = self._evidence(
                    own,
                    targets,
                    Y[train].sum(axis=0),
                    _counter(Y[train], S[train]),
                    _plain(metric),
                )
                cands = _candidates(own, evidence, targets, strengths)
                Y_test, S_test = Y[test], S[test]
                if counts:
                    decisions = S_test[None, None] > cands[:, :, None, :]
                    pooled[0] += (decisions & Y_test).sum(axis=2)
                    pooled[1] += decisions.sum(axis=2)
                    pooled[2] += Y_test.sum(axis=0)
                    continue
                data, test_metric = DenseData(Y_test, S_test), take_rows(metric, test)
                for index in np.ndindex(cv_scores.shape):
                    cv_scores[index] += (
                        data.evaluate(test_metric, cands[index]) / n_folds
                    )
        if pooled is not None:
            cv_scores = _plain(metric).from_counts(pooled[0], pooled[1], pooled[2])
        own, shared = self._fit(seed, Y, S, metric)
        evidence = self._evidence(
            own, (shared, default), Y.sum(axis=0), _counter(Y, S), _plain(metric)
        )
        return self._finish(own, evidence, shared, default, strengths, cv_scores)

    # -- the steps ----------------------------------------------------------------

    def _inner(self, random_state=None):
        return configure_strategy(self.strategy, random_state=random_state)

    def _setup(self):
        if self.strengths is None:
            strengths = np.asarray(_DEFAULT_STRENGTHS)
        else:
            strengths = np.unique(np.asarray(self.strengths, dtype=np.float64).ravel())
            if strengths.size == 0 or np.isnan(strengths).any() or strengths[0] < 0:
                raise ValueError(
                    "strengths must be a non-empty array of numbers >= 0 (inf "
                    f"allowed); got strengths={self.strengths!r}."
                )
        inner = self._inner()
        if inner._threshold_kind != "per_label":
            raise ValueError(
                "strategy must learn one threshold per label, since its thresholds "
                f"are shrunk towards a shared one; got strategy={self.strategy!r}, "
                f"whose kind is {inner._threshold_kind!r}."
            )
        rng = check_random_state(self.random_state)
        seed = rng.randint(np.iinfo(np.int32).max)
        return strengths, rng, seed

    def _fit(self, seed, Y, S, metric):
        """The inner strategy's thresholds and the best shared threshold."""
        inner = self._inner(seed)
        with warnings.catch_warnings():
            # A fold may miss a rare label's positives; the whole tuning data
            # decides the warning.
            warnings.simplefilter("ignore", DegenerateLabelWarning)
            if isinstance(S, ScoreSummary) or S is None:
                summary = Y if S is None else S
                own = inner.optimize(summary, metric=metric)
                shared = shared_threshold(None, summary, metric)
            else:
                own = inner.optimize(Y, S, metric)
                shared = shared_threshold(Y, S, metric)
        return own, float(shared)

    def _evidence(self, own, targets, pos, counts, metric):
        """Each label's evidence against each target: shape (2, n_labels)."""
        pos = np.asarray(pos, dtype=np.float64)
        if self.evidence == "positives":
            return np.stack([pos] * len(targets))
        own = np.asarray(own, dtype=np.float64)
        tp, pp = counts(own)
        beta2 = metric.beta**2 if isinstance(metric, FBeta) else 1.0
        micro = not isinstance(metric, FBeta) or metric.average != "macro"
        den = beta2 * (pos.sum() if micro else pos) + (pp.sum() if micro else pp)
        f = (1 + beta2) * (tp.sum() if micro else tp) / np.maximum(den, 1)
        out = []
        for target in targets:
            tp_t, pp_t = counts(np.full(own.size, target))
            # What the label's own cut gains over the target, in samples.
            out.append(np.maximum((1 + beta2) * (tp - tp_t) - f * (pp - pp_t), 0))
        return np.asarray(out, dtype=np.float64)

    def _finish(self, own, evidence, shared, default, strengths, cv_scores):
        # Ties go to the weaker shrinkage, then to the shared target.
        cv_scores = np.asarray(cv_scores, dtype=np.float64)
        best = cv_scores.max()
        column = int(np.flatnonzero((cv_scores == best).any(axis=0))[0])
        row = int(np.flatnonzero(cv_scores[:, column] == best)[0])
        self.strengths_ = strengths
        self.cv_scores_ = cv_scores
        self.strength_ = float(strengths[column])
        self.target_kind_ = _TARGETS[row]
        self.target_ = shared if row == 0 else default
        self.inner_thresholds_ = np.asarray(own, dtype=np.float64)
        self.shrinkage_ = _shrinkage(self.strength_, evidence[row])
        return own + self.shrinkage_ * (self.target_ - own)


def _plain(metric):
    """An F-beta without the counts of held labels (which belong to all rows)."""
    if isinstance(metric, FBeta) and not is_callable_metric(metric):
        return FBeta(metric.beta, metric.average, metric.zero_division)
    return metric


def _shrinkage(strength, pos):
    """``c / (c + P)`` per label: 0 for ``c = 0``, 1 for ``c = inf``."""
    pos = pos.astype(np.float64)
    if strength == 0:
        return np.zeros_like(pos)
    if np.isinf(strength):
        return np.ones_like(pos)
    return strength / (strength + pos)


def _counter(Y, S):
    """``counts(thresholds) -> (tp, pp)`` per label, from matrices."""

    def counts(thresholds):
        decisions = S > thresholds
        return (decisions & Y).sum(axis=0), decisions.sum(axis=0)

    return counts


def _candidates(own, evidence, targets, strengths):
    """Thresholds of every target and strength: shape (2, n_strengths, n_labels)."""
    own = np.asarray(own, dtype=np.float64)
    out = np.empty((len(targets), strengths.size, own.size))
    for i, target in enumerate(targets):
        lam = np.stack([_shrinkage(c, evidence[i]) for c in strengths])
        out[i] = own + lam * (target - own)
    return out
