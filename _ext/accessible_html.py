"""Sphinx extension: fix the two WCAG 2 AA problems that axe-core finds in the theme's HTML.

1. The sidebar's collapsible sections are ``<details><summary>`` elements whose only content is a
   chevron icon, so a screen reader announces an unnamed control. Each gets an ``aria-label``.
2. (in ``book/_static/seqdl.css``) Keras's ``model.summary()`` output carries inline colours that
   fail the contrast ratio on the page background.

The HTML is rewritten once the build has finished, so the theme's templates stay untouched.
``tests/test_site.py`` runs axe-core on every page and fails on any violation.
"""

from __future__ import annotations

from pathlib import Path

TOGGLE = '<summary><span class="toctree-toggle"'
NAMED = '<summary aria-label="Show or hide the pages of this section"><span class="toctree-toggle"'


def _name_summaries(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if TOGGLE in text:
            page.write_text(text.replace(TOGGLE, NAMED), encoding="utf-8")


def setup(app):
    app.connect("build-finished", _name_summaries)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
