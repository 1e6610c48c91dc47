"""The installed environment matches requirements.txt and can run every part of the book."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pins_installed_and_pip_check_clean_but_for_janggu():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_env.py")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_key_packages_import_together():
    code = (
        "import tensorflowjs, transformers, otter, torch, keras; print(keras.__version__, torch.__version__)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["3.15.1", "2.13.0+cpu"]


def test_janggu_data_is_readable_without_importing_janggu():
    from seqdl.data import load_oct4_mafk

    data = load_oct4_mafk()
    assert len(data.train) > 6000
    assert "janggu" not in sys.modules
