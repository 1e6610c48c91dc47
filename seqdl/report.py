"""Put numbers computed by a notebook into its prose, and report the notebook's run time.

The book's text never types a result: a code cell computes it and *glues* it under a name, and the
Markdown shows it with ``{glue:text}`name``` (MyST-NB, when the book is built). :func:`glue` writes
the record that MyST-NB reads -- a display output with the ``application/papermill.record/`` MIME
prefix -- using IPython alone, so the kernel needs neither MyST-NB nor Jupyter Book. That happens
only in the book build (``make book`` sets ``SEQDL_BOOK_BUILD=1``); anywhere else, in Colab or
Jupyter, the value is printed instead, so a reader sees every number the text would show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

from .validate import check_str

GLUE_MIME_PREFIX = "application/papermill.record/"  # what MyST-NB's glue extension reads
BUILD_ENV = "SEQDL_BOOK_BUILD"


def _in_book_build() -> bool:
    return os.environ.get(BUILD_ENV) == "1"


def _record(name: str, text: str) -> None:
    from IPython.display import display

    display(
        {GLUE_MIME_PREFIX + "text/plain": repr(text)},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_MIME_PREFIX}},
    )


def glue(name: str, value, fmt: str = "") -> None:
    """Record ``value`` under ``name`` for the book's text, formatted with ``fmt``.

    Returns nothing, so a cell that ends with a ``glue`` call shows no stray ``Out`` value; outside
    the book build it prints ``name = text`` instead.

    Parameters
    ----------
    name : str
        The name the Markdown refers to: ``{glue:text}`name```.
    value : object
        Anything ``format(value, fmt)`` accepts.
    fmt : str
        A format specification such as ``".3f"`` or ``"d"``; ``""`` uses ``str``.
    """
    _glue(name, value, fmt)


def _glue(name: str, value, fmt: str) -> str:
    check_str(name, "name")
    text = format(value, fmt)
    if _in_book_build():
        _record(name, text)
    else:
        print(f"{name} = {text}")
    return text


def glue_all(values: Mapping[str, object], fmt: str | Mapping[str, str] = "") -> None:
    """:func:`glue` several values at once: ``glue_all({"cnn_auroc": 0.99, "n": 718}, {"cnn_auroc": ".3f"})``.

    ``fmt`` is one format for all values, or a mapping from name to format (missing names use ``""``).
    """
    formats = fmt if isinstance(fmt, Mapping) else dict.fromkeys(values, fmt)
    unknown = sorted(set(formats) - set(values))
    if unknown:
        raise ValueError(
            f"fmt={dict(formats)!r}: expected formats only for the glued names, got extra {unknown}"
        )
    for name, value in values.items():
        _glue(name, value, formats.get(name, ""))


def glue_table(prefix: str, table, fmt: str = "", columns=None) -> None:
    """Glue every cell of a table: ``{prefix}_{row}_{column}`` (lower case, spaces as ``_``).

    ``table`` is a pandas ``DataFrame`` indexed by the row names; ``columns`` restricts the columns.
    A chapter shows a table and glues it in one call, so the prose can quote any of its numbers.
    """
    check_str(prefix, "prefix")
    chosen = list(table.columns if columns is None else columns)
    values = {
        f"{prefix}_{_slug(row)}_{_slug(column)}": table.loc[row, column]
        for row in table.index
        for column in chosen
    }
    glue_all(values, fmt)


def _slug(label) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in str(label).strip().lower()).strip("_")


def report_runtime(start: float, name: str = "runtime_min") -> None:
    """Print (and glue as ``name``) the minutes elapsed since ``start`` (a ``time.perf_counter()``)."""
    minutes = (time.perf_counter() - start) / 60
    text = _glue(name, minutes, ".1f")
    print(f"This notebook ran in {text} min on {os.cpu_count()} CPU cores.")


def word_list(items) -> str:
    """Items joined for a sentence: ``"a"``, ``"a and b"``, ``"a, b and c"``.

    For the glued sentences that name a varying set of models, motifs or families.
    """
    words = [check_str(item, f"items[{index}]") for index, item in enumerate(items)]
    if not words:
        raise ValueError("items=[]: expected at least one item to name")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
