"""Convert the MULAN yeast CSV into the compact ``yeast.npz`` bundled here."""

import argparse
import csv
import gzip
from decimal import Decimal
from pathlib import Path

import numpy as np

N_FEATURES = 103
N_LABELS = 14
SCALE = 10**6


def _to_micro(text):
    value = Decimal(text) * SCALE
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} has more than 6 decimals")
    micro = int(value)
    if not np.iinfo(np.int32).min <= micro <= np.iinfo(np.int32).max:
        raise ValueError(f"{text!r} does not fit in int32 micro-units")
    return micro


def convert(csv_path, out_path):
    """Read the yeast CSV at ``csv_path`` and write ``out_path`` (npz)."""
    opener = gzip.open if str(csv_path).endswith(".gz") else open
    with opener(csv_path, "rt", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if len(header) != N_FEATURES + N_LABELS:
        raise ValueError(f"expected {N_FEATURES + N_LABELS} columns")
    feature_names = header[:N_FEATURES]
    target_names = header[N_FEATURES:]

    texts = [row[:N_FEATURES] for row in body]
    data = np.array([[_to_micro(t) for t in row] for row in texts], dtype=np.int32)
    # Exact round trip: int32 micro-units / 1e6 must reproduce float(text).
    decoded = data / 1e6
    expected = np.array([[float(t) for t in row] for row in texts])
    if not np.array_equal(decoded, expected):
        raise ValueError("micro-unit encoding does not round-trip exactly")

    label_text = [row[N_FEATURES:] for row in body]
    if any(t not in ("0", "1") for row in label_text for t in row):
        raise ValueError("labels must be 0/1")
    target = np.array(label_text, dtype=np.uint8)

    np.savez_compressed(
        out_path,
        data=data,
        target_packed=np.packbits(target, axis=None),
        target_shape=np.array(target.shape, dtype=np.int64),
        feature_names=np.array(feature_names, dtype=np.str_),
        target_names=np.array(target_names, dtype=np.str_),
    )
    return data.shape, target.shape


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv_path", help="path to yeast.csv or yeast.csv.gz")
    parser.add_argument(
        "--out",
        default=str(Path(__file__).with_name("yeast.npz")),
        help="output .npz path (default: next to this script)",
    )
    args = parser.parse_args()
    shapes = convert(args.csv_path, args.out)
    print(f"wrote {args.out}: data {shapes[0]}, target {shapes[1]}")


if __name__ == "__main__":
    main()
