"""The surrogate's samples average: exact counts, analytic gradients, sorted labels."""

# The samples average's F is a mean over samples of
# F_i = (1 + b2) tp_i / (b2 pos_i + pp_i): its derivative with respect to
# a sample's counts depends on that sample's counts only, so the gradient
# can be written out (no autograd graph over the (n_samples, n_labels)
# matrix). Each label's scores are sorted once. A step then reads the exact
# counts from the entries above each threshold, and the surrogate gradient
# from the entries near it: the surrogate sigmoid(z) * sigmoid(-z) is below
# float32's resolution (and exactly 0 above the threshold) a few tens of
# slope units away. Both are a few percent of the matrix on tagging scores.

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from skthresh.strategies._held import plain_metric
from skthresh.strategies._sort_keys import descending_order, key_scores

# |z| beyond which an entry's surrogate is left out of the gradient:
# sigmoid(z) * sigmoid(-z) < exp(-30) ~ 1e-13 there, and float32 rounds it to
# exactly 0 on the side above the threshold.
_REACH = 30.0

# Entries (samples x labels) read at once in a step: their temporaries (a
# few dozen bytes an entry) stay small next to the sorted scores.
_CHUNK_ENTRIES = 2**17

# Rows transformed at once when the sorted copy is filled.
_FILL_ENTRIES = 2**18

# Bytes of sort keys per label block when sorting.
_SORT_BYTES = 2 * 2**20


class SampleProblem:
    """Samples average of the surrogate descent on each label's sorted scores.

    The same descent as the paper's dense formulation (hard decisions
    ``S > theta`` forward; the surrogate ``sigmoid(z) * sigmoid(-z)``,
    ``z = slope * (score - theta)``, as the derivative of each decision)
    with the gradient written out: with ``A_i`` and ``B_i`` the derivatives
    of the mean F with respect to sample ``i``'s true and predicted
    positives,

    ``dF / dtheta_j = -sum_i (A_i y_ij + B_i) k_ij``

    and ``dF / dslope_j = sum_i (A_i y_ij + B_i) x_ij k_ij`` (``x = score -
    theta``), as the dense formulation's autograd gives them.

    Each label's transformed scores are sorted once, in float32, with the
    sample of each and whether it is positive (8 bytes an entry). A step
    finds each threshold by binary search; the exact per-sample counts come
    from the entries above it and the gradient from the entries with
    ``|z| < 30``, whose left-out share is below ``exp(-30)`` each.

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
        self.chunk = _CHUNK_ENTRIES
        # Torch's own threads: a step's reads are large, flat tensors.
        self.step_work = n * n_labels
        scores = np.empty((n_labels, n), dtype=np.float32)
        pos = np.empty(n, dtype=np.int64)
        hit_rows, hit_cols = [], []  # the positive entries
        self._samples = []
        # Up to 200,000 evenly spaced entries of the transformed matrix.
        self._every = max(1, (n * n_labels) // 200_000)
        if S is None:  # read by blocks of rows: each block copied as it comes
            blocks = (
                (start, Y_block, S_block if unit == 1.0 else S_block / unit)
                for start, Y_block, S_block in Y.numbered_blocks()
            )
        else:
            rows = max(1, _FILL_ENTRIES // max(1, n_labels))
            blocks = ((s, Y[s : s + rows], S[s : s + rows]) for s in range(0, n, rows))
        for start, Y_block, S_block in blocks:
            block = transform.forward(S_block).astype(np.float32)
            stop = start + len(block)
            scores[:, start:stop] = block.T
            r, c = np.nonzero(Y_block)
            hit_rows.append(r + start)
            hit_cols.append(c)
            pos[start:stop] = Y_block.sum(axis=1, dtype=np.int64)
            first = -(start * n_labels) % self._every
            self._samples.append(block.reshape(-1)[first :: self._every].copy())
        hits = _Positives(np.concatenate(hit_rows), np.concatenate(hit_cols), n)
        code, self._spreads = _sort_labels(scores, hits)
        # Negated, each label's scores increase: torch's binary search order.
        np.negative(scores, out=scores)
        self.U = torch.as_tensor(scores).to(device)
        # Each sorted entry's sample and label as one integer: 2 * row + y.
        self.code = torch.as_tensor(code).to(device)
        self.pos = torch.as_tensor(pos, dtype=torch.float64, device=device)
        del scores, code

    def sample_values(self):
        """Up to 200,000 evenly spaced transformed scores, as numpy."""
        return np.concatenate(self._samples)

    def label_spreads(self, fallback):
        """Spread between the 5% and 95% quantiles of each label's scores.

        The quantiles of every ``n_samples // 100_000``-th row, as
        ``torch.quantile`` interpolates them; the full range for a label
        whose quantiles coincide.
        """
        torch = self.torch
        spread = torch.as_tensor(self._spreads).to(self.U.device)
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
        f32, f64 = torch.float32, torch.float64
        device = self.U.device
        neg = -theta.detach().to(f32)  # the thresholds among the negated scores
        slope = slope.detach().to(f32)
        plain, offsets = plain_metric(metric)
        a = 1.0 + plain.beta**2
        b2 = plain.beta**2
        # Exact counts: the entries above each threshold (v > theta is -v < -theta).
        above = torch.searchsorted(self.U, neg[:, None]).ravel()
        tp = torch.zeros(self.n, dtype=f64, device=device)
        pp = torch.zeros(self.n, dtype=f64, device=device)
        for _, entries in self._runs(torch.zeros_like(above), above):
            code = self.code.view(-1)[entries]
            rows = code >> 1
            pp.index_add_(0, rows, torch.ones(len(rows), dtype=f64, device=device))
            hits = rows[(code & 1).bool()]
            tp.index_add_(0, hits, torch.ones(len(hits), dtype=f64, device=device))
        value = metric.from_counts(tp, pp, self.pos, where=torch.where)
        # d mean F / d tp_i and d pp_i: each sample's own counts.
        TP, PP, P = tp, pp, self.pos
        if offsets is not None:
            held = [torch.as_tensor(c, dtype=f64, device=device) for c in offsets]
            TP, PP, P = TP + held[0], PP + held[1], P + held[2]
        den = b2 * P + PP
        live = den > 0
        safe = torch.where(live, den, 1.0)
        A = torch.where(live, a / safe, 0.0) / self.n
        B = torch.where(live, -a * TP / (safe * safe), 0.0) / self.n
        # Each entry's weight A_i y_ij + B_i at 2 * i + y_ij: its code.
        weights = torch.stack([B, A + B], dim=1).to(f32).view(-1)
        # The entries near each threshold: |score - theta| <= reach / slope.
        reach = _REACH / slope
        start = torch.searchsorted(self.U, (neg - reach)[:, None]).ravel()
        stop = torch.searchsorted(self.U, (neg + reach)[:, None], right=True).ravel()
        d_theta = torch.zeros(len(neg), dtype=f64, device=device)
        d_slope = torch.zeros_like(d_theta) if self.slope_gradient else None
        for label, entries in self._runs(start, stop):
            w = weights[self.code.view(-1)[entries]]
            # score - theta, exactly: -theta - (-score) rounds as its negation.
            x = torch.sub(neg[label], self.U.view(-1)[entries])
            del entries
            k = torch.mul(x, slope[label]).sigmoid_()
            k.addcmul_(k, k, value=-1.0).mul_(w)  # sigmoid(z) * sigmoid(-z) * w
            _add(d_theta, label, k)
            if d_slope is not None:
                _add(d_slope, label, k.mul_(x))
        return (
            float(value),
            (-d_theta).to(f32),
            None if d_slope is None else d_slope.to(f32),
        )

    def _runs(self, start, stop):
        """The entries ``start[j] <= i < stop[j]`` of each label, in pieces.

        Yields ``(label, entries)``: a label (int) and a slice of the
        flattened sorted arrays for a piece of one label's entries (read as
        a view, without an index), or for several labels' smaller pieces a
        tensor of each entry's label and one of its flat index. Pieces hold
        at most ``self.chunk`` entries, and groups of small pieces about as
        many.
        """
        torch = self.torch
        device = self.U.device
        start = start.cpu().numpy().astype(np.int64)
        length = np.maximum(stop.cpu().numpy().astype(np.int64) - start, 0)
        count = -(-length // self.chunk)
        label = np.repeat(np.arange(len(length)), count)
        nth = np.arange(len(label)) - np.repeat(np.cumsum(count) - count, count)
        first = start[label] + nth * self.chunk + label * np.int64(self.n)
        size = np.minimum(self.chunk, length[label] - nth * self.chunk)
        # Pieces of a quarter chunk or more are read as slices; the rest
        # grouped, each group's entries gathered through an index.
        big = size >= max(1, self.chunk // 4)
        for p in np.flatnonzero(big):
            yield int(label[p]), slice(int(first[p]), int(first[p] + size[p]))
        label, first, size = label[~big], first[~big], size[~big]
        before = np.cumsum(size) - size
        cuts = np.flatnonzero(np.diff(before // self.chunk)) + 1
        for run in np.split(np.arange(len(label)), cuts) if len(label) else []:
            run_size = torch.as_tensor(size[run], device=device)
            offset = torch.as_tensor(first[run] - (before[run] - before[run[0]]))
            flat = torch.repeat_interleave(offset.to(device), run_size)
            flat += torch.arange(len(flat), device=device)
            run_label = torch.as_tensor(label[run], device=device)
            yield torch.repeat_interleave(run_label, run_size), flat

    def to_original(self, theta):
        """Thresholds in score units (the inverse transform)."""
        return self.transform.inverse(theta.detach().cpu().numpy())


def _add(total, label, values):
    """Sum ``values`` into ``total[label]`` in float64 (one label or one each)."""
    if isinstance(label, int):
        total[label] += values.sum(dtype=total.dtype)
    else:
        total.index_add_(0, label, values.to(total.dtype))


class _Positives:
    """The positive entries, by label: each label's column on demand."""

    def __init__(self, rows, cols, n):
        by_label = np.argsort(cols, kind="stable")
        self.rows = rows[by_label]
        self.starts = np.searchsorted(
            cols[by_label], np.arange(cols.max(initial=-1) + 2)
        )
        self.n = n

    def columns(self, j0, j1):
        """Labels ``j0`` to ``j1`` as a boolean array of shape (j1 - j0, n)."""
        out = np.zeros((j1 - j0, self.n), dtype=bool)
        for j in range(j0, min(j1, len(self.starts) - 1)):
            out[j - j0, self.rows[self.starts[j] : self.starts[j + 1]]] = True
        return out


def _sort_labels(scores, hits):
    """Sort each label's scores in place, decreasing.

    Parameters
    ----------
    scores : ndarray of float32 of shape (n_labels, n_samples)
    hits : _Positives

    Returns
    -------
    code : ndarray of int32 or int64 of shape (n_labels, n_samples)
        ``2 * sample + y`` of each sorted entry.
    spreads : ndarray of float32 of shape (n_labels,)
        See :meth:`SampleProblem.label_spreads`.
    """
    n_labels, n = scores.shape
    code = np.empty(scores.shape, dtype=np.int32 if n < 2**30 else np.int64)
    spreads = np.empty(n_labels, dtype=np.float32)
    width = max(1, _SORT_BYTES // max(1, 8 * n))

    def sort(j0):
        j1 = min(j0 + width, n_labels)
        order, keys = descending_order(scores[j0:j1], code.dtype)
        if keys is not None:
            scores[j0:j1] = key_scores(keys)
            del keys
        else:
            scores[j0:j1] = np.take_along_axis(scores[j0:j1], order, axis=1)
        spreads[j0:j1] = _quantile_spreads(scores[j0:j1], order)
        y = np.take_along_axis(hits.columns(j0, j1), order, axis=1)
        np.add(order * 2, y, out=code[j0:j1])

    with ThreadPoolExecutor(max(1, min(4, cpu_count()))) as pool:
        list(pool.map(sort, range(0, n_labels, width)))
    return code, spreads


def _quantile_spreads(scores, order):
    """Spread of the 5% and 95% quantiles of every ``n // 100_000``-th row.

    ``scores`` sorted decreasing (``order``: their rows). The values of
    ``torch.quantile(S[::step], [0.05, 0.95], dim=0)`` (float32 ranks and
    interpolation), from the sorted scores; the full range where the two
    coincide.
    """
    import torch

    n = scores.shape[1]
    step = max(1, n // 100_000)
    kept = scores if step == 1 else scores[order % step == 0].reshape(len(scores), -1)
    m = kept.shape[1]
    q = torch.tensor([0.05, 0.95])
    ranks = q * (m - 1)
    below, above = ranks.floor().long(), ranks.ceil().long()
    # Ranks count up from the smallest; the scores are decreasing.
    low = torch.from_numpy(kept[:, (m - 1 - below).numpy()])
    high = torch.from_numpy(kept[:, (m - 1 - above).numpy()])
    out = low.lerp(high, (ranks - below).to(torch.float32))
    spread = (out[:, 1] - out[:, 0]).numpy()
    flat = ~(spread > 0)
    spread[flat] = scores[flat, 0] - scores[flat, -1]
    return spread
