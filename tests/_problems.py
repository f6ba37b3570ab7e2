"""Small tuning problems and metric helpers shared by several test files.

Not a test module: the test files import it (``from _problems import ...``)
from ``tests/``, which pytest's default ``prepend`` import mode puts on
``sys.path`` (``tests/`` is not a package).
"""

import numpy as np

from skthresh import learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import check_metric, fbeta_score


def metric_value(Y, S, thresholds, metric="f1_micro"):
    """The tuning metric of ``S > thresholds``, recomputed from scratch."""
    m = check_metric(metric)
    return fbeta_score(Y, np.asarray(S) > thresholds, beta=m.beta, average=m.average)


def no_degenerate_label(Y):
    """Whether every label has both positive and negative samples."""
    n_pos = np.asarray(Y).sum(axis=0)
    return ((n_pos > 0) & (n_pos < len(Y))).all()


def small_tagging_problem():
    """500 samples, 8 labels, float32 probabilities; every label has both classes."""
    Y, S = make_tagging_scores(500, 8, random_state=0)
    assert no_degenerate_label(Y)
    return Y, S


def tiny_probability_problem(n_samples=40, n_labels=3):
    """A few probabilities with separable-ish labels, both classes everywhere."""
    rng = np.random.default_rng(0)
    Y = (rng.random((n_samples, n_labels)) < 0.4).astype(np.int64)
    Y[0] = 1  # every label has both classes
    Y[1] = 0
    S = np.clip(0.3 * Y + 0.7 * rng.random((n_samples, n_labels)), 0.0, 1.0)
    return Y, S


def learn_surrogate(Y, S, **params):
    """learn_thresholds with a short surrogate run."""
    params.setdefault("max_iter", 5)
    return learn_thresholds(Y, S, strategy="surrogate", **params)


def random_indicator_case(seed, shapes):
    """A pair of random 0/1 matrices; some have empty labels or samples.

    The shape is ``shapes[seed % len(shapes)]``. Every third seed empties
    some labels of ``Y_true`` and some samples of ``Y_pred``; the next one
    the other way round.
    """
    rng = np.random.default_rng(seed)
    shape = shapes[seed % len(shapes)]
    p_true, p_pred = rng.uniform(0.05, 0.7, size=2)
    Y_true = (rng.random(shape) < p_true).astype(np.int64)
    Y_pred = (rng.random(shape) < p_pred).astype(np.int64)
    if seed % 3 == 1:  # labels without actual positives, samples without predictions
        Y_true[:, rng.random(shape[1]) < 0.4] = 0
        Y_pred[rng.random(shape[0]) < 0.4] = 0
    elif seed % 3 == 2:  # labels never predicted, samples without actual positives
        Y_pred[:, rng.random(shape[1]) < 0.4] = 0
        Y_true[rng.random(shape[0]) < 0.4] = 0
    return Y_true, Y_pred
