"""SurrogateThresholdClassifier: a base classifier with learned per-label thresholds."""

import time
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    clone,
)
from sklearn.exceptions import DataConversionWarning
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import check_cv
from sklearn.utils import assert_all_finite, check_random_state, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from skthresh._crossfit import (
    AGGREGATIONS,
    binary_only_hint,
    crossfit_thresholds,
    declares_multilabel,
    fit_and_score,
    fit_base,
    fold_results,
    metric_value,
    out_of_fold,
    rows_of,
)
from skthresh._scores import RESPONSE_METHODS, resolve_response_method, score_matrix
from skthresh._splitting import (
    check_validation_size,
    held_out_split,
    metadata_router,
    route_fit_metadata,
    stratified_folds,
)
from skthresh._validation import check_indicator
from skthresh.strategies import BaseThresholdStrategy
from skthresh.strategies._registry import configure_strategy
from skthresh.utils._sklearn_compat import (
    HasMethods,
    Interval,
    RealNotInt,
    SplitsOrSplitter,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _num_samples,
    _safe_indexing,
)

# Classifier parameters handed to the strategy when it has a parameter of
# the same name and the value is not None.
_FORWARDED = ("slope", "learning_rate", "max_iter", "device")


def _estimator_has(attr):
    def check(self):
        owner = self.estimator_ if hasattr(self, "estimator_") else self.base_estimator
        return hasattr(owner, attr)

    return check


class SurrogateThresholdClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Multi-label classifier whose per-label decision thresholds are learned.

    ``fit`` splits off a held-out part of the training data, fits a clone of
    ``base_estimator`` on the rest, learns one threshold per label on the
    held-out scores with ``strategy`` (SGL-Thresh by default) so that
    ``metric`` is maximal, then refits the base estimator on all the data.
    ``predict`` returns ``scores > thresholds_``.

    Parameters
    ----------
    base_estimator : estimator object
        A classifier for a 0/1 indicator matrix (or a 1-D binary target)
        with ``predict_proba`` or ``decision_function``. An already fitted
        estimator wrapped in :class:`sklearn.frozen.FrozenEstimator` is not
        refitted, and all of ``X`` is used to learn the thresholds.
    strategy : str or BaseThresholdStrategy, default="surrogate"
        How thresholds are learned: a registered name (see
        :func:`skthresh.strategies.available_strategies`) or a strategy
        object, which is cloned.
    metric : str, metric object or callable, default="f1_micro"
        Metric the thresholds maximize, and the one :meth:`score` reports:
        ``"f1_micro"``, ``"f1_macro"``, ``"f1_samples"``, ``"f<beta>_<average>"``
        or a :class:`~skthresh.metrics.FBeta`; an operating point,
        :class:`~skthresh.metrics.RecallAtPrecision` (``score`` is then the
        recall achieved), :class:`~skthresh.metrics.PrecisionAtRecall` or
        :class:`~skthresh.metrics.Utility`, or their names such as
        ``"recall@precision=0.9"``; with the search strategies also a
        callable ``metric(Y_true, Y_pred) -> float`` on 0/1 matrices.
    slope : float, default=None
        Slope of the surrogate sigmoid, for strategies that have one. None
        keeps the strategy's own value (50 for ``"surrogate"``).
    learning_rate : float, default=None
        Step size, for iterative strategies. None keeps the strategy's own.
    max_iter : int, default=None
        Number of iterations, for iterative strategies. None keeps the
        strategy's own.
    validation_size : float or int, default=0.3
        Held-out part used to learn the thresholds: a fraction of the samples
        (rounded up) or a number of samples. The split is stratified: on the
        class for a binary target, by iterative stratification over the
        labels for an indicator matrix, so that every label keeps its share
        of positives on both sides. With ``groups``, whole groups are held
        out instead (not stratified). Ignored for a frozen base estimator.
        For a plain random split, pass
        ``cv=ShuffleSplit(n_splits=1, test_size=0.3)``.
    cv : int, cross-validation generator or iterable, default=None
        Cross-fitting instead of one held-out split: the base estimator is
        fitted on each training fold, every sample is scored by the model
        that did not see it, and the thresholds are learned from these
        out-of-fold scores as ``cv_aggregation`` says. An int is the number
        of shuffled folds, stratified as the held-out split (group folds
        with ``groups``), seeded by ``random_state``. A splitter receives
        ``groups``. None uses ``validation_size``.
    cv_aggregation : {"pooled", "mean_curve", "smoothed"}, default="pooled"
        With ``cv``, how the folds give thresholds: ``"pooled"`` keeps the
        strategy's thresholds on all out-of-fold scores pooled;
        ``"mean_curve"`` takes each label's best cut of the metric curve
        averaged over the folds (each fold's curve on its own out-of-fold
        scores, as
        :class:`~sklearn.model_selection.TunedThresholdClassifierCV` does;
        for a micro average, the mean over folds of each fold's micro F,
        by coordinate ascent from the pooled thresholds); ``"smoothed"``
        takes the best cut of the pooled curve smoothed over neighbouring
        cuts. The three were level on new data (within 0.04 point of F1;
        ``benchmarks/bench_cv_aggregation.py``). Only per-label strategies
        with an F-beta averaged over labels are refined; the others keep
        the pooled thresholds.
    min_positives : int, default=1
        Labels with fewer positive tuning samples than this (or with no
        negative one) get the best threshold shared by all labels instead of
        their own: rare labels overfit per-label thresholds. Labels with no
        positive or no negative tuning sample also raise a
        :class:`~skthresh.DegenerateLabelWarning`.
    refit : bool, default=True
        Whether to refit the base estimator on all samples after learning
        the thresholds. If False, ``estimator_`` is the one fitted on the
        training part only; with ``cv``, refit must be True.
    response_method : {"auto", "predict_proba", "decision_function"}, \
            default="auto"
        Which method of the base estimator gives the scores; ``"auto"``
        prefers ``predict_proba``.
    random_state : int, RandomState instance or None, default=None
        Controls the split (or the folds) and the randomness of the strategy.
    n_jobs : int, default=None
        Number of folds fitted in parallel with joblib when ``cv`` is set.
        None means 1 unless in a :obj:`joblib.parallel_backend` context.
    device : str, default=None
        Torch device of strategies that run on one (``"cpu"``, ``"cuda"``).
        None keeps the strategy's own (``"cpu"``).
    verbose : int, default=0
        Progress messages. With 1 or more, ``fit`` prints what it will do as
        it starts, then a line for the fit of the base estimator (one per
        fold with ``cv``, ``[fold 2/5] ...``) and for the refit, each with
        its time, and a header line before each block of the strategy's
        own progress lines, which the strategy prints at this verbosity.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted base estimator used by ``predict``.
    thresholds_ : ndarray of float64 of shape (n_labels,)
        Learned thresholds; label ``j`` is predicted when its score is
        strictly greater than ``thresholds_[j]``.
    strategy_ : BaseThresholdStrategy
        The strategy object that learned them, with its fitted attributes.
    response_method_ : str
        The response method used.
    classes_ : ndarray
        For a 1-D binary target, its two classes (the second is positive);
        for an indicator matrix, the label indices ``0..n_labels-1``.
    n_labels_ : int
        Number of labels.
    cv_results_ : dict of ndarray
        Only with ``cv``: ``"fold_thresholds"`` of shape (n_folds, n_labels),
        thresholds learned on each fold's out-of-fold scores alone;
        ``"thresholds_std"``, their standard deviation per label, a measure
        of how stable each label's threshold is; ``"fold_objective"``, the
        tuning metric of each fold's thresholds on that fold.
    n_iter_ : int
        Iterations run by the strategy (``strategy_.n_iter_``); 1 for
        strategies that do not iterate.
    constraint_met_ : ndarray of bool of shape (n_labels,) or bool
        Only for a metric with a floor: whether it held on the tuning data,
        per label (``average="label"``) or pooled (``"micro"``).
    unreachable_labels_ : ndarray of int
        Only for a metric with a floor: the labels that no threshold brings
        to it on the tuning data; they predict nothing.
    n_features_in_ : int
        Number of features seen during fit, when the input has a shape.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when ``X`` has string column
        names.

    See Also
    --------
    skthresh.learn_thresholds : The same on precomputed scores.
    sklearn.model_selection.TunedThresholdClassifierCV : One threshold of a
        binary classifier.

    Notes
    -----
    Ties: a score equal to its threshold is negative, everywhere in skthresh.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from skthresh import SurrogateThresholdClassifier
    >>> from skthresh.datasets import load_yeast
    >>> from skthresh.metrics import f1_score
    >>> X, Y = load_yeast(return_X_y=True)
    >>> X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)
    >>> base = OneVsRestClassifier(LogisticRegression(max_iter=1000))
    >>> clf = SurrogateThresholdClassifier(base, random_state=0).fit(X_train, Y_train)
    >>> clf.thresholds_.shape
    (14,)
    >>> Y_pred = clf.predict(X_test)
    >>> Y_pred.shape
    (605, 14)
    >>> fixed = clf.predict_proba(X_test) > 0.5
    >>> bool(f1_score(Y_test, Y_pred) > f1_score(Y_test, fixed))
    True
    """

    # fit uses them itself (weighted counts, group splits), whatever routes on.
    __metadata_request__fit = {"sample_weight": True, "groups": True}

    _parameter_constraints: dict = {
        "base_estimator": [HasMethods(["fit"])],
        "strategy": [str, BaseThresholdStrategy],
        "metric": [str, HasMethods(["from_counts", "score"]), callable],
        "slope": [Interval(Real, 0, None, closed="neither"), None],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "validation_size": [
            Interval(RealNotInt, 0, 1, closed="neither"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "cv": [Interval(Integral, 2, None, closed="left"), SplitsOrSplitter(), None],
        "cv_aggregation": [StrOptions(set(AGGREGATIONS))],
        "min_positives": [Interval(Integral, 0, None, closed="left")],
        "refit": ["boolean"],
        "response_method": [StrOptions(set(RESPONSE_METHODS))],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "device": [str, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        base_estimator,
        *,
        strategy="surrogate",
        metric="f1_micro",
        slope=None,
        learning_rate=None,
        max_iter=None,
        validation_size=0.3,
        cv=None,
        cv_aggregation="pooled",
        min_positives=1,
        refit=True,
        response_method="auto",
        random_state=None,
        n_jobs=None,
        device=None,
        verbose=0,
    ):
        self.base_estimator = base_estimator
        self.strategy = strategy
        self.metric = metric
        self.slope = slope
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.validation_size = validation_size
        self.cv = cv
        self.cv_aggregation = cv_aggregation
        self.min_positives = min_positives
        self.refit = refit
        self.response_method = response_method
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device
        self.verbose = verbose

    def _make_strategy(self, random_state):
        strategy = configure_strategy(self.strategy)
        accepted = strategy.get_params(deep=False)
        params = {}
        for name in _FORWARDED:
            value = getattr(self, name)
            if value is None:
                continue
            if name not in accepted:
                raise ValueError(
                    f"{name}={value!r} was given, but strategy "
                    f"{type(strategy).__name__} has no parameter {name!r}; leave "
                    f"{name}=None or choose a strategy that uses it."
                )
            params[name] = value
        # A seed is drawn from random_state only for a strategy that takes one.
        return configure_strategy(
            strategy,
            params,
            random_state=None if self.random_state is None else random_state,
            verbose=self.verbose,
            copy=False,
        )

    def _check_target(self, y):
        if not sp.issparse(y):
            y = np.asarray(y) if not hasattr(y, "iloc") else y
            if np.asarray(y).dtype.kind == "f":
                assert_all_finite(y, input_name="y")
        if sp.issparse(y):
            Y = check_indicator(y, name="y")
            self._target_kind = "sparse"
            self.classes_ = np.arange(Y.shape[1])
            return Y, y
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type == "binary" and np.ndim(y) == 1:
            y_arr = np.asarray(y)
            self.classes_ = np.unique(y_arr)
            self._target_kind = "binary"
            if self.classes_.size != 2:
                raise ValueError(
                    "y has a single class "
                    f"({self.classes_[0]!r}); a classifier needs samples of at "
                    "least 2 classes."
                )
            return (y_arr == self.classes_[1]).reshape(-1, 1), y
        if y_type in ("multiclass-multioutput", "continuous-multioutput"):
            check_indicator(y, name="y")  # names the values that are not 0/1
        if y_type in ("multilabel-indicator", "binary") and np.ndim(y) == 2:
            Y = check_indicator(y, name="y")
            self.classes_ = np.arange(Y.shape[1])
            if Y.shape[1] == 1:
                # One label as a column: the base estimator sees a 1-D target,
                # which every classifier accepts; predict keeps the column.
                self._target_kind = "column"
                if not declares_multilabel(self.base_estimator):
                    # Single-output, as the tags say: warn as scikit-learn's
                    # single-output estimators (and this base) do.
                    base = type(self.base_estimator).__name__
                    message = (
                        "A column-vector y was passed when a 1d array was "
                        f"expected: {base} declares no multi-label support, so "
                        f"{type(self).__name__} takes a 1-D binary y with it. "
                        "Please change the shape of y to (n_samples, ), for "
                        "example using ravel(); predict returns a column, as y "
                        "was given."
                    )
                    warnings.warn(message, DataConversionWarning, stacklevel=4)
                return Y, Y[:, 0].astype(np.int64)
            self._target_kind = "dense"
            return Y, y
        raise ValueError(
            "Only binary classification is supported. The type of the target "
            f"is {y_type}. SurrogateThresholdClassifier takes a 1-D binary y or "
            "a 2-D 0/1 indicator matrix of shape (n_samples, n_labels); "
            "binarize multiclass targets with sklearn.preprocessing."
            "LabelBinarizer or multi-label lists with MultiLabelBinarizer."
        )

    @_fit_context(
        # The base estimator and the strategy validate their own parameters.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, *, sample_weight=None, groups=None, **fit_params):
        """Fit the base estimator and learn the thresholds.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples, in any form the base estimator accepts.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
                (n_samples,)
            0/1 indicator matrix, or a 1-D binary target.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples: the strategy itself tunes the F-beta of
            weighted counts (that of ``sklearn.metrics.fbeta_score(...,
            sample_weight=...)``; ``available_strategies("sample_weight")``
            take them, the others raise), and they are passed to the base
            estimator's ``fit`` (routed as it requests with metadata routing).
        groups : array-like of shape (n_samples,), default=None
            Group of each sample: a group is never on both sides of the
            held-out split or of a fold (see ``cv``).
        **fit_params : dict
            Passed to the ``fit`` method of the base estimator; with
            metadata routing enabled, routed as the base estimator requests.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        started = time.perf_counter()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X = _check_X(X)
        validate_data(self, X, skip_check_array=True)
        if _num_samples(X) == 0 or _num_samples(y) == 0:
            raise ValueError(
                "Found array with 0 sample(s) while a minimum of 1 is required; "
                "X and y must hold at least one sample."
            )
        frozen = isinstance(self.base_estimator, FrozenEstimator)
        if not frozen and _num_samples(X) < 2:
            raise ValueError(
                f"Got {_num_samples(X)} sample; fit needs at least 2 samples, one "
                "part to fit the base estimator and one to learn thresholds."
            )
        Y, y_for_base = self._check_target(y)
        check_consistent_length(X, Y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        if groups is not None:
            groups = np.asarray(groups)
            check_consistent_length(X, groups)
        fit_params, split_params = route_fit_metadata(
            self, sample_weight, groups, fit_params
        )
        self.n_labels_ = Y.shape[1]
        random_state = check_random_state(self.random_state)
        self.strategy_ = self._make_strategy(random_state)
        binary = self._target_kind in ("binary", "column")
        n_samples = _num_samples(X)
        hint = binary_only_hint(self.base_estimator, Y, binary, n_samples)
        base_name = type(self.base_estimator).__name__
        labels = "1 label" if self.n_labels_ == 1 else f"{self.n_labels_} labels"
        head = f"[{type(self).__name__}] {n_samples} samples, {labels}:"

        if frozen:
            self._say(
                f"{head} {base_name} is not refitted; learning thresholds on all "
                f"{n_samples} samples"
            )
            self.estimator_ = self.base_estimator
            self.response_method_ = resolve_response_method(
                self.estimator_, self.response_method
            )
            Y_val = Y
            tick = time.perf_counter()
            scores = self._score_with(self.estimator_, X)
            rows, folds, parts = np.arange(n_samples), [], [scores]
            self._say(f"[frozen] scored {n_samples} samples in {_since(tick)}")
            where = "[thresholds]", f"the {n_samples} samples"
        elif self.cv is None:
            check_validation_size(self.validation_size, n_samples)
            train, val = held_out_split(
                Y, self.validation_size, random_state, groups=groups
            )
            then = f", then refitting on all {n_samples}" if self.refit else ""
            self._say(
                f"{head} fitting {base_name} on {len(train)}, learning thresholds "
                f"on the {len(val)} held out{then}"
            )
            tuned = clone(self.base_estimator)
            self.response_method_ = resolve_response_method(tuned, self.response_method)
            tick = time.perf_counter()
            X_fit, y_fit = _safe_rows(X, train), _safe_rows(y_for_base, train)
            fit_base(tuned, X_fit, y_fit, rows_of(X, fit_params, train), hint)
            Y_val, scores = Y[val], self._score_with(tuned, _safe_rows(X, val))
            rows, folds, parts = val, [], [scores]
            self._say(
                f"[split] fitted on {len(train)} samples, scored {len(val)} in "
                f"{_since(tick)}"
            )
            where = "[thresholds]", f"the {len(val)} held-out samples"
        else:
            if not self.refit:
                raise ValueError(
                    "When cv is set, refit cannot be False: each fold has its own "
                    "model, so the base estimator is refitted on all the data."
                )
            self.response_method_ = resolve_response_method(
                self.base_estimator, self.response_method
            )
            folds = self._folds(X, Y, y_for_base, random_state, groups, split_params)
            self._say(
                f"{head} cross-fitting {base_name} on {len(folds)} folds, learning "
                "thresholds on the out-of-fold scores, then refitting on all "
                f"{n_samples}"
            )
            common = dict(method=self.response_method_, n_labels=self.n_labels_)
            common.update(binary=binary, fit_params=fit_params, hint=hint)
            results = Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(fit_and_score)(
                    clone(self.base_estimator), X, y_for_base, train, test, **common
                )
                for train, test in folds
            )
            parts = []
            # The generator yields each fold as it is done, in order.
            for k, ((train, test), (part, seconds)) in enumerate(
                zip(folds, results, strict=True), start=1
            ):
                self._say(
                    f"[fold {k}/{len(folds)}] fitted on {len(train)} samples, "
                    f"scored {len(test)} in {seconds:.2f} s"
                )
                parts.append(part)
            rows = np.concatenate([test for _, test in folds])
            scores = np.concatenate(parts)
            Y_val = Y[rows]
            self.cv_results_ = fold_results(self, folds, parts, Y, sample_weight)
            where = "[all folds]", f"the {len(rows)} out-of-fold samples"

        label, samples = where
        self._say(
            f"{label} learning thresholds on {samples} with "
            f"{type(self.strategy_).__name__}"
        )
        tick = time.perf_counter()
        w = None if sample_weight is None else sample_weight[rows]  # the strategy's
        self.thresholds_ = self.strategy_.optimize(
            Y_val,
            scores,
            self.metric,
            min_positives=self.min_positives,
            sample_weight=w,
        )
        self.n_iter_ = getattr(self.strategy_, "n_iter_", 1)
        if self.cv is not None and not frozen:
            self.thresholds_ = crossfit_thresholds(
                self.cv_aggregation,
                out_of_fold(Y, folds, parts, sample_weight),
                self.metric,
                self.thresholds_,
                self.min_positives,
                self.strategy_,
            )
        for name in ("constraint_met_", "unreachable_labels_"):  # floors only
            vars(self).pop(name, None)
            if getattr(self.strategy_, name, None) is not None:
                setattr(self, name, getattr(self.strategy_, name))
        self._say(f"{label} thresholds learned in {_since(tick)}")

        if not frozen:
            if self.refit or self.cv is not None:
                self._say(f"[refit] fitting {base_name} on all {n_samples} samples")
                tick = time.perf_counter()
                self.estimator_ = fit_base(
                    clone(self.base_estimator), X, y_for_base, fit_params, hint
                )
                self._say(f"[refit] done in {_since(tick)}")
            else:
                self.estimator_ = tuned
        self._say(f"[{type(self).__name__}] fit done in {_since(started)}")
        return self

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``fit`` uses ``sample_weight`` and ``groups`` itself and routes
        metadata to the base estimator's ``fit`` and to a splitter given as
        ``cv`` (scikit-learn's metadata routing).

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return metadata_router(self)

    def _say(self, message):
        """Print one progress line when verbose."""
        if self.verbose:
            print(message, flush=True)

    def _folds(self, X, Y, y_for_base, random_state, groups, split_params):
        if isinstance(self.cv, Integral):
            folds = stratified_folds(Y, self.cv, random_state, groups=groups)
        else:
            folds = list(check_cv(self.cv).split(X, y_for_base, **split_params))
        rows = np.concatenate([test for _, test in folds])
        if len(np.unique(rows)) != len(rows):
            raise ValueError(
                "cv must give disjoint test folds (each sample scored once); the "
                "splitter given repeats samples across test folds."
            )
        return folds

    def _scores(self, X):
        check_is_fitted(self, "thresholds_")
        X = _check_X(X)
        validate_data(self, X, skip_check_array=True, reset=False)
        return self._score_with(self.estimator_, X)

    def _score_with(self, estimator, X):
        """The scores of a fitted ``estimator``, one column per label."""
        binary = self._target_kind in ("binary", "column")
        how = dict(method=self.response_method_, n_labels=self.n_labels_)
        return score_matrix(estimator, X, binary=binary, **how)

    def decision_scores(self, X):
        """Scores that :meth:`predict` compares with ``thresholds_``.

        One column per label, whatever form the base estimator's response
        takes (a list of per-label arrays, a binary ``(n, 2)`` array, ...).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of float64 of shape (n_samples, n_labels)
            ``predict(X)`` is ``scores > thresholds_``.
        """
        return self._scores(X)

    def predict(self, X):
        """Predict labels: each score compared with its label's threshold.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray or sparse matrix of shape (n_samples, n_labels) or \
                (n_samples,)
            0/1 indicator matrix, sparse when ``y`` was sparse in ``fit``;
            for a 1-D binary target, the predicted classes.
        """
        decisions = self._scores(X) > self.thresholds_
        if self._target_kind == "binary":
            return self.classes_[decisions[:, 0].astype(np.intp)]
        if self._target_kind == "sparse":
            return sp.csr_matrix(decisions.astype(np.int64))
        return decisions.astype(np.int64)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Probabilities of the base estimator, unchanged.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray or list of ndarray
            What the fitted base estimator's ``predict_proba`` returns.
        """
        check_is_fitted(self, "thresholds_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision scores of the base estimator, unchanged.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray
            What the fitted base estimator's ``decision_function`` returns.
        """
        check_is_fitted(self, "thresholds_")
        return self.estimator_.decision_function(X)

    def score(self, X, y, sample_weight=None):
        """The configured ``metric`` of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        y : {array-like, sparse matrix} of shape (n_samples, n_labels) or \
                (n_samples,)
            True labels, of the same kind as in ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in every count of an F-beta metric.

        Returns
        -------
        score : float
        """
        check_is_fitted(self, "thresholds_")
        decisions = self._scores(X) > self.thresholds_
        if self._target_kind == "binary":
            Y = (np.asarray(y) == self.classes_[1]).reshape(-1, 1)
        else:
            Y = check_indicator(y, name="y")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, Y, dtype=np.float64)
        return metric_value(self.metric, Y, decisions, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A 2-D indicator y goes to the base estimator as it is: it is
        # supported when the base declares it. A binary-only base still
        # takes a 1-D binary y (or a single column).
        multi_label = declares_multilabel(self.base_estimator)
        tags.classifier_tags.multi_label = multi_label
        tags.classifier_tags.multi_class = False
        tags.target_tags.multi_output = multi_label
        base_tags = get_tags(self.base_estimator)
        tags.input_tags.sparse = base_tags.input_tags.sparse
        tags.input_tags.allow_nan = base_tags.input_tags.allow_nan
        return tags


def _since(tick):
    """Seconds since ``tick``, for progress lines."""
    return f"{time.perf_counter() - tick:.2f} s"


def _check_X(X):
    """Light checks of X; the base estimator validates the rest.

    Sparse matrices become CSR, which every estimator can index by rows. A
    1-D numeric array is rejected: it is ambiguous. 1-D arrays of strings
    stay valid (text pipelines take one document per sample).
    """
    if sp.issparse(X):
        return X if X.format in ("csr", "csc") else X.tocsr()
    if (
        not isinstance(X, (np.ndarray, list, tuple))
        and not hasattr(X, "iloc")
        and hasattr(X, "__array__")
    ):
        X = np.asarray(X)  # array-likes that cannot be indexed by rows
    ndim = getattr(X, "ndim", None)
    if ndim == 1 and np.asarray(X).dtype.kind in "biufc":
        raise ValueError(
            "Expected a 2D array X of shape (n_samples, n_features), got a 1D "
            "array instead. Reshape your data with X.reshape(-1, 1) if it has a "
            "single feature or X.reshape(1, -1) if it is a single sample."
        )
    return X


def _safe_rows(data, rows):
    return _safe_indexing(data, rows)
