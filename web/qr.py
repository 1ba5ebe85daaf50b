"""QR codes drawn on the server (segno), as inline SVG: no image service, no JavaScript."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup


@lru_cache(maxsize=256)
def qr_svg(text: str) -> Markup:
    import segno

    qr = segno.make(text, error="m")
    svg = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=False)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code" class="qr" ', 1))
