"""The contract suite catches strategies that break the contract."""

import numpy as np
import pytest
from sklearn.metrics import fbeta_score as sk_fbeta_score

from skthresh.metrics import FBeta
from skthresh.strategies import BaseThresholdStrategy, CoordinateAscent
from skthresh.utils import check_strategy
from skthresh.utils.estimator_checks import (
    brute_force_thresholds,
    check_deterministic,
    check_label_permutation,
    check_nan_scores,
    check_output,
    check_sample_weight,
)


class Median(BaseThresholdStrategy):
    def _optimize(self, Y, S, metric):
        return np.median(S, axis=0)


class GlobalSeed(BaseThresholdStrategy):
    """Random thresholds from the global numpy generator."""

    def _optimize(self, Y, S, metric):
        return np.random.uniform(size=S.shape[1])  # noqa: NPY002 (on purpose)


class Sorted(BaseThresholdStrategy):
    """Each label's median, but handed out in sorted order."""

    def _optimize(self, Y, S, metric):
        return np.sort(np.median(S, axis=0))


class WrongShape(BaseThresholdStrategy):
    def _optimize(self, Y, S, metric):
        return np.zeros(S.shape[1] + 1)


class NoValidation(BaseThresholdStrategy):
    def optimize(self, Y, scores, metric="f1_micro"):
        return np.nanmedian(np.asarray(scores, dtype=float), axis=0)

    def _optimize(self, Y, S, metric):
        raise NotImplementedError


class IgnoresWeights(CoordinateAscent):
    """Declares sample_weight, then drops it."""

    def optimize(self, Y, scores=None, metric="f1_micro", **kwargs):
        kwargs.pop("sample_weight", None)
        return super().optimize(Y, scores, metric, **kwargs)


class TakesWeightsSilently(Median):
    """Does not declare sample_weight, yet takes it without a word."""

    def optimize(self, Y, scores=None, metric="f1_micro", **kwargs):
        kwargs.pop("sample_weight", None)
        return super().optimize(Y, scores, metric, **kwargs)


def test_exact_strategy_passes():
    check_strategy(CoordinateAscent())
    check_strategy("coordinate", random_state=np.random.RandomState(1))


def test_inexact_strategy_fails_unless_tolerated():
    with pytest.raises(AssertionError, match="Median fails check_brute_force"):
        check_strategy(Median())
    check_strategy(Median(), brute_force_tolerance=1.0)
    tolerance = {"micro": 1.0, "macro": 1.0, "samples": 1.0}
    check_strategy(Median(), brute_force_tolerance=tolerance)


def test_tolerance_must_cover_every_average():
    with pytest.raises(ValueError, match=r"lacks the averages \['samples'\]"):
        check_strategy(Median(), brute_force_tolerance={"micro": 1, "macro": 1})


def test_undeclared_randomness_fails():
    with pytest.raises(AssertionError, match="GlobalSeed fails check_deterministic"):
        check_deterministic(GlobalSeed())


def test_label_order_dependence_fails():
    with pytest.raises(AssertionError, match="Sorted fails check_label_permutation"):
        check_label_permutation(Sorted())
    # Median itself is equivariant.
    check_label_permutation(Median())


def test_wrong_output_fails():
    with pytest.raises(RuntimeError, match="expected"):
        check_output(WrongShape())


def test_nan_scores_must_raise():
    with pytest.raises(AssertionError, match="NoValidation fails check_nan_scores"):
        check_nan_scores(NoValidation())
    check_nan_scores(Median())


def test_not_a_strategy():
    with pytest.raises(TypeError, match="BaseThresholdStrategy instance"):
        check_strategy(object())


@pytest.mark.parametrize("average", ["micro", "macro", "samples"])
def test_brute_force_is_the_best_combination(average):
    rng = np.random.RandomState(0)
    metric = FBeta(1.0, average)
    for _ in range(5):
        Y = rng.uniform(size=(7, 3)) < 0.5
        S = np.round(rng.uniform(size=(7, 3)), 1)
        thresholds, value = brute_force_thresholds(Y, S, metric)
        assert value == pytest.approx(
            sk_fbeta_score(
                Y, S > thresholds, beta=1.0, average=average, zero_division=0
            )
        )
        for _ in range(30):
            trial = rng.uniform(-0.1, 1.1, size=3)
            assert metric.score(Y, S > trial) <= value + 1e-12


def test_brute_force_refuses_large_problems():
    S = np.arange(60 * 3, dtype=float).reshape(60, 3)
    with pytest.raises(ValueError, match="at most 200000"):
        brute_force_thresholds(S > 50, S, FBeta())


def test_weights_must_act_as_repeated_rows():
    check_sample_weight(CoordinateAscent())
    check_sample_weight(Median())  # refuses them, as it should
    with pytest.raises(AssertionError, match="IgnoresWeights fails check_sample_w"):
        check_sample_weight(IgnoresWeights(), random_state=0)
    with pytest.raises(AssertionError, match="took sample_weight without"):
        check_sample_weight(TakesWeightsSilently())
