from __future__ import annotations

from markupsafe import Markup

from kpidesk.i18n import FSI, LRI, PDI, bdi, isolate, isolate_ltr


def test_isolate_wraps_a_run_in_first_strong_isolate() -> None:
    assert FSI == "\u2068" and PDI == "\u2069"
    assert isolate("42.8 min") == "\u206842.8 min\u2069"


def test_bdi_escapes_its_text() -> None:
    html = bdi('<b>"T-1"</b>')
    assert isinstance(html, Markup)
    assert str(html) == "<bdi>&lt;b&gt;&#34;T-1&#34;&lt;/b&gt;</bdi>"
    assert str(bdi(42)) == "<bdi>42</bdi>"
    # Already safe markup is kept as it is.
    assert str(bdi(Markup("<i>x</i>"))) == "<bdi><i>x</i></bdi>"


def test_a_run_without_letters_is_isolated_left_to_right() -> None:
    # "07:30–12:30" has no strong character: LRI says its direction outright.
    assert LRI == "\u2066"
    assert isolate_ltr("07:30–12:30") == "\u206607:30–12:30\u2069"
