"""The options and help texts of the skthresh command line."""

import argparse
import textwrap

_FORMATS = (
    "Score and label files: .npy, .npz (one array, or the one named with a key "
    "option), .csv (comma-separated) or .tsv (tab-separated), with an optional "
    "header row of distinct label names. Rows are "
    "samples, columns labels; labels are 0/1 or True/False. Pickled files are "
    "never loaded."
)
_OUTPUTS = (
    "The output is written to a temporary file beside it, then renamed: an "
    "interrupted run leaves the old file as it was. A file that is replaced "
    "keeps its permissions; a symbolic link is written through to its target. "
    "An output that is one of the inputs is refused."
)
_METRICS = (
    "f1_micro (default), f1_macro, f1_samples or f<beta>_<average> such as "
    "f2_micro; an operating point, the best recall at a precision floor "
    "recall@precision=0.9 (per label; add :micro to pool the labels, "
    ":confidence=0.95 to meet it on new data with that probability) or the "
    "reverse, precision@recall=0.8; or a linear utility "
    "utility:tp=1,fp=-5,fn=0,tn=0"
)
_MAIN_EPILOG = """\
typical session:
  skthresh fit --scores val_scores.npy --labels val_labels.npy --out thr.json
  skthresh apply --scores test_scores.npy --thresholds thr.json --out dec.npy
  skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
      --thresholds thr.json
  skthresh compare --scores val_scores.npy --labels val_labels.npy \\
      --test-scores test_scores.npy --test-labels test_labels.npy

{formats}

exit status: 0 success, 1 unexpected error, 2 bad input or option, 130
interrupted (Ctrl-C), 143 terminated (SIGTERM).

Run 'skthresh COMMAND --help' for the options of a command."""


def _paragraphs(*texts):
    """Help text wrapped to 79 columns, paragraphs kept apart."""
    return "\n\n".join(textwrap.fill(text, 79) for text in texts)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, exit status 2."""

    def error(self, message):
        self.exit(2, f"skthresh: error: {message} (see '{self.prog} --help')\n")


def build_parser():
    """The parser of ``skthresh`` and its commands.

    Returns
    -------
    parser : argparse.ArgumentParser
        Its errors print one line on stderr and exit with status 2.
    """
    from skthresh._demo import BASE_NAMES
    from skthresh._version import __version__

    parser = _Parser(
        prog="skthresh",
        description="Learn the decision thresholds of multi-label classifiers.",
        epilog=_MAIN_EPILOG.format(
            formats=_paragraphs(
                _FORMATS + " A label is predicted when its score > its threshold."
            )
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"skthresh {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_fit(sub)
    _add_apply(sub)
    _add_evaluate(sub)
    _add_compare(sub)
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


def _add_tuning_inputs(parser, *, what):
    parser.add_argument(
        "--scores",
        required=True,
        metavar="FILE",
        help=f"scores of the {what} samples, shape (n_samples, n_labels)",
    )
    parser.add_argument(
        "--labels",
        required=True,
        metavar="FILE",
        help="their true 0/1 labels, same shape and row order",
    )
    _add_keys(parser, ("scores", "labels"))


def _add_keys(parser, roles):
    parser.add_argument(
        "--key",
        metavar="NAME",
        help="name of the array in every .npz input (default: its only array)",
    )
    for role in roles:
        parser.add_argument(
            f"--{role}-key",
            metavar="NAME",
            help=f"name of the array in the --{role} .npz file (overrides --key)",
        )


def _add_strategy_options(parser, *, compare):
    from skthresh.strategies._registry import available_strategies

    where = "to every strategy that has it" if compare else "to the strategy"
    if not compare:
        parser.add_argument(
            "--strategy",
            default="surrogate",
            metavar="NAME",
            help="strategy: %(default)s (SGL-Thresh, the default) or another "
            f"registered one ({', '.join(available_strategies())}); 'skthresh "
            "compare' runs them all",
        )
    parser.add_argument(
        "--metric",
        default="f1_micro",
        metavar="NAME",
        help=f"metric to maximize: {_METRICS}",
    )
    parser.add_argument(
        "--slope", type=float, metavar="X", help=f"surrogate slope, passed {where}"
    )
    parser.add_argument(
        "--learning-rate", type=float, metavar="X", help=f"step size, passed {where}"
    )
    parser.add_argument(
        "--max-iter",
        type=int,
        metavar="N",
        help=f"number of iterations, passed {where}",
    )
    qualified = "; STRATEGY.NAME=VALUE sets it on one strategy only" if compare else ""
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other strategy parameter, repeatable; VALUE is read as JSON "
        f"(10, 0.3, true, [0.2, 0.5]) or else as a string{qualified}",
    )
    parser.add_argument(
        "--device",
        help="where torch computes: cpu, cuda or cuda:N (strategies with a "
        "device parameter)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        metavar="N",
        help="seed of randomized strategies, for reproducible thresholds",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="print progress on stderr (-vv: more)",
    )


def _add_fit(sub):
    fit = sub.add_parser(
        "fit",
        help="learn one threshold per label from validation scores",
        description=_paragraphs(
            "Learn one decision threshold per label from the scores and labels "
            "of validation samples, maximizing a metric, and write them to a "
            "JSON file for 'skthresh apply' and 'skthresh evaluate'. The file "
            "records the strategy, its parameters, the metric and its value on "
            "the validation data.",
            "The time printed is that of the learning alone, as in 'skthresh "
            "compare': an untimed run on a few rows first absorbs one-off "
            "start-up costs (imports).",
            _FORMATS,
            _OUTPUTS,
        ),
        epilog=(
            "example:\n  skthresh fit --scores val_scores.npy --labels "
            "val_labels.npy --out thresholds.json\n  skthresh fit --scores "
            "val.npz --scores-key scores --labels val.npz --labels-key labels "
            "\\\n      --strategy coordinate --metric f1_macro --out thr.json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_tuning_inputs(fit, what="validation")
    fit.add_argument(
        "--out", required=True, metavar="FILE", help="thresholds file to write (.json)"
    )
    _add_strategy_options(fit, compare=False)


def _add_apply(sub):
    apply = sub.add_parser(
        "apply",
        help="turn scores into 0/1 decisions with learned thresholds",
        description=_paragraphs(
            "Turn scores into 0/1 decisions, label j being predicted when its "
            "score > thresholds[j], and write them to a file. The scores must "
            "have one column per threshold, and the same label names when both "
            "files name them.",
            _FORMATS,
            _OUTPUTS,
        ),
        epilog=(
            "example:\n  skthresh apply --scores test_scores.npy --thresholds "
            "thresholds.json --out decisions.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.add_argument("--scores", required=True, metavar="FILE", help="score file")
    _add_keys(apply, ("scores",))
    apply.add_argument(
        "--thresholds",
        required=True,
        metavar="FILE",
        help="thresholds file written by 'skthresh fit'",
    )
    apply.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="decisions to write: .npy or .npz (uint8), .csv or .tsv (0/1 with "
        "a header of label names when they are known)",
    )
    apply.add_argument(
        "-v", "--verbose", action="count", default=0, help="print progress on stderr"
    )


def _add_evaluate(sub):
    evaluate = sub.add_parser(
        "evaluate",
        help="F1, precision and recall of thresholds on labelled scores",
        description=_paragraphs(
            "Score the decisions of a thresholds file on labelled samples: "
            "micro-, macro- and samples-averaged F1, precision and recall "
            "(0 where undefined, as scikit-learn's zero_division=0).",
            "Thresholds learned for an operating point (--metric "
            "recall@precision=0.9 in 'skthresh fit') are also checked against "
            "its floor: each label's precision and recall and whether it meets "
            "the floor (the pooled precision for :micro).",
            _FORMATS,
        ),
        epilog=(
            "example:\n  skthresh evaluate --scores test_scores.npy --labels "
            "test_labels.npy --thresholds thresholds.json --per-label"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_tuning_inputs(evaluate, what="evaluation")
    evaluate.add_argument(
        "--thresholds",
        required=True,
        metavar="FILE",
        help="thresholds file written by 'skthresh fit'",
    )
    evaluate.add_argument(
        "--metric",
        metavar="NAME",
        help="metric to report besides F1, precision and recall (default: the "
        "one the thresholds file records); with a floor, such as "
        "recall@precision=0.9, each label's precision and recall against it",
    )
    evaluate.add_argument(
        "--per-label", action="store_true", help="also print a table per label"
    )
    evaluate.add_argument(
        "--json", action="store_true", help="print JSON instead of tables"
    )
    evaluate.add_argument(
        "-v", "--verbose", action="count", default=0, help="print progress on stderr"
    )


def _add_compare(sub):
    compare = sub.add_parser(
        "compare",
        help="run every strategy side by side on your data",
        description=_paragraphs(
            "Learn thresholds with every registered strategy (or those listed) "
            "on the same validation data and print a table of their metric on "
            "it, on held-out test data when given, and their run time. The "
            "fixed default threshold always runs first as the baseline of the "
            "gain column. Choose by the test column: the tuning column is "
            "optimistic.",
            "Options such as --max-iter go to every strategy that has that "
            "parameter; --param STRATEGY.NAME=VALUE sets one strategy's. The "
            "time column leaves out one-off start-up costs (imports), which an "
            "untimed run on a few rows absorbs.",
            _FORMATS,
        ),
        epilog=(
            "example:\n  skthresh compare --scores val_scores.npy --labels "
            "val_labels.npy \\\n      --test-scores test_scores.npy --test-labels "
            "test_labels.npy --strategies surrogate,coordinate"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_tuning_inputs(compare, what="validation")
    compare.add_argument(
        "--test-scores", metavar="FILE", help="scores of held-out test samples"
    )
    compare.add_argument("--test-labels", metavar="FILE", help="their true 0/1 labels")
    for role in ("scores", "labels"):
        compare.add_argument(
            f"--test-{role}-key",
            metavar="NAME",
            help=f"name of the array in the --test-{role} .npz file (default: "
            f"that of --{role}-key or --key)",
        )
    compare.add_argument(
        "--strategies",
        metavar="A,B,...",
        help="comma-separated strategy names (default: every registered one)",
    )
    compare.add_argument(
        "--json", action="store_true", help="print JSON instead of a table"
    )
    _add_strategy_options(compare, compare=True)
