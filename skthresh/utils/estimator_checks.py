"""The contract suite every threshold strategy, ours or a user's, passes."""

import itertools
import numbers
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

from skthresh._summary import ScoreSummary
from skthresh.metrics import FBeta
from skthresh.strategies._base import BaseThresholdStrategy, DegenerateLabelWarning
from skthresh.strategies._registry import get_strategy
from skthresh.utils._sklearn_compat import (
    generate_invalid_param_val,
    make_constraint,
)

_AVERAGES = ("micro", "macro", "samples")
_DEFAULT_TOLERANCE = 0.0
# Slack for floating-point sums when comparing metric values.
_EPS = 1e-12


def check_strategy(strategy, *, random_state=0, brute_force_tolerance=None):
    """Check that a threshold strategy follows the strategy contract.

    Runs every check of :func:`yield_strategy_checks` on tiny random
    problems (8 samples, 2 or 3 labels) and raises an ``AssertionError``
    naming the first check that fails:

    - the output is a finite float64 array of shape ``(n_labels,)`` for the
      micro, macro and samples F1, and the strategy can be cloned;
    - two runs with the same ``random_state`` (set on the strategy when it
      has that parameter) give the same thresholds;
    - permuting the labels permutes the thresholds: exactly when the
      strategy's tolerance for that average is 0, otherwise the metric
      values agree within the tolerance;
    - the metric of the thresholds is within the tolerance of the best
      metric over every combination of per-label cuts (brute force), for
      each average, on scores with and without ties;
    - a label without positive samples gives finite thresholds and, for a
      strategy that learns thresholds (class attribute ``_threshold_kind``
      other than ``"fixed"``), a
      :class:`~skthresh.strategies.DegenerateLabelWarning`;
    - NaN scores raise a ``ValueError`` whose message mentions NaN;
    - the declarations are well formed: ``_parameter_constraints`` covers
      every ``__init__`` parameter, ``_threshold_kind`` and
      ``_per_label_params`` hold allowed values, and a strategy that runs on
      a :class:`~skthresh.ScoreSummary` gives the very thresholds (bit for
      bit) from a summary as from the matrices, for micro and macro F1;
    - every declared parameter rejects a value of the wrong type, and each
      value its constraints exclude, with a ``ValueError`` or ``TypeError``
      that names the parameter.

    Parameters
    ----------
    strategy : BaseThresholdStrategy or str
        A strategy object (cloned, never modified) or a registered name.
    random_state : int, RandomState instance or None, default=0
        Seeds the tiny problems and, through an integer drawn from it, the
        strategy's own ``random_state`` parameter if it has one.
    brute_force_tolerance : float, dict or None, default=None
        Largest allowed shortfall of the strategy's metric from the brute
        force optimum, one number for every average or a dict keyed by
        ``"micro"``, ``"macro"`` and ``"samples"``. None reads the
        strategy's class attribute ``_brute_force_tolerance`` (same forms);
        a strategy without one is held to 0.0, that is, to be exact.

    Raises
    ------
    AssertionError
        If the strategy breaks the contract.

    See Also
    --------
    yield_strategy_checks : The checks, one by one.

    Examples
    --------
    >>> from skthresh.strategies import GlobalThreshold
    >>> from skthresh.utils import check_strategy
    >>> check_strategy(GlobalThreshold(), brute_force_tolerance=0.4)

    A strategy that ignores the data is far from exact:

    >>> import numpy as np
    >>> from skthresh.strategies import BaseThresholdStrategy
    >>> class Median(BaseThresholdStrategy):
    ...     def _optimize(self, Y, S, metric):
    ...         return np.median(S, axis=0)
    >>> check_strategy(Median())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: Median fails check_brute_force: ...
    """
    for check in yield_strategy_checks():
        check(
            strategy,
            random_state=random_state,
            brute_force_tolerance=brute_force_tolerance,
        )


def yield_strategy_checks():
    """Yield the checks run by :func:`check_strategy`, one function each.

    Each check has the signature
    ``check(strategy, *, random_state=0, brute_force_tolerance=None)`` with
    the meaning of :func:`check_strategy`'s parameters, and raises an
    ``AssertionError`` on failure, so that tests can parametrize over them.

    Yields
    ------
    check : callable

    Examples
    --------
    >>> from skthresh.utils.estimator_checks import yield_strategy_checks
    >>> [check.__name__ for check in yield_strategy_checks()]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['check_declarations', 'check_param_validation', 'check_output',
     'check_deterministic', 'check_label_permutation', 'check_brute_force',
     'check_degenerate_label', 'check_nan_scores', 'check_sample_weight']
    """
    yield check_declarations
    yield check_param_validation
    yield check_output
    yield check_deterministic
    yield check_label_permutation
    yield check_brute_force
    yield check_degenerate_label
    yield check_nan_scores
    yield check_sample_weight


def _check_doc(check):
    """Complete a check's one-line docstring with the shared sections."""
    check.__doc__ += f"""

    Parameters
    ----------
    strategy : BaseThresholdStrategy or str
        A strategy object (cloned, never modified) or a registered name.
    random_state : int, RandomState instance or None, default=0
        Seeds the tiny problems and the strategy's ``random_state``.
    brute_force_tolerance : float, dict or None, default=None
        Tolerance on the metric; see :func:`check_strategy`.

    Raises
    ------
    AssertionError
        If the strategy fails the check.

    See Also
    --------
    check_strategy : All the checks.

    Examples
    --------
    >>> from skthresh.strategies import CoordinateAscent
    >>> from skthresh.utils.estimator_checks import {check.__name__}
    >>> {check.__name__}(CoordinateAscent())
    """
    return check


@_check_doc
def check_declarations(strategy, *, random_state=0, brute_force_tolerance=None):
    """Declarations well formed; a summary gives the thresholds of the matrices."""
    strategy, rng = _prepare(strategy, random_state)
    name = "check_declarations"
    params = set(strategy.get_params(deep=False))
    constraints = strategy._parameter_constraints
    _assert(
        isinstance(constraints, dict) and set(constraints) == params,
        strategy,
        name,
        "_parameter_constraints must declare every __init__ parameter and "
        f"nothing else; parameters {sorted(params)}, declared "
        f"{sorted(constraints) if isinstance(constraints, dict) else constraints}.",
    )
    _assert(
        strategy._threshold_kind in ("per_label", "shared", "fixed"),
        strategy,
        name,
        "_threshold_kind must be 'per_label', 'shared' or 'fixed'; got "
        f"{strategy._threshold_kind!r}.",
    )
    _assert(
        set(strategy._per_label_params) <= params,
        strategy,
        name,
        f"_per_label_params {strategy._per_label_params} are not all parameters.",
    )
    _assert(
        isinstance(strategy._accepts_callable_metric, bool),
        strategy,
        name,
        "_accepts_callable_metric must be a bool.",
    )
    _assert(
        isinstance(strategy._accepts_sample_weight, bool)
        and (
            not strategy._accepts_sample_weight
            or strategy._runs_on_summary()
            or strategy._threshold_kind == "fixed"
            or type(strategy)._optimize_weighted
            is not BaseThresholdStrategy._optimize_weighted
        ),
        strategy,
        name,
        "_accepts_sample_weight must be a bool, and True only for a strategy "
        "that writes the hook weighted samples reach (_optimize_summary or "
        "_optimize_weighted) or learns nothing (_threshold_kind 'fixed').",
    )
    if not strategy._runs_on_summary():
        return
    Y, S = _tiny_problem(rng, n_samples=12)
    summary = ScoreSummary.from_arrays(Y, S)
    for average in ("micro", "macro"):
        metric = f"f1_{average}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateLabelWarning)
            from_arrays = clone(strategy).optimize(Y, S, metric)
            from_summary = clone(strategy).optimize(summary, metric=metric)
        _assert(
            np.array_equal(from_arrays, from_summary),
            strategy,
            name,
            f"thresholds {from_summary} from a ScoreSummary differ from "
            f"{from_arrays} from the matrices ({average} average).",
        )


@_check_doc
def check_param_validation(strategy, *, random_state=0, brute_force_tolerance=None):
    """Every declared parameter rejects bad values with its name in the message."""
    strategy, rng = _prepare(strategy, random_state)
    Y, S = _tiny_problem(rng)
    for param, constraints in strategy._parameter_constraints.items():
        if constraints == "no_validation":
            continue
        made = [make_constraint(c) for c in constraints]
        bad_values = [_BadType()]
        for constraint in made:
            try:
                bad = generate_invalid_param_val(constraint)
            except NotImplementedError:
                continue
            if not any(c.is_satisfied_by(bad) for c in made):
                bad_values.append(bad)
        for bad in bad_values:
            broken = clone(strategy).set_params(**{param: bad})
            try:
                broken.optimize(Y, S)
            except (TypeError, ValueError) as exc:
                _assert(
                    repr(param) in str(exc) or f"{param}=" in str(exc),
                    strategy,
                    "check_param_validation",
                    f"{param}={bad!r} raised an error that does not name the "
                    f"parameter: {exc}",
                )
            else:
                _assert(
                    False,
                    strategy,
                    "check_param_validation",
                    f"{param}={bad!r} was accepted; its constraints are "
                    f"{[str(c) for c in made]}.",
                )


class _BadType:
    """A value of a type that no constraint allows."""

    def __repr__(self):
        return "_BadType()"


@_check_doc
def check_output(strategy, *, random_state=0, brute_force_tolerance=None):
    """Finite float64 thresholds of shape (n_labels,), for every average."""
    strategy, rng = _prepare(strategy, random_state)
    clone(strategy).get_params()
    runs = [(1, np.float64, average) for average in _AVERAGES]
    runs += [(3, np.float64, average) for average in _AVERAGES]
    runs += [(3, np.float32, "micro")]
    for n_labels, dtype, average in runs:
        Y, S = _tiny_problem(rng, n_labels=n_labels)
        thresholds = clone(strategy).optimize(Y, S.astype(dtype), f"f1_{average}")
        where = (
            f"({n_labels} label(s), {np.dtype(dtype).name} scores, {average} average)"
        )
        _assert(
            isinstance(thresholds, np.ndarray)
            and thresholds.dtype == np.float64
            and thresholds.shape == (n_labels,),
            strategy,
            "check_output",
            f"expected a float64 ndarray of shape ({n_labels},); got "
            f"{type(thresholds).__name__} {getattr(thresholds, 'dtype', None)} "
            f"{getattr(thresholds, 'shape', None)} {where}.",
        )
        _assert(
            np.isfinite(thresholds).all(),
            strategy,
            "check_output",
            f"non-finite thresholds {thresholds} {where}.",
        )


@_check_doc
def check_deterministic(strategy, *, random_state=0, brute_force_tolerance=None):
    """Equal thresholds from two runs with the same ``random_state``."""
    strategy, rng = _prepare(strategy, random_state)
    Y, S = _tiny_problem(rng)
    for average in _AVERAGES:
        first = clone(strategy).optimize(Y, S, f"f1_{average}")
        second = clone(strategy).optimize(Y, S, f"f1_{average}")
        _assert(
            np.array_equal(first, second),
            strategy,
            "check_deterministic",
            f"two runs gave {first} and {second} ({average} average).",
        )


@_check_doc
def check_label_permutation(strategy, *, random_state=0, brute_force_tolerance=None):
    """Permuted labels give permuted thresholds (or an equal metric)."""
    strategy, rng = _prepare(strategy, random_state)
    tolerance = _tolerances(strategy, brute_force_tolerance)
    Y, S = _tiny_problem(rng)
    perm = rng.permutation(S.shape[1])
    while np.array_equal(perm, np.arange(perm.size)):
        perm = rng.permutation(S.shape[1])
    for average in _AVERAGES:
        metric = FBeta(average=average)
        thresholds = clone(strategy).optimize(Y, S, metric)
        permuted = clone(strategy).optimize(Y[:, perm], S[:, perm], metric)
        if tolerance[average] == 0:
            _assert(
                np.array_equal(permuted, thresholds[perm]),
                strategy,
                "check_label_permutation",
                f"thresholds {thresholds} permuted by {perm} are "
                f"{thresholds[perm]}, but the permuted problem gave {permuted} "
                f"({average} average).",
            )
        value = metric.score(Y, S > thresholds)
        value_perm = metric.score(Y[:, perm], S[:, perm] > permuted)
        _assert(
            abs(value - value_perm) <= tolerance[average] + _EPS,
            strategy,
            "check_label_permutation",
            f"the metric is {value:.6f}, and {value_perm:.6f} with permuted "
            f"labels; allowed difference {tolerance[average]} ({average} "
            "average).",
        )


@_check_doc
def check_brute_force(strategy, *, random_state=0, brute_force_tolerance=None):
    """Metric within the tolerance of the exhaustive optimum on tiny problems."""
    strategy, rng = _prepare(strategy, random_state)
    tolerance = _tolerances(strategy, brute_force_tolerance)
    problems = [
        _tiny_problem(rng, n_labels=2),
        _tiny_problem(rng, n_labels=3),
        _tiny_problem(rng, n_labels=3, ties=True),
    ]
    for Y, S in problems:
        for average in _AVERAGES:
            metric = FBeta(average=average)
            best, _ = brute_force_thresholds(Y, S, metric)
            best_value = metric.score(Y, S > best)
            thresholds = clone(strategy).optimize(Y, S, metric)
            value = metric.score(Y, S > thresholds)
            _assert(
                value <= best_value + _EPS,
                strategy,
                "check_brute_force",
                f"metric {value!r} above the exhaustive optimum {best_value!r}; "
                "the brute force or the metric is wrong.",
            )
            _assert(
                value >= best_value - tolerance[average] - _EPS,
                strategy,
                "check_brute_force",
                f"metric {value:.6f} is below the exhaustive optimum "
                f"{best_value:.6f} by more than the tolerance "
                f"{tolerance[average]} ({average} average, scores\n{S},\n"
                f"labels\n{Y.astype(int)},\nthresholds {thresholds}, best "
                f"{best}).",
            )


@_check_doc
def check_degenerate_label(strategy, *, random_state=0, brute_force_tolerance=None):
    """A label without positives: finite thresholds and, if learned, a warning."""
    strategy, rng = _prepare(strategy, random_state)
    Y, S = _tiny_problem(rng)
    Y[:, 1] = False
    for average in _AVERAGES:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            thresholds = clone(strategy).optimize(Y, S, f"f1_{average}")
        _assert(
            strategy._threshold_kind == "fixed"
            or any(issubclass(w.category, DegenerateLabelWarning) for w in caught),
            strategy,
            "check_degenerate_label",
            "no DegenerateLabelWarning for a label without positives; got "
            f"{[w.category.__name__ for w in caught]} ({average} average).",
        )
        _assert(
            thresholds.shape == (S.shape[1],) and np.isfinite(thresholds).all(),
            strategy,
            "check_degenerate_label",
            f"thresholds {thresholds} with a label without positives "
            f"({average} average).",
        )


@_check_doc
def check_nan_scores(strategy, *, random_state=0, brute_force_tolerance=None):
    """NaN scores raise a ValueError that says so."""
    strategy, rng = _prepare(strategy, random_state)
    Y, S = _tiny_problem(rng)
    S[2, 1] = np.nan
    try:
        clone(strategy).optimize(Y, S)
    except ValueError as exc:
        _assert(
            "nan" in str(exc).lower(),
            strategy,
            "check_nan_scores",
            f"the ValueError does not mention NaN: {exc}",
        )
    else:
        raise AssertionError(
            f"{type(strategy).__name__} fails check_nan_scores: NaN scores "
            "raised no ValueError."
        )


@_check_doc
def check_sample_weight(strategy, *, random_state=0, brute_force_tolerance=None):
    """Integer weights act as repeated rows; without the declaration, refused."""
    strategy, rng = _prepare(strategy, random_state)
    problems = [_tiny_problem(rng, n_samples=10, ties=ties) for ties in (0, 0, 1)]
    weights = [rng.randint(0, 5, size=10).astype(np.float64) for _ in problems]
    Y, S = problems[0]
    w = weights[0] + 1.0
    name = "check_sample_weight"
    if not strategy._accepts_sample_weight:
        try:
            clone(strategy).optimize(Y, S, sample_weight=w)
        except ValueError as exc:
            _assert(
                "sample_weight" in str(exc),
                strategy,
                name,
                f"the ValueError does not name sample_weight: {exc}",
            )
            return
        raise AssertionError(
            f"{type(strategy).__name__} fails {name}: it does not declare "
            "_accepts_sample_weight, yet took sample_weight without a ValueError."
        )
    tolerance = _tolerances(strategy, brute_force_tolerance)
    for (Y, S), w, average in itertools.product(problems, weights, ("micro", "macro")):
        if not w.any():
            continue
        rows = np.repeat(np.arange(S.shape[0]), w.astype(np.int64))
        metric = FBeta(average=average)
        with warnings.catch_warnings():
            # Weight-0 rows may leave a label without positives.
            warnings.simplefilter("ignore", DegenerateLabelWarning)
            weighted = clone(strategy).optimize(Y, S, metric, sample_weight=w)
            repeated = clone(strategy).optimize(Y[rows], S[rows], metric)
        value = metric.score(Y, S > weighted, w)
        value_repeated = metric.score(Y, S > repeated, w)
        _assert(
            abs(value - value_repeated) <= tolerance[average] + _EPS,
            strategy,
            name,
            f"the weighted metric is {value:.6f} at the thresholds learned with "
            f"integer weights and {value_repeated:.6f} at those learned on the "
            f"rows repeated as often; allowed difference {tolerance[average]} "
            f"({average} average, weights {w}).",
        )


def brute_force_thresholds(Y, S, metric):
    """Best per-label thresholds by exhaustive search over all cuts.

    Every label has one cut per distinct score plus one (nothing
    positive); every combination of cuts is evaluated. For tiny problems
    only: the cost is the product of the labels' numbers of cuts.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        True 0/1 labels.
    S : array-like of shape (n_samples, n_labels)
        Scores.
    metric : FBeta
        The metric to maximize.

    Returns
    -------
    thresholds : ndarray of float64 of shape (n_labels,)
        Thresholds of the first best combination found.
    value : float
        Their metric value.

    Examples
    --------
    >>> from skthresh.metrics import FBeta
    >>> from skthresh.utils.estimator_checks import brute_force_thresholds
    >>> Y = [[1, 0], [0, 1], [1, 1], [0, 0]]
    >>> S = [[.9, .2], [.4, .7], [.6, .5], [.3, .1]]
    >>> thresholds, value = brute_force_thresholds(Y, S, FBeta())
    >>> thresholds, value
    (array([0.5 , 0.35]), 1.0)
    """
    Y = np.asarray(Y).astype(bool)
    S = np.asarray(S, dtype=np.float64)
    n, n_labels = S.shape
    cuts = []
    for j in range(n_labels):
        levels = np.unique(S[:, j])
        inner = (levels[:-1] + levels[1:]) / 2.0
        cuts.append(np.concatenate([[levels[0] - 1.0], inner, [levels[-1]]]))
    n_combos = int(np.prod([c.size for c in cuts]))
    if n_combos > 200_000:
        raise ValueError(
            f"brute force would evaluate {n_combos} combinations; at most "
            "200000 are allowed."
        )
    combos = np.array(list(itertools.product(*[range(c.size) for c in cuts])))
    thresholds = np.stack([cuts[j][combos[:, j]] for j in range(n_labels)], axis=1)
    D = S[None, :, :] > thresholds[:, None, :]
    axis = 2 if metric.average == "samples" else 1
    tp = np.logical_and(D, Y[None]).sum(axis=axis)
    pp = D.sum(axis=axis)
    pos = np.broadcast_to(Y.sum(axis=axis - 1), tp.shape)
    values = metric.from_counts(tp, pp, pos)
    best = int(np.argmax(values))
    return thresholds[best], float(values[best])


def _prepare(strategy, random_state):
    if isinstance(strategy, str):
        strategy = get_strategy(strategy)
    if not isinstance(strategy, BaseThresholdStrategy):
        raise TypeError(
            "strategy must be a BaseThresholdStrategy instance or a registered "
            f"name; got {strategy!r}."
        )
    rng = check_random_state(random_state)
    strategy = clone(strategy)
    if "random_state" in strategy.get_params(deep=False):
        strategy.set_params(random_state=int(rng.randint(2**31 - 1)))
    return strategy, rng


def _tolerances(strategy, override):
    tolerance = override
    if tolerance is None:
        tolerance = getattr(strategy, "_brute_force_tolerance", _DEFAULT_TOLERANCE)
    if isinstance(tolerance, numbers.Real):
        tolerance = dict.fromkeys(_AVERAGES, float(tolerance))
    missing = set(_AVERAGES) - set(tolerance)
    if missing:
        raise ValueError(
            f"brute_force_tolerance lacks the averages {sorted(missing)}; got "
            f"{tolerance!r}."
        )
    return {average: float(tolerance[average]) for average in _AVERAGES}


def _tiny_problem(rng, n_samples=8, n_labels=3, ties=False):
    """Labels with at least one positive and one negative, and scores."""
    Y = rng.uniform(size=(n_samples, n_labels)) < 0.4
    for j in range(n_labels):
        if not Y[:, j].any():
            Y[rng.randint(n_samples), j] = True
        if Y[:, j].all():
            Y[rng.randint(n_samples), j] = False
    S = 0.35 * Y + 0.65 * rng.uniform(size=(n_samples, n_labels))
    if ties:
        S = np.round(S * 4) / 4
    return Y, S


def _assert(condition, strategy, check, message):
    if not condition:
        raise AssertionError(f"{type(strategy).__name__} fails {check}: {message}")
