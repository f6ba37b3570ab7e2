"""The boundary with torch: device resolution, tensors in, numpy out."""

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
        return obj.detach().to("cpu").numpy()
    return obj


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


def as_tensor(array, *, dtype, device):
    """Copy a numpy array (or tensor) to ``device`` with ``dtype``."""
    import torch

    return torch.as_tensor(np.asarray(array) if not is_tensor(array) else array).to(
        device=device, dtype=dtype
    )
