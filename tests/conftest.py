"""pytest configuration: the browser helpers live in tools/browser.py, shared with the benchmarks."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from browser import LAUNCH_ARGS, chromium_executable, serve  # noqa: E402

__all__ = ["LAUNCH_ARGS", "chromium_executable", "serve"]
