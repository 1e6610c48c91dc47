"""Put numbers computed by a notebook into its prose, and report the notebook's run time.

In the built book, :func:`glue` stores a value that Markdown cells show with
``{glue:text}`name``` (MyST-NB); anywhere else (Colab, Jupyter) MyST-NB is usually absent and
the value is simply printed. Either way, no number in the text is typed by hand.
"""

from __future__ import annotations

import os
import time


def glue(name: str, value, fmt: str = "") -> str:
    """Record ``value`` under ``name`` for the book's text, formatted with ``fmt``; returns the text."""
    text = format(value, fmt)
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        print(f"{name} = {text}")
        return text
    myst_glue(name, text, display=False)
    return text


def report_runtime(start: float, name: str = "runtime_min") -> None:
    """Print (and glue as ``name``) the minutes elapsed since ``start`` (a ``time.perf_counter()``)."""
    minutes = (time.perf_counter() - start) / 60
    text = glue(name, minutes, ".1f")
    print(f"This notebook ran in {text} min on {os.cpu_count()} CPU cores.")
