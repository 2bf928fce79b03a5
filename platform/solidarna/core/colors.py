"""Colour helpers: a tenant's accent colour, made readable (WCAG AA) on the light theme."""

from __future__ import annotations


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_color: str) -> float:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


#: the page's background in the light theme (static/css/app.css, --bg): links sit on it
PAGE_BACKGROUND = "#fbfaf7"
#: how much of the accent tints a highlighted row (app.css: .thread-row.is-pinned)
HIGHLIGHT_TINT = 0.06


def mix(a: str, b: str, share_a: float) -> str:
    """`color-mix(in srgb, a share_a, b)` as CSS computes it, rounded to a hex colour."""
    channels = (
        round(int(a[i : i + 2], 16) * share_a + int(b[i : i + 2], 16) * (1 - share_a))
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in channels)


def readable_accent(
    hex_color: str, background: str = "#ffffff", minimum: float = 4.5, tint: float = 0.0
) -> str:
    """Darken `hex_color` until white text on it, and it as text on `background` (and, with
    `tint`, on `background` tinted by that share of the colour itself), reach AA."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    color = hex_color.lower()

    def readable(color: str) -> bool:
        on = [background, mix(color, background, tint)] if tint else [background]
        return all(contrast(color, bg) >= minimum for bg in on + ["#ffffff"])

    while not readable(color) and (r or g or b):
        r, g, b = (int(v * 0.9) for v in (r, g, b))
        color = f"#{r:02x}{g:02x}{b:02x}"
    return color
