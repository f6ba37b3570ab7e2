"""The skthresh command line."""

import argparse
import sys


def _build_parser():
    from skthresh import __version__
    from skthresh._demo import BASE_NAMES

    parser = argparse.ArgumentParser(
        prog="skthresh",
        description="Learn the decision thresholds of multi-label classifiers.",
    )
    parser.add_argument("--version", action="version", version=f"skthresh {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="compare every strategy on the bundled yeast data",
        description=(
            "Fit a base model on the bundled yeast data, learn thresholds with "
            "every strategy on a validation split and print their micro- and "
            "macro-F1 on a held-out test split."
        ),
    )
    demo.add_argument("--base", choices=BASE_NAMES, default="logreg", help="base model")
    demo.add_argument("--random-state", type=int, default=0, help="seed of the splits")
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "demo":
        from skthresh._demo import run_demo

        run_demo(base=args.base, random_state=args.random_state)
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
