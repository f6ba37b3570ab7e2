"""The skthresh command line."""

import argparse
import contextlib
import json
import sys
import textwrap
import time
import warnings

_FORMATS = (
    "Score and label files: .npy, .npz (one array, or the one named with a key "
    "option), .csv or .tsv (optional header row of label names). Rows are "
    "samples, columns labels; labels are 0/1 or True/False. Pickled files are "
    "never loaded."
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

Run 'skthresh COMMAND --help' for the options of a command."""


def _paragraphs(*texts):
    """Help text wrapped to 79 columns, paragraphs kept apart."""
    return "\n\n".join(textwrap.fill(text, 79) for text in texts)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr, exit status 2."""

    def error(self, message):
        self.exit(2, f"skthresh: error: {message} (see '{self.prog} --help')\n")


def _build_parser():
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
    from skthresh.strategies import available_strategies

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
        help="metric to maximize: f1_micro (default), f1_macro, f1_samples or "
        "f<beta>_<average> such as f2_micro",
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
            _FORMATS,
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
    fit.set_defaults(handler=_cmd_fit)


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
    apply.set_defaults(handler=_cmd_apply)


def _add_evaluate(sub):
    evaluate = sub.add_parser(
        "evaluate",
        help="F1, precision and recall of thresholds on labelled scores",
        description=_paragraphs(
            "Score the decisions of a thresholds file on labelled samples: "
            "micro-, macro- and samples-averaged F1, precision and recall "
            "(0 where undefined, as scikit-learn's zero_division=0).",
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
        "--per-label", action="store_true", help="also print a table per label"
    )
    evaluate.add_argument(
        "--json", action="store_true", help="print JSON instead of tables"
    )
    evaluate.add_argument(
        "-v", "--verbose", action="count", default=0, help="print progress on stderr"
    )
    evaluate.set_defaults(handler=_cmd_evaluate)


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
    compare.set_defaults(handler=_cmd_compare)


def main(argv=None):
    """Run the command line.

    User errors (bad files, options or parameters) print one line
    ``skthresh: error: <file or option>: <problem>`` on stderr and return 2.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    status : int
        The exit status: 0 on success, 2 on a user error.

    Examples
    --------
    >>> from skthresh._cli import main
    >>> main(["apply", "--scores", "missing.npy", "--thresholds", "t.json",
    ...       "--out", "decisions.npy"])  # stderr: skthresh: error: t.json: ...
    2
    """
    from skthresh._io import InputError

    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "demo":
        from skthresh._demo import run_demo

        run_demo(base=args.base, random_state=args.random_state)
        return 0
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning):
                warnings.simplefilter("ignore", category)  # for developers
            status = args.handler(args)
    except InputError as exc:
        _err(f"error: {exc}")
        return 2
    for message in dict.fromkeys(str(w.message) for w in caught):
        _err(f"warning: {message}")
    return status


# --------------------------------------------------------------------- helpers


def _err(message):
    print("skthresh: " + " ".join(message.split()), file=sys.stderr)


def _progress(args, message):
    if args.verbose:
        _err(message)


def _key(args, role):
    """The .npz key of an input: its own option, the validation one's, or --key."""
    own = getattr(args, f"{role}_key", None)
    shared = getattr(args, f"{role.removeprefix('test_')}_key", None)
    return own or shared or args.key


def _key_option(role):
    return f"--{role.replace('_', '-')}-key"


def _read_scores(args, path, role="scores"):
    from skthresh._io import read_scores

    S, names = read_scores(path, key=_key(args, role), key_option=_key_option(role))
    _progress(args, f"read {path}: {S.shape[0]} samples x {S.shape[1]} labels")
    return S, names


def _read_labels(args, path, role="labels"):
    from skthresh._io import read_labels

    Y, names = read_labels(path, key=_key(args, role), key_option=_key_option(role))
    _progress(args, f"read {path}: {Y.shape[0]} samples x {Y.shape[1]} labels")
    return Y, names


def _read_labelled(args, scores_path, labels_path, prefix=""):
    """Scores and labels of the same samples, with their label names."""
    S, s_names = _read_scores(args, scores_path, f"{prefix}scores")
    Y, y_names = _read_labels(args, labels_path, f"{prefix}labels")
    _check_same_shape(S, scores_path, Y, labels_path)
    names = _merge_names(s_names, scores_path, y_names, labels_path)
    return S, Y, names


def _check_same_shape(S, scores_path, Y, labels_path):
    from skthresh._io import InputError

    if Y.shape == S.shape:
        return
    if Y.shape == S.shape[::-1]:
        problem = (
            f"labels have shape {Y.shape} but the scores in {scores_path} have "
            f"shape {S.shape}; one of them looks transposed (rows must be "
            "samples, columns labels)."
        )
    elif Y.shape[0] != S.shape[0]:
        problem = (
            f"has {Y.shape[0]} rows but the scores in {scores_path} have "
            f"{S.shape[0]}; both need one row per sample, in the same order."
        )
    else:
        problem = (
            f"has {Y.shape[1]} label columns but the scores in {scores_path} "
            f"have {S.shape[1]}."
        )
    raise InputError(labels_path, problem)


def _merge_names(names, source, other, other_source):
    """Label names known from either file; an error if both know different ones."""
    from skthresh._io import InputError

    if names is None or other is None or list(names) == list(other):
        return names if names is not None else other
    if sorted(names) == sorted(other):
        detail = "the same labels in a different order"
    else:
        j = next(
            (i for i, (a, b) in enumerate(zip(names, other, strict=False)) if a != b),
            min(len(names), len(other)),
        )
        a = names[j] if j < len(names) else "(none)"
        b = other[j] if j < len(other) else "(none)"
        detail = f"label {j} is {b!r} here and {a!r} there"
    raise InputError(other_source, f"label names differ from {source}: {detail}.")


def _check_n_labels(S, scores_path, document, thresholds_path):
    from skthresh._io import InputError

    n = document["thresholds"].size
    if S.shape[1] != n:
        raise InputError(
            scores_path,
            f"has {S.shape[1]} label columns but {thresholds_path} holds "
            f"{n} thresholds.",
        )


def _read_thresholds(args, path):
    from skthresh._io import read_thresholds

    document = read_thresholds(path)
    _progress(args, f"read {path}: {document['thresholds'].size} thresholds")
    return document


def _metric(name):
    from skthresh._io import InputError
    from skthresh.metrics import check_metric

    try:
        return check_metric(name)
    except ValueError as exc:
        raise InputError("--metric", str(exc)) from exc


def _parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return {"True": True, "False": False, "None": None}.get(text, text)


def _requested_params(args, *, qualified):
    """Parameters from the options: {(strategy or None, name): (value, option)}."""
    from skthresh._io import InputError

    requested = {}
    for option, name in (
        ("--slope", "slope"),
        ("--learning-rate", "learning_rate"),
        ("--max-iter", "max_iter"),
        ("--device", "device"),
    ):
        value = getattr(args, name)
        if value is not None:
            requested[(None, name)] = (value, option)
    for item in args.param:
        name, sep, text = item.partition("=")
        name = name.strip()
        owner = None
        if qualified and "." in name:
            owner, _, name = name.partition(".")
        if not sep or not name.isidentifier() or (owner is not None and not owner):
            form = "[STRATEGY.]NAME=VALUE" if qualified else "NAME=VALUE"
            raise InputError("--param", f"expected {form}; got {item!r}.")
        if (owner, name) in requested:
            raise InputError("--param", f"{name} is given twice.")
        requested[(owner, name)] = (_parse_value(text), "--param")
    return requested


def _params_for(name, valid, requested, args):
    """The parameters of one strategy: requested ones it has, and the shared ones."""
    params = {}
    for (owner, param), (value, _) in requested.items():
        if (owner is None or owner == name) and param in valid:
            params[param] = value
    if args.random_state is not None and "random_state" in valid:
        params["random_state"] = args.random_state
    return params


def _check_params_used(names, valids, requested):
    from skthresh._io import InputError

    for (owner, param), (_value, option) in requested.items():
        targets = [owner] if owner is not None else names
        if any(param in valids[t] for t in targets if t in valids):
            continue
        if owner is not None and owner not in valids:
            raise InputError(option, f"{owner}.{param}: {owner!r} is not compared.")
        target = targets[0] if len(targets) == 1 else None
        if target is not None:
            problem = (
                f"strategy {target!r} has no parameter {param!r}; its parameters "
                f"are {sorted(valids[target])}."
            )
        else:
            problem = f"none of the strategies {names} has a parameter {param!r}."
        raise InputError(option, problem)


def _strategy_names(text):
    from skthresh._io import InputError
    from skthresh.strategies import available_strategies

    registered = available_strategies()
    if text is None:
        names = registered
    else:
        names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
        unknown = [n for n in names if n not in registered]
        if unknown or not names:
            raise InputError(
                "--strategies",
                f"unknown strategy {', '.join(map(repr, unknown)) or '(none)'}; "
                f"the registered strategies are {registered}.",
            )
    if "default" in registered:
        names = ["default", *(n for n in names if n != "default")]
    return names


def _make_strategies(names, requested, args):
    from skthresh._io import InputError
    from skthresh.strategies import get_strategy

    try:
        valids = {n: set(get_strategy(n).get_params(deep=False)) for n in names}
    except ValueError as exc:
        raise InputError("--strategy", str(exc)) from exc
    _check_params_used(names, valids, requested)
    strategies = {}
    for name in names:
        params = _params_for(name, valids[name], requested, args)
        try:
            strategies[name] = get_strategy(name, **params)
        except (ValueError, TypeError) as exc:
            raise InputError(f"strategy {name!r}", str(exc)) from exc
    return strategies


def _learn(name, strategy, Y, S, metric, verbose):
    """Learn thresholds; the strategy's own progress goes to stderr."""
    from skthresh import learn_thresholds
    from skthresh._io import InputError

    quiet = strategy.get_params(deep=False).get("verbose")
    if verbose and quiet is not None:
        strategy.set_params(verbose=verbose)
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            thresholds = learn_thresholds(Y, S, strategy=strategy, metric=metric)
    except ValueError as exc:  # data are valid here: parameters or device
        raise InputError(f"strategy {name!r}", str(exc)) from exc
    finally:
        if verbose and quiet is not None:
            strategy.set_params(verbose=quiet)  # the file records the real setting
    return thresholds, time.perf_counter() - start


def _warm_up(strategies, Y, S, metric):
    """Run each strategy once on a few rows, untimed.

    The first call of a strategy may import libraries (torch takes seconds);
    the time column of ``compare`` is meant to show the work on the data.
    """
    from sklearn.base import clone

    from skthresh import learn_thresholds

    rows = slice(0, min(len(S), 64))
    for strategy in strategies.values():
        with warnings.catch_warnings(), contextlib.redirect_stdout(None):
            warnings.simplefilter("ignore")
            try:
                learn_thresholds(
                    Y[rows], S[rows], strategy=clone(strategy), metric=metric
                )
            except Exception:  # the timed run below reports any error
                pass


# -------------------------------------------------------------------- commands


def _cmd_fit(args):
    from skthresh import apply_thresholds
    from skthresh._io import check_output_path, thresholds_document, write_json

    metric = _metric(args.metric)
    strategy = _make_strategies(
        [args.strategy], _requested_params(args, qualified=False), args
    )[args.strategy]
    check_output_path(args.out, (".json",))
    S, Y, names = _read_labelled(args, args.scores, args.labels)
    _progress(args, f"learning thresholds with {args.strategy!r} for {metric.name}")
    thresholds, seconds = _learn(args.strategy, strategy, Y, S, metric, args.verbose)
    objective = metric.score(Y, apply_thresholds(S, thresholds))
    document = thresholds_document(
        thresholds,
        strategy_name=args.strategy,
        strategy=strategy,
        metric=metric,
        objective=objective,
        labels=names,
        n_samples=S.shape[0],
    )
    write_json(args.out, document)
    print(
        f"{args.out}: {thresholds.size} thresholds by {args.strategy!r} in "
        f"{seconds:.2f}s; {metric.name} {objective:.4f} on the tuning data"
    )
    return 0


def _cmd_apply(args):
    from skthresh import apply_thresholds
    from skthresh._io import MATRIX_SUFFIXES, check_output_path, write_decisions

    check_output_path(args.out, MATRIX_SUFFIXES)
    document = _read_thresholds(args, args.thresholds)
    S, names = _read_scores(args, args.scores)
    _check_n_labels(S, args.scores, document, args.thresholds)
    names = _merge_names(document["labels"], args.thresholds, names, args.scores)
    decisions = apply_thresholds(S, document["thresholds"])
    write_decisions(args.out, decisions, names)
    print(
        f"{args.out}: {decisions.shape[0]} samples x {decisions.shape[1]} labels, "
        f"{int(decisions.sum())} positive decisions"
    )
    return 0


def _rates(tp, pp, pos):
    """F1, precision and recall of each group; 0 where undefined."""
    import numpy as np

    def ratio(num, den):
        return np.where(den == 0, 0.0, num / np.maximum(den, 1))

    return ratio(2 * tp, pp + pos), ratio(tp, pp), ratio(tp, pos)


def _evaluation(Y, decisions):
    """Micro, macro and samples F1, precision and recall, and per-label rows."""
    from skthresh.metrics import multilabel_counts

    tp, pp, pos = multilabel_counts(Y, decisions, axis=0)
    averages = {}
    micro = _rates(tp.sum(), pp.sum(), pos.sum())
    averages["micro"] = micro
    per_label = _rates(tp, pp, pos)
    averages["macro"] = tuple(v.mean() for v in per_label)
    averages["samples"] = tuple(
        v.mean() for v in _rates(*multilabel_counts(Y, decisions, axis=1))
    )
    summary = {
        avg: dict(zip(("f1", "precision", "recall"), map(float, v), strict=True))
        for avg, v in averages.items()
    }
    return summary, (tp, pp, pos, *per_label)


def _cmd_evaluate(args):
    from skthresh import apply_thresholds

    document = _read_thresholds(args, args.thresholds)
    S, Y, names = _read_labelled(args, args.scores, args.labels)
    _check_n_labels(S, args.scores, document, args.thresholds)
    names = _merge_names(document["labels"], args.thresholds, names, args.scores)
    thresholds = document["thresholds"]
    summary, (tp, pp, pos, f1, precision, recall) = _evaluation(
        Y, apply_thresholds(S, thresholds)
    )
    names = names or [str(j) for j in range(S.shape[1])]
    rows = [
        {
            "label": names[j],
            "threshold": float(thresholds[j]),
            "positives": int(pos[j]),
            "predicted": int(pp[j]),
            "f1": float(f1[j]),
            "precision": float(precision[j]),
            "recall": float(recall[j]),
        }
        for j in range(S.shape[1])
    ]
    if args.json:
        out = {"n_samples": S.shape[0], "n_labels": S.shape[1], **summary}
        if args.per_label:
            out["per_label"] = rows
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"{S.shape[0]} samples, {S.shape[1]} labels, thresholds from "
        f"{args.thresholds} ({document.get('strategy', 'unknown strategy')}, "
        f"tuned for {document.get('metric', 'an unknown metric')})"
    )
    print()
    print("| average | F1 | precision | recall |")
    print("|---|---|---|---|")
    for avg, v in summary.items():
        print(f"| {avg} | {v['f1']:.4f} | {v['precision']:.4f} | {v['recall']:.4f} |")
    if args.per_label:
        print()
        print("| label | threshold | positives | predicted | F1 | precision | recall |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['label']} | {r['threshold']:.6g} | {r['positives']} | "
                f"{r['predicted']} | {r['f1']:.4f} | {r['precision']:.4f} | "
                f"{r['recall']:.4f} |"
            )
    return 0


def _cmd_compare(args):
    from skthresh import apply_thresholds
    from skthresh._io import InputError

    metric = _metric(args.metric)
    names = _strategy_names(args.strategies)
    strategies = _make_strategies(names, _requested_params(args, qualified=True), args)
    if (args.test_scores is None) != (args.test_labels is None):
        missing = "--test-labels" if args.test_labels is None else "--test-scores"
        given = "--test-scores" if args.test_labels is None else "--test-labels"
        raise InputError(missing, f"is required with {given}.")
    S, Y, names_val = _read_labelled(args, args.scores, args.labels)
    test = None
    if args.test_scores is not None:
        S_t, Y_t, names_t = _read_labelled(
            args, args.test_scores, args.test_labels, prefix="test_"
        )
        if S_t.shape[1] != S.shape[1]:
            raise InputError(
                args.test_scores,
                f"has {S_t.shape[1]} label columns but the scores in "
                f"{args.scores} have {S.shape[1]}.",
            )
        _merge_names(names_val, args.scores, names_t, args.test_scores)
        test = (S_t, Y_t)

    _warm_up(strategies, Y, S, metric)
    rows = []
    for i, (name, strategy) in enumerate(strategies.items(), start=1):
        thresholds, seconds = _learn(name, strategy, Y, S, metric, verbose=0)
        row = {
            "strategy": name,
            "tuning": metric.score(Y, apply_thresholds(S, thresholds)),
            "test": None,
            "seconds": seconds,
        }
        if test is not None:
            row["test"] = metric.score(test[1], apply_thresholds(test[0], thresholds))
        rows.append(row)
        test_text = "" if test is None else f", test {row['test']:.4f}"
        _progress(
            args,
            f"[{i}/{len(strategies)}] {name}: tuning {metric.name} "
            f"{row['tuning']:.4f}{test_text}, {seconds:.2f}s",
        )
    judged = "test" if test is not None else "tuning"
    for row in rows:
        row["gain"] = row[judged] - rows[0][judged]
    if args.json:
        print(
            json.dumps(
                {"metric": metric.name, "baseline": rows[0]["strategy"], "rows": rows},
                indent=2,
            )
        )
        return 0
    _print_comparison(rows, metric.name, judged, args)
    return 0


def _print_comparison(rows, metric_name, judged, args):
    has_test = judged == "test"
    header = ["strategy", f"tuning {metric_name}"]
    header += [f"test {metric_name}"] if has_test else []
    header += ["gain (pts)", "time (s)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = [row["strategy"], f"{row['tuning']:.4f}"]
        cells += [f"{row['test']:.4f}"] if has_test else []
        cells += [f"{100 * row['gain']:+.2f}", f"{row['seconds']:.2f}"]
        print("| " + " | ".join(cells) + " |")
    best = max(rows, key=lambda r: r[judged])
    print()
    print(
        f"gain: points of {judged} {metric_name} over {rows[0]['strategy']!r}, the "
        "first row. A label is predicted when its score > its threshold."
    )
    if has_test:
        print(
            f"best on the test data: {best['strategy']!r} "
            f"({100 * best['gain']:+.2f} pts)."
        )
    else:
        print(
            f"best on the tuning data: {best['strategy']!r}. Tuning values are "
            "optimistic; pass --test-scores and --test-labels to choose on "
            "held-out data."
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
