"""The Jupyter Book site: it builds without warnings, and the built HTML works in headless Chromium.

The build goes to a temporary folder (``--path-output``); the repository is not written. The
browser checks need Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``) and are skipped, with that reason, only when those are missing.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from bnswap import colab
from bnswap.book import APPENDIX, CHAPTERS, PAGES

REPO = Path(__file__).resolve().parent.parent
# Debian's chromium and chromium-driver packages (what .ci/run installs); elsewhere, whatever is
# on PATH under those names.
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
BUILD_TIMEOUT = 600


def toc_files() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    return [toc["root"], *(c["file"] for c in toc["chapters"])]


def test_toc_lists_the_chapters_in_book_order():
    files = toc_files()
    assert files == ([f"book/{c}" for c in CHAPTERS] + ["book/glossary"]
                     + [f"book/{p}" for p in APPENDIX] + ["book/references"])
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"
    assert config["only_build_toc_files"] is True
    assert config["repository"] == {"url": colab.repository_url(), "branch": "main",
                                    "path_to_book": ""}
    assert config["launch_buttons"]["colab_url"] == colab.COLAB
    for bib in config["bibtex_bibfiles"]:
        assert (REPO / bib).is_file()


@pytest.mark.parametrize("page", PAGES)
def test_colab_install_cell_clones_the_repository_of_the_config(page):
    """The repository's URL is set once, in ``_config.yml``: every page's install cell is the one
    :mod:`bnswap.colab` writes from it (the book runner rewrites it on every run)."""
    nb = json.loads((REPO / "book" / f"{page}.ipynb").read_text())
    cells = [c for c in nb["cells"] if colab.INSTALL_TAG in c["metadata"].get("tags", [])]
    assert len(cells) == 1 and "".join(cells[0]["source"]) == colab.install_source()
    assert f'"{yaml.safe_load((REPO / "_config.yml").read_text())["repository"]["url"]}"' \
        in colab.install_source()


def _snapshot() -> set[str]:
    """What a build could leave in the repository: the book folder's files and build folders."""
    names = {str(p.relative_to(REPO)) for p in (REPO / "book").rglob("*")}
    return names | {n for n in ("_build", ".jupyter_cache", "jupyter_execute")
                    if (REPO / n).exists()}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Build the book once into a temporary folder; fail on any warning."""
    out = tmp_path_factory.mktemp("site")
    before = _snapshot()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build",
         str(REPO), "--path-output", str(out), "-W", "--keep-going", "--all"],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT, cwd=out)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert proc.returncode == 0 and not warnings, (
        f"jupyter-book build failed or warned ({seconds:.0f} s):\n" + "\n".join(warnings)
        + "\n--- log tail ---\n" + log[-4000:])
    assert _snapshot() == before, "the build wrote into the repository"
    html = out / "_build" / "html"
    assert (html / "index.html").is_file()
    return html


def test_build_has_every_page(site):
    for name in toc_files():
        assert (site / f"{name}.html").is_file(), name


def _expected_images(chapter: str) -> int:
    """Image outputs of a chapter notebook that the page should show."""
    nb = json.loads((REPO / "book" / f"{chapter}.ipynb").read_text())
    count = 0
    for cell in nb["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & {"remove-output", "remove-cell"}:
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            count += any(k in data for k in ("image/png", "image/jpeg", "image/svg+xml"))
    return count


# ---- headless Chromium ------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("headless Chromium is not installed (Debian packages chromium and "
                    "chromium-driver: /usr/bin/chromium and /usr/bin/chromedriver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _load(driver, url: str) -> None:
    driver.get(url)
    deadline = time.time() + 30
    while driver.execute_script("return document.readyState") != "complete":
        assert time.time() < deadline, f"{url} did not finish loading"
        time.sleep(0.1)


# Console noise of the theme itself, not of the book: jupyter-book 1.0 registers sphinx-thebe's
# configuration script twice (a redeclared const), and pydata-sphinx-theme logs an empty theme mode.
UPSTREAM_NOISE = ("THEBE_JS_URL", "theme mode")


def _script_errors(driver) -> list[str]:
    """SEVERE browser-console entries, except resources that could not be fetched (the test
    machine is offline; MathJax comes from a CDN) and the theme's known noise."""
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]
            and "net::" not in e["message"]
            and not any(n in e["message"] for n in UPSTREAM_NOISE)]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_loads_with_figures_and_colab_link(browser, server, chapter):
    _load(browser, f"{server}/book/{chapter}.html")
    assert "404" not in browser.title
    article = browser.find_element("css selector", "article")
    assert article.text.strip(), "empty page"
    # every image has arrived and decoded
    images = browser.execute_script(
        "return Array.from(document.querySelectorAll('article img'))"
        ".map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]);")
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"images that did not load: {broken}"
    assert len(images) >= _expected_images(chapter)
    links = {a.get_attribute("href") for a in
             browser.find_elements("css selector", 'a[href*="colab.research.google.com"]')}
    assert colab.colab_url(chapter) in links, links
    assert not _script_errors(browser)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_has_its_how_to_run_box_and_takeaways(site, chapter):
    html = (site / "book" / f"{chapter}.html").read_text()
    assert re.search(r'<div class="[^"]*admonition[^"]*">\s*<p class="admonition-title">How to '
                     r'run this chapter</p>', html), "the how-to-run box renders as an admonition"
    assert 'id="key-takeaways"' in html and 'id="exercises"' in html


@pytest.mark.parametrize("page", [*APPENDIX, "glossary"])
def test_appendix_page_is_built_with_its_downloads(site, page):
    html = (site / "book" / f"{page}.html").read_text()
    downloads = re.findall(r'<a class="[^"]*\bdownload\b[^"]*"[^>]*href="([^"]+)"', html)
    if page == "downloads":
        assert len(downloads) == 2, downloads
    for href in downloads:
        assert (site / "book" / href).resolve().is_file(), href
    if page == "glossary":
        assert re.search(r'<dl class="[^"]*glossary', html), "a Sphinx glossary"


@pytest.mark.parametrize("page", [*APPENDIX, "glossary"])
def test_appendix_page_loads(browser, server, page):
    _load(browser, f"{server}/book/{page}.html")
    assert "404" not in browser.title
    assert browser.find_element("css selector", "article").text.strip(), "empty page"
    assert not _script_errors(browser)


def test_explorer_reacts_to_its_sliders(browser, server):
    _load(browser, f"{server}/book/explorer.html")
    readout = browser.find_element("id", "bnswap-explorer-readout")
    first = readout.text
    assert "skewness" in first and "sparsity" in first
    bars = "return document.querySelectorAll('#bnswap-explorer-plot rect').length"
    assert browser.execute_script(bars) > 0
    mu = browser.find_element("id", "bnswap-explorer-mu")
    lo, hi = int(mu.get_attribute("min")), int(mu.get_attribute("max"))
    move = ("const e = document.getElementById(arguments[0]); e.value = arguments[1];"
            "e.dispatchEvent(new Event(arguments[2], {bubbles: true}));")
    browser.execute_script(move, "bnswap-explorer-mu", str(hi), "input")
    after_mu = readout.text
    assert after_mu != first
    browser.execute_script(move, "bnswap-explorer-mu", str((lo + hi) // 2), "input")
    centred = readout.text
    assert "skewness +0.000" in centred or "skewness -0.000" in centred, centred
    browser.execute_script(move, "bnswap-explorer-sigma", "0", "input")
    assert readout.text != centred
    browser.execute_script(move, "bnswap-explorer-activation", "softsign", "change")
    assert "Softsign" in readout.text
    assert browser.execute_script(bars) > 0
    assert not _script_errors(browser)


# ---- layout at a 1280 px window: tables fit, figures are sharp, no paragraph repeats ------------

MIN_PIXEL_RATIO = 1.5
"""A raster image has at least this many of its own pixels per pixel shown (SVG passes)."""
REPEAT_CHARS = 150
"""A paragraph this long must not appear on two pages (say it once and link to it)."""

_MEASURE = """
document.querySelectorAll('article details').forEach(d => { d.open = true; });
const art = document.querySelector('article');
const style = getComputedStyle(art);
const column = art.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
const tables = Array.from(art.querySelectorAll('table')).map(t => ({
    width: Math.max(t.scrollWidth, t.getBoundingClientRect().width),
    head: (t.querySelector('tr') || t).innerText.replace(/\\s+/g, ' ').slice(0, 60)}));
const images = Array.from(art.querySelectorAll('img')).map(i => ({
    src: i.getAttribute('src'), natural: i.naturalWidth, shown: i.getBoundingClientRect().width}));
const paragraphs = Array.from(art.querySelectorAll('p')).filter(p => !p.closest('table'))
    .map(p => p.innerText.replace(/\\s+/g, ' ').trim());
return {column: column, tables: tables, images: images, paragraphs: paragraphs};
"""


@pytest.fixture(scope="module")
def layout(browser, server) -> dict[str, dict]:
    """Each page of the book (``_toc.yml``) measured once in Chromium at 1280x1000, dropdowns
    opened: its text column's width, its tables' and images' widths, its paragraphs (outside
    tables: a claim's cells are meant to appear in its chapter and in the introduction)."""
    assert browser.get_window_size()["width"] == 1280
    measured = {}
    for name in toc_files():
        _load(browser, f"{server}/{name}.html")
        measured[name] = browser.execute_script(_MEASURE)
    return measured


@pytest.mark.parametrize("page", toc_files())
def test_no_table_is_wider_than_the_text_column(layout, page):
    m = layout[page]
    assert 600 <= m["column"] <= 800, m["column"]
    wide = [(round(t["width"]), t["head"]) for t in m["tables"] if t["width"] > m["column"] + 1]
    assert not wide, f"tables wider than the {m['column']:.0f} px column: {wide}"


@pytest.mark.parametrize("page", toc_files())
def test_figures_are_sharp_and_fit_the_column(layout, page):
    m = layout[page]
    raster = [i for i in m["images"] if not i["src"].lower().endswith(".svg") and i["shown"] > 0]
    blurry = [(i["src"], i["natural"], round(i["shown"])) for i in raster
              if i["natural"] < MIN_PIXEL_RATIO * i["shown"]]
    assert not blurry, f"images with fewer than {MIN_PIXEL_RATIO}x pixels: {blurry}"
    # shown at their own layout size, not shrunk to fit (their fonts were chosen for that size)
    assert all(i["shown"] <= m["column"] + 1 for i in m["images"])


def test_no_long_paragraph_is_repeated_across_pages(layout):
    pages_of: dict[str, set[str]] = {}
    for page, m in layout.items():
        for text in m["paragraphs"]:
            if len(text) >= REPEAT_CHARS:
                pages_of.setdefault(text, set()).add(page)
    repeated = {text[:90] + "...": sorted(pages) for text, pages in pages_of.items()
                if len(pages) > 1}
    assert not repeated, f"{len(repeated)} paragraphs on several pages: {repeated}"
