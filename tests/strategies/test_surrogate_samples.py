"""The surrogate's samples average by row blocks, against the dense autograd."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal

from skthresh.metrics import FBeta
from skthresh.strategies import SurrogateThreshold
from skthresh.strategies._held import HeldFBeta
from skthresh.strategies._surrogate_engine import DenseProblem, Identity
from skthresh.strategies._surrogate_samples import SampleProblem


def problem(seed, n=60, L=5):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, L)) < 0.3
    Y[0], Y[1] = True, False
    S = (0.5 * Y + rng.normal(size=(n, L))).astype(np.float32)
    return Y, S


def autograd_reference(Y, S, theta, slope, metric):
    """The dense formulation in float64, differentiated by torch autograd.

    The step's derivative is the surrogate sigmoid(z) * sigmoid(-z),
    z = slope * (score - theta), written as a custom autograd function.
    """

    class Step(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, slope):
            ctx.save_for_backward(x, slope)
            return (x > 0).to(x.dtype)

        @staticmethod
        def backward(ctx, grad):
            x, slope = ctx.saved_tensors
            k = torch.sigmoid(slope * x) * torch.sigmoid(-slope * x)
            return grad * k, (grad * x * k).sum(0)

    f64 = torch.float64
    theta = torch.tensor(theta, dtype=f64, requires_grad=True)
    slope = torch.tensor(slope, dtype=f64, requires_grad=True)
    S_t = torch.tensor(S, dtype=f64)
    Y_t = torch.tensor(Y, dtype=f64)
    D = Step.apply(S_t - theta, slope)
    tp, pp, pos = (D * Y_t).sum(1), D.sum(1), Y_t.sum(1)
    value = metric.from_counts(tp, pp, pos, where=torch.where)
    value.backward()
    return float(value.detach()), theta.grad.numpy(), slope.grad.numpy()


def metrics(Y):
    held_Y = Y[:, :2]
    held_D = np.random.default_rng(1).random(held_Y.shape) < 0.4
    return [
        FBeta(1.0, "samples"),
        FBeta(2.0, "samples", zero_division=1.0),
        FBeta(0.5, "samples"),
        HeldFBeta.from_decisions(FBeta(1.0, "samples"), held_Y, held_D),
    ]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("which", range(4))
def test_analytic_gradient_is_the_autograd_one(seed, which):
    Y, S = problem(seed)
    metric = metrics(Y)[which]
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=S.shape[1]).astype(np.float32)
    slope = rng.uniform(0.5, 5.0, size=S.shape[1]).astype(np.float32)
    device = torch.device("cpu")
    sample = SampleProblem(Y, S, device, Identity())
    sample.chunk = 7  # labels split into pieces, several runs of them
    value, d_theta, d_slope = sample.value_and_grad(
        torch.tensor(theta), torch.tensor(slope), metric
    )
    expected = autograd_reference(Y, S, theta, slope, metric)
    assert value == pytest.approx(expected[0], abs=1e-12)
    assert_allclose(d_theta.numpy(), expected[1], rtol=1e-4, atol=1e-6)
    assert_allclose(d_slope.numpy(), expected[2], rtol=1e-4, atol=1e-6)
    # The dense float32 formulation of the strategy gives the same.
    dense = DenseProblem(Y, S, device, Identity())
    _, d_dense, s_dense = dense.value_and_grad(
        torch.tensor(theta), torch.tensor(slope), metric
    )
    assert_allclose(d_theta.numpy(), d_dense.numpy(), rtol=1e-4, atol=1e-6)
    assert_allclose(d_slope.numpy(), s_dense.numpy(), rtol=1e-4, atol=1e-6)


def test_slope_gradient_is_skipped_when_not_learned():
    Y, S = problem(0)
    sample = SampleProblem(Y, S, torch.device("cpu"), Identity(), slope_gradient=False)
    theta, slope = torch.zeros(S.shape[1]), torch.ones(S.shape[1])
    _, d_theta, d_slope = sample.value_and_grad(theta, slope, FBeta(1.0, "samples"))
    assert d_slope is None
    assert torch.isfinite(d_theta).all()


@pytest.mark.parametrize(
    "params",
    [{}, {"learn_slope": True}, {"init": "global", "optimizer": "sgd"}],
)
def test_auto_mode_follows_the_dense_descent(params):
    rng = np.random.default_rng(5)
    Y = rng.random((400, 6)) < 0.3
    S = np.clip(0.35 * Y + 0.65 * rng.random((400, 6)), 0, 1).astype(np.float32)
    metric = FBeta(1.0, "samples")
    auto = SurrogateThreshold(max_iter=30, **params)
    dense = SurrogateThreshold(max_iter=30, mode="dense", **params)
    theta_auto = auto.optimize(Y, S, metric)
    theta_dense = dense.optimize(Y, S, metric)
    # The same descent up to float32 rounding of the gradient's sums.
    assert_allclose(auto.history_["objective"], dense.history_["objective"], atol=2e-3)
    assert auto.objective_ >= dense.objective_ - 2e-3
    assert_allclose(theta_auto, theta_dense, atol=1e-3)


@pytest.mark.parametrize("chunk", [2**17, 16])  # pieces gathered, or sliced
@pytest.mark.parametrize("seed", range(3))
def test_steep_slopes_leave_out_only_negligible_entries(seed, chunk):
    # Slopes of hundreds put most entries dozens of slope units from their
    # threshold, out of the step's reads: the gradient is still autograd's.
    Y, S = problem(seed, n=300, L=6)
    rng = np.random.default_rng(seed)
    theta = rng.normal(scale=0.5, size=S.shape[1]).astype(np.float32)
    slope = rng.uniform(50.0, 500.0, size=S.shape[1]).astype(np.float32)
    metric = FBeta(1.0, "samples")
    sample = SampleProblem(Y, S, torch.device("cpu"), Identity())
    sample.chunk = chunk
    value, d_theta, d_slope = sample.value_and_grad(
        torch.tensor(theta), torch.tensor(slope), metric
    )
    expected = autograd_reference(Y, S, theta, slope, metric)
    near = np.abs(slope * (S - theta)) <= 30
    assert near.mean() < 0.5  # most entries were left out
    assert value == pytest.approx(expected[0], abs=1e-12)
    assert_allclose(d_theta.numpy(), expected[1], rtol=1e-4, atol=1e-9)
    assert_allclose(d_slope.numpy(), expected[2], rtol=1e-4, atol=1e-9)


@pytest.mark.parametrize("chunk", [1, 3, 16, 1000])
def test_runs_read_each_wanted_entry_once(chunk):
    Y, S = problem(0, n=40, L=5)
    sample = SampleProblem(Y, S, torch.device("cpu"), Identity())
    sample.chunk = chunk
    start = torch.tensor([0, 5, 40, 12, 39])
    stop = torch.tensor([40, 5, 40, 30, 40])
    flat, label = [], []
    for lab, entries in sample._runs(start, stop):
        if isinstance(entries, slice):  # one label's piece, read as a view
            entries = torch.arange(entries.start, entries.stop)
            lab = torch.full((len(entries),), lab)
        assert len(entries) <= 2 * chunk
        flat.append(entries.numpy())
        label.append(lab.numpy())
    flat, label = np.concatenate(flat), np.concatenate(label)
    bounds = zip(start.tolist(), stop.tolist(), strict=True)
    expected = np.concatenate(
        [j * 40 + np.arange(a, b) for j, (a, b) in enumerate(bounds)]
    )
    assert_array_equal(np.sort(flat), expected)
    assert_array_equal(label, flat // 40)


def test_scale_statistics_are_those_of_the_matrix():
    # More than 200,000 rows: the quantiles are those of every other row,
    # as torch.quantile gives them.
    rng = np.random.default_rng(0)
    n = 200_003
    S = rng.normal(size=(n, 3)).astype(np.float32)
    S[:, 1] = np.where(rng.random(n) < 0.97, 0.25, S[:, 1])  # quantiles coincide
    S[:, 2] = 1.5  # constant
    Y = rng.random((n, 3)) < 0.2
    sample = SampleProblem(Y, S, torch.device("cpu"), Identity())
    spreads = sample.label_spreads(fallback=7.0).numpy()
    lo, hi = torch.quantile(torch.from_numpy(S[::2]), torch.tensor([0.05, 0.95]), dim=0)
    assert spreads[0] == (hi - lo)[0]
    assert spreads[1] == S[:, 1].max() - S[:, 1].min()
    assert spreads[2] == 7.0
    every = max(1, S.size // 200_000)
    assert_array_equal(sample.sample_values(), S.reshape(-1)[::every])
