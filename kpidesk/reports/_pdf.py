"""A report as an A4 PDF: the e-mail's HTML with a print stylesheet, laid out by WeasyPrint, which shapes
Hebrew and Arabic and sets right-to-left paragraphs and tables from the page's `dir`; the charts are the
same PNG images, embedded."""

from __future__ import annotations

__all__ = ["html_to_pdf"]


def html_to_pdf(html: str) -> bytes:
    """`html` (with its images inline as `data:` URIs) as PDF bytes."""
    import weasyprint

    pdf = weasyprint.HTML(string=html, base_url=".").write_pdf()
    assert pdf is not None
    return bytes(pdf)
