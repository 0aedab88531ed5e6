"""A report rendered from content written out by hand (`report_content_fixture`): the e-mail's HTML in
each language (direction, numbers as worked out on paper, no English on a Hebrew or Arabic page, never
nan or None), its charts as PNG images named in the body, the workbook's sheets and numbers, and the CSV
read back."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_content_fixture import DATA_UP_TO, TREND_VALUES, report_content

from kpidesk.i18n import all_messages, format_date, translator
from kpidesk.reports import RENDER_FORMATS, RenderedReport, render

_BIDI = re.compile("[\u2066-\u2069\u200e\u200f]")
_PNG = b"\x89PNG\r\n\x1a\n"


def _rendered(lang: str, formats: tuple[str, ...] = ("html",), *, agent: bool = False) -> RenderedReport:
    return render(report_content(lang, agent=agent), formats)


def _text(page: str) -> str:
    """What a reader sees: the body without tags, entities decoded, bidi controls dropped."""
    body = page.split("<body", 1)[1].split(">", 1)[1]
    return _BIDI.sub("", " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", body)).split()))


def _english_messages() -> list[str]:
    """The catalogues' English texts a page could show (as the web app's every-page test takes them)."""
    parts: set[str] = set()
    for message in all_messages():
        for text in (message.id, message.plural):
            for part in re.split(r"\{[^}]*\}|%\([^)]*\)s|`[^`]*`", text or ""):
                part = part.strip(" .,:;()–—-")
                if re.search(r"[A-Za-z]{3,}", part) and len(part) >= 4:
                    parts.add(part)
    return sorted(parts, key=len, reverse=True)


@pytest.fixture(scope="module")
def reports() -> dict[str, RenderedReport]:
    return {lang: _rendered(lang) for lang in ("en", "he", "ar")}


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("he", "rtl"), ("ar", "rtl")])
def test_the_page_has_its_language_and_direction(
    reports: dict[str, RenderedReport], lang: str, direction: str
) -> None:
    page = reports[lang].html
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert f'dir="{direction}"' in page.split("<body", 1)[1]
    if direction == "rtl":
        # Mail programs ignore logical sides: every cell says it is right-aligned itself.
        assert "text-align:right" in page and "<bdi>" in page


def test_the_english_report_shows_the_numbers_worked_out_by_hand(reports: dict[str, RenderedReport]) -> None:
    text = _text(reports["en"].html)
    expected = [
        "Weekly service report",
        "Whole organisation",
        "Last week: Nov 23, 2026 to Nov 29, 2026, business hours",
        "Compared with Nov 16, 2026 to Nov 22, 2026",
        "Partial period: the data goes up to Nov 27, 2026",
        # Tickets created: 1234, up 134 (significant).
        "Tickets created 1,234 1,234 +134 against the days before",
        # First reply time: median 2568 s = 42.8 min, interval 2400–2700 s, down 300 s = 5 min.
        "First reply time 42.8 min 980 40.0 min – 45.0 min −5.0 min against the days before",
        "Target 40.0 min: at risk",
        # First contact resolution: 52.9 %, +1.2 points, not significant.
        "First contact resolution 52.9% 870 49.6% – 56.2% No significant change (+1.2 pp)",
        "Customer satisfaction (CSAT) not available · no survey source was imported",
        # The target: at most 2400 s, projected 2500 s (2300–2700), its guardrail breached.
        "at most 40.0 min",
        "41.7 min 38.3 min – 45.0 min at risk Reached the wrong way: a guardrail got worse",
        "First contact resolution: 50.0% (−2.5 pp) · breached",
        # Tickets created rose 1100 → 1234; email brought 100 (90 + 10), billing 60 (40 + 20).
        "Tickets created : from 1,100 to 1,234 ( +134 , significant)",
        "channel email +100 +90 +10",
        "team billing +60 +40 +20",
    ]
    for words in expected:
        assert words in text, words
    assert reports["en"].subject == "Weekly service report, Nov 23, 2026 – Nov 29, 2026"


@pytest.mark.parametrize("lang", ["he", "ar"])
def test_a_right_to_left_report_says_everything_in_its_language(
    reports: dict[str, RenderedReport], lang: str
) -> None:
    _ = translator(lang).gettext
    text = _text(reports[lang].html)
    for number in ("1,234", "42.8", "52.9%", "49.6%", "56.2%", "+134", "−5.0", "+1.2", "+100", "+90", "+10"):
        assert number in text, number
    assert _("not available") in text and _("The imported data cannot measure it in this period.") in text
    assert _BIDI.sub("", format_date(DATA_UP_TO, lang)) in text
    for heading in (
        "Headline KPIs",
        "Targets",
        "Biggest movers",
        "Charts",
        "more tickets",
        "a different rate",
    ):
        assert _(heading) in text and _(heading) != heading
    # What the content names (a channel, a team, a target's id) is data, not a message.
    visible = re.sub(r"\b(email|billing|kpidesk)\b", " ", text)
    left = [w for w in _english_messages() if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-]|\.\w)", visible)]
    assert not left, f"English on a {lang} report: {left[:5]}"


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_no_nan_none_or_false_reaches_the_reader(reports: dict[str, RenderedReport], lang: str) -> None:
    text = _text(reports[lang].html)
    for word in ("nan", "NaN", "None", "False", "True", "null"):
        assert not re.search(rf"\b{word}\b", text), word


def test_an_agents_report_names_the_agent_and_shows_the_team_beside() -> None:
    rendered = _rendered("en", agent=True)
    text = _text(rendered.html)
    assert "Dana, team billing" in text
    # The team's own value beside the agent's: 4100 tickets, and 61.0 % first contact resolution.
    assert "Team: 4,100" in text and "Team: 61.0%" in text
    assert "<th" in rendered.html and ">Team</th>" in rendered.html


@pytest.mark.parametrize("lang", ["en", "he"])
def test_each_chart_in_the_body_is_a_png_image_sent_with_it(
    reports: dict[str, RenderedReport], lang: str
) -> None:
    rendered = reports[lang]
    named = re.findall(r'src="cid:([^"]+)"', rendered.html)
    assert sorted(named) == sorted(rendered.images)
    assert set(named) == {"trend-volume", "trend-first_reply_time", "trend-fcr_rate", "targets"}
    for png in rendered.images.values():
        assert png.startswith(_PNG)
    standalone = rendered.standalone_html()
    assert "cid:" not in standalone
    assert standalone.count('src="data:image/png;base64,') == len(rendered.images)
    folder = Path(__file__).resolve().parents[2] / "build" / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"sample-{lang}.html").write_text(standalone, encoding="utf-8")
    for name, png in rendered.images.items():
        (folder / f"chart-{name}-{lang}.png").write_bytes(png)


def test_a_right_to_left_chart_runs_time_from_right_to_left_in_the_scripts_font() -> None:
    from kpidesk.reports._charts import chart_specs

    for lang, reverse, font in (
        ("en", False, "Noto Sans"),
        ("he", True, "Noto Sans Hebrew"),
        ("ar", True, "Noto Sans Arabic"),
    ):
        trend = next(c for c in chart_specs(report_content(lang)) if c.cid == "trend-first_reply_time")
        x = trend.spec["layer"][0]["encoding"]["x"]
        assert x["scale"]["reverse"] is reverse
        assert trend.spec["config"]["font"] == font
        # 2568 s and its weeks drawn in minutes: the axis is in one unit that fits them.
        values = [d["value"] for d in trend.spec["data"]["values"]]
        assert values == pytest.approx([v / 60 for v in TREND_VALUES["first_reply_time"]])
        assert trend.spec["title"]["subtitle"] == translator(lang).gettext("minutes")


def test_the_workbook_has_a_sheet_per_section_with_the_contents_numbers() -> None:
    for lang in ("en", "he", "ar"):
        rendered = _rendered(lang, ("xlsx",))
        (attachment,) = rendered.attachments
        assert attachment.filename == "report-2026-11-23-2026-11-29.xlsx"
        book = load_workbook(io.BytesIO(attachment.content))
        _ = translator(lang).gettext
        assert book.sheetnames == [_("KPIs"), _("Targets"), _("Biggest movers"), _("Trend")]
        for sheet in book.worksheets:
            assert sheet.sheet_view.rightToLeft is (lang != "en")
    book = load_workbook(io.BytesIO(_rendered("en", ("xlsx",)).attachments[0].content))
    kpis = {row[0]: row for row in book["KPIs"].iter_rows(min_row=2, values_only=True)}
    header = next(book["KPIs"].iter_rows(max_row=1, values_only=True))
    first_reply = dict(zip(header, kpis["First reply time"], strict=True))
    assert first_reply["Value"] == 2568 and first_reply["n"] == 980
    assert (first_reply["95% interval: low"], first_reply["95% interval: high"]) == (2400, 2700)
    assert (first_reply["Value before"], first_reply["Change"]) == (2868, -300)
    assert first_reply["Target"] == 2400 and first_reply["Target status"] == "at risk"
    fcr = dict(zip(header, kpis["First contact resolution"], strict=True))
    assert fcr["Value"] == pytest.approx(0.529) and fcr["Change"] == pytest.approx(1.2)
    assert fcr["Change unit"] == "pp" and fcr["Significance"] == "not significant"
    fcr_cell = book["KPIs"].cell(row=list(kpis).index("First contact resolution") + 2, column=3)
    assert fcr_cell.number_format == "0.0%"
    csat = dict(zip(header, kpis["Customer satisfaction (CSAT)"], strict=True))
    assert csat["Value"] == "not available" and csat["Note"] == "no survey source was imported"
    targets = list(book["Targets"].iter_rows(values_only=True))
    target = dict(zip(targets[0], targets[1], strict=True))
    assert (target["Value"], target["Goal"], target["Projected"]) == (2568, 2400, 2500)
    assert (target["Projected: low"], target["Projected: high"]) == (2300, 2700)
    assert target["Guardrail breach"] == "yes"
    movers = list(book["Biggest movers"].iter_rows(min_row=2, values_only=True))
    assert [(m[6], m[7], m[8], m[9]) for m in movers] == [
        ("channel email", 100, 90, 10),
        ("team billing", 60, 40, 20),
    ]
    trend = [r for r in book["Trend"].iter_rows(min_row=2, values_only=True) if r[0] == "First reply time"]
    assert [r[4] for r in trend] == list(TREND_VALUES["first_reply_time"])
    assert [r[6] for r in trend] == ["no", "no", "no", "yes"]


@pytest.mark.parametrize("lang", ["en", "he"])
def test_the_csv_holds_the_tables_as_the_email_shows_them(lang: str) -> None:
    rendered = _rendered(lang, ("csv",))
    kpis, targets = rendered.attachments
    assert kpis.filename.endswith("-kpis.csv") and targets.filename.endswith("-targets.csv")
    assert kpis.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(kpis.content.decode("utf-8-sig"))))
    _ = translator(lang).gettext
    assert rows[0] == [_("Metric"), _("Value"), _("n"), _("95% interval"), _("Change"), _("Target")]
    assert len(rows) == 5
    text = _text(rendered.html)
    for row in rows[1:]:
        for cell in row:
            assert " ".join(_BIDI.sub("", cell).split()) in text, cell
    if lang == "en":
        assert rows[2] == [
            "First reply time",
            "42.8 min",
            "980",
            "40.0 min – 45.0 min",
            "−5.0 min against the days before",
            "Target 40.0 min: at risk",
        ]
        csat = ["Customer satisfaction (CSAT)", "not available · no survey source was imported"]
        assert rows[4][:2] == csat
    target_rows = list(csv.reader(io.StringIO(targets.content.decode("utf-8-sig"))))
    assert len(target_rows) == 2 and target_rows[1][0].endswith("(org-first-reply)")


def test_the_formats_give_their_attachments_and_an_unknown_one_is_named() -> None:
    content = report_content("en")
    assert [a.filename for a in render(content, ["html"]).attachments] == []
    assert [a.mime_type for a in render(content, ["html", "xlsx"]).attachments] == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ]
    with pytest.raises(
        ValueError, match=r"unknown report format 'docx'; expected any of: html, pdf, xlsx, csv"
    ):
        render(content, ["html", "docx"])
    assert list(RENDER_FORMATS) == ["html", "pdf", "xlsx", "csv"]
