"""The demo: every strategy on the bundled yeast data, scored on held-out data."""

import functools
import time
import warnings


def _base_estimators():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logreg": lambda seed: OneVsRestClassifier(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        ),
        "forest": lambda seed: RandomForestClassifier(
            n_estimators=200, min_samples_leaf=2, random_state=seed, n_jobs=-1
        ),
        "mlp": lambda seed: make_pipeline(
            StandardScaler(),
            MLPClassifier(
                hidden_layer_sizes=(64,),
                alpha=1.0,
                max_iter=300,
                early_stopping=True,
                random_state=seed,
            ),
        ),
    }


BASE_NAMES = ("logreg", "forest", "mlp")


def run_demo(*, base="logreg", random_state=0, out=print):
    """Learn thresholds on yeast with every strategy and print a comparison.

    The data are split into a training part (56%), a validation part (14%)
    on which the thresholds are learned, and a test part (30%) that neither
    the base model nor the thresholds see. The base model is fitted once on
    the training part; each strategy then learns thresholds from the same
    validation scores, and all are scored on the test part.

    Parameters
    ----------
    base : {"logreg", "forest", "mlp"}, default="logreg"
        Base multi-label model.
    random_state : int, default=0
        Seed of the splits, of the base model and of randomized strategies.
    out : callable, default=print
        Where the lines go.

    Returns
    -------
    rows : list of dict
        One row per strategy: ``strategy``, ``test_f1_micro``,
        ``test_f1_macro``, ``tuning_f1_micro``, ``seconds``.
    """
    from sklearn.model_selection import train_test_split

    from skthresh._compare import (
        baseline_first,
        compare_strategies,
        table_lines,
        table_row,
    )
    from skthresh._scores import resolve_response_method, score_matrix
    from skthresh.datasets._yeast import load_yeast
    from skthresh.metrics import f1_score
    from skthresh.strategies._registry import available_strategies, configure_strategy

    if base not in BASE_NAMES:
        raise ValueError(f"base must be one of {list(BASE_NAMES)}; got {base!r}.")
    X, Y = load_yeast(return_X_y=True)
    X_fit, X_test, Y_fit, Y_test = train_test_split(
        X, Y, test_size=0.3, random_state=random_state
    )
    X_train, X_val, Y_train, Y_val = train_test_split(
        X_fit, Y_fit, test_size=0.2, random_state=random_state
    )
    model = _base_estimators()[base](random_state)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Some yeast labels are rare; OneVsRest may warn about them.
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X_train, Y_train)
    fit_seconds = time.perf_counter() - start
    method = resolve_response_method(model, "auto")

    def scores(X_part):
        return score_matrix(
            model, X_part, method=method, n_labels=Y.shape[1], binary=False
        )

    S_val, S_test = scores(X_val), scores(X_test)

    out(
        f"skthresh demo: yeast ({X.shape[0]} genes, {Y.shape[1]} labels), base "
        f"model {base!r} fitted in {fit_seconds:.1f}s on {len(X_train)} genes;"
    )
    out(
        f"thresholds learned on {len(X_val)} validation genes, scored on "
        f"{len(X_test)} test genes that neither saw."
    )
    out("")
    names = baseline_first(available_strategies())
    header = ["strategy", "test micro-F1", "gain over 0.5", "test macro-F1"]
    header += ["tuning micro-F1", "time (s)"]
    # Rows are printed as they come: the widths are known beforehand.
    layout = {
        "widths": [max(map(len, [header[0], *names])), *map(len, header[1:])],
        "align": "l" + "r" * (len(header) - 1),
    }
    for line in table_lines(header, **layout):
        out(line)

    def print_row(row):
        test = row["test"]
        cells = [row["strategy"], f"{test['f1_micro']:.4f}"]
        cells += [f"{100 * row['gain']['f1_micro']:+.2f} pts"]
        cells += [f"{test['f1_macro']:.4f}", f"{row['tuning']['f1_micro']:.4f}"]
        out(table_row([*cells, f"{row['seconds']:.2f}"], **layout))

    def configured(name):
        # Called inside the timed part: the demo times building the strategy.
        return lambda: configure_strategy(name, random_state=random_state)

    rows = compare_strategies(
        Y_val,
        S_val,
        Y_test,
        S_test,
        {name: configured(name) for name in names},
        scorers={
            "f1_micro": f1_score,
            "f1_macro": functools.partial(f1_score, average="macro"),
        },
        on_row=print_row,
    )
    out("")
    out(
        "'default' is the fixed threshold 0.5; 'gain over 0.5' is in points of "
        "test micro-F1. A sample is positive when its score > threshold."
    )
    return [
        {
            "strategy": row["strategy"],
            "test_f1_micro": row["test"]["f1_micro"],
            "test_f1_macro": row["test"]["f1_macro"],
            "tuning_f1_micro": row["tuning"]["f1_micro"],
            "seconds": row["seconds"],
        }
        for row in rows
    ]
