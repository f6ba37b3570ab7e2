"""The surrogate's torch engine: counts, surrogate gradients, transforms, Adam."""

# Two formulations of one descent step serve :class:`SurrogateThreshold`:
# :class:`SortedProblem` reads exact counts and integrated surrogate
# gradients from a :class:`~skthresh.ScoreSummary` (a few binary searches a
# step), :class:`DenseProblem` is the paper's autograd over the full score
# matrix. Both take thresholds in transformed units (:class:`Identity` or
# :class:`LogitTransform`) and give the metric and its surrogate gradient.

import numpy as np

from skthresh._cuts import search_segments
from skthresh._summary import ScoreSummary
from skthresh._summary_build import scratch
from skthresh._torch import as_tensor


def fit_float32(S, theta0):
    """Scale scores beyond float32's range by a power of two.

    Multiplying by a power of two is exact, so ``S > t`` keeps every
    decision; the thresholds found are scaled back by the returned unit.
    """
    big = max(abs(float(S.min())), abs(float(S.max())))
    limit = 1e30
    if big <= limit:
        return S, theta0, 1.0
    unit = 2.0 ** np.ceil(np.log2(big / limit))
    if isinstance(S, ScoreSummary):
        return S.scaled(unit), theta0 / unit, unit
    return S / unit, theta0 / unit, unit


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


class Adam:
    """Adam (betas 0.9, 0.999, eps 1e-8) on plain tensors.

    Written out because creating ``torch.optim.Adam`` imports torch's
    compiler stack, seconds of start-up for a few lines of arithmetic.
    """

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8):
        self.lr, self.betas, self.eps = lr, betas, eps
        self.t = 0
        self.moments = None

    def step(self, params, grads):
        b1, b2 = self.betas
        if self.moments is None:
            self.moments = [(g * 0, g * 0) for g in grads]
        self.t += 1
        for p, g, (m, v) in zip(params, grads, self.moments, strict=True):
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            p -= self.lr * m_hat / (v_hat.sqrt() + self.eps)


class Identity:
    """Scores used as they are."""

    name = "none"

    def forward(self, x):
        return np.asarray(x, dtype=np.float64)

    def inverse(self, x):
        return np.asarray(x, dtype=np.float64)


class LogitTransform:
    """Probabilities seen as logits, where a threshold's moves are better scaled.

    The logit is increasing, so ``p > t`` exactly when ``logit(p) >
    logit(t)``: thresholds learned on logits map back without changing a
    decision. Exact 0 and 1 (tree models give many) are clipped to half the
    smallest non-zero score and its mirror, so they stay next to the other
    scores instead of at minus or plus infinity.
    """

    name = "logit"

    def __init__(self, S):
        # Smallest distance of a score strictly inside (0, 1) to 0 or 1,
        # without copying the scores.
        if isinstance(S, ScoreSummary):  # sorted rows
            low, high = _inner_extremes(S)
        else:
            low = float(np.min(S, where=S > 0, initial=1.0))
            high = float(np.max(S, where=S < 1, initial=0.0))
        smallest = min(low, 1 - high) if low < 1 else 0.5
        # 1e-7: float32 holds 1 - eps apart from 1, so no logit is infinite.
        self.eps = max(min(smallest / 2, 1e-3), 1e-7)

    def forward(self, x):
        from scipy.special import logit

        x = np.clip(np.asarray(x, dtype=np.float64), self.eps, 1 - self.eps)
        return logit(x)

    def inverse(self, x):
        from scipy.special import expit

        return expit(np.asarray(x, dtype=np.float64))


def _inner_extremes(summary):
    """Lowest score above 0 and highest below 1, from a summary."""
    n = summary.n_samples
    rows = np.arange(summary.n_labels)
    first_above = summary.rank_of(rows, 0.0)  # scores <= 0
    last_below = summary.rank_of(rows, 1.0, strict=True) - 1  # scores < 1
    ok = first_above < n
    low = float(summary.value_at(rows[ok], first_above[ok]).min()) if ok.any() else 1.0
    ok = last_below >= 0
    high = float(summary.value_at(rows[ok], last_below[ok]).max()) if ok.any() else 0.0
    return low, high


def _ordered_keys(values, labels):
    """int64 keys ordered as (label, float32 value): exact sorted search in torch.

    The bits of a float32, sign-flipped as integers, sort as the floats do
    (``-0.0`` is first made ``+0.0``); the label goes in the upper 32 bits.
    """
    torch = _torch()
    bits = (values.to(torch.float32) + 0.0).view(torch.int32).to(torch.int64)
    ordered = torch.where(bits < 0, -1 - bits, bits + 2**31)  # in [0, 2**32)
    return (labels.to(torch.int64) << 32) | ordered


def _packed_keys(values, lengths, block=2**18):
    """:func:`_ordered_keys` of ragged rows, in numpy, a block at a time.

    ``values`` holds label ``j``'s ``lengths[j]`` values after label
    ``j - 1``'s. The same keys as ``_ordered_keys``, without its
    temporaries of the size of ``values`` (about five int64 arrays): the
    peak is the keys.

    Returns
    -------
    keys : ndarray of int64 of shape (values.size,)
    """
    keys = scratch(values.size, np.int64)
    ends = np.cumsum(lengths)
    for a in range(0, values.size, block):
        b = min(a + block, values.size)
        labels = np.searchsorted(ends, np.arange(a, b), side="right")
        bits = values[a:b].astype(np.float32) + np.float32(0.0)
        bits = bits.view(np.int32).astype(np.int64)
        ordered = np.where(bits < 0, -1 - bits, bits + 2**31)
        keys[a:b] = (labels.astype(np.int64) << 32) | ordered
    return keys


def _compact_counts(counts):
    """Integer counts as int32 where they fit (gathered, then widened)."""
    counts = np.asarray(counts)
    if counts.dtype.kind in "iu" and int(counts.max(initial=0)) < 2**31:
        return counts.astype(np.int32, copy=False)
    return counts.astype(np.float64, copy=False)


def _torch():
    import torch

    return torch


class SortedProblem:
    """Exact counts and integrated surrogate gradients from a ScoreSummary.

    Counts are binary searches in each label's sorted scores (and in its
    sorted positive scores), in the scores' own units: a threshold ``theta``
    learned in transformed units (the logit of probabilities) is mapped
    back by the inverse transform before each search, so no transformed
    copy of the scores is made. The searches run in float32 (as the dense
    formulation does); the final thresholds and their metric are exact.
    The gradient's counts around each threshold come from compact count
    grids (:class:`CountGrid`), so a step costs the same whatever the
    number of samples.
    """

    def __init__(self, Y, summary, device, transform):
        torch = _torch()
        self.torch = torch
        self.summary = summary
        self.transform = transform
        self.rows = _ExactRows(summary, device)
        self.ragged = summary.is_sparse
        grid = RaggedCountGrid if self.ragged else CountGrid
        n_labels = summary.n_labels
        self.n = summary.n_samples
        # The keys of _ordered_keys, built in numpy blocks (no temporaries
        # of the size of the positives).
        pos_keys = _packed_keys(summary.pos_values, summary.pos)
        self.pos_keys = torch.from_numpy(pos_keys).to(device)
        self.pos_start = torch.as_tensor(summary.pos_start[:-1], device=device)
        self.label_ids = torch.arange(n_labels, device=device)[:, None]
        self.step_work = n_labels * _EDGES.size
        self.grid_all = grid.of_rows(summary, transform, device)
        self.grid_pos = grid.of_segments(
            summary.pos_values, summary.pos_start, transform, device
        )
        self.pos = torch.as_tensor(
            summary.pos_weight, dtype=torch.float64, device=device
        )
        self.cum = None
        if getattr(summary, "weighted", False):
            self._weigh_counts(summary, device)
        k, kx = _bin_kernels(_EDGES)
        self.u = torch.as_tensor(_EDGES, dtype=torch.float32, device=device)
        self.k = torch.as_tensor(k, dtype=torch.float64, device=device)
        self.kx = torch.as_tensor(kx, dtype=torch.float64, device=device)

    def _weigh_counts(self, summary, device):
        """Counts as sums of sample weights: ranks read in cumulative weights.

        For a summary of weighted samples: each count of scores (or of
        positive scores) at or below a point, exact or on a count grid,
        becomes the weight of those scores.
        """
        torch = self.torch
        self.cum = torch.as_tensor(summary._cum, dtype=torch.float64, device=device)
        self.total = self.cum[:, -1:]
        self.pos_cum = torch.as_tensor(
            summary._pos_cum, dtype=torch.float64, device=device
        )
        self.pos_cum_start = torch.as_tensor(
            summary._pos_cum_start[:-1], device=device
        )[:, None]
        for grid in (self.grid_all,):
            grid.le = self.cum.gather(1, grid.le.long())
            grid.lt = self.cum.gather(1, grid.lt.long())
        for grid in (self.grid_pos,):
            grid.le = self.pos_cum[self.pos_cum_start + grid.le.long()]
            grid.lt = self.pos_cum[self.pos_cum_start + grid.lt.long()]

    def sample_values(self):
        """Up to about 200,000 transformed scores spread over all labels."""
        return self.transform.forward(self.summary.strided_sample()).ravel()

    def label_spreads(self, fallback):
        """Spread between the 5% and 95% quantiles of each label's scores."""
        torch = self.torch
        lo, hi = int(0.05 * (self.n - 1)), int(0.95 * (self.n - 1))
        ranks = np.array([0, lo, hi, self.n - 1])
        labels = np.arange(self.summary.n_labels)[:, None]
        ends = self.transform.forward(self.summary.value_at(labels, ranks))
        spread = ends[:, 2] - ends[:, 1]
        full = ends[:, 3] - ends[:, 0]
        spread = np.where(spread > 0, spread, full)
        spread = torch.as_tensor(spread, dtype=torch.float32)
        return torch.where(spread > 0, spread, fallback).float()

    def _queries(self, points):
        """Transformed thresholds as float32 scores, for the searches."""
        torch = self.torch
        if self.transform.name == "none":
            return points.contiguous()
        return torch.sigmoid(points.to(torch.float64)).to(torch.float32).contiguous()

    def _counts_at(self, points):
        """Scores above and positives above each point, per label."""
        torch = self.torch
        q = self._queries(points)
        le = self.rows.count_le(q)
        keys = _ordered_keys(q, self.label_ids.expand_as(q))
        pos_le = torch.searchsorted(self.pos_keys, keys, right=True)
        pos_le = pos_le - self.pos_start[:, None]
        if self.cum is not None:  # weighted samples: weights, not ranks
            above = self.total - self.cum.gather(1, le)
            pos_above = self.pos[:, None] - self.pos_cum[self.pos_cum_start + pos_le]
            return above, pos_above
        above = self.n - le
        pos_above = self.pos[:, None] - pos_le
        return above.to(torch.float64), pos_above.to(torch.float64)

    def value_and_grad(self, theta, slope, metric):
        torch = self.torch
        pp, tp = self._counts_at(theta[:, None])
        pp, tp = pp[:, 0].requires_grad_(), tp[:, 0].requires_grad_()
        value = metric.from_counts(tp, pp, self.pos, where=torch.where)
        value.backward()
        if self.ragged:
            d_theta, d_slope = self._ragged_grads(theta, slope, tp.grad, pp.grad)
            f32 = torch.float32
            return float(value.detach()), d_theta.to(f32), d_slope.to(f32)
        # Counts of all and of positive scores in each bin around theta, from
        # the compact count grids: a cost per step independent of n_samples.
        edges = (theta[:, None] + self.u[None, :] / slope[:, None]).contiguous()
        keys = None
        all_le = self.grid_all.count_le(edges, keys)
        pos_le = self.grid_pos.count_le(edges, keys)
        all_bin = all_le[:, 1:] - all_le[:, :-1]
        pos_bin = pos_le[:, 1:] - pos_le[:, :-1]
        # d tp / d theta = -sum over positives of the surrogate, and so on.
        a, b = tp.grad, pp.grad
        d_theta = -(a * (pos_bin @ self.k) + b * (all_bin @ self.k))
        slope64 = slope.to(torch.float64)
        d_slope = (a * (pos_bin @ self.kx) + b * (all_bin @ self.kx)) / slope64
        f32 = torch.float32
        return float(value.detach()), d_theta.to(f32), d_slope.to(f32)

    def _ragged_grads(self, theta, slope, a, b):
        """The gradients of :meth:`value_and_grad` from ragged count grids.

        The same arithmetic, a block of labels at a time: the bins of a
        step are a dozen temporaries of ``n_labels x 47`` float64 values,
        which at tens of thousands of labels outweigh the summary of
        top-k scores.
        """
        torch = self.torch
        f64 = torch.float64
        d_theta = torch.empty(theta.shape[0], dtype=f64, device=theta.device)
        d_slope = torch.empty_like(d_theta)
        step = RaggedCountGrid.block
        for j0 in range(0, theta.shape[0], step):
            j = slice(j0, j0 + step)
            edges = (theta[j, None] + self.u[None, :] / slope[j, None]).contiguous()
            keys = _ordered_keys(edges, self.label_ids[j].expand_as(edges))
            all_le = self.grid_all.rows_count_le(edges, keys, j)
            pos_le = self.grid_pos.rows_count_le(edges, keys, j)
            all_bin = all_le[:, 1:] - all_le[:, :-1]
            pos_bin = pos_le[:, 1:] - pos_le[:, :-1]
            d_theta[j] = -(a[j] * (pos_bin @ self.k) + b[j] * (all_bin @ self.k))
            d_slope[j] = (a[j] * (pos_bin @ self.kx) + b[j] * (all_bin @ self.kx)) / (
                slope[j].to(f64)
            )
        return d_theta, d_slope

    def to_original(self, theta):
        """Thresholds in score units giving the same decisions as ``theta``.

        Each is the midpoint between the two scores of its label around the
        cut that ``theta`` makes, as the exact strategies place theirs.
        """
        q = self._queries(theta.detach()[:, None])
        below = self.rows.count_le(q)[:, 0].cpu().numpy()
        return self.summary.cut_threshold(np.arange(below.size), self.n - below)


def _distances_from_top(n, size):
    """Ranks counted from the highest score, for a grid of about ``size``.

    Every one of the 256 highest scores (a quarter of ``size`` if that is
    fewer), then distances growing
    geometrically to the lowest score: the grid is as fine, relative to
    the distance from the top, at every scale. Thresholds sit among the
    highest scores of rare labels and deeper in frequent ones, where
    there are proportionally more scores around them.

    Returns
    -------
    distances : ndarray of int64
        Increasing, from 0 to ``n - 1``.
    """
    if n <= size + 1:
        return np.arange(n)
    head = min(256, max(1, size // 4))
    ratio = ((n - 1) / head) ** (1.0 / (size - head))
    tail = np.round(head * ratio ** np.arange(size - head + 1))
    distances = np.unique(np.concatenate([np.arange(head), tail, [n - 1]]))
    return distances[distances <= n - 1].astype(np.int64)


class _ExactRows:
    """Exact float32 counts of each label's scores at or below points.

    A summary of full rows is searched row by row in place (no copy for
    float32 scores); one of sparse scores, in sorted 64-bit keys of its
    stored scores (label, then score), its implicit zeros added by count.
    On the CPU, sparse float32 scores are searched in the summary itself
    (a binary search per label, vectorized over the labels): the same
    counts without the keys, 8 bytes per stored score.
    """

    def __init__(self, summary, device):
        torch = _torch()
        self.torch = torch
        self.keys = None
        self.summary = None
        if not summary.is_sparse:
            # Zero-copy on the CPU for float32 scores.
            self.values = as_tensor(summary.values, dtype=torch.float32, device=device)
            return
        if torch.device(device).type == "cpu" and summary.dtype == np.float32:
            self.summary = summary
            return
        flat, lengths = summary.stored()
        self.keys = torch.from_numpy(_packed_keys(flat, lengths)).to(device)
        start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        self.start = torch.as_tensor(start, device=device)[:, None]
        self.zeros = torch.as_tensor(summary._zeros, device=device)[:, None]
        self.label_ids = torch.arange(summary.n_labels, device=device)[:, None]

    def count_le(self, q):
        """Scores at or below each point of ``q`` (float32, (n_labels, k))."""
        if self.summary is not None:
            # float32 comparisons, as the keys make them (-0.0 equals 0.0).
            labels = np.arange(q.shape[0])[:, None]
            le = self.summary.rank_of(labels, q.detach().cpu().numpy())
            return self.torch.from_numpy(le)
        if self.keys is None:
            return self.torch.searchsorted(self.values, q, right=True)
        keys = _ordered_keys(q, self.label_ids.expand_as(q))
        le = self.torch.searchsorted(self.keys, keys, right=True) - self.start
        return le + self.zeros * (q >= 0)


class CountGrid:
    """Approximate counts of scores at or below any point, in fixed memory.

    Per label, about ``size + 1`` of its sorted scores (its highest ones,
    then ranks further and further apart, see :func:`_distances_from_top`),
    with the exact numbers of scores at or below each (``le``) and strictly
    below each (``lt``); between two grid scores, counts are interpolated linearly
    in the score. Exact at the grid scores, and everywhere when a label has
    at most ``size`` scores. The surrogate gradient, a smooth kernel summed
    over the scores near each threshold, needs no more; searching a grid
    of fixed size keeps the cost of a step independent of ``n_samples``
    (the exact counts of the forward pass come from the summary itself).
    For a summary of sparse scores, :class:`RaggedCountGrid` gives the same
    counts in memory of the distinct points.
    """

    size = 1024

    def __init__(self, points, le, lt, transform, device):
        torch = _torch()
        # Searched and interpolated in the units of the descent.
        points = np.ascontiguousarray(transform.forward(points), dtype=np.float32)
        self.points = torch.as_tensor(points, device=device)
        self.le = torch.as_tensor(le, dtype=torch.float64, device=device)
        self.lt = torch.as_tensor(lt, dtype=torch.float64, device=device)
        self.last = self.points.shape[1] - 1

    @classmethod
    def of_rows(cls, summary, transform, device):
        """From a summary of full rows (no implicit zeros)."""
        n = summary.n_samples
        ranks = (n - 1) - _distances_from_top(n, cls.size)[::-1]
        points = summary.value_at(np.arange(summary.n_labels)[:, None], ranks)
        flat, start = summary._flat, summary._start
        return cls._counted(flat, start, n, points, transform, device)

    @classmethod
    def of_segments(cls, flat, start, transform, device):
        """From per-label sorted segments ``flat[start[j]:start[j + 1]]``."""
        lengths = np.diff(start)
        longest = int(lengths.max(initial=0))
        if longest == 0:  # no positive at all: every count is 0
            n_labels = lengths.size
            points = np.zeros((n_labels, 1), dtype=np.float32)
            zeros = np.zeros((n_labels, 1))
            return cls(points, zeros, zeros, transform, device)
        # The same distances from each label's highest positive score
        # (repeated points where a label has fewer).
        distances = _distances_from_top(longest, cls.size)[::-1]
        ranks = np.clip(lengths[:, None] - 1 - distances[None, :], 0, None)
        index = np.minimum(start[:-1, None] + ranks, flat.size - 1)
        points = flat[index].astype(np.float64)
        # Labels without positives: a point above every score counts nothing.
        points[lengths == 0] = np.inf
        return cls._counted(flat, start[:-1], lengths, points, transform, device)

    @classmethod
    def _counted(cls, flat, row_start, lengths, points, transform, device):
        # Each grid point is a score of its label: its counts are two binary
        # searches in that label's sorted scores.
        starts = np.broadcast_to(np.asarray(row_start), (points.shape[0],))
        stops = starts + np.broadcast_to(np.asarray(lengths), starts.shape)
        le = np.empty(points.shape, dtype=np.int64)
        lt = np.empty(points.shape, dtype=np.int64)
        for j, (a, b) in enumerate(zip(starts, stops, strict=True)):
            segment = flat[a:b]
            le[j] = np.searchsorted(segment, points[j], side="right")
            lt[j] = np.searchsorted(segment, points[j], side="left")
        return cls(points, le, lt, transform, device)

    def label_points(self, j):
        """The grid points of label ``j``, distinct and increasing, as numpy."""
        return np.unique(self.points[j].cpu().numpy())

    def count_le(self, q, keys=None):
        """Approximate number of scores at or below each point of ``q``.

        Parameters
        ----------
        q : tensor of float32 of shape (n_labels, k)

        Returns
        -------
        counts : tensor of float64 of shape (n_labels, k)
        """
        torch = _torch()
        i = torch.searchsorted(self.points, q, right=True)  # points <= q
        lo = (i - 1).clamp(min=0)
        hi = i.clamp(max=self.last)
        p_lo, p_hi = self.points.gather(1, lo), self.points.gather(1, hi)
        c_lo, c_hi = self.le.gather(1, lo), self.lt.gather(1, hi)
        width = (p_hi - p_lo).to(torch.float64)
        frac = torch.where(
            width > 0, (q - p_lo).to(torch.float64) / width.clamp(min=1e-300), 0.0
        )
        inside = c_lo + (c_hi - c_lo) * frac.clamp(0.0, 1.0)
        below = torch.zeros_like(inside)
        above = self.le[:, self.last :]
        return torch.where(i == 0, below, torch.where(i > self.last, above, inside))


class RaggedCountGrid:
    """The counts of :class:`CountGrid`, each label's distinct points only.

    The same grid points as :class:`CountGrid` (the same ranks, implicit
    zeros included), but equal grid points (in the units of the descent)
    are kept once, with the ``le`` of the last and the ``lt`` of the first:
    the counts are the same as with every point, and a label with few
    distinct scores (the implicit zeros of sparse scores, few positives)
    costs only those.
    """

    def __init__(self, points, le, lt, lengths, device):
        torch = _torch()
        # Memory of the distinct points, which can be many (about 20 bytes
        # each): counts as int32 where they fit, widened when gathered,
        # and the search keys built in blocks.
        self.points = torch.as_tensor(points, device=device)
        self.le = torch.as_tensor(_compact_counts(le), device=device)
        self.lt = torch.as_tensor(_compact_counts(lt), device=device)
        n_labels = lengths.size
        self.keys = torch.from_numpy(_packed_keys(points, lengths)).to(device)
        start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        self.start = torch.as_tensor(start, device=device)[:, None]
        self.last = torch.as_tensor(lengths - 1, device=device)[:, None]
        self.label_ids = torch.arange(n_labels, device=device)[:, None]

    @classmethod
    def of_rows(cls, summary, transform, device):
        """From the scores of each label of a summary."""
        n = summary.n_samples
        ranks = (n - 1) - _distances_from_top(n, CountGrid.size)[::-1]

        flat, start, stop, zeros = (
            summary._flat,
            summary._start,
            summary._stop,
            summary._zeros,
        )

        def block(labels):
            points = summary.value_at(labels[:, None], ranks[None, :])
            # summary.rank_of, one label's binary searches at a time (in C).
            le = np.empty(points.shape, dtype=np.int64)
            lt = np.empty(points.shape, dtype=np.int64)
            for r, j in enumerate(labels):
                segment = flat[start[j] : stop[j]]
                le[r] = np.searchsorted(segment, points[r], side="right")
                le[r] += zeros[j] * (points[r] >= 0)
                lt[r] = np.searchsorted(segment, points[r], side="left")
                lt[r] += zeros[j] * (points[r] > 0)
            return points, le, lt

        return cls._built(summary.n_labels, ranks.size, block, transform, device)

    @classmethod
    def of_segments(cls, flat, start, transform, device):
        """From per-label sorted segments ``flat[start[j]:start[j + 1]]``."""
        lengths = np.diff(start)
        n_labels = lengths.size
        longest = int(lengths.max(initial=0))
        if longest == 0:  # no positive at all: every count is 0
            zeros = np.zeros(n_labels)
            points = np.zeros(n_labels, dtype=np.float32)
            return cls(points, zeros, zeros, np.ones(n_labels, dtype=np.int64), device)
        # The same distances from each label's highest positive score
        # (repeated points where a label has fewer).
        distances = _distances_from_top(longest, CountGrid.size)[::-1]

        def block(labels):
            ranks = np.clip(lengths[labels, None] - 1 - distances[None, :], 0, None)
            index = np.minimum(start[labels, None] + ranks, flat.size - 1)
            points = flat[index].astype(np.float64)
            # Labels without positives: a point above every score counts nothing.
            points[lengths[labels] == 0] = np.inf
            a, b = start[labels, None], start[labels + 1, None]
            le = search_segments(flat, a, b, points, strict=False)
            lt = search_segments(flat, a, b, points, strict=True)
            return points, le, lt

        return cls._built(n_labels, distances.size, block, transform, device)

    @classmethod
    def _built(cls, n_labels, width, block, transform, device):
        # Blocks of labels: points and their exact counts, in the units of
        # the descent, each run of equal points kept once.
        step = max(1, 2**18 // max(1, width))
        parts = []
        for j0 in range(0, n_labels, step):
            labels = np.arange(j0, min(j0 + step, n_labels))
            points, le, lt = block(labels)
            points = transform.forward(points).astype(np.float32)
            first = np.ones(points.shape, dtype=bool)
            first[:, 1:] = points[:, 1:] != points[:, :-1]
            last = np.ones(points.shape, dtype=bool)
            last[:, :-1] = first[:, 1:]
            le, lt = _compact_counts(le[last]), _compact_counts(lt[first])
            parts.append([points[first], le, lt, first.sum(1)])
        # Joined one field at a time, each field's parts freed once joined,
        # into memory of its own (see ``scratch``).
        fields = []
        for field in range(4):
            pieces = [part[field] for part in parts]
            joined = scratch(sum(p.size for p in pieces), pieces[0].dtype)
            fields.append(np.concatenate(pieces, out=joined))
            del pieces
            for part in parts:
                part[field] = None
        points, le, lt, lengths = fields
        return cls(points, le, lt, lengths.astype(np.int64), device)

    # Labels per block of count_le.
    block = 1024

    def label_points(self, j):
        """The grid points of label ``j``, distinct and increasing, as numpy."""
        a = int(self.start[j, 0])
        return self.points[a : a + int(self.last[j, 0]) + 1].cpu().numpy()

    def count_le(self, q, keys=None):
        """Approximate number of scores at or below each point of ``q``.

        Parameters
        ----------
        q : tensor of float32 of shape (n_labels, k)
        keys : tensor of int64 or None, default=None
            ``_ordered_keys`` of ``q`` and its labels, if already known.

        Returns
        -------
        counts : tensor of float64 of shape (n_labels, k)
        """
        torch = _torch()
        if keys is None:
            keys = _ordered_keys(q, self.label_ids.expand_as(q))
        out = torch.empty(q.shape, dtype=torch.float64, device=q.device)
        # Blocks of labels: a dozen temporaries of one block at a time.
        for a in range(0, q.shape[0], self.block):
            b = min(a + self.block, q.shape[0])
            out[a:b] = self._count_le(
                q[a:b], keys[a:b], self.start[a:b], self.last[a:b]
            )
        return out

    def rows_count_le(self, q, keys, rows):
        """:meth:`count_le` of the labels ``rows`` (a slice) only."""
        return self._count_le(q, keys, self.start[rows], self.last[rows])

    def _count_le(self, q, keys, start, last):
        torch = _torch()
        i = torch.searchsorted(self.keys, keys, right=True) - start  # points <= q
        lo = (i - 1).clamp(min=0) + start
        hi = torch.minimum(i, last) + start
        p_lo, p_hi = self.points[lo], self.points[hi]
        f64 = torch.float64
        c_lo, c_hi = self.le[lo].to(f64), self.lt[hi].to(f64)
        width = (p_hi - p_lo).to(f64)
        frac = torch.where(width > 0, (q - p_lo).to(f64) / width.clamp(min=1e-300), 0.0)
        inside = c_lo + (c_hi - c_lo) * frac.clamp(0.0, 1.0)
        below = torch.zeros_like(inside)
        above = self.le[start + last].to(f64).expand_as(inside)
        return torch.where(i == 0, below, torch.where(i > last, above, inside))


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


class DenseProblem:
    """The paper's formulation: autograd over the full score matrix."""

    def __init__(self, Y, S, device, transform, sample_weight=None):
        import torch

        self.torch = torch
        self.transform = transform
        values = transform.forward(S).astype(np.float32)
        self.S = as_tensor(values, dtype=torch.float32, device=device)
        self.Y = as_tensor(Y, dtype=torch.float32, device=device)
        self.step_work = S.size
        # Weighted samples: every count a sum of weights (micro, macro).
        self.W = None
        if sample_weight is not None:
            w = np.asarray(sample_weight, dtype=np.float32)[:, None]
            self.W = as_tensor(w, dtype=torch.float32, device=device)
            self.Y = self.Y * self.W

    def sample_values(self):
        """Up to 200,000 evenly spaced transformed scores, as numpy."""
        flat = self.S.reshape(-1)
        return flat[:: max(1, flat.numel() // 200_000)].cpu().numpy()

    def label_spreads(self, fallback):
        """Spread between the 5% and 95% quantiles of each label's scores."""
        torch = self.torch
        q = torch.quantile(
            self.S[:: max(1, len(self.S) // 100_000)],
            torch.tensor([0.05, 0.95], device=self.S.device),
            dim=0,
        )
        spread = q[1] - q[0]
        full = self.S.max(0).values - self.S.min(0).values
        spread = torch.where(spread > 0, spread, full)
        return torch.where(spread > 0, spread, fallback).float()

    def value_and_grad(self, theta, slope, metric):
        theta = theta.detach().requires_grad_()
        slope = slope.detach().requires_grad_()
        D = _SurrogateStep.apply(self.S - theta, slope)
        axis = 1 if metric.average == "samples" else 0
        f64 = self.torch.float64
        tp = (D * self.Y).sum(axis, dtype=f64)
        pp = (D if self.W is None else D * self.W).sum(axis, dtype=f64)
        pos = self.Y.sum(axis, dtype=f64)
        value = metric.from_counts(tp, pp, pos, where=self.torch.where)
        value.backward()
        return float(value.detach()), theta.grad, slope.grad

    def to_original(self, theta):
        """Thresholds in score units (the inverse transform)."""
        return self.transform.inverse(theta.detach().cpu().numpy())
