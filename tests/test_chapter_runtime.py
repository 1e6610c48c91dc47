"""Every chapter runs top to bottom offline within its budget (3 minutes on 2 CPU cores).

The book build (`make book`) executes each chapter once and records how long it took in its
execution cache; this test reads those records for the *current* version of each notebook (the
cache is keyed by the notebook's code) and fails on a chapter that is over budget or that the
build did not execute. Run `make book` first; without a build the test is skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
BUDGET_SECONDS = 180
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def cache():
    if not CACHE.exists():
        pytest.skip("the book is not built: run `make book`")
    from jupyter_cache import get_cache

    return get_cache(str(CACHE))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_ran_within_budget(cache, chapter):
    record = cache.match_cache_file(str(chapter))  # raises KeyError when this version never ran
    seconds = record.data["execution_seconds"]
    print(f"{chapter.stem}: {seconds:.1f} s")
    assert seconds <= BUDGET_SECONDS, (
        f"{chapter.name} took {seconds:.0f} s, over the {BUDGET_SECONDS} s budget"
    )
