"""seqdl.report: glue falls back to printing outside the book build."""

import sys
import time

from seqdl import report


def test_glue_prints_without_myst_nb(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import fails, as on Colab
    assert report.glue("auroc", 0.98765, ".3f") == "0.988"
    assert "auroc = 0.988" in capsys.readouterr().out


def test_report_runtime_measures_elapsed_minutes(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)
    report.report_runtime(time.perf_counter() - 90)
    assert "ran in 1.5 min" in capsys.readouterr().out
