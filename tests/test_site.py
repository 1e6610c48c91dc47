"""The built website (`make book` first): Colab links, internal links, and pages in a real browser."""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from book_tools import CONFIG, toc_files
from browser import LAUNCH_ARGS, chromium_executable, serve

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"

pytestmark = pytest.mark.site


@pytest.fixture(autouse=True, scope="module")
def built_site():
    if not (SITE / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (make test does it first)")


NOTEBOOK_PAGES = [name for name in toc_files() if (ROOT / f"{name}.ipynb").exists()]
ALL_PAGES = toc_files()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") == "preconnect"):
                self.links.append(attrs[key])


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(errors="replace"))
    return parser


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_notebook_page_has_a_colab_link_to_a_real_notebook(name):
    url, branch = CONFIG["repository"]["url"], CONFIG["repository"]["branch"]
    slug = url.removeprefix("https://github.com/")
    html = (SITE / f"{name}.html").read_text()
    links = re.findall(r'https://colab\.research\.google\.com/github/([^"\']+)', html)
    assert links, f"{name}: no Colab link"
    for link in links:
        assert link.startswith(f"{slug}/blob/{branch}/"), link
        path = link.removeprefix(f"{slug}/blob/{branch}/")
        assert (ROOT / path).is_file() and path.endswith(".ipynb"), (
            f"Colab link to a missing notebook: {path}"
        )
        assert not path.startswith("solutions/"), "an exercise page must open the student notebook"
        assert path == f"{name}.ipynb"


def test_no_broken_internal_links():
    ids: dict[Path, set[str]] = {}
    broken = []
    pages = sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts)  # _static: theme templates
    parsed = {page: _parse(page) for page in pages}
    for page, links in parsed.items():
        ids[page] = links.ids
    for page, links in parsed.items():
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)} -> {link}")
            elif parts.fragment and target.suffix == ".html" and target in ids:
                if parts.fragment not in ids[target]:
                    broken.append(f"{page.relative_to(SITE)} -> {link} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_every_toc_page_was_built():
    for name in ALL_PAGES:
        assert (SITE / f"{name}.html").exists(), name
    assert not (SITE / "solutions").exists() and not (SITE / "autograder").exists()


def test_no_tensorflow_start_up_noise_on_pages():
    for page in SITE.rglob("*.html"):
        text = page.read_text(errors="replace")
        for noise in ("Unable to register cuDNN factory", "failed call to cuInit", "absl::InitializeLog"):
            assert noise not in text, (
                f"{page.name}: TensorFlow start-up noise ({noise!r}), see CONTRIBUTING.md"
            )


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts: list[tuple[str, str]] = []
        self.self_checks = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.alts.append((attrs.get("src", ""), attrs.get("alt") or ""))
        if tag == "details" and "seqdl-selfcheck" in (attrs.get("class") or ""):
            self.self_checks += 1


@pytest.mark.parametrize("name", ALL_PAGES)
def test_every_image_says_what_it_shows(name):
    """Every image has alt text in words: not missing, not a file name (MyST-NB's default)."""
    parser = _Images()
    parser.feed((SITE / f"{name}.html").read_text(errors="replace"))
    for src, alt in parser.alts:
        looks_like_a_file = re.search(r"(^\.\./|_images/|\.(png|svg|jpe?g|gif)$)", alt.strip(), flags=re.I)
        assert len(alt.split()) >= 2 and not looks_like_a_file, f"{name}: image {src} has alt {alt!r}"


@pytest.mark.parametrize("name", [n for n in NOTEBOOK_PAGES if re.match(r"book/\d\d_", n)])
def test_chapter_pages_show_their_self_checks_collapsed(name):
    parser = _Images()
    parser.feed((SITE / f"{name}.html").read_text(errors="replace"))
    assert parser.self_checks >= 2, f"{name}: {parser.self_checks} collapsed self-check answers on the page"


@contextlib.contextmanager
def site_page(**options):
    """A Chromium page on the built site, served on 127.0.0.1; requests elsewhere are refused."""
    executable = chromium_executable()
    if executable is None:
        pytest.fail("no Chromium found: install Debian's chromium or set SEQDL_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with serve(SITE) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        page = browser.new_page(**options)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        try:
            yield page, base
        finally:
            browser.close()


@pytest.mark.browser
def test_pages_open_in_chromium_without_console_errors():
    """Every page loads with a title and no script error (requests off the site are refused)."""
    problems = []
    with site_page() as (page, base):
        errors: list[str] = []
        page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
        page.on(  # a refused off-site request (a launch-button icon, ...) is not a page error
            "console",
            lambda msg: (
                errors.append(msg.text) if msg.type == "error" and "net::ERR_FAILED" not in msg.text else None
            ),
        )
        for name in ALL_PAGES:
            errors.clear()
            response = page.goto(f"{base}/{name}.html", wait_until="load")
            assert response is not None and response.ok, name
            page.wait_for_timeout(300)
            title = page.title()
            if errors or not title:
                problems.append(f"{name}: {errors} (title {title!r})")
    assert not problems, "\n".join(problems)


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}});
    return result.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0].target}`);
}"""


@pytest.mark.browser
def test_every_page_passes_axe_wcag2_a_and_aa():
    """axe-core (npm, pinned) on every page, WCAG 2 A and AA rules: no violation anywhere."""
    assert AXE.is_file(), "run `npm ci` (it installs axe-core)"
    found = []
    # The predictor page's Content-Security-Policy forbids inline scripts, as it should; the test
    # injects axe-core past it (the page's own scripts still run under the policy).
    with site_page(bypass_csp=True) as (page, base):
        for name in [*ALL_PAGES, "predictor/index"]:
            page.goto(f"{base}/{name}.html", wait_until="load")
            page.wait_for_timeout(300)  # MathJax and the theme finish rendering
            page.add_script_tag(path=str(AXE))
            found += [f"{name}: {v}" for v in page.evaluate(AXE_RUN)]
    assert not found, "\n".join(found)


def test_equations_are_rendered_by_the_site_s_own_mathjax():
    page = (SITE / "book" / "01_neural_networks.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', page)
    assert scripts and all(not s.startswith(("http:", "https:", "//")) for s in scripts), scripts
    assert (SITE / "_static" / "mathjax" / "tex-svg.js").is_file()
