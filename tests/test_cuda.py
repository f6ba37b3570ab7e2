"""The surrogate strategy on a CUDA GPU, from the same code as on the CPU.

Deselected by default (``-m 'not cuda'`` in the pytest configuration); on a
machine with a GPU run ``python -m pytest -m cuda``.
"""

import numpy as np
import pytest

from skthresh import ScoreSummary, SurrogateThresholdClassifier, learn_thresholds
from skthresh.datasets import make_tagging_scores
from skthresh.metrics import check_metric
from skthresh.strategies import SurrogateThreshold

pytestmark = pytest.mark.cuda

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module", autouse=True)
def _needs_cuda():
    if not torch.cuda.is_available():
        pytest.fail("tests marked cuda need a CUDA GPU (run them where one exists)")


@pytest.fixture(scope="module")
def problem():
    return make_tagging_scores(5000, 60, random_state=0)


@pytest.mark.parametrize("metric", ["f1_micro", "f1_macro", "f1_samples"])
def test_cuda_matches_cpu(problem, metric):
    Y, S = problem
    cpu = SurrogateThreshold(device="cpu")
    gpu = SurrogateThreshold(device="cuda")
    t_cpu = cpu.optimize(Y, S, metric)
    t_gpu = gpu.optimize(Y, S, metric)
    assert np.isfinite(t_gpu).all() and t_gpu.dtype == np.float64
    # Same algorithm in float32 on both: the objectives agree closely.
    assert gpu.objective_ == pytest.approx(cpu.objective_, abs=2e-3)
    assert gpu.history_["objective"][0] == pytest.approx(
        cpu.history_["objective"][0], abs=1e-9
    )
    assert np.mean((S > t_cpu) == (S > t_gpu)) > 0.99


def test_cuda_from_a_summary_and_tensors(problem):
    Y, S = problem
    summary = ScoreSummary.from_chunks([(Y[:2000], S[:2000]), (Y[2000:], S[2000:])])
    from_summary = learn_thresholds(summary, strategy="surrogate", device="cuda")
    S_gpu = torch.as_tensor(S, device="cuda")
    from_tensor = learn_thresholds(Y, S_gpu, strategy="surrogate", device="cuda")
    np.testing.assert_array_equal(from_summary, from_tensor)
    f1 = check_metric("f1_micro").score
    shared = learn_thresholds(Y, S, strategy="global")
    assert f1(Y, S > from_summary) >= f1(Y, S > shared)


def test_fitted_on_cuda_predicts_without_tensors(problem):
    from sklearn.linear_model import LogisticRegression
    from sklearn.multioutput import MultiOutputClassifier

    X = np.random.RandomState(0).normal(size=(400, 5))
    Y = (X[:, :3] + np.random.RandomState(1).normal(size=(400, 3)) > 0).astype(int)
    clf = SurrogateThresholdClassifier(
        MultiOutputClassifier(LogisticRegression()), device="cuda", random_state=0
    ).fit(X, Y)
    assert isinstance(clf.thresholds_, np.ndarray)
    assert clf.predict(X).shape == Y.shape
