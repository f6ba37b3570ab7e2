"""How fit divides its data: stratified splits, group splits, routed metadata."""

from math import ceil
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    StratifiedGroupKFold,
)
from sklearn.utils import check_random_state
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.validation import has_fit_parameter


def iterative_stratification(Y, proportions, random_state=None, sizes=None):
    """Assign samples to parts so that every label's positives are shared out.

    The iterative stratification of Sechidis, Tsoumakas and Vlahavas (2011,
    "On the stratification of multi-label data"): the label with the fewest
    positives left goes first, and its samples go to the parts that still
    want most of that label's positives (ties: the part that wants most
    samples, then at random); every label a sample carries counts against
    what its part still wants. Samples are taken a label at a time (one
    vectorized step per label, not per sample), then samples without any
    positive fill the parts up, and a last pass moves the fewest samples
    needed to give every part exactly its size, choosing those whose labels
    the receiving part wants most.

    Parameters
    ----------
    Y : {ndarray, sparse matrix} of shape (n_samples, n_labels)
        0/1 indicator matrix (a binary target is one column).
    proportions : sequence of float
        Share of the samples each part wants; they sum to 1.
    random_state : int, RandomState instance or None
        Ties and the order of samples within a label.
    sizes : sequence of int, default=None
        Exact number of samples of each part (summing to ``n_samples``);
        None rounds ``proportions``, the remainders going to the first parts.

    Returns
    -------
    part : ndarray of int64 of shape (n_samples,)
        The part of each sample.
    """
    rng = check_random_state(random_state)
    Y = sp.csr_matrix(Y, dtype=np.float64) if not sp.issparse(Y) else Y.tocsr()
    Y = Y.astype(np.float64)
    n_samples, n_labels = Y.shape
    proportions = np.asarray(proportions, dtype=np.float64)
    n_parts = proportions.size
    if sizes is None:
        sizes = np.floor(proportions * n_samples).astype(np.int64)
        sizes[: n_samples - sizes.sum()] += 1
    sizes = np.asarray(sizes, dtype=np.int64)
    want_samples = sizes.astype(np.float64)
    n_pos = np.asarray(Y.sum(axis=0)).ravel()
    # want[p, j]: positives of label j that part p still wants.
    want = proportions[:, None] * n_pos[None, :]
    part = np.full(n_samples, -1, dtype=np.int64)
    left = np.ones(n_samples, dtype=bool)
    CSC = Y.tocsc()
    remaining = n_pos.copy()
    tie = rng.random_sample(n_labels)
    while True:
        open_labels = remaining > 0
        if not open_labels.any():
            break
        # The label with the fewest positives left; ties at random.
        candidates = np.flatnonzero(open_labels)
        order = np.lexsort((tie[candidates], remaining[candidates]))
        label = candidates[order[0]]
        rows = CSC.indices[CSC.indptr[label] : CSC.indptr[label + 1]]
        rows = rows[left[rows]]
        rows = rows[rng.permutation(rows.size)]
        # A few samples at a time, so that what each part wants of the
        # other labels is up to date when the next samples are placed.
        for start in range(0, rows.size, _CHUNK * n_parts):
            chunk = rows[start : start + _CHUNK * n_parts]
            counts = _greedy_counts(want[:, label], want_samples, chunk.size, rng)
            taken = Y[chunk]
            assigned = _place(taken, counts, want, proportions, remaining)
            part[chunk] = assigned
            left[chunk] = False
            got = _sum_rows_by_part(taken, assigned, n_parts)
            want -= got
            remaining -= got.sum(axis=0)
            want_samples -= counts
    # Samples without positives fill the parts up to their sizes.
    rest = np.flatnonzero(left)
    rest = rest[rng.permutation(rest.size)]
    fill = np.maximum(sizes - np.bincount(part[~left], minlength=n_parts), 0)
    fill = _shrink_to(fill, rest.size)
    part[rest[: fill.sum()]] = np.repeat(np.arange(n_parts), fill)
    unplaced = rest[fill.sum() :]
    if unplaced.size:  # only when the sizes cannot all be met above
        short = sizes - np.bincount(part[part >= 0], minlength=n_parts)
        part[unplaced] = np.argmax(short)
    return _exact_sizes(part, sizes, Y, want, rng)


_CHUNK = 8  # samples per part placed between two updates of the wants


def _place(taken, counts, want, proportions, remaining):
    """The part of each of the ``taken`` samples, ``counts[p]`` in part ``p``.

    A part gets the samples whose other labels it lags most on: what it
    wants of a label beyond its proportion of that label's positives left.
    """
    lag = want - proportions[:, None] * remaining[None, :]
    fit = np.asarray(taken @ lag.T)
    fit -= fit.mean(axis=1, keepdims=True)
    assigned = np.full(taken.shape[0], -1, dtype=np.int64)
    for p in np.argsort(counts, kind="stable"):
        if counts[p] == 0:
            continue
        free = np.flatnonzero(assigned < 0)
        best = free[np.argsort(-fit[free, p], kind="stable")[: counts[p]]]
        assigned[best] = p
    return assigned


def _sum_rows_by_part(rows, part, n_parts):
    """Dense ``(n_parts, n_labels)`` sums of the sparse ``rows`` of each part."""
    onehot = sp.csr_matrix(
        (np.ones(part.size), (part, np.arange(part.size))),
        shape=(n_parts, part.size),
    )
    return np.asarray((onehot @ rows).todense())


def _shrink_to(fill, total):
    """Cut the counts ``fill`` so that they sum to at most ``total``."""
    fill = fill.copy()
    excess = fill.sum() - total
    for p in np.argsort(-fill):
        if excess <= 0:
            break
        cut = min(excess, fill[p])
        fill[p] -= cut
        excess -= cut
    return fill


def _greedy_counts(want, want_samples, m, rng):
    """How many of ``m`` samples each part gets, one at a time to the neediest.

    Taking a sample lowers its part's want by one, so the greedy sequence
    takes the ``m`` largest values of ``want[p] - i`` (``i = 0, 1, ...``);
    ties go to the part that wants more samples, then at random.
    """
    n_parts = want.size
    if m == 0:
        return np.zeros(n_parts, dtype=np.int64)
    steps = np.arange(m, dtype=np.float64)
    values = (want[:, None] - steps[None, :]).ravel()
    owners = np.repeat(np.arange(n_parts), m)
    # Within a part, step i never comes before step i - 1: its value is lower.
    key_size = want_samples[owners] - np.tile(steps, n_parts)
    tie = rng.random_sample(n_parts)[owners]
    order = np.lexsort((tie, -key_size, -values))[:m]
    return np.bincount(owners[order], minlength=n_parts).astype(np.int64)


def _exact_sizes(part, sizes, Y, want, rng):
    """Move the fewest samples needed so that every part has its size.

    Samples go from a part with too many to one with too few, a few at a
    time; those moved lower most the squared gaps between what the parts
    want of each label and what they got: moving a sample with labels ``y``
    changes them by ``2 * sum(y * (1 + want[giver] - want[taker]))``.
    """
    n_parts = sizes.size
    while True:
        gap = np.bincount(part, minlength=n_parts) - sizes
        if not gap.any():
            return part
        giver, taker = int(np.argmax(gap)), int(np.argmin(gap))
        m = int(min(gap[giver], -gap[taker], _CHUNK))
        rows = np.flatnonzero(part == giver)
        gain = np.asarray(Y[rows] @ (want[taker] - want[giver] - 1.0)).ravel()
        tie = rng.random_sample(rows.size)
        chosen = rows[np.lexsort((tie, -gain))[:m]]
        moved = np.asarray(Y[chosen].sum(axis=0)).ravel()
        want[taker] -= moved
        want[giver] += moved
        part[chosen] = taker


def check_validation_size(size, n_samples):
    """Both parts of the split must hold a sample; say so by name."""
    fraction = not isinstance(size, Integral)
    n_held_out = ceil(size * n_samples) if fraction else size
    if n_held_out >= n_samples:
        raise ValueError(
            f"validation_size={size} holds out {n_held_out} of the {n_samples} "
            f"samples{' (rounded up)' if fraction else ''}, which leaves none "
            f"to fit the base estimator; give an int below {n_samples} or a "
            "smaller fraction."
        )


def _seed(random_state):
    """An int seed: the int given, or one draw from the generator given.

    The classifier passes its generator, of which the split takes exactly
    one draw, as the seed of ``train_test_split`` did.
    """
    if isinstance(random_state, Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def held_out_split(Y, validation_size, random_state, groups=None):
    """Training and held-out rows: stratified on every label, or by groups.

    Parameters
    ----------
    Y : {ndarray, sparse matrix} of shape (n_samples, n_labels)
        0/1 indicator matrix (one column for a binary target).
    validation_size : float or int
        Fraction of the samples held out (rounded up) or their number.
    random_state : int, RandomState instance or None
        Seeds the split: an int directly, a generator by one draw.
    groups : array-like of shape (n_samples,), default=None
        With groups, whole groups are held out (``GroupShuffleSplit``, not
        stratified); the held-out share is then a share of the groups.

    Returns
    -------
    train, held_out : ndarray of int
        Row indices, each sorted.
    """
    n_samples = Y.shape[0]
    seed = _seed(random_state)
    rng = np.random.RandomState(seed)
    if groups is not None:
        splitter = GroupShuffleSplit(1, test_size=validation_size, random_state=seed)
        train, held_out = next(splitter.split(np.zeros(n_samples), None, groups))
        return np.sort(train), np.sort(held_out)
    if isinstance(validation_size, Integral):
        n_held = int(validation_size)
    else:
        n_held = ceil(validation_size * n_samples)
    sizes = np.array([n_samples - n_held, n_held])
    part = iterative_stratification(Y, sizes / n_samples, rng, sizes=sizes)
    return np.flatnonzero(part == 0), np.flatnonzero(part == 1)


def stratified_folds(Y, n_folds, random_state, groups=None):
    """Folds for ``cv=int``: iterative stratification, or group folds.

    Parameters
    ----------
    Y : {ndarray, sparse matrix} of shape (n_samples, n_labels)
        0/1 indicator matrix (one column for a binary target).
    n_folds : int
        Number of folds; fold sizes as ``KFold`` gives them.
    random_state : int, RandomState instance or None
        Seeds the folds: an int directly, a generator by one draw.
    groups : array-like of shape (n_samples,), default=None
        With groups, no group straddles two folds: ``StratifiedGroupKFold``
        for one label, ``GroupKFold`` for several.

    Returns
    -------
    folds : list of (train, test)
        Row indices, each sorted.
    """
    n_samples = Y.shape[0]
    seed = _seed(random_state)
    rng = np.random.RandomState(seed)
    if groups is not None:
        if Y.shape[1] == 1:
            y = np.asarray(Y[:, [0]].todense() if sp.issparse(Y) else Y[:, 0]).ravel()
            splitter = StratifiedGroupKFold(n_folds, shuffle=True, random_state=seed)
            return list(splitter.split(np.zeros(n_samples), y, groups))
        splitter = GroupKFold(n_folds, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(n_samples), None, groups))
    sizes = np.full(n_folds, n_samples // n_folds, dtype=np.int64)
    sizes[: n_samples % n_folds] += 1
    part = iterative_stratification(Y, sizes / n_samples, rng, sizes=sizes)
    return [
        (np.flatnonzero(part != k), np.flatnonzero(part == k)) for k in range(n_folds)
    ]


def route_fit_metadata(owner, sample_weight, groups, fit_params):
    """What ``fit`` passes on: to the base estimator, and to the splitter.

    With metadata routing enabled (``sklearn.set_config(
    enable_metadata_routing=True)``), scikit-learn's routing decides, as in
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV`: the base
    estimator gets what it requests (``set_fit_request``), a splitter given
    as ``cv`` what it requests (``groups``). Without it, as before routing:
    every fit parameter goes to the base estimator, ``sample_weight`` too
    when its ``fit`` takes one, and ``groups`` to the splitter.

    Returns
    -------
    base_params, split_params : dict
    """
    metadata = {"sample_weight": sample_weight, "groups": groups}
    metadata = {name: value for name, value in metadata.items() if value is not None}
    if get_config()["enable_metadata_routing"]:
        routed = process_routing(owner, "fit", **metadata, **fit_params)
        split = routed.splitter.split if _is_splitter(owner.cv) else {}
        return dict(routed.estimator.fit), dict(split)
    base_params = dict(fit_params)
    if sample_weight is not None and has_fit_parameter(
        owner.base_estimator, "sample_weight"
    ):
        base_params["sample_weight"] = sample_weight
    return base_params, ({} if groups is None else {"groups": groups})


def metadata_router(owner):
    """The classifier's router: itself, its base estimator, a ``cv`` splitter."""
    router = MetadataRouter(owner=owner).add_self_request(owner)
    router.add(
        estimator=owner.base_estimator,
        method_mapping=MethodMapping().add(caller="fit", callee="fit"),
    )
    if _is_splitter(owner.cv):
        router.add(
            splitter=owner.cv,
            method_mapping=MethodMapping().add(caller="fit", callee="split"),
        )
    return router


def _is_splitter(cv):
    return hasattr(cv, "split") and hasattr(cv, "get_n_splits")
