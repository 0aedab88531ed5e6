"""A rendered report as an e-mail: the HTML body with its charts as inline images, a plain-text
alternative for mail readers without HTML, and the report's files attached.

The Message-ID follows from the delivery's claim (report, period, member) and how many times it was
deliberately sent again, so a message sent again after an interrupted send carries the same id and the
recipients' mail readers can recognise the copy."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate
from html.parser import HTMLParser
from typing import Protocol

__all__ = ["build_message", "message_id", "plain_text"]


class _Attachment(Protocol):
    @property
    def filename(self) -> str: ...
    @property
    def content(self) -> bytes: ...
    @property
    def mime_type(self) -> str: ...


class _Rendered(Protocol):
    @property
    def subject(self) -> str: ...
    @property
    def html(self) -> str: ...
    @property
    def images(self) -> Mapping[str, bytes]: ...
    @property
    def attachments(self) -> Sequence[_Attachment]: ...


class Sendable(Protocol):
    """What the mailer needs of a `kpidesk.reports.Rendering`."""

    @property
    def recipients(self) -> tuple[str, ...]: ...
    @property
    def language(self) -> str: ...
    @property
    def rendered(self) -> _Rendered: ...
    @property
    def claim_key(self) -> tuple[str, str, str]: ...


def message_id(claim_key: tuple[str, str, str], sender: str, generation: int = 0) -> str:
    """`<…@domain>` from the claim key: the same delivery always gets the same id; `generation` counts the
    deliberate re-sends (`kpidesk report send --again`), each a new message."""
    digest = hashlib.sha256("\x1f".join((*claim_key, str(generation))).encode("utf-8")).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "kpidesk.invalid"
    return f"<{digest}.kpidesk@{domain}>"


def build_message(rendering: Sendable, *, sender: str, generation: int = 0) -> EmailMessage:
    """The e-mail of one rendering, from `sender` to its recipients."""
    rendered = rendering.rendered
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = ", ".join(rendering.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id(rendering.claim_key, sender, generation)
    message.set_content(plain_text(rendered.html))
    message.add_alternative(rendered.html, subtype="html")
    html_part = message.get_body(("html",))
    assert html_part is not None
    for name, png in rendered.images.items():
        html_part.add_related(
            png, "image", "png", cid=f"<{name}>", disposition="inline", filename=f"{name}.png"
        )
    for attachment in rendered.attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content, maintype, subtype or "octet-stream", filename=attachment.filename
        )
    # Last: building the body moves Content-* headers into the parts.
    message["Content-Language"] = rendering.language
    return message


class _TextOfHtml(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "tr", "h1", "h2", "h3", "h4", "li", "table", "section", "header"})
    _SKIPPED = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("  ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """The words of an HTML body, one block a line, for mail readers that show no HTML."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line) + "\n"
