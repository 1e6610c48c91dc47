"""Every chapter runs top to bottom offline within its budget (3 minutes on 2 CPU cores).

The book build (`make book`) executes each chapter once and records how long it took in its
execution cache; this test reads those records for the *current* version of each notebook (the
cache is keyed by the notebook's code) and fails on a chapter that is over budget or that the
build did not execute. The cache belongs to Jupyter Book's environment, so it is read there.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
BUDGET_SECONDS = 180
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
READ = """
import json, sys
from jupyter_cache import get_cache
cache = get_cache(sys.argv[1])
times = {}
for path in sys.argv[2:]:
    try:
        times[path] = cache.match_cache_file(path).data["execution_seconds"]
    except KeyError:
        times[path] = None
print(json.dumps(times))
"""

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def seconds(tools_python):
    assert CACHE.exists(), "the book is not built: run `make book` (make test does it first)"
    result = subprocess.run(
        [tools_python, "-c", READ, str(CACHE), *map(str, CHAPTERS)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_ran_within_budget(seconds, chapter):
    taken = seconds[str(chapter)]
    assert taken is not None, f"{chapter.name}: the book build did not execute this version (run `make book`)"
    print(f"{chapter.stem}: {taken:.1f} s")
    assert taken <= BUDGET_SECONDS, f"{chapter.name} took {taken:.0f} s, over the {BUDGET_SECONDS} s budget"
