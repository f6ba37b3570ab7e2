"""SGL-Thresh: thresholds learned with surrogate gradients (Pellegrini & Masquelier)."""

import numbers
import time

import numpy as np

from skthresh._torch import resolve_device, threads_for
from skthresh._validation import check_thresholds
from skthresh.strategies._base import BaseThresholdStrategy
from skthresh.strategies._default import default_threshold
from skthresh.strategies._global import best_shared_threshold


class SurrogateThreshold(BaseThresholdStrategy):
    """Per-label thresholds learned by surrogate gradient descent (SGL-Thresh).

    The thresholds are torch parameters. The forward pass makes the hard
    decisions ``S > thresholds`` and computes the exact metric from their
    counts; the backward pass replaces the derivative of the step function
    by the surrogate ``sigmoid(slope * x) * sigmoid(-slope * x)`` with
    ``x = score - threshold``, as in Pellegrini & Masquelier (ICASSP 2021).
    Gradient ascent on the metric then moves all thresholds at once.

    The thresholds with the best metric seen during the descent, the
    initial ones included, are returned: the result is never worse on the
    tuning data than the initial thresholds.

    Parameters
    ----------
    slope : float, default=50.0
        Sharpness of the surrogate, in units of ``scale``: large values make
        the surrogate gradient local, small values smooth it out. Any value
        from 20 to 1000 works on probabilities and decision scores alike
        with the default ``scale``.
    learning_rate : float, default=0.01
        Step size of the optimizer, in units of ``scale``.
    max_iter : int, default=100
        Number of gradient steps (full passes over the tuning set).
    init : {"global", "default"}, float or array-like of shape (n_labels,), \
            default="global"
        Initial thresholds. ``"global"`` starts from the best threshold
        shared by all labels (an exact sweep); ``"default"`` from 0.5 for
        probabilities and 0.0 for decision scores. The reference code of
        the paper starts from 0.3.
    optimizer : {"adam", "sgd"}, default="adam"
        Adam (betas 0.9 and 0.999) as in the paper, or plain gradient
        ascent. The surrogate omits the factor ``slope`` of the sigmoid's
        derivative, as the paper does; Adam's per-parameter scaling makes
        that immaterial, plain SGD does not.
    learn_slope : bool, default=False
        Whether the slope is a per-label parameter learned with the
        thresholds, as in the paper's reference code (True there). The
        slope gradient has the same surrogate form.
    scale : "auto" or float, default="auto"
        Unit of ``slope`` and ``learning_rate``. ``"auto"`` is 1.0 for scores
        within ``[0, 1]`` (probabilities: the paper's setting) and the spread
        between the 0.5% and 99.5% quantiles of the scores otherwise
        (decision scores, logits), so that the same hyper-parameters suit
        both. ``scale=1.0`` uses the raw score units.
    mode : {"auto", "sorted", "dense"}, default="auto"
        How counts and surrogate gradients are computed. ``"sorted"`` sorts
        each label's scores once; every step then reads exact counts at the
        thresholds by binary search and integrates the surrogate over the
        score counts between a few dozen edges around each threshold:
        ``O(n_labels * log n_samples)`` per step instead of a pass over the
        matrix. ``"dense"`` is the paper's formulation: autograd over the
        full ``(n_samples, n_labels)`` matrix at every step. ``"auto"`` uses
        ``"sorted"``, or ``"dense"`` for the samples average, whose per-sample
        counts do not decompose over labels.
    device : str or torch.device, default="cpu"
        Where the computations run: ``"cpu"``, ``"cuda"`` or ``"cuda:<i>"``.
    verbose : int, default=0
        Print progress: 1 about ten lines, 2 every step.

    Attributes
    ----------
    n_iter_ : int
        Number of gradient steps run.
    objective_ : float
        Best metric value on the tuning data, the returned thresholds' value.
    best_iter_ : int
        Step at which the returned thresholds were found (0 is the start).
    history_ : dict of ndarray
        ``"objective"``, the metric before each step and after the last
        (``n_iter_ + 1`` values), and ``"elapsed"``, seconds since the start
        of the descent at each of those points.
    scale_ : float
        The scale used.
    slopes_ : ndarray of shape (n_labels,)
        Final slope of each label in score units (``slope / scale_``, learned
        when ``learn_slope=True``).

    See Also
    --------
    DefaultThreshold : A fixed threshold.
    GlobalThreshold : The best threshold shared by all labels.

    Notes
    -----
    The reference configuration of the paper (slope 50 learned per label,
    start 0.3, Adam with learning rate 0.01, 100 full-batch epochs, autograd
    over the full matrix) is
    ``SurrogateThreshold(init=0.3, learn_slope=True, scale=1.0, mode="dense")``.

    References
    ----------
    .. [1] T. Pellegrini and T. Masquelier, "Fast threshold optimization for
       multi-label audio tagging using surrogate gradient learning", ICASSP
       2021, arXiv:2103.00833.

    Examples
    --------
    >>> from skthresh.datasets import make_tagging_scores
    >>> from skthresh.metrics import f1_score
    >>> from skthresh.strategies import SurrogateThreshold
    >>> Y, S = make_tagging_scores(2000, 20, random_state=0)
    >>> thresholds = SurrogateThreshold().optimize(Y, S)
    >>> thresholds.shape
    (20,)
    >>> f1_score(Y, S > thresholds) > f1_score(Y, S > 0.5)
    True
    """

    def __init__(
        self,
        *,
        slope=50.0,
        learning_rate=0.01,
        max_iter=100,
        init="global",
        optimizer="adam",
        learn_slope=False,
        scale="auto",
        mode="auto",
        device="cpu",
        verbose=0,
    ):
        self.slope = slope
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.init = init
        self.optimizer = optimizer
        self.learn_slope = learn_slope
        self.scale = scale
        self.mode = mode
        self.device = device
        self.verbose = verbose

    def _check_params(self):
        for name in ("slope", "learning_rate"):
            value = getattr(self, name)
            if (
                not isinstance(value, numbers.Real)
                or isinstance(value, bool)
                or not np.isfinite(value)
                or value <= 0
            ):
                raise ValueError(
                    f"{name} must be a positive finite number; got {name}={value!r}."
                )
        if (
            not isinstance(self.max_iter, numbers.Integral)
            or isinstance(self.max_iter, bool)
            or self.max_iter < 1
        ):
            raise ValueError(
                f"max_iter must be an integer >= 1; got max_iter={self.max_iter!r}."
            )
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(
                f"optimizer must be 'adam' or 'sgd'; got optimizer={self.optimizer!r}."
            )
        if self.mode not in ("auto", "sorted", "dense"):
            raise ValueError(
                "mode must be 'auto', 'sorted' or 'dense'; got "
                f"mode={self.mode!r}."
            )
        if not (
            self.scale == "auto"
            or (
                isinstance(self.scale, numbers.Real)
                and not isinstance(self.scale, bool)
                and np.isfinite(self.scale)
                and self.scale > 0
            )
        ):
            raise ValueError(
                f"scale must be 'auto' or a positive number; got scale={self.scale!r}."
            )

    def _initial_thresholds(self, Y, S, metric):
        if isinstance(self.init, str):
            if self.init == "global":
                return np.full(S.shape[1], best_shared_threshold(Y, S, metric)[0])
            if self.init == "default":
                return np.full(S.shape[1], default_threshold(S))
            raise ValueError(
                "init must be 'global', 'default', a number or an array of one "
                f"threshold per label; got init={self.init!r}."
            )
        return check_thresholds(self.init, S.shape[1], name="init")

    def _optimize(self, Y, S, metric):
        import torch

        self._check_params()
        device = resolve_device(self.device)
        self.scale_ = resolve_scale(S) if self.scale == "auto" else float(self.scale)
        theta0 = self._initial_thresholds(Y, S, metric)
        dense = self.mode == "dense" or (
            self.mode == "auto" and metric.average == "samples"
        )
        if not dense and metric.average == "samples":
            raise ValueError(
                "mode='sorted' cannot optimize a samples average, whose counts "
                "are per sample; use mode='auto' or 'dense'."
            )
        problem = (_DenseProblem if dense else _SortedProblem)(Y, S, device)

        scale = self.scale_
        f32 = torch.float32
        phi = torch.nn.Parameter(torch.as_tensor(theta0 / scale, dtype=f32, device=device))
        slope = torch.nn.Parameter(
            torch.full((S.shape[1],), float(self.slope), dtype=f32, device=device),
            requires_grad=bool(self.learn_slope),
        )
        params = [phi, slope] if self.learn_slope else [phi]
        if self.optimizer == "adam":
            opt = torch.optim.Adam(params, lr=self.learning_rate)
        else:
            opt = torch.optim.SGD(params, lr=self.learning_rate)

        with threads_for(device, problem.step_work):
            objective, elapsed, best = self._descend(problem, phi, slope, opt, metric)
        best_value, best_theta, best_iter = best
        self.n_iter_ = self.max_iter
        self.objective_ = float(best_value)
        self.best_iter_ = best_iter
        self.history_ = {
            "objective": np.asarray(objective, dtype=np.float64),
            "elapsed": np.asarray(elapsed, dtype=np.float64),
        }
        self.slopes_ = (slope.detach() / scale).to("cpu", torch.float64).numpy()
        return best_theta.to("cpu", torch.float64).numpy()

    def _descend(self, problem, phi, slope, opt, metric):
        import torch

        scale = self.scale_
        objective, elapsed = [], []
        best_value, best_theta, best_iter = -np.inf, None, 0
        start = time.perf_counter()
        for it in range(self.max_iter + 1):
            with torch.no_grad():
                theta = phi * scale
                slope_eff = slope / scale
            value, d_theta, d_slope = problem.value_and_grad(theta, slope_eff, metric)
            objective.append(value)
            elapsed.append(time.perf_counter() - start)
            if value > best_value:
                best_value, best_theta, best_iter = value, theta.clone(), it
            self._report(it, value, best_value, elapsed[-1])
            if it == self.max_iter:
                break
            opt.zero_grad()
            phi.grad = -d_theta * scale  # ascend the metric
            if self.learn_slope:
                slope.grad = -d_slope / scale
            opt.step()
            if self.learn_slope:
                with torch.no_grad():
                    slope.clamp_(min=1e-3)

        return objective, elapsed, (best_value, best_theta, best_iter)

    def _report(self, it, value, best, elapsed):
        if not self.verbose:
            return
        every = 1 if self.verbose > 1 else max(1, self.max_iter // 10)
        if it % every == 0 or it == self.max_iter:
            print(
                f"[SurrogateThreshold] iter {it:4d}/{self.max_iter}  "
                f"objective {value:.5f}  best {best:.5f}  {elapsed:7.2f}s"
            )


def resolve_scale(S):
    """The unit of slope and learning rate for a score matrix.

    1.0 for scores within ``[0, 1]``; otherwise the spread between the 0.5%
    and 99.5% quantiles of (up to 200,000 evenly strided) scores.
    """
    lo, hi = float(S.min()), float(S.max())
    if lo >= 0.0 and hi <= 1.0:
        return 1.0
    flat = S.ravel()
    sample = flat[:: max(1, flat.size // 200_000)]
    q_lo, q_hi = np.quantile(sample, [0.005, 0.995])
    spread = float(q_hi - q_lo)
    if spread > 0:
        return spread
    return hi - lo if hi > lo else 1.0


# Edges of the integration bins, in units of slope * (score - threshold):
# fine near the threshold, geometric further out, where the surrogate decays
# like exp(-|u|). Beyond the last edge it is below 1e-300 and ignored.
_INNER = np.linspace(-4.0, 4.0, 33)
_OUTER = 4.0 * 1.5 ** np.arange(1, 14)
_EDGES = np.concatenate([-_OUTER[::-1], _INNER, _OUTER])


def _bin_kernels(edges):
    """Bin averages of sigmoid'(u) and of u * sigmoid'(u) between edges."""
    from scipy.special import expit

    width = np.diff(edges)
    lo, hi = edges[:-1], edges[1:]
    # sigmoid(hi) - sigmoid(lo), through sigmoid(-u) on the positive side to
    # avoid cancellation far from 0.
    k = np.where(lo >= 0, expit(-lo) - expit(-hi), expit(hi) - expit(lo)) / width

    def primitive(u):
        # Integral of u * sigmoid'(u): u * sigmoid(u) - softplus(u), written
        # for u > 0 as -u * sigmoid(-u) - softplus(-u) to avoid cancellation.
        return np.where(
            u > 0,
            -u * expit(-u) - np.logaddexp(0.0, -u),
            u * expit(u) - np.logaddexp(0.0, u),
        )

    kx = (primitive(edges[1:]) - primitive(edges[:-1])) / width
    return k, kx


class _SortedProblem:
    """Exact counts and integrated surrogate gradients from sorted scores."""

    def __init__(self, Y, S, device):
        import torch

        self.torch = torch
        St = torch.as_tensor(np.ascontiguousarray(S.T), dtype=torch.float32)
        St = St.to(device)
        self.values, order = torch.sort(St, dim=1)
        del St
        Yt = torch.as_tensor(np.ascontiguousarray(Y.T)).to(device)
        cum = torch.zeros(
            (S.shape[1], S.shape[0] + 1), dtype=torch.int32, device=device
        )
        cum[:, 1:] = torch.cumsum(torch.gather(Yt, 1, order), dim=1, dtype=torch.int32)
        del order, Yt
        self.cum = cum
        self.n = S.shape[0]
        self.step_work = S.shape[1] * _EDGES.size
        self.pos = cum[:, -1].to(torch.float64)
        k, kx = _bin_kernels(_EDGES)
        self.u = torch.as_tensor(_EDGES, dtype=torch.float32, device=device)
        self.k = torch.as_tensor(k, dtype=torch.float64, device=device)
        self.kx = torch.as_tensor(kx, dtype=torch.float64, device=device)

    def _counts_at(self, points):
        """Scores above and positives above each point, per label."""
        torch = self.torch
        below = torch.searchsorted(self.values, points, right=True)
        above = self.n - below
        pos_above = self.cum[:, -1:] - torch.gather(self.cum, 1, below)
        return above.to(torch.float64), pos_above.to(torch.float64)

    def value_and_grad(self, theta, slope, metric):
        torch = self.torch
        pp, tp = self._counts_at(theta[:, None].contiguous())
        pp, tp = pp[:, 0].requires_grad_(), tp[:, 0].requires_grad_()
        value = metric.from_counts(tp, pp, self.pos, where=torch.where)
        value.backward()
        # Counts of all and of positive scores in each bin around theta.
        edges = theta[:, None] + self.u[None, :] / slope[:, None]
        all_above, pos_above = self._counts_at(edges.contiguous())
        all_bin = all_above[:, :-1] - all_above[:, 1:]
        pos_bin = pos_above[:, :-1] - pos_above[:, 1:]
        # d tp / d theta = -sum over positives of the surrogate, and so on.
        a, b = tp.grad, pp.grad
        d_theta = -(a * (pos_bin @ self.k) + b * (all_bin @ self.k))
        slope64 = slope.to(torch.float64)
        d_slope = (a * (pos_bin @ self.kx) + b * (all_bin @ self.kx)) / slope64
        f32 = torch.float32
        return float(value.detach()), d_theta.to(f32), d_slope.to(f32)


class _SurrogateStep:
    """Heaviside forward, sigmoid-derivative backward (built lazily with torch)."""

    _fn = None

    @classmethod
    def apply(cls, x, slope):
        if cls._fn is None:
            import torch

            class Step(torch.autograd.Function):
                @staticmethod
                def forward(ctx, x, slope):
                    ctx.save_for_backward(x, slope)
                    return (x > 0).to(x.dtype)

                @staticmethod
                def backward(ctx, grad):
                    x, slope = ctx.saved_tensors
                    z = slope * x
                    k = torch.sigmoid(z) * torch.sigmoid(-z)
                    return grad * k, (grad * x * k).sum(0)

            cls._fn = Step.apply
        return cls._fn(x, slope)


class _DenseProblem:
    """The paper's formulation: autograd over the full score matrix."""

    def __init__(self, Y, S, device):
        import torch

        self.torch = torch
        self.S = torch.as_tensor(S, dtype=torch.float32).to(device)
        self.Y = torch.as_tensor(Y, dtype=torch.float32).to(device)
        self.step_work = S.size

    def value_and_grad(self, theta, slope, metric):
        theta = theta.detach().requires_grad_()
        slope = slope.detach().requires_grad_()
        D = _SurrogateStep.apply(self.S - theta, slope)
        axis = 1 if metric.average == "samples" else 0
        tp = (D * self.Y).sum(axis)
        pp = D.sum(axis)
        pos = self.Y.sum(axis)
        value = metric.from_counts(tp, pp, pos, where=self.torch.where)
        value.backward()
        return float(value.detach()), theta.grad, slope.grad
