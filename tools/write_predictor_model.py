"""Write the predictor page's model files (book/_extra/predictor/model): train, convert, record examples.

    python tools/write_predictor_model.py book/_extra/predictor/model [--seed 0]

Trains chapter 4's CNN with chapter 4's recipe (:func:`seqdl.models.train_oct4_cnn`), converts it to
a TensorFlow.js graph model (:mod:`seqdl.deploy`), and writes ``model.json`` and its weight shard,
``oct4_cnn.keras`` (the Keras model they came from) and ``examples.json``: the first test-split
peaks of each class with their Keras probabilities, which the page shows next to its own.
Existing files of these names are replaced. ``tests/test_deploy.py`` retrains and checks that the
committed files still match the recipe; run this after changing it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from seqdl import deploy
from seqdl.data import SEQ_LEN, load_oct4_mafk
from seqdl.encode import one_hot_batch
from seqdl.models import train_oct4_cnn


def write_predictor_files(output_dir: Path, *, seed: int = 0, n_examples: int = 3) -> deploy.GraphModelInfo:
    dataset = load_oct4_mafk()
    model = train_oct4_cnn(dataset, seed=seed)
    output_dir.mkdir(parents=True, exist_ok=True)
    for old in [output_dir / deploy.MODEL_JSON, *output_dir.glob("group*-shard*of*.bin")]:
        old.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="seqdl_graph_") as tmp:
        deploy.convert_keras_model(model, Path(tmp) / "graph")
        for path in (Path(tmp) / "graph").iterdir():
            shutil.copy2(path, output_dir / path.name)
    model.save(output_dir / deploy.KERAS_FILE)
    test = dataset.test
    chosen = [i for label in (1, 0) for i in np.flatnonzero(test.y == label)[:n_examples]]
    probabilities = model.predict(one_hot_batch([test.x[i] for i in chosen], SEQ_LEN), verbose=0)[:, 0]
    examples = [
        {
            "id": test.ids[i],
            "label": dataset.classes[test.y[i]],
            "sequence": test.x[i],
            "keras_probability": float(p),
        }
        for i, p in zip(chosen, probabilities)
    ]
    text = json.dumps({"seed": seed, "examples": examples}, indent=1) + "\n"
    (output_dir / deploy.EXAMPLES_FILE).write_text(text)
    return deploy.check_graph_model(output_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output_dir", type=Path, help="e.g. book/_extra/predictor/model")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    info = write_predictor_files(args.output_dir, seed=args.seed)
    print(f"wrote {args.output_dir}: {info.files} ({info.total_bytes} bytes of graph model)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
