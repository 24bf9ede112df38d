#!/usr/bin/env python3
"""Rebuilds data/datasets/fashion-mnist-mini: the first 32 training and the first 16 test
examples of Fashion-MNIST, in the original IDX format, gzip-compressed with a zero time
stamp so the files come out byte for byte the same.

Usage: data/datasets/make-fashion-mnist-mini.py [FASHION_MNIST_DIR]
FASHION_MNIST_DIR holds the four original *-ubyte.gz files (default: the Debian package
dataset-fashion-mnist's /usr/share/datasets/fashion-mnist)."""
import gzip
import os
import struct
import sys

source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion-mnist-mini")
os.makedirs(target, exist_ok=True)
for part, count in (("train", 32), ("t10k", 16)):
    # IDX: a magic number, the item count, then (images only) rows and columns; then the items.
    for kind, header, item_bytes in (("images-idx3", 16, 28 * 28), ("labels-idx1", 8, 1)):
        name = f"{part}-{kind}-ubyte"
        with gzip.open(os.path.join(source, name + ".gz")) as f:
            data = f.read()
        mini = data[:4] + struct.pack(">I", count) + data[8:header] + data[header : header + count * item_bytes]
        with open(os.path.join(target, name + ".gz"), "wb") as raw, gzip.GzipFile(name, "wb", 9, raw, mtime=0) as g:
            g.write(mini)
