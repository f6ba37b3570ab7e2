"""The surrogate's samples average: exact counts, analytic gradients, row blocks."""

# The samples average's F is a mean over samples of
# F_i = (1 + b2) tp_i / (b2 pos_i + pp_i): its derivative with respect to
# a sample's counts depends on that sample's counts only. So one read of a
# block of rows gives the block's hard counts (the exact forward pass), the
# derivatives of the mean F with respect to them, and the block's share of
# the surrogate gradient of every threshold: no autograd graph over the
# (n_samples, n_labels) matrix, and memory of one block besides the scores.

import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from skthresh._torch import as_tensor, threads_for
from skthresh.strategies._held import plain_metric

# Entries (samples x labels) of one block of rows on the CPU: a few float32
# temporaries of this size stay in the processor's caches.
_BLOCK_ENTRIES = 2**18


class SampleProblem:
    """Samples average of the surrogate descent, a block of rows at a time.

    The same descent as the paper's dense formulation (hard decisions
    ``S > theta`` forward; the surrogate ``sigmoid(z) * sigmoid(-z)``,
    ``z = slope * (score - theta)``, as the derivative of each decision)
    with the gradient written out: with ``A_i`` and ``B_i`` the derivatives
    of the mean F with respect to sample ``i``'s true and predicted
    positives,

    ``dF / dtheta_j = -sum_i (A_i y_ij + B_i) k_ij``

    and ``dF / dslope_j = sum_i (A_i y_ij + B_i) x_ij k_ij`` (``x = score -
    theta``), as the dense formulation's autograd gives them. The ``B``
    part is a matrix-vector product per block; the ``A`` part and the true
    positives are read from the positive entries only. A step costs a few
    passes over the transformed scores, which are kept in float32 (one
    copy); the labels are kept as their positive entries.

    Parameters
    ----------
    Y : ndarray of bool of shape (n_samples, n_labels) or RowBlocks
    S : ndarray of float of shape (n_samples, n_labels) or None
    device : torch.device
    transform : Identity or LogitTransform
    slope_gradient : bool, default=True
        Whether :meth:`value_and_grad` computes the slope's gradient (None
        otherwise).
    unit : float, default=1.0
        With ``Y`` a ``RowBlocks`` (``_row_blocks``) and ``S`` None, the
        scores are read from it a block of rows at a time and divided by
        ``unit`` (see ``fit_float32``).
    """

    def __init__(self, Y, S, device, transform, slope_gradient=True, unit=1.0):
        import torch

        self.torch = torch
        self.transform = transform
        self.slope_gradient = slope_gradient
        n, n_labels = Y.shape
        self.n = n
        on_cpu = torch.device(device).type == "cpu"
        self.rows = max(1, (_BLOCK_ENTRIES if on_cpu else 2**24) // max(1, n_labels))
        # On the CPU, one torch thread per block (see _map).
        self.step_work = 0 if on_cpu else n * n_labels
        self.executor = None
        if on_cpu and n > self.rows:
            self.executor = ThreadPoolExecutor(min(4, cpu_count()))
            weakref.finalize(self, self.executor.shutdown, wait=False)
        self.S = torch.empty((n, n_labels), dtype=torch.float32, device=device)

        def fill(rows, scores):
            block = transform.forward(scores).astype(np.float32)
            self.S[rows] = as_tensor(block, dtype=torch.float32, device=device)

        if S is None:  # read by blocks of rows: each block copied as it comes
            rows, cols, pos = [], [], np.empty(n, dtype=np.int64)
            for start, Y_block, S_block in Y.numbered_blocks():
                block = slice(start, start + len(S_block))
                fill(block, S_block if unit == 1.0 else S_block / unit)
                r, c = np.nonzero(Y_block)
                rows.append(r + start)
                cols.append(c)
                pos[block] = Y_block.sum(axis=1, dtype=np.int64)
            rows, cols = np.concatenate(rows), np.concatenate(cols)
        else:
            self._map(lambda block: fill(block, S[block]))
            rows, cols = np.nonzero(Y)
            pos = Y.sum(axis=1, dtype=np.int64)
        self.pos_rows = torch.as_tensor(rows, device=device)
        self.pos_cols = torch.as_tensor(cols, device=device)
        self.pos_scores = self.S[self.pos_rows, self.pos_cols]
        self.pos = torch.as_tensor(pos, dtype=torch.float64, device=device)

    def sample_values(self):
        """Up to 200,000 evenly spaced transformed scores, as numpy."""
        flat = self.S.reshape(-1)
        return flat[:: max(1, flat.numel() // 200_000)].cpu().numpy()

    def label_spreads(self, fallback):
        """Spread between the 5% and 95% quantiles of each label's scores."""
        with threads_for(self.S.device, 0):  # see _map
            return self._label_spreads(fallback)

    def _label_spreads(self, fallback):
        torch = self.torch
        S = self.S[:: max(1, len(self.S) // 100_000)]
        q = torch.tensor([0.05, 0.95], device=S.device)
        if S.device.type == "cpu":
            spread = _cpu_quantile_spreads(S, q)
        else:
            lo, hi = torch.quantile(S, q, dim=0)
            spread = hi - lo
        # The full range, only for the labels whose quantiles coincide: a
        # pass over their columns, not over the matrix.
        flat = torch.nonzero(~(spread > 0)).ravel()
        if flat.numel():
            columns = self.S[:, flat]
            spread[flat] = columns.max(0).values - columns.min(0).values
        return torch.where(spread > 0, spread, fallback).float()

    def value_and_grad(self, theta, slope, metric):
        """The metric at ``theta`` and its surrogate gradients.

        Returns
        -------
        value : float
        d_theta : tensor of float32 of shape (n_labels,)
        d_slope : tensor of float32 of shape (n_labels,) or None
        """
        torch = self.torch
        f64 = torch.float64
        theta = theta.detach().to(torch.float32)
        slope = slope.detach().to(torch.float32)
        plain, offsets = plain_metric(metric)
        a = 1.0 + plain.beta**2
        b2 = plain.beta**2
        # True positives from the positive entries (exact, as dense).
        x_pos = self.pos_scores - theta[self.pos_cols]
        tp = torch.zeros(self.n, dtype=f64, device=theta.device)
        tp.index_add_(0, self.pos_rows, (x_pos > 0).to(f64))
        pp = torch.empty(self.n, dtype=f64, device=theta.device)
        pos = self.pos
        held = None
        if offsets is not None:
            held = [torch.as_tensor(c, dtype=f64, device=theta.device) for c in offsets]
        counts = (tp, pp, pos, held)
        parts = self._map(
            lambda rows: self._block(rows, theta, slope, counts, a, b2),
        )
        d_theta = -sum(part[0] for part in parts)
        d_slope = sum(part[1] for part in parts) if self.slope_gradient else None
        # d mean F / d tp_i, and the positive entries' share.
        TP, PP, P = tp, pp, pos
        if offsets is not None:
            TP, PP, P = TP + held[0], PP + held[1], P + held[2]
        den = b2 * P + PP
        live = den > 0
        A = torch.where(live, a / torch.where(live, den, 1.0), 0.0) / self.n
        z_pos = x_pos * slope[self.pos_cols]
        s_pos = torch.sigmoid(z_pos)
        k_pos = s_pos - s_pos * s_pos
        w_pos = A[self.pos_rows].to(torch.float32) * k_pos
        d_theta.index_add_(0, self.pos_cols, -w_pos.to(f64))
        if d_slope is not None:
            d_slope.index_add_(0, self.pos_cols, (w_pos * x_pos).to(f64))
        value = metric.from_counts(tp, pp, self.pos, where=torch.where)
        f32 = torch.float32
        return (
            float(value),
            d_theta.to(f32),
            None if d_slope is None else d_slope.to(f32),
        )

    def _block(self, rows, theta, slope, counts, a, b2):
        """A block's predicted positives (written in place) and gradient shares."""
        torch = self.torch
        f64 = torch.float64
        tp, pp, pos, held = counts
        scores = self.S[rows]
        # The decisions as 0.0 and 1.0, summed in float32 (exact below 2**24
        # labels): a few times faster than summing booleans row by row.
        x = torch.gt(scores, theta, out=torch.empty_like(scores))
        pp[rows] = x.sum(1, dtype=None if scores.shape[1] < 2**24 else f64)
        x = torch.sub(scores, theta, out=x)
        # d mean F / d pp_i for this block's samples: the sample's own counts.
        TP, PP, P = tp[rows], pp[rows], pos[rows]
        if held is not None:
            TP, PP, P = TP + held[0][rows], PP + held[1][rows], P + held[2][rows]
        den = b2 * P + PP
        live = den > 0
        safe = torch.where(live, den, 1.0)
        B = (torch.where(live, -a * TP / (safe * safe), 0.0) / self.n).float()
        z = x.mul_(slope)
        s = torch.sigmoid(z)
        k = torch.addcmul(s, s, s, value=-1.0)  # sigmoid(z) * sigmoid(-z)
        d_theta = (B @ k).to(f64)
        if not self.slope_gradient:
            return d_theta, None
        # x * k is z * k / slope.
        return d_theta, (B @ k.mul_(z)).to(f64) / slope.to(f64)

    def _map(self, block):
        """``block(rows)`` of every block of rows, in order.

        On the CPU, blocks run in up to four Python threads with one torch
        thread each (torch releases the GIL): small blocks split between
        torch threads spend more time waking them than computing, above
        all on a busy machine.
        """
        blocks = [slice(s, s + self.rows) for s in range(0, self.n, self.rows)]
        if self.executor is None:
            return [block(rows) for rows in blocks]
        return list(self.executor.map(block, blocks))

    def to_original(self, theta):
        """Thresholds in score units (the inverse transform)."""
        return self.transform.inverse(theta.detach().cpu().numpy())


def _cpu_quantile_spreads(S, q):
    """``torch.quantile(S, q, dim=0)``'s spread, from order statistics.

    The same values as ``torch.quantile`` (which sorts every column): the
    two order statistics around each quantile's rank come from
    ``numpy.partition`` (linear time), a block of labels at a time, and are
    interpolated as torch does, in float32.
    """
    import torch

    n = S.shape[0]
    ranks = q * (n - 1)
    below = ranks.floor().long()
    above = ranks.ceil().long()
    weights = ranks - below
    kth = sorted({int(k) for k in torch.cat([below, above])})
    values = S.numpy()
    out = torch.empty((2, S.shape[1]), dtype=S.dtype)
    width = max(1, (32 * 2**20) // max(1, 4 * n))
    for j in range(0, S.shape[1], width):
        block = np.ascontiguousarray(values[:, j : j + width].T)
        block.partition(kth, axis=1)
        block = torch.from_numpy(block)
        low = block[:, below].T
        high = block[:, above].T
        out[:, j : j + width] = low.lerp(high, weights[:, None].to(S.dtype))
    return out[1] - out[0]
