"""A report as PDF, read back the way a reader meets it: `pdftotext` finds the translated title, headings
and numbers; the title's words lie right to left at the right edge of a Hebrew or Arabic page (from
`pdftotext -bbox-layout`, and from the ink of the page drawn by `pdftoppm`); the pages are kept as PNG
images and the PDFs as samples in `build/reports/`."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pytest
from report_content_fixture import report_content

from kpidesk.i18n import translator
from kpidesk.reports import render

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)

#: Directional marks and isolates poppler or the formatting put around runs of text.
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_XHTML = "{http://www.w3.org/1999/xhtml}"


def _samples() -> Path:
    folder = Path(__file__).resolve().parents[2] / "build" / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def pdfs() -> dict[str, Path]:
    """One sample PDF per language (and an agent's in Hebrew), written where the build keeps them."""
    out = {}
    for name, lang, agent in (
        ("en", "en", False),
        ("he", "he", False),
        ("ar", "ar", False),
        ("he-agent", "he", True),
    ):
        (attachment,) = render(report_content(lang, agent=agent), ["pdf"]).attachments
        assert attachment.mime_type == "application/pdf" and attachment.content.startswith(b"%PDF-")
        path = _samples() / f"sample-{name}.pdf"
        path.write_bytes(attachment.content)
        out[name] = path
    return out


def _text(pdf: Path) -> str:
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return _comparable(layout.stdout)


def _comparable(text: str) -> str:
    """Text as poppler and Python can both spell it: no directional marks, compatibility forms folded,
    and in Arabic without lam, alef and vowel marks — poppler reads a lam-alef ligature back as
    alef-lam ("األسبوعي" for "الأسبوعي") and moves the marks, though the page draws them right."""
    text = unicodedata.normalize("NFKC", _MARKS.sub("", text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub("[\u0644\u0627\u0623\u0625\u0622]", "", text).split())


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_pdf_holds_the_translated_words_and_the_numbers(pdfs: dict[str, Path], lang: str) -> None:
    _ = translator(lang).gettext
    text = _text(pdfs[lang])
    assert _comparable(report_content(lang).title) in text
    for heading in ("Headline KPIs", "Targets", "Biggest movers", "Charts"):
        assert _comparable(_(heading)) in text, heading
    for number in ("1,234", "42.8", "52.9%", "980", "870", "+134", "+100"):
        assert number in text, number
    assert _comparable(_("not available")) in text
    for word in ("nan", "None", "False"):
        assert not re.search(rf"\b{word}\b", text)


def _title_words(pdf: Path) -> tuple[float, list[tuple[float, float, str]]]:
    """The page's width and the words of its first line (the title): (xMin, xMax, text) left to right."""
    boxes = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    page = ElementTree.fromstring(boxes.stdout).find(f".//{_XHTML}page")
    assert page is not None
    line = page.find(f".//{_XHTML}line")
    assert line is not None
    words = [(float(w.get("xMin", 0)), float(w.get("xMax", 0)), w.text or "") for w in line]
    return float(page.get("width", 0)), sorted(words)


@pytest.mark.parametrize(("lang", "rtl"), [("en", False), ("he", True), ("ar", True)])
def test_the_title_runs_in_the_languages_direction(pdfs: dict[str, Path], lang: str, rtl: bool) -> None:
    width, words = _title_words(pdfs[lang])
    first_word = report_content(lang).title.split()[0]
    left, right = words[0][0], words[-1][1]
    if rtl:
        # The first word at the right edge, the line set against the right margin; poppler lists a
        # right-to-left word's letters in the order they are drawn, so it reads reversed.
        assert unicodedata.normalize("NFKC", words[-1][2])[::-1] == first_word
        assert right > width * 0.85 and left > width * 0.4
    else:
        assert words[0][2] == first_word
        assert left < width * 0.15 and right < width * 0.6


@pytest.mark.parametrize(("name", "rtl"), [("en", False), ("he", True), ("ar", True), ("he-agent", True)])
def test_the_pages_are_drawn_and_the_title_is_inked_on_its_side(
    pdfs: dict[str, Path], name: str, rtl: bool
) -> None:
    from PIL import Image

    prefix = _samples() / f"sample-{name}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdfs[name]), str(prefix)], check=True)
    pages = sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
    assert len(pages) >= 2
    with Image.open(pages[0]) as image:
        grey = image.convert("L")
        width, height = grey.size
        # The title's band: the top ninth of the page; dark pixels are its letters.
        band = grey.crop((0, 0, width, height // 9)).point(lambda v: 255 if v < 100 else 0)
        box = band.getbbox()
    assert box is not None, "no title drawn"
    middle = (box[0] + box[2]) / 2
    assert (middle > width * 0.6) if rtl else (middle < width * 0.4)
