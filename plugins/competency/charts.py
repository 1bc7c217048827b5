"""Server-rendered SVG charts: a radar (required vs achieved levels) and horizontal bars.

The charts are plain inline SVG, drawn here and inserted in templates as ``Markup``: no
JavaScript, no style attributes (the Content-Security-Policy forbids inline styles; SVG
presentation attributes such as ``fill`` are not styles). Each chart has a ``<title>`` and a
``<desc>`` that states every value, and the page shows the same figures in a table: the chart
is never the only way to read them.
"""

from __future__ import annotations

import math
from itertools import count

from markupsafe import Markup, escape

#: Series colours (customs green, gold, blue, red, purple), readable on white.
PALETTE = ("#0b5d3b", "#c8a23a", "#2c5f8a", "#b3261e", "#6b4c9a")
GRID = "#d6ddd9"
TEXT = "#1d2521"
MUTED = "#5d6b64"
FONT = 'font-family="DejaVu Sans, Noto Sans, Arial, sans-serif"'

_ids = count(1)


def _fmt(value: float) -> str:
    """A value as people read it: ``2``, ``1.5``, ``0.33``."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _short(label: str, limit: int) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def radar_svg(axes: list[str], series: list[tuple[str, list[float]]], max_value: int,
              *, title: str = "", size: int = 420) -> Markup:
    """A radar chart: one axis per label in ``axes`` (clockwise from the top), one closed
    polygon per ``(name, values)`` in ``series`` (values in axis order, 0..``max_value``),
    rings at each whole level. Works with any number of axes (one or two give a line).

    ``title`` is the accessible name (the chart's ``<title>``); the ``<desc>`` lists every
    value. Labels are shortened on the chart and given in full in each axis's ``<title>``.
    """
    max_value = max(int(max_value or 1), 1)
    n = len(axes)
    uid = f"radar{next(_ids)}"
    pad_x, pad_y = 170, 50
    r = size / 2 - 20
    cx, cy = pad_x + size / 2, pad_y + size / 2
    width, height = size + 2 * pad_x, size + 2 * pad_y + 24 * max(len(series), 1)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + (2 * math.pi * i / n if n else 0)
        v = max(0.0, min(float(value), max_value)) / max_value * r
        return cx + v * math.cos(angle), cy + v * math.sin(angle)

    title = title or "Radar"
    desc = "; ".join(
        f"{name}: " + ", ".join(f"{axes[i]} {_fmt(v)}" for i, v in enumerate(values[:n]))
        for name, values in series)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="100%" role="img" aria-labelledby="{uid}-t {uid}-d" class="chart radar">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    if n == 0:
        out.append(f'<text x="{_num(width / 2)}" y="{_num(height / 2)}" text-anchor="middle" '
                   f'fill="{MUTED}" {FONT} font-size="14">—</text></svg>')
        return Markup("".join(out))  # noqa: S704  # nosec B704  # every value escaped
    # rings and their level numbers
    for level in range(1, max_value + 1):
        ring = [point(i, level) for i in range(n)] if n > 2 else None
        if ring:
            pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in ring)
            out.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}" stroke-width="1"/>')
        else:
            out.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(level / max_value * r)}" '
                       f'fill="none" stroke="{GRID}" stroke-width="1"/>')
        lx, ly = point(0, level)
        out.append(f'<text x="{_num(lx + 4)}" y="{_num(ly + 12)}" fill="{MUTED}" {FONT} '
                   f'font-size="11">{level}</text>')
    # axes and labels
    for i, label in enumerate(axes):
        x, y = point(i, max_value)
        out.append(f'<line x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        lx, ly = point(i, max_value * 1.08)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        dy = -4 if ly < cy - 8 else (14 if ly > cy + 8 else 4)
        out.append(f'<text x="{_num(lx)}" y="{_num(ly + dy)}" text-anchor="{anchor}" '
                   f'fill="{TEXT}" {FONT} font-size="12"><title>{escape(label)}</title>'
                   f'{escape(_short(label, 28))}</text>')
    # series
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        vals = list(values[:n]) + [0] * (n - len(values))
        pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in (point(i, v) for i, v in enumerate(vals)))
        dash = ' stroke-dasharray="6 4"' if k == 0 and len(series) > 1 else ""
        out.append(f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.15" '
                   f'stroke="{colour}" stroke-width="2"{dash}><title>{escape(name)}</title>'
                   f'</polygon>')
        for i, v in enumerate(vals):
            x, y = point(i, v)
            out.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{colour}">'
                       f'<title>{escape(name)} · {escape(axes[i])}: {_fmt(v)}</title></circle>')
    # legend
    y0 = pad_y + size + 12
    for k, (name, _values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        y = y0 + 24 * k
        out.append(f'<rect x="{pad_x}" y="{y}" width="16" height="12" fill="{colour}" '
                   f'fill-opacity="0.5" stroke="{colour}"/>')
        out.append(f'<text x="{pad_x + 24}" y="{y + 11}" fill="{TEXT}" {FONT} '
                   f'font-size="13">{escape(name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704  # nosec B704  # every value escaped


def hbar_svg(rows: list[tuple[str, float]], max_value: float, *, title: str = "",
             marks: list[float] | None = None, value_suffix: str = "",
             min_value: float = 0, label_width: int = 260, bar_width: int = 360) -> Markup:
    """Horizontal bars: one per ``(label, value)`` in ``rows``, on an axis from ``min_value``
    (0 by default; negative for values that can fall, such as a gain) to ``max_value``; each
    bar starts at 0. Grid lines at each whole number (or at ``marks``); the value is written
    after each bar. ``title`` is the accessible name; ``<desc>`` lists the values."""
    low = min(float(min_value or 0), 0.0)
    high = float(max_value) if max_value and max_value > low else low + 1.0
    span = high - low
    uid = f"hbar{next(_ids)}"
    bar_h, gap, top = 20, 10, 24
    height = top + len(rows) * (bar_h + gap) + 10
    width = label_width + bar_width + 70
    title = title or "Bars"
    desc = "; ".join(f"{label}: {_fmt(v)}{value_suffix}" for label, v in rows)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{uid}-t {uid}-d" class="chart bars">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]

    def x_of(v: float) -> float:
        return label_width + bar_width * (max(low, min(float(v), high)) - low) / span

    if marks is None:
        marks = (list(range(int(math.ceil(low)), int(high) + 1)) if span <= 10
                 else [low, 0, high] if low < 0 else [0, high])
    for m in marks:
        x = x_of(m)
        out.append(f'<line x1="{_num(x)}" y1="{top - 6}" x2="{_num(x)}" y2="{height - 6}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{_num(x)}" y="{top - 10}" text-anchor="middle" fill="{MUTED}" '
                   f'{FONT} font-size="11">{_fmt(m)}</text>')
    zero = x_of(0)
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        end = x_of(value)
        left, w = min(zero, end), abs(end - zero)
        colour = PALETTE[0] if float(value) >= 0 else PALETTE[3]
        out.append(f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end" fill="{TEXT}" '
                   f'{FONT} font-size="12"><title>{escape(label)}</title>'
                   f'{escape(_short(label, 40))}</text>')
        out.append(f'<rect x="{_num(left)}" y="{y}" width="{_num(w)}" height="{bar_h}" '
                   f'fill="{colour}"><title>{escape(label)}: {_fmt(value)}'
                   f'{escape(value_suffix)}</title></rect>')
        out.append(f'<text x="{_num(max(zero, end) + 6)}" y="{y + 14}" fill="{TEXT}" {FONT} '
                   f'font-size="12">{_fmt(value)}{escape(value_suffix)}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704  # nosec B704  # every value escaped
