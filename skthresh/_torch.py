"""The boundary with torch: device resolution, tensors in, numpy out."""

import contextlib

import numpy as np


def is_tensor(obj):
    """Whether ``obj`` is a torch tensor, without importing torch needlessly."""
    torch = _torch_if_loaded()
    return torch is not None and isinstance(obj, torch.Tensor)


def _torch_if_loaded():
    import sys

    return sys.modules.get("torch")


def to_numpy(obj):
    """Return ``obj`` as a numpy array; torch tensors come back from any device."""
    if is_tensor(obj):
        if obj.device.type == "meta":
            raise ValueError(
                "a tensor on the 'meta' device holds no values; compute it on a "
                "real device first"
            )
        obj = obj.detach().to("cpu")
        if obj.is_floating_point() and obj.dtype not in _numpy_floats():
            obj = obj.float()  # bfloat16 and other types numpy lacks
        return obj.numpy()
    return obj


def _numpy_floats():
    """The torch float types that numpy holds as they are."""
    import torch

    return (torch.float16, torch.float32, torch.float64)


def resolve_device(device):
    """Return the ``torch.device`` named by ``device``.

    Parameters
    ----------
    device : str or torch.device
        ``"cpu"``, ``"cuda"``, ``"cuda:<index>"`` or a ``torch.device``.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        If the name is not a device, or CUDA is asked for and absent.
    """
    import torch

    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'cpu', 'cuda' or 'cuda:<index>'; got device={device!r}."
        ) from exc
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available "
                "on this machine; use device='cpu'."
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} does not exist: this machine has "
                f"{torch.cuda.device_count()} CUDA device(s)."
            )
    elif resolved.type != "cpu":
        raise ValueError(
            f"device must be 'cpu', 'cuda' or 'cuda:<index>'; got device={device!r}."
        )
    return resolved


@contextlib.contextmanager
def threads_for(device, work):
    """Run small CPU work on one torch thread, restoring the setting after.

    Waking a pool of threads costs more than a step of a few ten thousand
    operations, and much more on a busy machine, where it can wait for a
    time slice. Larger work, and work on a GPU, keep the user's setting.
    """
    import torch

    if device.type != "cpu" or work >= _SMALL_WORK:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


_SMALL_WORK = 200_000


def as_tensor(array, *, dtype, device):
    """Copy a numpy array (or move a tensor) to ``device`` with ``dtype``.

    Read-only or non-contiguous arrays (pandas gives read-only ones) are
    copied first: torch cannot share their memory.
    """
    import torch

    if is_tensor(array):
        return array.detach().to(device=device, dtype=dtype)
    array = np.require(array, requirements=["C_CONTIGUOUS", "WRITEABLE"])
    return torch.as_tensor(array).to(device=device, dtype=dtype)
