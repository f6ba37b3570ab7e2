"""Tests of the torch boundary: device resolution, tensors in, numpy out."""

import sys

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from skthresh._torch import as_tensor, is_tensor, resolve_device, to_numpy

# --- resolve_device -------------------------------------------------------------


@pytest.mark.parametrize("device", ["cpu", torch.device("cpu")])
def test_resolve_cpu(device):
    resolved = resolve_device(device)
    assert isinstance(resolved, torch.device)
    assert resolved == torch.device("cpu")


@pytest.mark.parametrize("device", ["cuda", "cuda:0", torch.device("cuda")])
def test_resolve_cuda_without_cuda(monkeypatch, device):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(
        ValueError,
        match=r"device=.*cuda.* was requested but CUDA is not available on this "
        r"machine; use device='cpu'",
    ):
        resolve_device(device)


def test_resolve_cuda_with_fake_cuda(monkeypatch):
    # Resolution itself touches no GPU: pretend there is one.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert resolve_device("cuda") == torch.device("cuda")
    assert resolve_device("cuda:1") == torch.device("cuda", 1)
    with pytest.raises(
        ValueError, match=r"device='cuda:2' does not exist: this machine has 2 CUDA"
    ):
        resolve_device("cuda:2")


@pytest.mark.parametrize("device", ["tpu", "gpu", "meta", "mps", "xla", "", "cuda:x"])
def test_resolve_invalid_name(device):
    with pytest.raises(
        ValueError,
        match=r"device must be 'cpu', 'cuda' or 'cuda:<index>'; got "
        + rf"device='{device}'",
    ):
        resolve_device(device)


@pytest.mark.parametrize("device", [None, 1.5, ["cpu"]])
def test_resolve_invalid_type(device):
    with pytest.raises(ValueError, match=r"device must be 'cpu', 'cuda' or"):
        resolve_device(device)


# --- to_numpy / is_tensor / as_tensor ------------------------------------------


@pytest.mark.parametrize(
    "dtype", [torch.float16, torch.float32, torch.float64, torch.int64, torch.bool]
)
def test_to_numpy_tensor(dtype):
    t = torch.arange(6).reshape(2, 3).to(dtype)
    out = to_numpy(t)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 3)
    assert_array_equal(out, t.numpy())
    assert out.dtype == t.numpy().dtype


def test_to_numpy_requires_grad():
    t = torch.linspace(0, 1, 5, dtype=torch.float64, requires_grad=True)
    out = to_numpy(t)
    assert isinstance(out, np.ndarray)
    assert_array_equal(out, t.detach().numpy())


def test_to_numpy_leaves_other_objects_alone():
    a = np.arange(3)
    assert to_numpy(a) is a
    lst = [[0.1, 0.2]]
    assert to_numpy(lst) is lst
    assert to_numpy(None) is None
    assert to_numpy(0.5) == 0.5


def test_is_tensor():
    assert is_tensor(torch.zeros(2))
    assert is_tensor(torch.nn.Parameter(torch.zeros(2)))
    assert is_tensor(torch.tensor(1.0))
    assert not is_tensor(np.zeros(2))
    assert not is_tensor([0.0, 1.0])
    assert not is_tensor(None)
    assert not is_tensor(torch.float32)


def test_is_tensor_does_not_import_torch(monkeypatch):
    # With torch not loaded, nothing can be a tensor, and asking must not
    # import it.
    monkeypatch.delitem(sys.modules, "torch")
    assert not is_tensor(np.zeros(2))
    assert not is_tensor(torch.zeros(2))
    assert to_numpy([1.0]) == [1.0]
    assert "torch" not in sys.modules


@pytest.mark.parametrize("source", ["numpy", "tensor", "list"])
def test_as_tensor(source):
    a = np.array([[0.25, 0.5], [1.0, 2.0]])
    obj = {"numpy": a, "tensor": torch.from_numpy(a), "list": a.tolist()}[source]
    t = as_tensor(obj, dtype=torch.float32, device=torch.device("cpu"))
    assert isinstance(t, torch.Tensor)
    assert t.dtype == torch.float32 and t.device.type == "cpu"
    assert_array_equal(t.numpy(), a.astype(np.float32))


def test_as_tensor_read_only_array():
    a = np.array([0.25, 0.5])
    a.setflags(write=False)
    previous = torch.is_warn_always_enabled()
    torch.set_warn_always(True)  # torch warns about read-only arrays only once
    try:
        t = as_tensor(a, dtype=torch.float64, device="cpu")
    finally:
        torch.set_warn_always(previous)
    assert_array_equal(t.numpy(), a)
