"""seqdl.deploy: export and conversion for TensorFlow.js, checks of the converted folder, and the
predictor page's committed model files (book/_extra/predictor/model)."""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
from write_predictor_model import write_predictor_files  # noqa: E402

from seqdl import deploy, models  # noqa: E402
from seqdl.data import SEQ_LEN, load_oct4_mafk  # noqa: E402
from seqdl.encode import one_hot_batch  # noqa: E402

# The tolerances of the tests that guard the predictor page (absolute, in probability):
# Retrained with seed 0 vs the committed model: the 90th percentile of |P(Oct4) difference| over the
# 718 test peaks. Measured: <= 4e-4 on the CPU that trained it; 0.015 on a Xeon with AVX-512 (where
# the largest difference is 0.16: training amplifies round-off on a few boundary peaks); seeds 1 and
# 2 instead give 0.12 and 0.10.
RETRAIN_TOLERANCE = 0.05
RETRAIN_QUANTILE = 0.9
MAX_MODEL_BYTES = 500_000  # the committed page model (model.json, shards, .keras, examples)

COMMITTED = Path(__file__).resolve().parents[1] / "book" / "_extra" / "predictor" / "model"
TINY_LEN = 20  # bp, input length of the small untrained model converted by the fast tests


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A CNN of the deployed architecture on 20-bp inputs with random weights, and its graph model.

    Biases are random too: the converter's optimizer drops a bias that is exactly zero (as in a
    freshly initialised model), which would leave nothing to compare.
    """
    rng = np.random.default_rng(0)
    model = models.oct4_cnn(seq_len=TINY_LEN)
    for weight in model.weights:
        weight.assign(rng.normal(0.0, 0.3, size=weight.shape).astype(np.float32))
    folder = deploy.convert_keras_model(model, tmp_path_factory.mktemp("tiny") / "graph")
    return model, folder


def _copy(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "copy"))


# --------------------------------------------------------------------------- conversion


def test_conversion_writes_a_graph_model_with_the_model_signature(tiny):
    model, folder = tiny
    assert (folder / "model.json").is_file()
    info = deploy.check_graph_model(folder, input_shape=(-1, TINY_LEN, 4), output_shape=(-1, 1))
    assert set(info.files) == {"model.json", *(p.name for p in folder.glob("*.bin"))}
    assert info.total_bytes == sum(p.stat().st_size for p in folder.iterdir())
    assert any("Conv2D" in op for op in info.ops), "a Conv1D is converted to a (fused) 2D convolution"
    assert json.loads((folder / "model.json").read_text())["format"] == "graph-model"


def test_converted_weights_are_the_keras_weights_exactly(tiny):
    model, folder = tiny
    weights = deploy.read_graph_weights(folder)
    floats = [w for w in weights.values() if w.dtype == np.float32]
    assert sum(w.size for w in floats) == model.count_params()
    assert deploy.keras_graph_weight_difference(model, folder) == 0.0


def test_read_weights_replays_the_keras_forward_pass(tiny):
    """Independent reference: NumPy computes the CNN from the graph weights; Keras must agree."""
    model, folder = tiny
    w = {v.shape: v for v in deploy.read_graph_weights(folder).values() if v.dtype == np.float32}
    kernel = w[(1, models.OCT4_KERNEL_WIDTH, 4, models.OCT4_FILTERS)][0]
    x = one_hot_batch(["ACGTACGTNNACGTTTGCAT", "acgtacgtacgtacgtacgt", "GGGGGCCCCCAAAAATTTTT"], TINY_LEN)
    windows = np.lib.stride_tricks.sliding_window_view(x.astype(np.float64), models.OCT4_KERNEL_WIDTH, axis=1)
    conv = np.tensordot(windows, kernel.transpose(1, 0, 2), axes=([2, 3], [0, 1])) + w[(models.OCT4_FILTERS,)]
    logit = np.maximum(conv, 0).max(axis=1) @ w[(models.OCT4_FILTERS, 1)] + w[(1,)]
    expected = 1 / (1 + np.exp(-logit[:, 0]))
    np.testing.assert_allclose(model.predict(x, verbose=0)[:, 0], expected, atol=1e-6)


def test_max_weight_difference_sees_a_changed_weight(tiny, tmp_path):
    _, folder = tiny
    assert deploy.max_weight_difference(folder, folder) == 0.0
    changed = _copy(folder, tmp_path)
    shard = next(changed.glob("*.bin"))
    name = next(n for n, a in deploy.read_graph_weights(changed).items() if a.shape == (1,))  # dense bias
    spec = json.loads((changed / "model.json").read_text())
    offset = 0
    for w in spec["weightsManifest"][0]["weights"]:
        if w["name"] == name:
            break
        offset += int(np.prod(w["shape"])) * 4
    data = bytearray(shard.read_bytes())
    bias = np.frombuffer(bytes(data[offset : offset + 4]), dtype="<f4")[0]
    data[offset : offset + 4] = np.array([bias + 0.5], dtype="<f4").tobytes()
    shard.write_bytes(bytes(data))
    assert deploy.max_weight_difference(folder, changed) == pytest.approx(0.5, abs=1e-6)


def test_max_weight_difference_refuses_different_models(tiny, tmp_path):
    _, folder = tiny
    other = deploy.convert_keras_model(models.oct4_cnn(seq_len=TINY_LEN + 1), tmp_path / "other")
    with pytest.raises(ValueError, match="differ in their inputs"):
        deploy.max_weight_difference(folder, other)


def test_export_and_convert_refuse_to_mix_with_old_files(tiny, tmp_path):
    model, folder = tiny
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "stale.pb").write_text("x")
    with pytest.raises(FileExistsError, match="not empty"):
        deploy.export_saved_model(model, tmp_path / "old")
    with pytest.raises(FileExistsError, match="model.json exists"):
        deploy.convert_saved_model(tmp_path / "unused", folder)


# --------------------------------------------------------------------------- check_graph_model failures


def test_check_rejects_a_folder_without_model_json(tmp_path):
    with pytest.raises(FileNotFoundError, match="model.json"):
        deploy.check_graph_model(tmp_path)


def test_check_rejects_a_layers_model(tiny, tmp_path):
    changed = _copy(tiny[1], tmp_path)
    spec = json.loads((changed / "model.json").read_text())
    spec["format"] = "layers-model"
    (changed / "model.json").write_text(json.dumps(spec))
    with pytest.raises(ValueError, match="expected 'graph-model'"):
        deploy.check_graph_model(changed)


def test_check_rejects_missing_and_truncated_shards(tiny, tmp_path):
    changed = _copy(tiny[1], tmp_path)
    shard = next(changed.glob("*.bin"))
    shard.write_bytes(shard.read_bytes()[:-4])
    with pytest.raises(ValueError, match="the manifest needs"):
        deploy.check_graph_model(changed, input_shape=None)
    shard.unlink()
    with pytest.raises(FileNotFoundError, match="is missing"):
        deploy.check_graph_model(changed, input_shape=None)


def test_check_rejects_wrong_shapes_and_oversized_models(tiny):
    folder = tiny[1]
    with pytest.raises(ValueError, match=r"expected one input of shape \(-1, 200, 4\)"):
        deploy.check_graph_model(folder)  # the tiny model reads 20 bp, not 200
    with pytest.raises(ValueError, match="more than the allowed 100 bytes"):
        deploy.check_graph_model(folder, input_shape=None, max_bytes=100)


# --------------------------------------------------------------------------- the committed page model


def test_committed_model_is_a_small_200bp_graph_model():
    info = deploy.check_graph_model(COMMITTED, max_bytes=MAX_MODEL_BYTES)  # (-1, 200, 4) -> (-1, 1)
    every_file = sum(p.stat().st_size for p in COMMITTED.iterdir() if p.is_file())
    assert every_file <= MAX_MODEL_BYTES, f"the page's model folder holds {every_file} bytes"
    assert info.weights, "no weights"


def test_committed_keras_file_is_the_committed_graph_model():
    model = keras.models.load_model(COMMITTED / deploy.KERAS_FILE)
    assert deploy.keras_graph_weight_difference(model, COMMITTED) == 0.0
    examples = json.loads((COMMITTED / deploy.EXAMPLES_FILE).read_text())["examples"]
    assert {e["label"] for e in examples} == {"Oct4", "MafK"}
    x = one_hot_batch([e["sequence"] for e in examples], SEQ_LEN)
    np.testing.assert_allclose(
        model.predict(x, verbose=0)[:, 0], [e["keras_probability"] for e in examples], atol=1e-6
    )


@pytest.fixture(scope="module")
def test_split():
    dataset = load_oct4_mafk()
    return one_hot_batch(dataset.test.x, SEQ_LEN)


def _retrained_difference(tmp_path: Path, x: np.ndarray, seed: int) -> float:
    """|P(Oct4)| difference on ``x`` between a model retrained with ``seed`` and the committed one.

    Its RETRAIN_QUANTILE quantile over the sequences, not its maximum: across CPUs the same recipe
    drifts on a few peaks near the decision boundary, while another seed moves many.
    """
    fresh = tmp_path / f"seed{seed}"
    write_predictor_files(fresh, seed=seed)
    committed = keras.models.load_model(COMMITTED / deploy.KERAS_FILE)
    retrained = keras.models.load_model(fresh / deploy.KERAS_FILE)
    deploy.max_weight_difference(fresh, COMMITTED)  # raises if signature or weight names/shapes differ
    old = json.loads((COMMITTED / deploy.EXAMPLES_FILE).read_text())["examples"]
    new = json.loads((fresh / deploy.EXAMPLES_FILE).read_text())["examples"]
    assert [e["id"] for e in new] == [e["id"] for e in old], "examples.json lists other peaks"
    difference = np.abs(retrained.predict(x, verbose=0) - committed.predict(x, verbose=0))
    return float(np.quantile(difference, RETRAIN_QUANTILE))


@pytest.mark.slow
def test_committed_model_matches_the_recipe(tmp_path, test_split):
    """Regenerate the page's files with the chapter's recipe (seed 0); predictions must match.

    Retraining is bit-identical on one machine but not across CPUs and thread counts (measured:
    up to 4e-4 in probability with oneDNN on vs off; 0.16 on a few peaks of an AVX-512 Xeon), hence a
    tolerance on the 90th percentile of the differences, RETRAIN_TOLERANCE.
    If this fails after a deliberate change of the model, run
    ``python tools/write_predictor_model.py book/_extra/predictor/model`` and commit the files.
    """
    difference = _retrained_difference(tmp_path, test_split, seed=0)
    assert difference <= RETRAIN_TOLERANCE, (
        f"retrained model differs from the committed one by {difference:.3g} in P(Oct4) (90th "
        "percentile over the test peaks); regenerate "
        "the page's files with `python tools/write_predictor_model.py book/_extra/predictor/model`"
    )


@pytest.mark.slow
def test_recipe_check_can_fail(tmp_path, test_split):
    """The check above is not vacuous: another seed gives a model outside the tolerance."""
    assert _retrained_difference(tmp_path, test_split, seed=1) > RETRAIN_TOLERANCE


# --------------------------------------------------------------------------- the page's own files


PAGE = COMMITTED.parent
REPO = PAGE.parents[2]


def test_tfjs_is_pinned_and_served_from_the_page_folder():
    package = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())
    assert package["dependencies"]["@tensorflow/tfjs"] == "4.22.0"
    assert lock["packages"]["node_modules/@tensorflow/tfjs"]["version"] == "4.22.0"
    assert "book/_extra/predictor/vendor/tf.min.js" in package["scripts"]["vendor"]
    assert '<script src="vendor/tf.min.js"></script>' in (PAGE / "index.html").read_text()


@pytest.mark.parametrize("name", ["index.html", "app.js", "style.css"])
def test_page_loads_nothing_from_other_sites(name):
    """No CDN: every src, href, url() and fetch in the page is relative (links for readers aside)."""
    import re

    text = (PAGE / name).read_text()
    loads = re.findall(r"""(?:src=|url\(|fetch\(|loadGraphModel\()\s*["']?([^"')\s]+)""", text)
    assert loads or name == "style.css"
    assert not [url for url in loads if re.match(r"(https?:)?//", url)], loads
