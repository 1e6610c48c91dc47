"""Write the glossary page from the chapters' term labels (``python tools/glossary.py [--check]``).

A chapter defines a term where it first uses it, with a MyST target just before the definition:
``(term-early-stopping)=``. This script collects every such target, names the term after its label
(with the book's spelling of acronyms and proper names, ``NAMES``), and writes ``book/glossary.md``:
the terms in alphabetical order, each linked to its definition.
``--check`` fails (exit 1) when the committed page differs from what the chapters say.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "book" / "glossary.md"
TARGET = re.compile(r"^\((term-[a-z0-9-]+)\)=\s*$", re.MULTILINE)
# Words of a label that are not written in lower case.
NAMES = {
    "adam": "Adam",
    "auroc": "AUROC",
    "auprc": "AUPRC",
    "bgr": "BGR",
    "brier": "Brier",
    "chip-seq": "ChIP-seq",
    "dna": "DNA",
    "glorot": "Glorot",
    "he": "He",
    "imagenet": "ImageNet",
    "keras": "Keras",
    "l2": "L2",
    "otsu": "Otsu",
    "platt": "Platt",
    "relu": "ReLU",
    "rnn": "RNN",
    "lstm": "LSTM",
    "roc": "ROC",
    "savedmodel": "SavedModel",
    "tensorflow-js": "TensorFlow.js",
    "tomtom": "TOMTOM",
    "c": "C",
}
HEADER = """# Glossary

Every term the book defines, in alphabetical order, with a link to the place where it is first
defined. The chapters define each term where they first use it; this page is generated from those
definitions (`tools/glossary.py`), so it cannot drift from them.

"""


def name_of(label: str) -> str:
    """``term-chip-seq`` -> ``ChIP-seq``; ``term-one-hot-dna`` -> ``one-hot DNA``."""
    slug = label.removeprefix("term-")
    if slug in NAMES:
        return NAMES[slug]
    words = [NAMES.get(word, word) for word in slug.split("-")]
    name = " ".join(words)
    for hyphenated in (
        "one hot",
        "k mer",
        "p value",
        "q value",
        "fine tuning",
        "cross entropy",
        "mini batch",
        "in silico",
        "reverse complement augmentation",
        "reverse complement averaging",
    ):
        name = name.replace(
            hyphenated, hyphenated.replace(" ", "-", 1 if hyphenated.startswith("reverse") else -1)
        )
    return name


def terms() -> list[tuple[str, str, str]]:
    """``(name, label, chapter)`` for every term target in the chapters, in chapter order."""
    found, seen = [], set()
    for chapter in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(chapter, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for match in TARGET.finditer(cell.source):
                label = match.group(1)
                if label in seen:
                    raise SystemExit(f"{chapter.name}: the term target {label} is defined twice")
                seen.add(label)
                found.append((name_of(label), label, chapter.stem))
    return found


def render() -> str:
    lines = [HEADER.rstrip("\n"), ""]
    for name, label, chapter in sorted(terms(), key=lambda t: t[0].lower()):
        number = int(chapter[:2])
        lines.append(f"- {{ref}}`{name} <{label}>` (chapter {number}, {{doc}}`{chapter}`)")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if book/glossary.md is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print("book/glossary.md is out of date: run `python tools/glossary.py`", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(terms())} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
