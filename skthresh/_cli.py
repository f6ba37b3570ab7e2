"""The skthresh command line: main and the commands it runs."""

import contextlib
import difflib
import json
import re
import signal
import sys
import traceback
import warnings

from skthresh._cli_parser import build_parser as _build_parser


class _Terminated(BaseException):
    """Raised by the handler of SIGTERM (or SIGHUP), so that cleanups run."""

    def __init__(self, signum):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _raise_terminated(signum, frame):
    raise _Terminated(signum)


@contextlib.contextmanager
def _termination_raises():
    """While inside, SIGTERM and SIGHUP raise :class:`_Terminated`.

    Only the main thread can set signal handlers; elsewhere nothing changes.
    The previous handlers are restored on the way out.
    """
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:  # pragma: no cover - SIGHUP on Windows
            continue
        try:
            previous[signum] = signal.signal(signum, _raise_terminated)
        except ValueError:  # not the main thread
            break
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv=None):
    """Run the command line.

    User errors (bad files, options or parameters) print one line
    ``skthresh: error: <file or option>: <problem>`` on stderr and return 2.
    An interrupt (Ctrl-C) prints ``skthresh: interrupted`` and returns 130,
    SIGTERM ``skthresh: terminated by SIGTERM`` and 143 (SIGHUP: 129); an
    output file being written is then left as it was, and no temporary
    file remains. An unexpected error (a bug) prints one line and returns 1.

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    status : int
        The exit status: 0 on success, 1 on an unexpected error, 2 on a
        user error, 128 + the signal's number on an interrupt.

    Examples
    --------
    >>> from skthresh._cli import main
    >>> main(["apply", "--scores", "missing.npy", "--thresholds", "t.json",
    ...       "--out", "decisions.npy"])  # stderr: skthresh: error: t.json: ...
    2
    """
    try:
        with _termination_raises():
            return _run(argv)
    except KeyboardInterrupt:
        _err("interrupted")
        return 128 + signal.SIGINT
    except _Terminated as exc:
        _err(f"terminated by {exc}")
        return 128 + exc.signum


def _run(argv):
    from skthresh._io import InputError

    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "demo":
            from skthresh._demo import run_demo

            run_demo(base=args.base, random_state=args.random_state)
            return 0
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for category in (DeprecationWarning, PendingDeprecationWarning):
                warnings.simplefilter("ignore", category)  # for developers
            status = _COMMANDS[args.command](args)
    except InputError as exc:
        _err(f"error: {exc.source}: {_lower_first(exc.problem)}")
        return 2
    except MemoryError as exc:
        _err(f"error: out of memory ({_describe(exc)})")
        return 1
    except Exception as exc:
        verbose = getattr(args, "verbose", None)
        if verbose:
            traceback.print_exc()
        hint = "; rerun with -v for the traceback" if verbose == 0 else ""
        _err(f"internal error: {_describe(exc)} (a bug: please report it{hint})")
        return 1
    for message in dict.fromkeys(str(w.message) for w in caught):
        _err(f"warning: {message}")
    return status


# --------------------------------------------------------------------- helpers


def _err(message):
    print("skthresh: " + " ".join(message.split()), file=sys.stderr)


_SENTENCE_STARTS = ("The", "A", "An", "No", "Unknown", "Invalid", "Expected")


def _lower_first(text):
    """A message in the command line's case: "The x" becomes "the x".

    Only a few words that library messages begin sentences with are
    lowered; names ("NumPy", "Python", "F1") stay as they are.
    """
    first, sep, rest = text.partition(" ")
    if first in _SENTENCE_STARTS:
        return first.lower() + sep + rest
    return text


def _describe(exc):
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _did_you_mean(text, choices):
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or ``""``.

    As :func:`difflib.get_close_matches` (similarity 0.6 at least), but of
    equally close choices the first is taken, not the last in sort order.
    """
    matcher = difflib.SequenceMatcher(b=str(text).lower())
    best, best_ratio = None, 0.6
    for choice in choices:
        if choice == text:
            continue
        matcher.set_seq1(choice)
        if matcher.ratio() > best_ratio or (
            best is None and matcher.ratio() == best_ratio
        ):
            best, best_ratio = choice, matcher.ratio()
    return f" (did you mean {best!r}?)" if best is not None else ""


def _unknown_strategies(unknown, option):
    from skthresh._io import InputError
    from skthresh.strategies._registry import available_strategies

    registered = available_strategies()
    named = ", ".join(f"{n!r}{_did_you_mean(n, registered)}" for n in unknown)
    plural = "strategies" if len(unknown) > 1 else "strategy"
    return InputError(
        option,
        f"unknown {plural} {named or '(none)'}; the registered strategies are "
        f"{registered}.",
    )


def _inputs(args, *roles):
    """The command's input files as (option, path), for check_output_path."""
    return [(f"--{role}", getattr(args, role)) for role in roles]


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
        if re.fullmatch(r"f\d+(?:\.\d+)?_(?:micro|macro|samples)", name) or re.match(
            r"(?:recall|precision)@|utility\b", name
        ):  # a known form with a bad value: the library's message says which
            raise InputError("--metric", _lower_first(str(exc))) from exc
        raise InputError(
            "--metric",
            f"unknown metric {name!r}{_did_you_mean(name, _metric_names(name))}; "
            "use f1_micro, f1_macro, f1_samples, f<beta>_<average> such as "
            "f2_micro or f0.5_macro, recall@precision=0.9, precision@recall=0.8 "
            "or utility:tp=1,fp=-5,fn=0,tn=0.",
        ) from exc


def _metric_names(text):
    """Metric names close to what the user may have meant, for suggestions."""
    betas = ["1", "2", "0.5", *re.findall(r"\d+(?:\.\d+)?", str(text))[:1]]
    averages = ("micro", "macro", "samples")
    return [f"f{beta}_{average}" for beta in betas for average in averages]


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


def _check_params_used(names, valids, requested):
    from skthresh._io import InputError

    for (owner, param), (_value, option) in requested.items():
        targets = [owner] if owner is not None else names
        if any(param in valids[t] for t in targets if t in valids):
            continue
        if owner is not None and owner not in valids:
            hint = _did_you_mean(owner, valids)
            raise InputError(
                option, f"{owner}.{param}: {owner!r} is not compared{hint}."
            )
        target = targets[0] if len(targets) == 1 else None
        if target is not None:
            hint = _did_you_mean(param, sorted(valids[target]))
            problem = (
                f"strategy {target!r} has no parameter {param!r}{hint}; its "
                f"parameters are {sorted(valids[target])}."
            )
        else:
            hint = _did_you_mean(param, sorted(set().union(*valids.values())))
            problem = f"none of the strategies {names} has a parameter {param!r}{hint}."
        raise InputError(option, problem)


def _strategy_names(text, metric):
    from skthresh._compare import BASELINE, baseline_first
    from skthresh.metrics import FBeta
    from skthresh.strategies._registry import available_strategies

    registered = available_strategies()
    if not isinstance(metric, FBeta):
        # An operating point: by default, the strategies that can learn it.
        registered = available_strategies("operating_points")
    if text is None:
        names = registered
    else:
        names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
        unknown = [n for n in names if n not in available_strategies()]
        if unknown or not names:
            raise _unknown_strategies(unknown, "--strategies")
    return baseline_first([BASELINE, *names] if BASELINE in registered else names)


def _make_strategies(names, requested, args):
    """The strategies, configured from the options before any file is read."""
    from skthresh._io import InputError
    from skthresh.strategies._registry import available_strategies, configure_strategy

    unknown = [name for name in names if name not in available_strategies()]
    if unknown:
        raise _unknown_strategies(unknown, "--strategy")
    bare = {name: configure_strategy(name) for name in names}
    valids = {name: set(s.get_params(deep=False)) for name, s in bare.items()}
    _check_params_used(names, valids, requested)
    strategies = {}
    for name, strategy in bare.items():
        params = {
            param: value
            for (owner, param), (value, _) in requested.items()
            if owner in (None, name) and param in valids[name]
        }
        try:
            strategies[name] = configure_strategy(
                strategy, params, random_state=args.random_state, copy=False
            )
        except (ValueError, TypeError) as exc:
            raise InputError(f"strategy {name!r}", str(exc)) from exc
    return strategies


@contextlib.contextmanager
def _running(name):
    """Where a strategy runs: its printed progress to stderr, errors named."""
    from skthresh._io import InputError

    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except (ValueError, TypeError) as exc:  # data are valid: parameters, device
        raise InputError(f"strategy {name!r}", str(exc)) from exc


# -------------------------------------------------------------------- commands


def _cmd_fit(args):
    from skthresh._compare import compare_strategies
    from skthresh._floor_report import floor_held, floor_held_text
    from skthresh._io import check_output_path, thresholds_document, write_json
    from skthresh.strategies._registry import configure_strategy

    metric = _metric(args.metric)
    strategy = _make_strategies(
        [args.strategy], _requested_params(args, qualified=False), args
    )[args.strategy]
    check_output_path(args.out, (".json",), _inputs(args, "scores", "labels"))
    S, Y, names = _read_labelled(args, args.scores, args.labels)
    _progress(args, f"learning thresholds with {args.strategy!r} for {metric.name}")
    # A verbose copy runs; the file records the strategy as configured. It is
    # timed as 'skthresh compare' times it: after an untimed warm-up run.
    run = configure_strategy(strategy, verbose=args.verbose)
    (row,) = compare_strategies(
        Y,
        S,
        None,
        None,
        {args.strategy: run},
        scorers={metric.name: metric.score},
        metric=metric,
        guard=_running,
    )
    thresholds, seconds = row["thresholds"], row["seconds"]
    objective = row["tuning"][metric.name]
    document = thresholds_document(
        thresholds,
        strategy_name=args.strategy,
        strategy=strategy,
        metric=metric,
        objective=objective,
        labels=names,
        n_samples=S.shape[0],
    )
    held = floor_held(run, names or [str(j) for j in range(thresholds.size)])
    document.update(held)
    write_json(args.out, document)
    print(
        f"{args.out}: {thresholds.size} thresholds by {args.strategy!r} in "
        f"{seconds:.2f}s; {metric.name} {objective:.4f} on the tuning data"
        + floor_held_text(held)
    )
    return 0


def _cmd_apply(args):
    from skthresh._api import apply_thresholds
    from skthresh._io import MATRIX_SUFFIXES, check_output_path, write_decisions

    check_output_path(args.out, MATRIX_SUFFIXES, _inputs(args, "scores", "thresholds"))
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


def _cmd_evaluate(args):
    from skthresh._api import apply_thresholds
    from skthresh._compare import format_table
    from skthresh.metrics._report import multilabel_report

    document = _read_thresholds(args, args.thresholds)
    S, Y, names = _read_labelled(args, args.scores, args.labels)
    _check_n_labels(S, args.scores, document, args.thresholds)
    names = _merge_names(document["labels"], args.thresholds, names, args.scores)
    thresholds = document["thresholds"]
    decisions = apply_thresholds(S, thresholds)
    report = multilabel_report(Y, decisions)
    names = names or [str(j) for j in range(S.shape[1])]
    floor = _evaluate_floor(args, document, Y, decisions)
    summary = {avg: report[avg] for avg in ("micro", "macro", "samples")}
    per_label = report["per_label"]
    rows = [
        {
            "label": names[j],
            "threshold": float(thresholds[j]),
            "positives": int(per_label["support"][j]),
            "predicted": int(per_label["predicted"][j]),
            **{k: float(per_label[k][j]) for k in ("f1", "precision", "recall")},
        }
        for j in range(S.shape[1])
    ]
    if args.json:
        out = {"n_samples": S.shape[0], "n_labels": S.shape[1], **summary}
        if args.per_label:
            out["per_label"] = rows
        if floor is not None:
            out["operating_point"] = floor
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"{S.shape[0]} samples, {S.shape[1]} labels, thresholds from "
        f"{args.thresholds} ({document.get('strategy', 'unknown strategy')}, "
        f"tuned for {document.get('metric', 'an unknown metric')})"
    )
    print()
    measures = ("f1", "precision", "recall")
    header = ["average", "F1", "precision", "recall"]
    table = [[avg, *(f"{v[k]:.4f}" for k in measures)] for avg, v in summary.items()]
    print("\n".join(format_table(header, table, align="lrrr")))
    if args.per_label:
        print()
        header = ["label", "threshold", "positives", "predicted", *header[1:]]
        table = [
            [r["label"], f"{r['threshold']:.6g}", str(r["positives"])]
            + [str(r["predicted"]), *(f"{r[k]:.4f}" for k in measures)]
            for r in rows
        ]
        print("\n".join(format_table(header, table, align="lrrrrrr")))
    if floor is not None:
        from skthresh._floor_report import floor_lines

        print()
        print("\n".join(floor_lines(floor, names, thresholds)))
    return 0


def _evaluate_floor(args, document, Y, decisions):
    """The floor report of ``evaluate``, for a metric with a floor, or None.

    The metric is ``--metric``, else the one the thresholds file records;
    a recorded name this version does not know (or none) gives no report.
    """
    from skthresh._floor_report import floor_of, floor_report
    from skthresh.metrics import check_metric

    if args.metric is not None:
        metric = _metric(args.metric)
    else:
        try:
            metric = check_metric(document.get("metric"))
        except ValueError:
            return None
    if floor_of(metric) is None:
        return None
    return floor_report(Y, decisions, metric)


def _cmd_compare(args):
    from skthresh._compare import compare_strategies
    from skthresh._floor_report import floor_scorer
    from skthresh._io import InputError

    metric = _metric(args.metric)
    names = _strategy_names(args.strategies, metric)
    strategies = _make_strategies(names, _requested_params(args, qualified=True), args)
    if (args.test_scores is None) != (args.test_labels is None):
        missing = "--test-labels" if args.test_labels is None else "--test-scores"
        given = "--test-scores" if args.test_labels is None else "--test-labels"
        raise InputError(missing, f"is required with {given}.")
    S, Y, names_val = _read_labelled(args, args.scores, args.labels)
    S_t = Y_t = None
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

    rows = []
    scorers = {metric.name: metric.score}
    check = floor_scorer(metric)
    if check is not None:
        scorers[check[0]] = check[1]

    def add_row(result):
        row = {"strategy": result["strategy"]}
        row["tuning"] = result["tuning"][metric.name]
        row["test"] = None if S_t is None else result["test"][metric.name]
        if check is not None:
            test = None if S_t is None else result["test"][check[0]]
            row["floor"] = {
                "measure": check[0],
                "tuning": result["tuning"][check[0]],
                "test": test,
            }
        row["seconds"] = result["seconds"]
        row["gain_pts"] = 100 * result["gain"][metric.name]
        rows.append(row)
        test_text = "" if S_t is None else f", test {row['test']:.4f}"
        _progress(
            args,
            f"[{len(rows)}/{len(strategies)}] {row['strategy']}: tuning "
            f"{metric.name} {row['tuning']:.4f}{test_text}, {row['seconds']:.2f}s",
        )

    compare_strategies(
        Y,
        S,
        Y_t,
        S_t,
        strategies,
        scorers=scorers,
        metric=metric,
        guard=_running,
        on_row=add_row,
    )
    if args.json:
        print(
            json.dumps(
                {"metric": metric.name, "baseline": rows[0]["strategy"], "rows": rows},
                indent=2,
            )
        )
        return 0
    _print_comparison(rows, metric.name, "tuning" if S_t is None else "test")
    return 0


def _print_comparison(rows, metric_name, judged):
    from skthresh._compare import format_table

    has_test = judged == "test"
    check = rows[0].get("floor", {}).get("measure")
    header = ["strategy", f"tuning {metric_name}"]
    header += [f"test {metric_name}"] if has_test else []
    header += [f"{judged} {check}"] if check else []
    table = []
    for row in rows:
        cells = [row["strategy"], f"{row['tuning']:.4f}"]
        cells += [f"{row['test']:.4f}"] if has_test else []
        cells += [f"{row['floor'][judged]:.4f}"] if check else []
        table.append([*cells, f"{row['gain_pts']:+.2f}", f"{row['seconds']:.2f}"])
    header += ["gain (pts)", "time (s)"]
    print("\n".join(format_table(header, table, align="l" + "r" * (len(header) - 1))))
    best = max(rows, key=lambda r: r[judged])
    print()
    print(
        f"gain: points of {judged} {metric_name} over {rows[0]['strategy']!r}, the "
        "first row; time: the learning alone, after an untimed warm-up run. A "
        "label is predicted when its score > its threshold."
    )
    if has_test:
        print(
            f"best on the test data: {best['strategy']!r} "
            f"({best['gain_pts']:+.2f} pts)."
        )
    else:
        print(
            f"best on the tuning data: {best['strategy']!r}. Tuning values are "
            "optimistic; pass --test-scores and --test-labels to choose on "
            "held-out data."
        )


_COMMANDS = {
    "fit": _cmd_fit,
    "apply": _cmd_apply,
    "evaluate": _cmd_evaluate,
    "compare": _cmd_compare,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
