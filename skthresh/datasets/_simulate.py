"""Simulated multi-label score matrices from a miscalibrated audio tagger."""

import numbers
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import expit, logit
from sklearn.utils import Bunch, check_random_state

# Rows are generated in chunks of about this many cells. Each chunk has its own
# random streams, so the chunk size is part of the definition of the output for
# a given seed: do not make it depend on anything but ``n_labels``.
_CHUNK_CELLS = 2**20
# Log-scale standard deviation of the per-label separabilities.
_SEPARABILITY_LOG_SD = 0.4


def _seed_sequence(random_state):
    """Turn ``random_state`` into a root ``np.random.SeedSequence``."""
    if random_state is None or isinstance(random_state, numbers.Integral):
        if random_state is not None and random_state < 0:
            raise ValueError(
                f"random_state must be a non-negative integer, got {random_state}."
            )
        seed = None if random_state is None else int(random_state)
        return np.random.SeedSequence(seed)
    if isinstance(random_state, np.random.Generator):
        return np.random.SeedSequence(random_state.integers(0, 2**32, size=4).tolist())
    random_state = check_random_state(random_state)
    entropy = random_state.randint(0, 2**32, size=4, dtype=np.int64)
    return np.random.SeedSequence(entropy.tolist())


def _child_rng(root, *key):
    """A generator for the independent stream identified by ``key``."""
    seq = np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key + key)
    return np.random.default_rng(seq)


def _zipf_priors(n_labels, mean_labels_per_sample, exponent):
    """Priors ``min(1, c * rank**-exponent)`` summing to the requested mean."""
    weights = np.arange(1, n_labels + 1, dtype=np.float64) ** -exponent
    lo, hi = 0.0, 1.0 / weights[-1]
    for _ in range(200):  # bisection on c; the sum is increasing in c
        c = 0.5 * (lo + hi)
        if np.minimum(c * weights, 1.0).sum() < mean_labels_per_sample:
            lo = c
        else:
            hi = c
    return np.minimum(hi * weights, 1.0)


def _check_int(value, name, minimum):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def _check_real(value, name, *, low=None, low_inclusive=True, high=None):
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}.")
    value = float(value)
    ok = np.isfinite(value)
    if low is not None:
        ok = ok and (value >= low if low_inclusive else value > low)
    if high is not None:
        ok = ok and value < high
    if not ok:
        interval = "[" if low_inclusive else "("
        interval += f"{'-inf' if low is None else low}, "
        interval += f"{'inf' if high is None else high})"
        raise ValueError(f"{name} must be in {interval}, got {value}.")
    return value


def _effective_n_jobs(n_jobs):
    if n_jobs is None:
        return 1
    n_jobs = _check_int(n_jobs, "n_jobs", -(2**31))
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, a positive or -1.")
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return n_jobs


def _fill_chunk(root, part, chunk, Y, S, prior, loc, scale, shift, output):
    """Draw labels into ``Y`` and scores into ``S`` (views of one row chunk)."""
    uniform = _child_rng(root, part, chunk, 0).random(Y.shape, dtype=np.float32)
    np.less(uniform, prior, out=Y.view(np.bool_))
    _child_rng(root, part, chunk, 1).standard_normal(out=S, dtype=S.dtype)
    S *= scale
    S += loc
    buffer = uniform if S.dtype == np.float32 else np.empty_like(S)
    np.multiply(Y, shift, out=buffer)
    S += buffer
    if output == "proba":
        expit(S, out=S)


def _generate(root, part, n_samples, params, dtype, output, n_jobs):
    n_labels = params.prior.shape[0]
    Y = np.empty((n_samples, n_labels), dtype=np.uint8)
    S = np.empty((n_samples, n_labels), dtype=dtype)
    prior = params.prior.astype(np.float32)
    loc, scale, shift = (
        np.asarray(v, dtype=dtype) for v in (params.loc, params.scale, params.shift)
    )
    rows = max(1, _CHUNK_CELLS // n_labels)
    starts = range(0, n_samples, rows)

    def work(chunk):
        sl = slice(chunk * rows, (chunk + 1) * rows)
        _fill_chunk(root, part, chunk, Y[sl], S[sl], prior, loc, scale, shift, output)

    n_threads = min(n_jobs, len(starts))
    if n_threads <= 1:
        for chunk in range(len(starts)):
            work(chunk)
    else:
        with ThreadPoolExecutor(max_workers=n_threads) as executor:
            list(executor.map(work, range(len(starts))))
    return Y, S


def make_tagging_scores(
    n_samples=20000,
    n_labels=527,
    *,
    n_test_samples=None,
    mean_labels_per_sample=2.6,
    prior_exponent=1.0,
    separability=2.0,
    bias=-0.75,
    miscalibration=1.0,
    output="proba",
    dtype=np.float32,
    return_params=False,
    n_jobs=None,
    random_state=None,
):
    """Generate labels and scores of a miscalibrated multi-label tagger.

    Simulates what an AudioSet-style audio tagger produces on a set of clips:
    a binary label matrix with long-tailed label frequencies and, for every
    clip and label, a score from a classifier whose per-label calibration is
    off by a random shift and temperature. The best decision threshold then
    differs widely between labels and the usual 0.5 is a poor choice, which
    is the situation per-label threshold tuning is meant for.

    The labels of each clip are independent given the per-label parameters;
    see the Notes for the exact generative model.

    Parameters
    ----------
    n_samples : int, default=20000
        Number of samples (clips) in the tuning part.

    n_labels : int, default=527
        Number of labels (527 is the size of the AudioSet ontology).

    n_test_samples : int or None, default=None
        If an int, also draw this many independent test samples from the same
        tagger (same per-label parameters). If None, no test part is drawn.
        The tuning part does not depend on this value.

    mean_labels_per_sample : float, default=2.6
        Expected number of positive labels per sample, in ``(0, n_labels)``.

    prior_exponent : float, default=1.0
        Exponent ``alpha >= 0`` of the power law (Zipf) for the label priors:
        the label of frequency rank ``r`` has prior proportional to
        ``r ** -alpha``. Larger values give a longer tail; 0 gives equal
        priors.

    separability : float, default=2.0
        Median over labels of the separability ``d_j > 0``, the distance in
        noise standard deviations between the score distributions of positives
        and negatives (``d_j = 2`` gives a ROC AUC of about 0.92).

    bias : float, default=-0.75
        Mean of the per-label logit offsets ``b_j``. Negative values make the
        tagger under-confident on average, as taggers trained on weak labels
        often are, so that the best thresholds lie mostly below 0.5.

    miscalibration : float, default=1.0
        Spread of the per-label miscalibration, ``>= 0``: the standard
        deviation of the offsets ``b_j`` and twice that of the log
        temperatures ``log(tau_j)``. With ``bias=0`` and ``miscalibration=0``
        the probability scores are exactly calibrated.

    output : {"proba", "logit"}, default="proba"
        Whether the scores are probabilities in ``[0, 1]`` (the sigmoid of the
        logits) or the logits (decision scores) themselves. For the same seed
        the two outputs are related exactly by ``proba = expit(logit)``
        computed in ``dtype``.

    dtype : {np.float32, np.float64}, default=np.float32
        Floating-point type of the score matrices. The labels do not depend on
        it.

    return_params : bool, default=False
        If True, also return a :class:`~sklearn.utils.Bunch` with the
        per-label parameters of the simulated tagger.

    n_jobs : int or None, default=None
        Number of threads used to generate the row chunks. None means 1 and -1
        means all processors. The output does not depend on it.

    random_state : int, RandomState instance or None, default=None
        Determines the random parameters and draws. Pass an int for
        reproducible output across multiple function calls. A
        :class:`numpy.random.Generator` is also accepted.

    Returns
    -------
    Y : ndarray of shape (n_samples, n_labels), dtype=uint8
        Label indicator matrix of the tuning part, with values 0 and 1.

    S : ndarray of shape (n_samples, n_labels), dtype=dtype
        Scores of the tuning part: probabilities or logits, see ``output``.

    Y_test : ndarray of shape (n_test_samples, n_labels), dtype=uint8
        Label indicator matrix of the test part. Only returned if
        ``n_test_samples`` is not None.

    S_test : ndarray of shape (n_test_samples, n_labels), dtype=dtype
        Scores of the test part. Only returned if ``n_test_samples`` is not
        None.

    params : :class:`~sklearn.utils.Bunch`
        Only returned if ``return_params=True``. Arrays of shape (n_labels,):
        ``prior`` (``pi_j``), ``separability`` (``d_j``), ``offset``
        (``b_j``), ``temperature`` (``tau_j``), and the resulting logit
        distribution, ``loc`` (``mu_j``, mean logit of negatives), ``scale``
        (``sigma_j``, standard deviation of the logits) and ``shift``
        (``d_j * sigma_j``, mean logit of positives minus that of negatives).

    See Also
    --------
    skthresh.datasets.load_yeast : A real multi-label dataset, to train a
        classifier on.

    Notes
    -----
    Let ``L = n_labels``. All per-label parameters are drawn once and shared
    by the tuning and the test part:

    1. Priors. With ranks ``r = 1, ..., L``, the prior of rank ``r`` is
       ``min(1, c * r ** -prior_exponent)`` with ``c`` chosen so that the
       priors sum to ``mean_labels_per_sample``; the ranks are assigned to the
       labels in a random order, so ``pi_j`` is label ``j``'s prior. With the
       defaults and 20,000 samples, about a quarter of the labels have fewer
       than 20 positives.
    2. Separability ``d_j = separability * exp(0.4 * u_j)``, offset
       ``b_j = bias + miscalibration * v_j`` and temperature
       ``tau_j = exp(miscalibration * w_j / 2)``, with ``u_j, v_j, w_j``
       independent standard normal.

    Then, independently for every sample ``i`` and label ``j``:

    3. ``y_ij ~ Bernoulli(pi_j)``.
    4. Evidence ``x_ij = d_j * y_ij + e_ij`` with ``e_ij ~ N(0, 1)``, whose
       exact log posterior odds are
       ``l_ij = logit(pi_j) + d_j * x_ij - d_j ** 2 / 2``.
    5. The tagger's logit is ``z_ij = (l_ij + b_j) / tau_j`` and its
       probability ``expit(z_ij) = 1 / (1 + exp(-z_ij))``.

    Equivalently, the logits of negatives follow ``N(mu_j, sigma_j ** 2)`` and
    those of positives ``N(mu_j + d_j * sigma_j, sigma_j ** 2)``, where
    ``sigma_j = d_j / tau_j`` and
    ``mu_j = (logit(pi_j) - d_j ** 2 / 2 + b_j) / tau_j``: the equal-variance
    binormal model of a classifier with separability ``d_j``, shifted by
    ``b_j`` and scaled by the temperature ``1 / tau_j`` away from calibration.
    Without miscalibration (``bias=0``, ``miscalibration=0``) the
    probabilities are the true posteriors ``P(y_ij = 1 | x_ij)``.

    The rows are generated in chunks, each with its own random streams
    derived from ``random_state``, so the output for a given seed is the same
    for any ``n_jobs``, and the first ``k`` rows do not depend on
    ``n_samples >= k``. Apart from the outputs, memory use is a few MB per
    thread.

    Examples
    --------
    >>> from skthresh.datasets import make_tagging_scores
    >>> Y, S = make_tagging_scores(1000, 20, random_state=0)
    >>> Y.shape, Y.dtype, S.shape, S.dtype
    ((1000, 20), dtype('uint8'), (1000, 20), dtype('float32'))
    >>> Y, S, Y_test, S_test = make_tagging_scores(
    ...     1000, 20, n_test_samples=500, random_state=0
    ... )
    >>> Y_test.shape, S_test.shape
    ((500, 20), (500, 20))
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_labels = _check_int(n_labels, "n_labels", 1)
    if n_test_samples is not None:
        n_test_samples = _check_int(n_test_samples, "n_test_samples", 1)
    mean_labels_per_sample = _check_real(
        mean_labels_per_sample,
        "mean_labels_per_sample",
        low=0,
        low_inclusive=False,
        high=n_labels,
    )
    prior_exponent = _check_real(prior_exponent, "prior_exponent", low=0)
    separability = _check_real(separability, "separability", low=0, low_inclusive=False)
    bias = _check_real(bias, "bias")
    miscalibration = _check_real(miscalibration, "miscalibration", low=0)
    if output not in ("proba", "logit"):
        raise ValueError(f"output must be 'proba' or 'logit', got {output!r}.")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
    n_jobs = _effective_n_jobs(n_jobs)

    root = _seed_sequence(random_state)
    rng = _child_rng(root, 0)
    prior = _zipf_priors(n_labels, mean_labels_per_sample, prior_exponent)
    prior = prior[rng.permutation(n_labels)]
    d = separability * np.exp(_SEPARABILITY_LOG_SD * rng.standard_normal(n_labels))
    offset = bias + miscalibration * rng.standard_normal(n_labels)
    temperature = np.exp(0.5 * miscalibration * rng.standard_normal(n_labels))
    # logit(1) is inf; a label with prior 1 is always positive and the clip
    # keeps its scores finite.
    log_odds = logit(np.clip(prior, 1e-300, 1.0 - 1e-16))
    scale = d / temperature
    params = Bunch(
        prior=prior,
        separability=d,
        offset=offset,
        temperature=temperature,
        loc=(log_odds - d**2 / 2 + offset) / temperature,
        scale=scale,
        shift=d * scale,
    )

    result = _generate(root, 1, n_samples, params, dtype, output, n_jobs)
    if n_test_samples is not None:
        result += _generate(root, 2, n_test_samples, params, dtype, output, n_jobs)
    if return_params:
        result += (params,)
    return result
