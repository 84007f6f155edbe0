"""Line charts as SVG, drawn on the server and inlined into the page.

Each chart is one image to assistive technology (role="img", named by its title and description);
the page shows the numbers in a table beside it. Series differ by dash pattern and marker as well
as colour.

The chart has no viewBox: it is as wide as its box and a fixed number of pixels high, with the
horizontal positions in per cent and everything else in pixels, so its text stays 12 px and its
markers round however narrow the box (a phone, a cell of the overview's grid). The margins are
wide enough for the smallest box likely (NARROWEST pixels).

Where the box's width is known (`width`: a printed page), the same chart is drawn in pixels of
that width with a viewBox, and each series is one polyline instead of a line per pair of years:
a fifth less printing work for the charts, with the dashes running on and the corners joined.
"""

import math
import textwrap
from decimal import Decimal
from html import escape

from django.utils import formats
from django.utils.translation import gettext as _

STYLES = [  # colour (AA contrast on white), dash pattern, marker
    ("#0b3d66", "", "circle"),
    ("#8a4b00", "6 4", "square"),
    ("#00703c", "2 3", "triangle"),
    ("#6f2da8", "10 3 2 3", "diamond"),
    ("#b10e1e", "4 2", "circle"),
]
TEXT = "#1b1b1b"
FONT_SIZE = 12
DIGIT_WIDTH = 7.7  # px of a digit at FONT_SIZE in the wider fonts (DejaVu Sans, Segoe UI)
NARROWEST = 280  # px: the narrowest box the margins are reckoned for
TOP, PLOT_HEIGHT = 30, 200  # px
LEGEND_ROW, LEGEND_LINE = 22, 15  # px: a legend entry, and each further line of its label
LEGEND_CHARS = 34  # longer legend labels wrap
RIGHT = 7.0  # per cent: room for half of the last year's label
MAX_YEAR_LABELS = 6


def _nice_step(span, ticks=5):
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude * (1 + 1e-9):
            return factor * magnitude
    return 10 * magnitude


def _decimals(step):
    """Enough decimals to show every multiple of `step` exactly (0.2 → 1, 0.05 → 2)."""
    exponent = Decimal(f"{step:.12g}").normalize().as_tuple().exponent
    return max(0, -exponent)


def _number(value, decimals=1):
    return formats.number_format(
        Decimal(str(round(value, decimals))), decimal_pos=decimals, use_l10n=True
    )


def _pct(value):
    return f"{value:.2f}%"


def _marker(kind, x, y, colour):
    """A marker centred on (`x`, `y`); `x` is a length such as "41.20%" or "14"."""
    if kind == "circle":
        return f'<circle cx="{x}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if kind == "square":
        return (
            f'<rect x="{x}" y="{y:.1f}" width="8" height="8" transform="translate(-4 -4)" '
            f'fill="{colour}"/>'
        )
    points = "0,-5 -5,4 5,4" if kind == "triangle" else "0,-5 5,0 0,5 -5,0"
    return (
        f'<svg x="{x}" y="{y:.1f}" overflow="visible">'
        f'<polygon points="{points}" fill="{colour}"/></svg>'
    )


def _legend_lines(label):
    return textwrap.wrap(label, LEGEND_CHARS, break_long_words=False) or [""]


def line_chart(*, chart_id, title, description, lines, unit="", targets=(), breaks=(), width=None):
    """`lines`: [(label, [(year, value)])]; `targets`: [(year, value)]; `breaks`: [year];
    `width`: the box's width in pixels where it is known."""
    points = [(y, float(v)) for _label, pts in lines for y, v in pts if v is not None]
    points += [(y, float(v)) for y, v in targets]
    legend = [_legend_lines(label) for label, _pts in lines] if points else []
    legend_top = TOP + PLOT_HEIGHT + 44
    height = legend_top - 6
    height += sum(LEGEND_ROW + LEGEND_LINE * (len(rows) - 1) for rows in legend)
    view_box = f' viewBox="0 0 {width} {height}"' if width else ""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{height}"'
        f'{view_box} role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f'<g font-family="system-ui, &quot;DejaVu Sans&quot;, sans-serif" '
        f'font-size="{FONT_SIZE}" fill="{TEXT}">'
    )
    if not points:
        no_values = _("No values yet.")
        return head + (
            f'<text x="50%" y="{height / 2:.0f}" text-anchor="middle" font-size="16">'
            f"{escape(no_values)}</text></g></svg>"
        )
    years = [y for y, _v in points]
    first, last = min(years), max(years)
    low, high = min(v for _y, v in points), max(v for _y, v in points)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    decimals = _decimals(step)
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    tick_labels = [_number(value, decimals) for value in ticks]
    label_width = max(len(label) for label in tick_labels) * DIGIT_WIDTH
    left = max(8.0, 100 * (label_width + 12) / NARROWEST)  # per cent
    plot_width = 100 - left - RIGHT

    def x(year):
        share = (year - first) / (last - first) if last > first else 0.5
        return left + plot_width * share

    def y(value):
        return TOP + PLOT_HEIGHT * (1 - (value - low) / (high - low))

    def at(share):  # a horizontal position given in per cent of the width
        return f"{share * width / 100:.1f}" if width else _pct(share)

    bottom = TOP + PLOT_HEIGHT
    parts = [head]
    for value, label in zip(ticks, tick_labels, strict=True):
        parts.append(
            f'<line x1="{at(left)}" x2="{at(100 - RIGHT)}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#d0d3d4"/>'
            f'<text x="{at(left)}" dx="-8" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{label}</text>"
        )
    year_step = max(1, math.ceil((last - first + 1) / MAX_YEAR_LABELS))
    for year in range(first, last + 1, year_step):
        parts.append(
            f'<text x="{at(x(year))}" y="{bottom + 18}" text-anchor="middle">{year}</text>'
        )
    parts.append(
        f'<line x1="{at(left)}" x2="{at(100 - RIGHT)}" y1="{bottom}" y2="{bottom}" '
        f'stroke="{TEXT}"/>'
    )
    if unit:
        parts.append(f'<text x="0" y="{TOP - 12}">{escape(unit)}</text>')
    new_kpi = _("new KPI")
    for year in breaks:
        bx = x(year - 0.5)
        anchor = ' text-anchor="end" dx="-4"' if bx > 70 else ' dx="4"'
        parts.append(
            f'<line x1="{at(bx)}" x2="{at(bx)}" y1="{TOP}" y2="{bottom}" '
            f'stroke="#4a4a4a" stroke-dasharray="3 3"/>'
            f'<text x="{at(bx)}" y="{TOP + 12}"{anchor}>{escape(new_kpi)}</text>'
        )
    row_top = legend_top
    for index, (_label, pts) in enumerate(lines):
        colour, dash, marker = STYLES[index % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        coords = [(x(yr), y(float(v))) for yr, v in pts if v is not None]
        if width and len(coords) > 1:
            path = " ".join(f"{at(cx)},{cy:.1f}" for cx, cy in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-linejoin="round"{dash_attr}/>'
            )
        else:
            for (x1, y1), (x2, y2) in zip(coords, coords[1:], strict=False):
                parts.append(
                    f'<line x1="{at(x1)}" y1="{y1:.1f}" x2="{at(x2)}" y2="{y2:.1f}" '
                    f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
                )
        parts.extend(_marker(marker, at(cx), cy, colour) for cx, cy in coords)
        rows = legend[index]
        parts.append(
            f'<line x1="0" x2="28" y1="{row_top}" y2="{row_top}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
            + _marker(marker, "14", row_top, colour)
            + "".join(
                f'<text x="36" y="{row_top + 4 + LEGEND_LINE * i}">{escape(text)}</text>'
                for i, text in enumerate(rows)
            )
        )
        row_top += LEGEND_ROW + LEGEND_LINE * (len(rows) - 1)
    target_word = _("target")
    for year, value in targets:
        tx, ty = x(year), y(float(value))
        anchor = ' text-anchor="end" dx="-10"' if tx > 60 else ' dx="10"'
        parts.append(
            f'<svg x="{at(tx)}" y="{ty:.1f}" overflow="visible">'
            f'<path d="M-7,0 L0,-7 L7,0 L0,7 Z" fill="none" stroke="{TEXT}" stroke-width="2"/>'
            f"</svg>"
            f'<text x="{at(tx)}" y="{ty - 9:.1f}"{anchor}>'
            f"{escape(target_word)} {_number(float(value))}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
