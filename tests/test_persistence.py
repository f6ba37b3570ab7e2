"""Fitted state is plain numpy: pickle, joblib and JSON round trips are exact."""

import io
import json
import os
import pickle
import pickletools
import subprocess
import sys
import types
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from _strategies import fast_params, make_strategy
from numpy.testing import assert_array_equal
from sklearn.datasets import make_multilabel_classification
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

import skthresh
from skthresh import SurrogateThresholdClassifier, learn_thresholds
from skthresh._cli import main
from skthresh.strategies import available_strategies

STRATEGIES = available_strategies()


def assert_same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()


@pytest.fixture(scope="module")
def data():
    X, Y = make_multilabel_classification(
        n_samples=160, n_features=6, n_classes=3, random_state=0
    )
    return X, Y


@pytest.fixture(scope="module")
def fitted(data):
    """One fitted classifier per registered strategy (device="cpu")."""
    X, Y = data
    # liblinear: lbfgs takes a second per fit on these unscaled counts.
    base = OneVsRestClassifier(LogisticRegression(solver="liblinear"))
    return {
        name: SurrogateThresholdClassifier(
            base, strategy=make_strategy(name), random_state=0
        ).fit(X, Y)
        for name in STRATEGIES
    }


def assert_same_predictions(model, loaded, X):
    assert_same_bits(loaded.thresholds_, model.thresholds_)
    assert_same_bits(loaded.decision_scores(X), model.decision_scores(X))
    assert_same_bits(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("name", STRATEGIES)
def test_pickle_round_trip(fitted, data, name):
    X, _ = data
    model = fitted[name]
    loaded = pickle.loads(pickle.dumps(model))
    assert_same_predictions(model, loaded, X)


@pytest.mark.parametrize("name", STRATEGIES)
def test_joblib_round_trip(fitted, data, name, tmp_path):
    X, _ = data
    model = fitted[name]
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    assert_same_predictions(model, joblib.load(path), X)
    # joblib's in-memory form, as used when a model is sent to workers.
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    assert_same_predictions(model, joblib.load(buffer), X)


_LEAVES = (str, bytes, int, float, complex, bool, type(None), range, slice)
_NOT_STATE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)


def reachable(root):
    """Every object reachable from ``root`` through attributes and containers."""
    seen, stack = set(), [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, _LEAVES + _NOT_STATE) or isinstance(obj, np.generic):
            continue
        if isinstance(obj, np.ndarray):
            if obj.dtype == object:
                stack.extend(obj.ravel().tolist())
            continue
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        if hasattr(obj, "__dict__"):
            stack.append(vars(obj))
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if isinstance(slot, str) and hasattr(obj, slot):
                    stack.append(getattr(obj, slot))


def pickled_torch_names(obj):
    """Names from the torch package in the pickle stream of ``obj``."""
    return [
        arg
        for _, arg, _ in pickletools.genops(pickle.dumps(obj))
        if isinstance(arg, str) and arg.split(".")[0] == "torch"
    ]


@pytest.mark.parametrize("name", STRATEGIES)
def test_fitted_model_holds_no_tensor(fitted, name):
    model = fitted[name]
    found = [
        type(obj).__name__
        for obj in reachable(model)
        if isinstance(obj, (torch.Tensor, torch.Generator))
    ]
    assert found == []
    assert pickled_torch_names(model) == []
    assert isinstance(model.thresholds_, np.ndarray)
    assert model.thresholds_.dtype == np.float64


def test_reachable_finds_a_hidden_tensor(fitted):
    # The walk itself must see through attributes, dicts and lists.
    model = pickle.loads(pickle.dumps(fitted["global"]))
    model.strategy_.extra_ = {"nested": [torch.zeros(1)]}
    assert any(isinstance(obj, torch.Tensor) for obj in reachable(model))
    assert pickled_torch_names(model) != []


_LOAD_AND_PREDICT = """
import json, pickle, sys
with open(sys.argv[1], "rb") as fh:
    models, X = pickle.load(fh)
out = {name: model.predict(X).tolist() for name, model in models.items()}
cuda = None
if "torch" in sys.modules:
    cuda = sys.modules["torch"].cuda.is_available()
print(json.dumps({"predictions": out, "cuda": cuda}))
"""


def test_loads_and_predicts_in_a_process_without_cuda(fitted, data, tmp_path):
    # A model fitted with device="cuda" cannot be made here (no GPU): models
    # fitted on CPU, with no tensor reachable (above), are loaded where CUDA
    # is hidden, as on a machine without a GPU.
    X, _ = data
    path = tmp_path / "models.pkl"
    path.write_bytes(pickle.dumps((fitted, X)))
    root = str(Path(skthresh.__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "CUDA_VISIBLE_DEVICES": "",
        "PYTHONPATH": os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_PREDICT, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["cuda"] in (None, False)
    for name, model in fitted.items():
        assert_array_equal(np.array(report["predictions"][name]), model.predict(X))


@pytest.mark.parametrize("name", STRATEGIES)
def test_cli_json_thresholds_are_bit_exact(fitted, data, name, tmp_path, capsys):
    X, Y = data
    # With a frozen base model, the classifier learns on all of X; these are
    # the very scores it saw.
    frozen = SurrogateThresholdClassifier(
        FrozenEstimator(fitted[name].estimator_), strategy=make_strategy(name)
    ).fit(X, Y)
    S = frozen.decision_scores(X)
    np.save(tmp_path / "scores.npy", S)
    np.save(tmp_path / "labels.npy", Y)
    out = tmp_path / "thresholds.json"
    params = [
        f"--param={key}={json.dumps(value)}"
        for key, value in make_strategy(name).get_params(deep=False).items()
        if key in fast_params(name)
    ]
    argv = ["fit", "--scores", str(tmp_path / "scores.npy")]
    argv += ["--labels", str(tmp_path / "labels.npy"), "--out", str(out)]
    status = main([*argv, "--strategy", name, *params])
    assert status == 0, capsys.readouterr().err
    document = json.loads(out.read_text())
    from_json = np.array(document["thresholds"], dtype=np.float64)
    assert_same_bits(from_json, frozen.thresholds_)
    assert_same_bits(from_json, learn_thresholds(Y, S, strategy=make_strategy(name)))
