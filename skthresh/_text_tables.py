"""Parsing .csv and .tsv tables of scores or labels: header, row ids, delimiter."""

import csv
import itertools
import re
import warnings

import numpy as np

_TRUE_FALSE = {"true": 1.0, "false": 0.0}
_INDEX_NAMES = ("", "Unnamed: 0")
_DELIMITERS = {",": "','", "\t": "a tab", ";": "';'", "|": "'|'"}
_SUFFIX_OF = {",": ".csv", "\t": ".tsv"}
_PANDAS_SAVE = {
    ".csv": "pandas: df.to_csv(path)",
    ".tsv": "pandas: df.to_csv(path, sep='\\t')",
}


class TableError(ValueError):
    """A problem with a text table, as one sentence without the file's name.

    :mod:`skthresh._io` turns it into an ``InputError`` that names the file.
    """


def _is_number(token):
    token = token.strip()
    if token.lower() in _TRUE_FALSE:
        return True
    try:
        float(token)
    except ValueError:
        return False
    return True


def read_text_table(path, suffix):
    """Read a numeric table and its optional header of column names.

    Parameters
    ----------
    path : path-like
        The file, UTF-8 text.
    suffix : {".csv", ".tsv"}
        Comma- or tab-separated.

    Returns
    -------
    matrix : ndarray of float64 of shape (n_rows, n_columns)
    names : list of str or None
        The header's column names, None without a header.

    Raises
    ------
    TableError
        If the table is empty, a value is not a number, a name is repeated,
        or the fields are separated by another character (which is named).
    """
    delimiter = "," if suffix == ".csv" else "\t"
    try:
        matrix, names = _read_table(path, delimiter)
    except TableError as exc:
        _check_delimiter(path, suffix, delimiter, exc)
        raise
    if matrix.shape[1] == 1:
        _check_delimiter(path, suffix, delimiter, None)
    return matrix, names


def _check_delimiter(path, suffix, delimiter, cause):
    """Raise if another delimiter splits the first lines into equal columns."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        lines = [line for line in itertools.islice(fh, 200) if line.strip()][:5]
    for other, shown in _DELIMITERS.items():
        if other == delimiter:
            continue
        counts = {len(next(csv.reader([line], delimiter=other))) for line in lines}
        if len(counts) == 1 and counts.pop() > 1:
            expected = _DELIMITERS[delimiter]
            if other in _SUFFIX_OF:
                fix = f"rename it to {_SUFFIX_OF[other]}"
            else:
                fix = f"save it with {expected} ({_PANDAS_SAVE[suffix]})"
            problem = (
                f"its fields are separated by {shown}, but a {suffix} file is "
                f"read with {expected}; {fix}."
            )
            if other == ";" and any(re.search(r"\d,\d", line) for line in lines):
                problem += " Its numbers also look like they have decimal commas."
            raise TableError(problem) from cause


def _read_table(path, delimiter):
    rows, first_line = [], 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        for row in reader:
            if not any(field.strip() for field in row):
                continue  # blank lines, as np.loadtxt skips them
            rows.append(row)
            if len(rows) == 1:
                first_line = reader.line_num
            else:
                break
    if not rows:
        raise TableError("is empty.")
    first, second = rows[0], rows[1] if len(rows) > 1 else None
    if first[0].startswith("#"):  # np.savetxt(header=...) writes "# name,..."
        first = [first[0].lstrip("#").lstrip(), *first[1:]]
    header, id_column = _header_and_id_column(first, second)
    n_columns = len(first)
    # Lines np.loadtxt skips: everything up to the header, or before the data.
    data_start = first_line if header is not None else first_line - 1
    if header is not None and second is None:
        raise TableError("has a header but no data rows.")
    if id_column and n_columns < 2:
        raise TableError("holds no numeric column.")
    usecols = range(1, n_columns) if id_column else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "input contained no data"
            matrix = np.loadtxt(
                path,
                delimiter=delimiter,
                skiprows=data_start,
                usecols=usecols,
                ndmin=2,
                dtype=np.float64,
                comments=None,
                encoding="utf-8-sig",
                quotechar='"',
            )
    except ValueError:
        matrix = _parse_table_slowly(path, delimiter, data_start, n_columns, usecols)
    names = None
    if header is not None:
        names = [name.strip() for name in header[1 if id_column else 0 :]]
        if names == [str(i) for i in range(len(names))]:
            names = None  # pandas' default column names, not label names
        else:
            offset = 1 if id_column else 0
            check_unique_names(names, "the header", "columns", offset)
    return matrix, names


def _header_and_id_column(first, second):
    """Whether the first row is a header, and whether column 0 holds row ids."""
    if all(_is_number(token) for token in first):
        pandas_default = len(first) >= 3 and [t.strip() for t in first] == [
            str(i) for i in range(len(first))
        ]
        return (first if pandas_default else None), False
    ids_then_numbers = not _is_number(first[0]) and all(
        _is_number(t) for t in first[1:]
    )
    second_has_id = second is not None and bool(second) and not _is_number(second[0])
    if ids_then_numbers and second_has_id:
        return None, True  # no header; row identifiers then numbers
    id_column = first[0].strip() in _INDEX_NAMES or second_has_id
    return first, id_column


def _parse_table_slowly(path, delimiter, data_start, n_columns, usecols):
    """Parse a table in Python: reads True/False, and says where a bad value is."""
    columns = list(usecols) if usecols is not None else list(range(n_columns))
    out = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        for row in reader:
            if reader.line_num <= data_start or not any(f.strip() for f in row):
                continue
            if len(row) != n_columns:
                raise TableError(
                    f"line {reader.line_num} has {len(row)} fields; the first "
                    f"row has {n_columns}.",
                )
            values = []
            for j in columns:
                token = row[j].strip()
                try:
                    value = _TRUE_FALSE.get(token.lower())
                    values.append(float(token) if value is None else value)
                except ValueError:
                    what = "an empty field" if not token else f"{token!r}"
                    raise TableError(
                        f"line {reader.line_num}, column {j + 1}: {what} is not "
                        "a number.",
                    ) from None
            out.append(values)
    if not out:  # pragma: no cover - loadtxt has read these
        raise TableError("holds no data rows.")
    return np.array(out, dtype=np.float64)


def check_unique_names(names, what, where, offset=0):
    """Refuse a label name given twice: swapped columns would then go unseen.

    Parameters
    ----------
    names : list of str
        The names, in column order.
    what : str
        What names them, for the message ("the header").
    where : str
        What the numbers count ("columns").
    offset : int, default=0
        Number of columns before the first name (an index column).

    Raises
    ------
    TableError
        If a name is given twice.
    """
    seen = {}
    for j, name in enumerate(names, start=offset + 1):
        if name in seen:
            raise TableError(
                f"{what} names {name!r} twice ({where} {seen[name]} and {j}); "
                "each label needs its own name, or swapped columns could go "
                "unnoticed.",
            )
        seen[name] = j
