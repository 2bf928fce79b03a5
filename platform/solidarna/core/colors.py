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


def readable_accent(hex_color: str, background: str = "#ffffff", minimum: float = 4.5) -> str:
    """Darken `hex_color` until white text on it, and it as text on `background`, reach AA."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    color = hex_color.lower()
    while contrast(color, background) < minimum and (r or g or b):
        r, g, b = (int(v * 0.9) for v in (r, g, b))
        color = f"#{r:02x}{g:02x}{b:02x}"
    return color
