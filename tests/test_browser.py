"""The Oct4 predictor page (chapter 6) in a real browser: Debian Chromium driven by Playwright.

Sequences are pasted into the page like a reader would; its predictions and its in-silico
mutagenesis map must match Keras (the committed ``oct4_cnn.keras`` the page's graph model was
converted from) within ``BROWSER_TOLERANCE``, bad input must produce its message, and
the browser console must stay free of errors.

Which site is served (over http on 127.0.0.1, random port): ``$SEQDL_SITE`` if set, else the
built book ``_build/html`` if it exists, else ``book/_extra`` directly (the folder the build copies
into the site root). The browser is the first of ``$SEQDL_CHROMIUM``, ``chromium``,
``chromium-browser``, ``google-chrome``; never ``playwright install``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from browser import LAUNCH_ARGS, chromium_executable
from browser import serve as serve_folder

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
STATIC_SITE = ROOT / "book" / "_extra"
MODEL_DIR = STATIC_SITE / "predictor" / "model"
TIMEOUT_MS = 60_000
N_PER_CLASS = 10  # real test-split peaks of each class pasted into the page
BROWSER_TOLERANCE = 1e-5  # TensorFlow.js vs Keras, same weights, in probability (float32 rounding: ~1e-7)


def site_root() -> Path:
    """The folder served as the site's root; fails with the fix when the page is incomplete."""
    if os.environ.get("SEQDL_SITE"):
        root = Path(os.environ["SEQDL_SITE"])
    elif (ROOT / "_build" / "html").is_dir():
        root = ROOT / "_build" / "html"
    else:
        root = STATIC_SITE
    if not (root / "predictor" / "index.html").is_file():
        pytest.fail(
            f"{root} has no predictor/index.html: build the book with `html_extra_path: [book/_extra]` "
            "in _config.yml (sphinx: config:), or delete _build/html to test book/_extra directly"
        )
    if not (root / "predictor" / "vendor" / "tf.min.js").is_file():
        pytest.fail(
            f"{root}/predictor/vendor/tf.min.js is missing: run `npm ci` in the repository root (it copies "
            "TensorFlow.js from node_modules into book/_extra/predictor/vendor), then rebuild the book"
        )
    return root


@pytest.fixture(scope="module")
def serve():
    """``serve(folder)`` serves ``folder`` on 127.0.0.1 until the module's tests end; returns its URL."""
    with contextlib.ExitStack() as stack:
        yield lambda folder: stack.enter_context(serve_folder(folder)) + "/"


@pytest.fixture(scope="module")
def site(serve):
    root = site_root()
    return root, serve(root)


@pytest.fixture(scope="module")
def browser():
    executable = chromium_executable()
    if executable is None:
        pytest.fail("no Chromium found: set $SEQDL_CHROMIUM or install chromium (apt-get install chromium)")
    import playwright.sync_api as sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console(browser):
    """A fresh page whose console errors and uncaught exceptions are collected (and must stay empty)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    yield page, errors
    context.close()


@pytest.fixture
def page(console, site):
    """The predictor page, loaded and ready; at the end of the test the console must be clean."""
    page, errors = console
    page.goto(site[1] + "predictor/index.html")
    page.wait_for_selector("body[data-ready]")
    assert page.get_attribute("body", "data-ready") == "true", page.inner_text("#messages")
    yield page
    assert errors == [], f"errors in the browser console: {errors}"


@pytest.fixture(scope="module")
def keras_model():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras.models.load_model(MODEL_DIR / "oct4_cnn.keras")


@pytest.fixture(scope="module")
def peaks():
    """N_PER_CLASS test-split peaks of each class, drawn with a fixed seed: (ids, sequences, labels)."""
    from seqdl.data import load_oct4_mafk

    test = load_oct4_mafk().test
    rng = np.random.default_rng(0)
    chosen = [
        i for label in (1, 0) for i in rng.choice(np.flatnonzero(test.y == label), N_PER_CLASS, replace=False)
    ]
    return [test.ids[i] for i in chosen], [test.x[i] for i in chosen], test.y[chosen]


def keras_predict(model, sequences: list[str]) -> np.ndarray:
    from seqdl.encode import one_hot_batch

    return model.predict(one_hot_batch(sequences, 200), verbose=0)[:, 0].astype(np.float64)


def keras_mutagenesis(model, sequence: str) -> np.ndarray:
    """Reference map, shape (200, 4): P(mutant) - P(sequence); NaN at the sequence's own base."""
    from seqdl.encode import one_hot_encode

    x = one_hot_encode(sequence)
    positions, bases = np.nonzero(x == 0)
    mutants = np.repeat(x[None], len(positions), axis=0)
    mutants[np.arange(len(positions)), positions] = 0.0
    mutants[np.arange(len(positions)), positions, bases] = 1.0
    reference = model.predict(x[None], verbose=0)[0, 0]
    delta = np.full(x.shape, np.nan)
    delta[positions, bases] = model.predict(mutants, verbose=0)[:, 0] - reference
    return delta


def submit(page, text: str) -> tuple[list[tuple[str, float]], list[str]]:
    """Paste ``text``, press Predict, wait; return the result rows (record, P) and the messages."""
    runs = page.get_attribute("body", "data-runs") or "0"
    page.fill("#sequence-input", text)
    page.click("#predict-button")
    page.wait_for_selector(f"body[data-runs='{int(runs) + 1}']")
    rows = page.eval_on_selector_all(
        "#results tbody tr",
        "rows => rows.map(r => [r.cells[1].textContent, Number(r.cells[2].dataset.probability)])",
    )
    messages = page.eval_on_selector_all("#messages p", "ps => ps.map(p => p.textContent)")
    if page.is_hidden("#results-section"):
        rows = []
    return [(name, p) for name, p in rows], messages


def wrap(sequence: str, width: int = 60, newline: str = "\n") -> str:
    return newline.join(sequence[i : i + width] for i in range(0, len(sequence), width))


# --------------------------------------------------------------------------- predictions


def test_predictions_match_keras(page, keras_model, peaks):
    """20 real test peaks plus edge cases (N's, lower case, wrapped lines, CRLF) vs Keras."""

    ids, sequences, _ = peaks
    with_ns = sequences[0][:50] + "N" * 10 + sequences[0][60:190] + "n" * 10
    records = [("twenty Ns", with_ns)]
    records += [(peak_id, seq) for peak_id, seq in zip(ids, sequences)]
    records += [
        ("lower case", sequences[1].lower()),
        ("mixed case", sequences[2][:100].lower() + sequences[2][100:]),
    ]
    text = "\r\n".join(f">{name}\r\n{wrap(seq, 60, chr(13) + chr(10))}" for name, seq in records)
    rows, messages = submit(page, text)
    assert messages == []
    assert [name for name, _ in rows] == [name for name, _ in records]
    expected = keras_predict(keras_model, [seq for _, seq in records])
    browser = np.array([p for _, p in rows])
    worst = np.max(np.abs(browser - expected))
    assert len(rows) >= 2 * N_PER_CLASS
    assert worst <= BROWSER_TOLERANCE, f"browser vs Keras: largest |difference| {worst:.2e}"
    # The mutation map of record 1 (which holds N's) matches Keras cell by cell.
    delta = np.array(page.evaluate("Array.from(window.seqdlPredictor.state.ism.delta)"), dtype=np.float64)
    delta = delta.reshape(200, 4)
    reference = keras_mutagenesis(keras_model, with_ns.upper())
    assert np.array_equal(np.isnan(delta), np.isnan(reference)), "reference bases (NaN cells) differ"
    worst_ism = np.nanmax(np.abs(delta - reference))
    assert worst_ism <= BROWSER_TOLERANCE, f"mutagenesis map vs Keras: largest |difference| {worst_ism:.2e}"


def test_every_test_peak_matches_keras_in_the_page_s_model(page, keras_model):
    """All test-split peaks through the page's loaded graph model (the page's own encoder) vs Keras."""
    from seqdl.data import load_oct4_mafk

    sequences = load_oct4_mafk().test.x
    browser = np.array(
        page.evaluate(
            """async (sequences) => {
                const p = window.seqdlPredictor;
                const input = tf.tensor3d(p.encode(sequences), [sequences.length, 200, 4]);
                const output = p.state.model.predict(input);
                const values = Array.from(await output.data());
                input.dispose(); output.dispose();
                return values;
            }""",
            sequences,
        )
    )
    expected = keras_predict(keras_model, sequences)
    worst = float(np.max(np.abs(browser - expected)))
    print(f"browser vs Keras over {len(sequences)} test peaks: largest |difference| {worst:.2e}")
    assert len(browser) == len(sequences) > 700
    assert worst <= BROWSER_TOLERANCE, f"browser vs Keras over all test peaks: {worst:.2e}"


def test_page_runs_the_pinned_tfjs_on_the_cpu_backend(page):
    assert page.evaluate("[tf.version.tfjs, tf.getBackend()]") == ["4.22.0", "cpu"]


def test_plain_sequence_with_whitespace_is_one_record(page, keras_model, peaks):

    sequence = peaks[1][-1]
    rows, messages = submit(page, "  " + wrap(sequence, 70).replace("\n", " \n\t") + "\n\n")
    assert messages == []
    assert len(rows) == 1 and rows[0][0] == "sequence 1"
    assert abs(rows[0][1] - keras_predict(keras_model, [sequence])[0]) <= BROWSER_TOLERANCE


def test_heat_map_uses_the_diverging_palette(page, keras_model, peaks):
    """The most negative cell is drawn blue, the most positive orange, reference bases grey."""
    sequence = peaks[1][0]
    submit(page, sequence)
    delta = keras_mutagenesis(keras_model, sequence)
    lowest = np.unravel_index(np.nanargmin(delta), delta.shape)
    highest = np.unravel_index(np.nanargmax(delta), delta.shape)
    reference = (0, "ACGT".index(sequence[0]))

    def pixel(position: int, base: int) -> list[int]:
        x, y = 34 + 4 * position + 2, 12 + 30 * base + 15  # LAYOUT in app.js: cell centres
        canvas = "document.getElementById('ism-canvas')"
        return page.evaluate(f"Array.from({canvas}.getContext('2d').getImageData({x}, {y}, 1, 1).data)")

    red, _, blue, _ = pixel(*lowest)
    assert blue > red, f"largest decrease drawn as {pixel(*lowest)}, expected blue"
    red, _, blue, _ = pixel(*highest)
    assert red > blue, f"largest increase drawn as {pixel(*highest)}, expected orange"
    assert pixel(*reference)[:3] == [179, 179, 179], "the sequence's own base is drawn grey"
    assert "In-silico mutagenesis" in page.inner_text("#ism-title")


def test_examples_button_shows_page_and_keras_side_by_side(page):

    runs = page.get_attribute("body", "data-runs") or "0"
    page.click("#examples-button")
    page.wait_for_selector(f"body[data-runs='{int(runs) + 1}']")
    table = page.eval_on_selector_all(
        "#results tbody tr",
        "rows => rows.map(r => [Number(r.cells[2].dataset.probability), r.cells[4].textContent])",
    )
    examples = json.loads((MODEL_DIR / "examples.json").read_text())["examples"]
    assert len(table) == len(examples)
    for (browser, keras_text), example in zip(table, examples):
        assert abs(browser - example["keras_probability"]) <= BROWSER_TOLERANCE
        assert keras_text == f"{example['keras_probability']:.4f}"


# --------------------------------------------------------------------------- bad input


SEQ = "ACGT" * 50  # 200 bp
BAD_INPUTS = {
    "empty": ("", 0, ["Nothing to predict"]),
    "only whitespace": ("  \n\t \n", 0, ["Nothing to predict"]),
    "too short": ("ACGT" * 10, 0, ["is 40 bp long; the model reads exactly 200 bp"]),
    "too long": (SEQ + "A", 0, ["is 201 bp long"]),
    "two sequences without headers": (SEQ + "\n" + SEQ, 0, ["is 400 bp long", "'>' header line"]),
    "invalid letter": (SEQ[:16] + "X" + SEQ[17:], 0, ['invalid character "X" at base 17']),
    "RNA": (SEQ[:99] + "U" + SEQ[100:], 0, ['"U" at base 100', "replace it with T"]),
    "ambiguity code": (SEQ[:4] + "R" + SEQ[5:], 0, ["replace it with N"]),
    "position numbers": ("1 " + SEQ, 0, ['"1" at base 1']),
    "header only": (">my_peak", 0, ['Record "my_peak" has a header line but no sequence']),
    "one good, one header only": (f">good\n{SEQ}\n>empty\n", 1, ['Record "empty" has a header line']),
    "one good, one too short": (f">good\n{SEQ}\n>short\nACGT\n", 1, ['Record "short" is 4 bp long']),
    "text before the first header": (f"ACGT\n>good\n{SEQ}", 1, ["Line 1 comes before the first '>' header"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_shows_its_message(page, case):
    text, n_predicted, expected = BAD_INPUTS[case]
    rows, messages = submit(page, text)
    assert len(rows) == n_predicted
    assert len(messages) == 1, messages
    for fragment in expected:
        assert fragment in messages[0], f"{fragment!r} not in {messages[0]!r}"
    if n_predicted == 0:
        assert page.is_hidden("#ism-section")


def test_at_most_100_records_are_predicted(page):
    text = "\n".join(f">r{i}\n{SEQ}" for i in range(101))
    rows, messages = submit(page, text)
    assert len(rows) == 100
    assert messages == ["Only the first 100 of 101 valid records are predicted."]


def test_page_opened_from_a_file_explains_what_to_do(console, site):
    page, errors = console
    page.goto((site[0] / "predictor" / "index.html").resolve().as_uri())
    page.wait_for_selector("body[data-ready='failed']")
    assert "http.server" in page.inner_text("#messages")
    assert page.is_disabled("#predict-button")
    assert errors == []


# --------------------------------------------------------------------------- the book around the page


def test_chapter_embeds_the_page(console, site):
    root, url = site
    if not (root / "book" / "06_deploy.html").is_file():
        pytest.fail(f"{root} is not a built book with chapter 6: run `make book`")
    page, errors = console
    page.goto(url + "book/06_deploy.html")
    frame_element = page.wait_for_selector("iframe[src$='predictor/index.html']")
    frame = frame_element.content_frame()
    frame.wait_for_selector("body[data-ready='true']")
    assert "Oct4" in frame.inner_text("h1")
    assert not [e for e in errors if "predictor" in e], errors


def test_keras3_layers_model_still_fails_in_tfjs(console, site, serve, tmp_path, keras_model):
    """Chapter 6 says Keras 3 *layers* models do not load in TF.js 4.22; this checks the claim."""
    import contextlib
    import io

    from seqdl.deploy import import_tensorflowjs

    tfjs = import_tensorflowjs()  # as chapter 6 does: TF Decision Forests has no Python 3.13 build
    with contextlib.redirect_stdout(io.StringIO()):
        tfjs.converters.save_keras_model(keras_model, str(tmp_path / "layers"))
    shutil.copy(site[0] / "predictor" / "vendor" / "tf.min.js", tmp_path)
    (tmp_path / "index.html").write_text('<!doctype html><title>t</title><script src="tf.min.js"></script>')
    page, _ = console
    page.goto(serve(tmp_path) + "index.html")
    outcome = page.evaluate(
        "async () => { try { await tf.loadLayersModel('layers/model.json'); return 'loaded'; }"
        " catch (err) { return err.message; } }"
    )
    expected = "An InputLayer should be passed either a batchInputShape or an inputShape"
    assert expected in outcome.replace("`", ""), (
        f"TF.js now says {outcome!r}: if layers models load, update chapter 6's advice"
    )
