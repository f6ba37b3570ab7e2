"""Reading score, label and threshold files; writing results atomically."""

import contextlib
import csv
import json
import math
import numbers
import os
import secrets
import stat
import zipfile
from pathlib import Path

import numpy as np

from skthresh._text_tables import TableError, check_unique_names, read_text_table

TIE_RULE = "score > threshold"
MATRIX_SUFFIXES = (".npy", ".npz", ".csv", ".tsv")
_PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".joblib", ".ckpt")
_NO_PICKLE = (
    "skthresh never unpickles files; save a numeric array instead, for example "
    "np.save(path, tensor.detach().cpu().numpy())"
)
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"


class InputError(ValueError):
    """A problem with one input: a file, or a command-line option.

    Parameters
    ----------
    source : str or path-like
        The file (as the user named it) or the option with the problem.
    problem : str
        What is wrong, as one sentence.

    Examples
    --------
    >>> str(InputError("scores.npy", "no such file"))
    'scores.npy: no such file'
    """

    def __init__(self, source, problem):
        self.source = os.fspath(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


def read_matrix(path, *, key=None, key_option="--key"):
    """Read a 2-D numeric matrix and its column names from a file.

    The format follows the extension: ``.npy`` (one array), ``.npz`` (an
    archive of named arrays: the one named ``key``, or its only array),
    ``.csv`` (comma-separated) or ``.tsv`` (tab-separated). Pickled data are
    never loaded.

    A text table has an optional header: a first row that is not all
    numbers holds the column names. An index column, as
    :meth:`pandas.DataFrame.to_csv` writes by default (empty or
    ``"Unnamed: 0"`` header field), or a first column of non-numeric row
    identifiers (file names, for example) is dropped. Column names that are
    just ``0, 1, ..., n - 1`` (pandas' default) count as no names; other
    names must differ from each other. The words ``True`` and ``False`` read
    as 1 and 0. A table whose fields are separated by another character
    (``;``, a tab, ``|`` or ``,``) is refused with a message naming it.

    Parameters
    ----------
    path : str or path-like
        The file.
    key : str or None, default=None
        Name of the array in a ``.npz`` archive; ignored for other formats.
        None takes the archive's only array.
    key_option : str, default="--key"
        Command-line option that sets ``key``, named in error messages.

    Returns
    -------
    matrix : ndarray of shape (n_rows, n_columns)
        The data, in the file's dtype for NumPy files and float64 for text
        tables.
    names : list of str or None
        Column names from a text table's header, else None.

    Raises
    ------
    InputError
        If the file is missing, unreadable, of an unknown or pickled format,
        does not hold a 2-D numeric matrix, or is a text table with repeated
        column names or another delimiter than its extension's.

    Examples
    --------
    >>> import os, tempfile
    >>> from skthresh._io import read_matrix
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "scores.csv")
    ...     with open(path, "w") as fh:
    ...         _ = fh.write("dog,cat\\n0.9,0.1\\n0.2,0.7\\n")
    ...     read_matrix(path)
    (array([[0.9, 0.1],
           [0.2, 0.7]]), ['dog', 'cat'])
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _PICKLE_SUFFIXES:
        raise InputError(path, f"'{suffix}' files are pickles; {_NO_PICKLE}.")
    if suffix not in MATRIX_SUFFIXES:
        raise InputError(
            path,
            f"unknown file type {suffix or '(no extension)'!r}; use one of "
            f"{', '.join(MATRIX_SUFFIXES)}.",
        )
    _check_readable(path)
    try:
        if suffix in (".csv", ".tsv"):
            matrix, names = read_text_table(path, suffix)
        else:
            matrix, names = _read_numpy(path, key, key_option), None
    except TableError as exc:
        raise InputError(path, str(exc)) from exc
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(path, _not_utf8(exc)) from exc
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(path, f"could not be read: {_one_line(exc)}") from exc
    if matrix.ndim != 2:
        hint = (
            "; for a single label save a column, x.reshape(-1, 1)"
            if matrix.ndim == 1
            else ""
        )
        raise InputError(
            path,
            f"holds a {matrix.ndim}-D array of shape {matrix.shape}; expected a "
            f"2-D matrix of shape (n_samples, n_labels){hint}.",
        )
    if names is not None and len(names) != matrix.shape[1]:
        raise InputError(
            path,
            f"the header names {len(names)} columns but the rows hold "
            f"{matrix.shape[1]} values.",
        )
    return matrix, names


def read_scores(path, *, key=None, key_option="--key"):
    """Read a score matrix: finite numbers, one row per sample, one column per label.

    Parameters
    ----------
    path : str or path-like
        A ``.npy``, ``.npz``, ``.csv`` or ``.tsv`` file; see :func:`read_matrix`.
    key : str or None, default=None
        Name of the array in a ``.npz`` archive.
    key_option : str, default="--key"
        Command-line option that sets ``key``, named in error messages.

    Returns
    -------
    scores : ndarray of float32 or float64 of shape (n_samples, n_labels)
        The scores; float32 files stay float32. A ``.npz`` archive of
        top-k scores, arrays ``indices`` and ``scores`` of shape
        ``(n_samples, k)`` (index -1 for padding) and optionally
        ``n_labels``, gives a scipy CSR matrix instead (see
        :class:`~skthresh.TopKScores`), summarized without densifying.
    names : list of str or None
        Label names from a text table's header.

    Raises
    ------
    InputError
        If the file cannot be read or the scores are not finite numbers.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skthresh._io import read_scores
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "scores.npy")
    ...     np.save(path, np.array([[0.9, 0.1], [0.2, 0.7]], dtype=np.float32))
    ...     scores, names = read_scores(path)
    >>> scores.dtype, scores.shape, names
    (dtype('float32'), (2, 2), None)
    """
    from skthresh._io_sparse import read_top_k
    from skthresh._validation import check_scores

    try:
        top_k = read_top_k(path, key)
    except ValueError as exc:
        raise InputError(path, _one_line(exc)) from exc
    if top_k is not None:
        return top_k, None
    matrix, names = read_matrix(path, key=key, key_option=key_option)
    try:
        scores = check_scores(matrix, allow_1d=False)
    except ValueError as exc:
        raise InputError(path, _one_line(exc)) from exc
    return scores, names


def read_labels(path, *, key=None, key_option="--key"):
    """Read a 0/1 label matrix, one row per sample, one column per label.

    Parameters
    ----------
    path : str or path-like
        A ``.npy``, ``.npz``, ``.csv`` or ``.tsv`` file; see :func:`read_matrix`.
        Booleans and integer or float zeros and ones are accepted.
    key : str or None, default=None
        Name of the array in a ``.npz`` archive.
    key_option : str, default="--key"
        Command-line option that sets ``key``, named in error messages.

    Returns
    -------
    labels : ndarray of bool of shape (n_samples, n_labels)
        The labels, True for 1. A scipy sparse matrix saved with
        ``scipy.sparse.save_npz`` gives a scipy CSR matrix of bool.
    names : list of str or None
        Label names from a text table's header.

    Raises
    ------
    InputError
        If the file cannot be read or holds values other than 0 and 1.

    Examples
    --------
    >>> import os, tempfile
    >>> from skthresh._io import read_labels
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "labels.csv")
    ...     with open(path, "w") as fh:
    ...         _ = fh.write("dog,cat\\n1,0\\n0,1\\n")
    ...     read_labels(path)
    (array([[ True, False],
           [False,  True]]), ['dog', 'cat'])
    """
    from skthresh._io_sparse import read_sparse_labels
    from skthresh._validation import check_indicator

    try:
        sparse = read_sparse_labels(path, key)
    except ValueError as exc:
        raise InputError(path, _one_line(exc)) from exc
    if sparse is not None:
        return sparse, None
    matrix, names = read_matrix(path, key=key, key_option=key_option)
    try:
        labels = check_indicator(matrix, name="labels")
    except ValueError as exc:
        raise InputError(path, _one_line(exc)) from exc
    return labels, names


def read_thresholds(path):
    """Read a thresholds file written by ``skthresh fit``.

    A plain JSON list of numbers is accepted too.

    Parameters
    ----------
    path : str or path-like
        The JSON file.

    Returns
    -------
    document : dict
        The file's content, with ``"thresholds"`` as a float64 ndarray of
        shape (n_labels,) and ``"labels"`` a list of str or None.

    Raises
    ------
    InputError
        If the file is missing, not JSON (a NumPy or zip file, say), or its
        thresholds are not finite numbers consistent with ``n_labels``,
        ``labels`` (distinct names) and the tie rule.

    Examples
    --------
    >>> import os, tempfile
    >>> from skthresh._io import read_thresholds, write_json
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "thresholds.json")
    ...     write_json(path, {"thresholds": [0.25, 0.1], "labels": ["dog", "cat"]})
    ...     document = read_thresholds(path)
    >>> document["thresholds"], document["labels"]
    (array([0.25, 0.1 ]), ['dog', 'cat'])
    """
    path = Path(path)
    _check_readable(path)
    document = _load_json(path)
    if isinstance(document, list):
        document = {"thresholds": document}
    if not isinstance(document, dict) or "thresholds" not in document:
        raise InputError(
            path,
            "holds no 'thresholds'; expected the JSON object written by "
            "'skthresh fit' or a list of numbers.",
        )
    values = document["thresholds"]
    if not (
        isinstance(values, list)
        and values
        and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
    ):
        raise InputError(path, "'thresholds' must be a non-empty list of numbers.")
    thresholds = np.array(values, dtype=np.float64)
    if not np.isfinite(thresholds).all():
        raise InputError(path, "'thresholds' must be finite numbers.")
    n_labels = document.get("n_labels", thresholds.size)
    if not isinstance(n_labels, int) or isinstance(n_labels, bool):
        raise InputError(path, f"'n_labels' must be an integer; got {n_labels!r}.")
    if n_labels != thresholds.size:
        raise InputError(
            path,
            f"'n_labels' is {n_labels!r} but there are {thresholds.size} thresholds.",
        )
    labels = document.get("labels")
    if labels is not None and not (
        isinstance(labels, list)
        and len(labels) == thresholds.size
        and all(isinstance(name, str) for name in labels)
    ):
        raise InputError(
            path, f"'labels' must be null or a list of {thresholds.size} names."
        )
    if labels is not None:
        try:
            check_unique_names(labels, "'labels'", "positions")
        except TableError as exc:
            raise InputError(path, str(exc)) from exc
    tie_rule = document.get("tie_rule", TIE_RULE)
    if tie_rule != TIE_RULE:
        raise InputError(
            path,
            f"'tie_rule' is {tie_rule!r}; skthresh decides {TIE_RULE!r} only.",
        )
    return {**document, "thresholds": thresholds, "labels": labels}


def thresholds_document(
    thresholds, *, strategy_name, strategy, metric, objective, labels, n_samples
):
    """The JSON-ready content of a thresholds file.

    Parameters
    ----------
    thresholds : ndarray of shape (n_labels,)
        Learned thresholds.
    strategy_name : str
        The strategy's registered name.
    strategy : BaseThresholdStrategy
        The strategy object, whose ``get_params()`` are recorded.
    metric : FBeta
        The metric the thresholds maximize.
    objective : float
        The metric's value on the tuning data.
    labels : list of str or None
        Label names.
    n_samples : int
        Number of tuning samples.

    Returns
    -------
    document : dict
        Keys ``skthresh_version``, ``strategy``, ``params``, ``metric``,
        ``objective``, ``n_samples``, ``n_labels``, ``labels``,
        ``thresholds`` (a list of Python floats, which JSON writes so that
        they read back bit for bit) and ``tie_rule``.
    """
    from skthresh._version import __version__

    thresholds = np.asarray(thresholds, dtype=np.float64)
    return {
        "skthresh_version": __version__,
        "strategy": strategy_name,
        "params": json_safe(strategy.get_params(deep=False)),
        "metric": metric.name,
        "objective": float(objective),
        "n_samples": int(n_samples),
        "n_labels": int(thresholds.size),
        "labels": None if labels is None else [str(name) for name in labels],
        "thresholds": [float(t) for t in thresholds],
        "tie_rule": TIE_RULE,
    }


def json_safe(value):
    """Turn parameters into values the ``json`` module writes faithfully.

    NumPy scalars and arrays become Python numbers and lists, tuples
    become lists, non-finite floats and unknown objects become strings.

    Parameters
    ----------
    value : object
        A parameter value, or a dict or list of them.

    Returns
    -------
    value : None, bool, int, float, str, list or dict
        The same content in types JSON writes.

    Examples
    --------
    >>> import numpy as np
    >>> json_safe({"slope": np.float32(50), "init": np.array([0.5, 0.25])})
    {'slope': 50.0, 'init': [0.5, 0.25]}
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)


def write_json(path, document):
    """Write a JSON document atomically, ending with a newline.

    Parameters
    ----------
    path : str or path-like
        The output file.
    document : dict or list
        JSON-ready content; non-finite floats are refused.

    Raises
    ------
    InputError
        If the file cannot be written; an existing file is then unchanged.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from skthresh._io import write_json
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "out.json"
    ...     write_json(path, {"thresholds": [0.1, 1 / 3]})
    ...     json.loads(path.read_text())["thresholds"][1] == 1 / 3
    True
    """
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    with atomic_write(path, "w") as fh:
        fh.write(text)


def write_decisions(path, decisions, names=None):
    """Write a 0/1 decision matrix atomically, in the format of the extension.

    ``.npy`` holds a uint8 array, ``.npz`` the same under the key
    ``"decisions"``, ``.csv`` and ``.tsv`` a table of 0 and 1 with the label
    names as header when they are known.

    Parameters
    ----------
    path : str or path-like
        The output file; ``.npy``, ``.npz``, ``.csv`` or ``.tsv``.
    decisions : array-like of shape (n_samples, n_labels)
        0/1 decisions.
    names : list of str or None, default=None
        Label names for the header of a text table.

    Raises
    ------
    InputError
        If the extension is unknown or the file cannot be written; an
        existing file is then unchanged.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skthresh._io import write_decisions
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "decisions.csv"
    ...     write_decisions(path, [[1, 0], [0, 1]], ["dog", "cat"])
    ...     print(path.read_text(), end="")
    dog,cat
    1,0
    0,1
    """
    suffix = check_output_path(path, MATRIX_SUFFIXES)
    if hasattr(decisions, "toarray"):  # sparse decisions of sparse scores
        decisions = decisions.toarray()
    decisions = np.asarray(decisions).astype(np.uint8)
    if suffix in (".csv", ".tsv"):
        delimiter = "," if suffix == ".csv" else "\t"
        with atomic_write(path, "w") as fh:
            if names is not None:
                csv.writer(fh, delimiter=delimiter, lineterminator="\n").writerow(names)
            np.savetxt(fh, decisions, fmt="%d", delimiter=delimiter)
    else:
        with atomic_write(path, "wb") as fh:
            if suffix == ".npy":
                np.save(fh, decisions)
            else:
                np.savez_compressed(fh, decisions=decisions)


def check_output_path(path, suffixes, inputs=()):
    """Check an output file before anything is read: type, directory, inputs.

    Parameters
    ----------
    path : str or path-like
        The output file. A symbolic link is written through: the file it
        points to is replaced.
    suffixes : tuple of str
        The accepted extensions, lower case with their dot.
    inputs : iterable of (str, str or path-like), default=()
        The command's inputs as ``(option, path)``; the output may be none
        of them (compared with :func:`os.path.samefile`, so that links to an
        input and hard links count too).

    Returns
    -------
    suffix : str
        The file's extension, lower case.

    Raises
    ------
    InputError
        If the extension is not accepted, the directory does not exist, or
        the output is one of the inputs.

    Examples
    --------
    >>> import os, tempfile
    >>> from skthresh._io import check_output_path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     scores = os.path.join(tmp, "scores.npy")
    ...     open(scores, "wb").close()
    ...     inputs = [("--scores", scores)]
    ...     check_output_path(scores, (".npy",), inputs)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    skthresh._io.InputError: ...: is also the --scores input; choose another ...
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise InputError(
            path,
            f"unknown output type {suffix or '(no extension)'!r}; use "
            f"{', '.join(suffixes)}.",
        )
    if path.is_dir():
        raise InputError(path, "is a directory; name an output file.")
    parent = _write_target(path).parent
    if not parent.is_dir():
        raise InputError(path, f"cannot be written: no directory {str(parent)!r}.")
    for option, source in inputs:
        if _same_file(path, source):
            same = os.path.abspath(path) == os.path.abspath(source)
            what = "also" if same else f"the same file as {os.fspath(source)},"
            raise InputError(
                path, f"is {what} the {option} input; choose another output file."
            )
    return suffix


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):  # one of them does not exist (yet)
        return False


def _write_target(path):
    """The file that writing ``path`` replaces: a symbolic link's target."""
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def atomic_write(path, mode="w"):
    """Write a file all at once: to a temporary file, then renamed over ``path``.

    The temporary file lies in the same directory, so the final
    :func:`os.replace` is atomic: readers see the old file or the complete
    new one, never a part. If the body raises, or the process is
    interrupted by an exception (``KeyboardInterrupt``, or a signal handler
    that raises), the temporary file is removed and ``path`` is left as it
    was. A file that is replaced keeps its permission bits; a new one gets
    those a plain :func:`open` would give. A symbolic link is written
    through: its target is replaced, the link stays.

    Parameters
    ----------
    path : str or path-like
        The file to write.
    mode : {"w", "wb"}, default="w"
        Text (UTF-8) or binary.

    Yields
    ------
    file : file object
        Open for writing.

    Raises
    ------
    InputError
        If the temporary file cannot be created or renamed.

    Examples
    --------
    >>> import os, tempfile
    >>> from skthresh._io import atomic_write
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "out.txt")
    ...     try:
    ...         with atomic_write(path) as fh:
    ...             _ = fh.write("half")
    ...             raise RuntimeError("disk full")
    ...     except RuntimeError:
    ...         pass
    ...     os.listdir(tmp)
    []
    """
    path = Path(path)
    target = _write_target(path)
    try:
        old_mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        old_mode = None
    created = []  # the temporary file, once its name is chosen
    try:
        fd = _create_temporary(path, target, created)
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            if old_mode is not None:
                os.chmod(created[0], old_mode)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(created[0], target)
    except BaseException as exc:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(created[0])
        if isinstance(exc, OSError):
            raise InputError(path, f"could not be written: {_one_line(exc)}") from exc
        raise


def _create_temporary(path, target, created):
    """Create a new file beside ``target``; its name goes in ``created`` first.

    The name is recorded before the file exists, so that an interrupt
    arriving just after its creation still finds it to remove.
    """
    # os.open with mode 0o666 lets the umask give the file the permissions a
    # plain open() would, unlike tempfile (always 0o600).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        created[:] = [target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")]
        try:
            return os.open(created[0], flags, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            del created[:]  # another writer's file: not ours to remove
            continue
        except OSError as exc:
            del created[:]
            raise InputError(path, f"could not be written: {_one_line(exc)}") from exc
    raise InputError(path, "could not create a temporary file.")  # pragma: no cover


def _check_readable(path):
    if not path.exists():
        raise InputError(path, "no such file.")
    if path.is_dir():
        raise InputError(path, "is a directory, not a file.")


def _one_line(exc):
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def _not_utf8(exc):
    byte = exc.object[exc.start : exc.start + 1].hex()
    return (
        f"is not UTF-8 text (byte 0x{byte} at position {exc.start}); save it as UTF-8."
    )


_NOT_THRESHOLDS = "is not a JSON thresholds file"


def _load_json(path):
    """The JSON content of a thresholds file; what else it is, if not JSON."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"could not be read: {_one_line(exc)}") from exc
    if not data.strip():
        kind = "it is empty"
    elif data.startswith(_NPY_MAGIC):
        kind = "it is a NumPy .npy file"
    elif data.startswith(_ZIP_MAGIC):
        kind = "it is a zip archive, such as an .npz file"
    else:
        kind = None
    if kind is not None:
        raise InputError(
            path,
            f"{_NOT_THRESHOLDS} ({kind}); pass the .json file that 'skthresh "
            "fit' writes.",
        )
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start : exc.start + 1].hex()
        raise InputError(
            path,
            f"{_NOT_THRESHOLDS} (not UTF-8 text: byte 0x{byte} at position "
            f"{exc.start}).",
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            path,
            f"{_NOT_THRESHOLDS}: invalid JSON at line {exc.lineno}, column "
            f"{exc.colno} ({exc.msg}).",
        ) from exc
    except RecursionError as exc:
        raise InputError(path, f"{_NOT_THRESHOLDS}: nested too deeply.") from exc


def _read_numpy(path, key, key_option):
    with open(path, "rb") as fh:
        magic = fh.read(len(_NPY_MAGIC))
    if magic.startswith(_ZIP_MAGIC):
        return _read_npz(path, key, key_option)
    if magic == _NPY_MAGIC:
        return _load_array(path, lambda: np.load(path, allow_pickle=False))
    if not magic:
        raise InputError(path, "is empty.")
    kind = "a pickle; " + _NO_PICKLE if magic[:1] == b"\x80" else "unknown content"
    raise InputError(path, f"is not a NumPy .npy or .npz file ({kind}).")


def _read_npz(path, key, key_option):
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
    if not any(name.endswith(".npy") for name in members):
        raise InputError(
            path,
            "is a zip archive without NumPy arrays (torch.save writes such "
            f"archives of pickles); {_NO_PICKLE}.",
        )
    with np.load(path, allow_pickle=False) as archive:
        keys = list(archive.files)
        shown = ", ".join(repr(k) for k in keys)
        if key is None:
            if len(keys) != 1:
                raise InputError(
                    path,
                    f"holds {len(keys)} arrays ({shown}); choose one with "
                    f"{key_option} NAME.",
                )
            key = keys[0]
        elif key not in keys:
            raise InputError(
                path, f"has no array named {key!r}; the arrays are {shown}."
            )
        return _load_array(path, lambda: archive[key])


def _load_array(path, load):
    try:
        array = load()
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "pickled" in str(exc):
            raise InputError(
                path, f"holds Python objects (pickled data); {_NO_PICKLE}."
            ) from exc
        raise
    if not isinstance(array, np.ndarray):  # pragma: no cover - defensive
        raise InputError(path, "does not hold a NumPy array.")
    return array
