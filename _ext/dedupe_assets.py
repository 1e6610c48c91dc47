"""Sphinx extension: drop duplicate <script> entries from each page.

sphinx-thebe (pulled in by Jupyter Book 1) registers its configuration script on every
``env-before-read-docs`` event, which fires more than once in a build, so pages declare
``const THEBE_JS_URL`` twice and the browser raises "Identifier 'THEBE_JS_URL' has already been
declared". Keeping the first of identical scripts fixes that without touching the packages.
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # Sphinx script objects: ``filename`` is None or "" for inline scripts (text in ``body``).
        key = (script.filename or "", tuple(sorted((k, str(v)) for k, v in script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=100_000)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
