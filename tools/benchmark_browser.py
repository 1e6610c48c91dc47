"""Time the Oct4 predictor page (chapter 6) in headless Chromium and print a table.

Measures, inside the page: loading TensorFlow.js and the model (the page's own timer, from
``tf.setBackend`` to the first prediction), the whole page load (navigation until the model is
ready), predicting one 200-bp sequence, and the in-silico mutagenesis map of one sequence (all
single-base substitutions). Medians over repeats; the first call of each kind is a warm-up.

Usage: ``python tools/benchmark_browser.py [--site DIR] [--loads 5] [--repeats 50]``. The site
is ``--site``, else ``_build/html`` if built with the page, else ``book/_extra``. Chromium is the
first of ``$SEQDL_CHROMIUM``, ``chromium``, ``chromium-browser``, ``google-chrome`` (never
``playwright install``). This is a benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from browser import LAUNCH_ARGS, chromium_executable, serve

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (
    "GTAGAACTGGGGACCCTAATTTCCCAAGGAGACAAACATCCAATTTCTGGTTTAGATTTGCATTAGAAAGAGACCTTAATTACTCTGATCTC"
    "TAACACCTCTGAGGAGCCGATTTGAGCTTTTCAGATGCAAAGAGTGTTAATTGGCTAAGGGGCCCAGCTGAGCTGAACCCTCACCAAGTGGG"
    "AAGGGGTAGAGGAAGG"
)  # 200 bp, a test-set Oct4 peak (chr9:38214519-38214719)


def default_site() -> Path:
    built = ROOT / "_build" / "html"
    return built if (built / "predictor" / "index.html").is_file() else ROOT / "book" / "_extra"


TIME_IN_PAGE = """async ([what, repeats, sequence]) => {
  const p = window.seqdlPredictor;
  const run = what === "predict" ? () => p.predict([sequence]) : () => p.mutagenesis(sequence);
  await run();  // warm-up
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times;
}"""


def benchmark(site: Path, loads: int, repeats: int) -> list[tuple[str, str, float, float, int]]:
    from playwright.sync_api import sync_playwright

    executable = chromium_executable()
    if executable is None:
        sys.exit("no Chromium found: set $SEQDL_CHROMIUM or install chromium")
    rows = []
    with serve(site) as base, sync_playwright() as playwright:
        url = f"{base}/predictor/index.html"
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        model_ms, page_ms = [], []
        for _ in range(loads):
            context = browser.new_context()  # fresh cache: a first visit
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready='true']", timeout=120_000)
            page_ms.append(1000 * (time.perf_counter() - start))
            model_ms.append(page.evaluate("window.seqdlPredictor.state.timings.modelLoadMs"))
            context.close()
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("body[data-ready='true']", timeout=120_000)
        backend = page.evaluate("`TF.js ${tf.version.tfjs}, ${tf.getBackend()} backend`")
        predict_ms = page.evaluate(TIME_IN_PAGE, ["predict", repeats, EXAMPLE])
        ism_ms = page.evaluate(TIME_IN_PAGE, ["mutagenesis", max(3, repeats // 10), EXAMPLE])
        browser_version = browser.version
        browser.close()
    for label, values in (
        ("page load, navigation to model ready (new visit)", page_ms),
        ("TF.js backend + model load + warm-up prediction", model_ms),
        ("predict one 200-bp sequence", predict_ms),
        ("mutagenesis map (600 mutants + reference)", ism_ms),
    ):
        rows.append((label, f"{len(values)}", statistics.median(values), min(values), max(values)))
    machine = f"{os.cpu_count()} CPU cores ({platform.machine()})"
    print(f"Chromium {browser_version}; {backend}; {machine}; site {site}")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", type=Path, default=None, help="folder served as the site root")
    parser.add_argument("--loads", type=int, default=5, help="page loads timed")
    parser.add_argument("--repeats", type=int, default=50, help="single predictions timed")
    args = parser.parse_args(argv)
    site = args.site or default_site()
    if not (site / "predictor" / "vendor" / "tf.min.js").is_file():
        sys.exit(f"{site}/predictor/vendor/tf.min.js is missing: run `npm ci` first")
    rows = benchmark(site, args.loads, args.repeats)
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'n':>3}  {'median ms':>9}  {'min ms':>8}  {'max ms':>8}")
    for label, n, median, low, high in rows:
        print(f"{label:<{width}}  {n:>3}  {median:>9.1f}  {low:>8.1f}  {high:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
