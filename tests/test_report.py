"""seqdl.report: glue writes the record MyST-NB reads in the book build, and prints everywhere else."""

import time

import pandas as pd
import pytest

from seqdl import report


@pytest.fixture
def displayed(monkeypatch):
    """What glue displays, captured as (data, metadata) pairs."""
    shown = []
    import IPython.display

    monkeypatch.setattr(
        IPython.display, "display", lambda data, raw, metadata: shown.append((data, metadata))
    )
    return shown


def test_glue_prints_outside_the_book_build(monkeypatch, capsys, displayed):
    monkeypatch.delenv(report.BUILD_ENV, raising=False)
    assert report.glue("auroc", 0.98765, ".3f") is None  # a cell ending in glue shows no Out value
    assert "auroc = 0.988" in capsys.readouterr().out
    assert displayed == []


def test_glue_records_what_myst_nb_reads_in_the_book_build(monkeypatch, capsys, displayed, tools_python):
    monkeypatch.setenv(report.BUILD_ENV, "1")
    report.glue("auroc", 0.98765, ".3f")
    assert capsys.readouterr().out == ""
    ((data, metadata),) = displayed
    assert data == {"application/papermill.record/text/plain": "'0.988'"}
    assert metadata == {"scrapbook": {"name": "auroc", "mime_prefix": "application/papermill.record/"}}
    # The same record as MyST-NB's own glue writes (it lives in the tooling environment).
    import json
    import subprocess

    code = (
        "import json, IPython.display as d\n"
        "shown = []\n"
        "d.display = lambda data, raw, metadata: shown.append([data, metadata])\n"
        "import myst_nb.ext.glue as g\n"
        "g.ipy_display = d.display\n"
        "g.glue('auroc', '0.988', display=False)\n"
        "print(json.dumps(shown))"
    )
    result = subprocess.run([tools_python, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [[data, metadata]]


def test_glue_all_and_glue_table(monkeypatch, capsys):
    monkeypatch.delenv(report.BUILD_ENV, raising=False)
    assert report.glue_all({"a": 0.12345, "n": 718}, {"a": ".2f"}) is None
    assert capsys.readouterr().out.splitlines() == ["a = 0.12", "n = 718"]
    table = pd.DataFrame({"test AUROC": [0.99, 0.85]}, index=["CNN", "k-mer LR"])
    assert report.glue_table("cmp", table, ".3f") is None
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["cmp_cnn_test_auroc = 0.990", "cmp_k_mer_lr_test_auroc = 0.850"]


def test_report_runtime_measures_elapsed_minutes(monkeypatch, capsys):
    monkeypatch.delenv(report.BUILD_ENV, raising=False)
    report.report_runtime(time.perf_counter() - 90)
    assert "ran in 1.5 min" in capsys.readouterr().out
