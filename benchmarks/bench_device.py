"""The surrogate strategy on CPU and on CUDA: time, passes and agreement.

The same simulated float32 matrix (``make_tagging_scores(n, L,
random_state=0)``) is tuned by ``SurrogateThreshold(device=...)`` on each
device, for each ``--modes`` formulation ("sorted": counts and integrated
gradients from sorted scores; "dense": the paper's autograd over the full
matrix). Time is the median of ``--repeats`` runs after one warm-up run on
a slice (CUDA context and kernels), also in passes: one pass is the median
time of ``(S > thresholds).sum(0)`` with numpy on the CPU. The thresholds of
the two devices must agree: the largest difference at most ``--atol`` and
the tuning micro-F1 within ``--f1-tol``; the exit status is 1 otherwise.

Without CUDA, the script says so and exits with 0.

Examples::

    python benchmarks/bench_device.py                     # cpu vs cuda
    python benchmarks/bench_device.py --n-samples 100000 --n-labels 2000
    python benchmarks/bench_device.py --tiny --devices cpu,cpu   # smoke run
"""

import argparse
import sys
import time
import warnings

import numpy as np
from _timing import pass_time


def parse_args(argv=None):
    """Command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=20000)
    parser.add_argument("--n-labels", type=int, default=527)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--modes", default="sorted,dense", help="comma-separated: sorted, dense"
    )
    parser.add_argument(
        "--devices",
        default="cpu,cuda",
        help="the two devices compared (the second is the one checked for CUDA)",
    )
    parser.add_argument(
        "--atol", type=float, default=1e-3, help="largest threshold difference"
    )
    parser.add_argument(
        "--f1-tol", type=float, default=1e-3, help="largest micro-F1 difference"
    )
    parser.add_argument(
        "--tiny", action="store_true", help="smoke run: small sizes, one repeat"
    )
    args = parser.parse_args(argv)
    if args.tiny:
        args.n_samples, args.n_labels, args.repeats = 400, 12, 1
    args.modes = [m for m in args.modes.split(",") if m]
    if not args.modes or set(args.modes) - {"sorted", "dense"}:
        parser.error(f"--modes must be among sorted, dense; got {args.modes}")
    args.devices = [d for d in args.devices.split(",") if d]
    if len(args.devices) != 2:
        parser.error("--devices needs two comma-separated devices")
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    return args


def cuda_missing(devices):
    """Why a CUDA device in ``devices`` cannot run here, or None."""
    if not any(str(d).startswith("cuda") for d in devices):
        return None
    try:
        import torch
    except ImportError:
        return "torch is not installed"
    if not torch.cuda.is_available():
        return "CUDA is not available on this machine"
    return None


def device_name(device):
    """A readable name of a device."""
    if str(device).startswith("cuda"):
        import torch

        return torch.cuda.get_device_name(torch.device(device))
    return f"CPU, {__import__('torch').get_num_threads()} torch thread(s)"


def run(Y, S, mode, device, repeats):
    """Median seconds and the thresholds of the surrogate on one device."""
    from skthresh.strategies import SurrogateThreshold

    strategy = SurrogateThreshold(mode=mode, device=device)
    with warnings.catch_warnings():  # warm-up: CUDA context, kernels
        warnings.simplefilter("ignore")
        strategy.optimize(Y[:200], S[:200])
    times, thresholds = [], None
    for _ in range(repeats):
        if str(device).startswith("cuda"):
            __import__("torch").cuda.synchronize()
        start = time.perf_counter()
        thresholds = strategy.optimize(Y, S)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), thresholds


def main(argv=None):
    """Run the comparison; 0 when the devices agree (or CUDA is absent)."""
    args = parse_args(argv)
    missing = cuda_missing(args.devices)
    if missing:
        print(f"bench_device: skipped, {missing} (devices {args.devices}).")
        return 0

    from skthresh.datasets import make_tagging_scores
    from skthresh.metrics import f1_score

    Y, S = make_tagging_scores(
        args.n_samples, args.n_labels, dtype=np.float32, random_state=0
    )
    one_pass = pass_time(S)
    print("## Surrogate strategy by device\n")
    print(
        f"make_tagging_scores({args.n_samples}, {args.n_labels}), float32; "
        f"one pass (numpy, CPU) = {one_pass * 1e3:.2f} ms; time is the median "
        f"of {args.repeats} run(s).\n"
    )
    for device in dict.fromkeys(args.devices):
        print(f"- {device}: {device_name(device)}")
    print(
        "\n| mode | device | tuning micro-F1 | time (s) | passes | speed-up |"
        "\n|---|---|---|---|---|---|"
    )
    failures = []
    for mode in args.modes:
        results = [run(Y, S, mode, device, args.repeats) for device in args.devices]
        f1s = [float(f1_score(Y, S > thr)) for _, thr in results]
        for device, (seconds, _), f1 in zip(args.devices, results, f1s, strict=True):
            print(
                f"| {mode} | {device} | {f1:.4f} | {seconds:.3f} "
                f"| {seconds / one_pass:,.0f} | {results[0][0] / seconds:.2f} |"
            )
        diff = np.abs(results[0][1] - results[1][1])
        close = float(np.mean(diff <= args.atol))
        ok = bool(diff.max() <= args.atol and abs(f1s[0] - f1s[1]) <= args.f1_tol)
        failures += [] if ok else [mode]
        print(
            f"| {mode} | agreement | F1 diff {abs(f1s[0] - f1s[1]):.2e} "
            f"| max threshold diff {diff.max():.2e} "
            f"| {close:.1%} of labels within {args.atol:g} "
            f"| {'OK' if ok else 'FAIL'} |"
        )
    if failures:
        print(f"\nThresholds disagree beyond tolerance in mode(s) {failures}.")
        return 1
    print("\nThresholds agree within tolerance.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
