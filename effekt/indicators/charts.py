"""Line charts as SVG, drawn on the server so the same chart can go into a PDF.

Each chart has a title and a text description for assistive technology; the page shows the
numbers in a table beside it. Series differ by dash pattern and marker as well as colour.
"""

import math
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
WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 24, 88


def _nice_step(span, ticks=5):
    raw = span / max(ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _number(value, decimals=1):
    return formats.number_format(
        Decimal(str(round(value, decimals))), decimal_pos=decimals, use_l10n=True
    )


def _marker(kind, x, y, colour):
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}" fill="{colour}"/>'
    if kind == "diamond":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(*, chart_id, title, description, lines, unit="", targets=(), breaks=()):
    """`lines`: [(label, [(year, value)])]; `targets`: [(year, value)]; `breaks`: [year]."""
    points = [(y, float(v)) for _label, pts in lines for y, v in pts if v is not None]
    points += [(y, float(v)) for y, v in targets]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    if not points:
        return head + (
            f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" font-size="16">'
            f"{escape(_('No values yet.'))}</text></svg>"
        )
    years = [y for y, _v in points]
    first, last = min(years), max(years)
    low, high = min(v for _y, v in points), max(v for _y, v in points)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year):
        return LEFT + (plot_w * (year - first) / (last - first) if last > first else plot_w / 2)

    def y(value):
        return TOP + plot_h * (1 - (value - low) / (high - low))

    parts = [
        head,
        '<g font-family="system-ui, DejaVu Sans, sans-serif" font-size="12" fill="#1b1b1b">',
    ]
    decimals = 0 if step >= 1 else 1 if step >= 0.1 else 2
    value = low
    while value <= high + step / 2:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#d0d3d4"/>'
            f'<text x="{LEFT - 8}" y="{y(value) + 4:.1f}" text-anchor="end">{_number(value, decimals)}</text>'
        )
        value += step
    year_step = max(1, math.ceil((last - first + 1) / 12))
    for year in range(first, last + 1, year_step):
        parts.append(
            f'<text x="{x(year):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{year}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#1b1b1b"/>'
    )
    if unit:
        parts.append(f'<text x="8" y="{TOP - 8}">{escape(unit)}</text>')
    for year in breaks:
        parts.append(
            f'<line x1="{x(year - 0.5):.1f}" x2="{x(year - 0.5):.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
            f'stroke="#4a4a4a" stroke-dasharray="3 3"/>'
            f'<text x="{x(year - 0.5) + 4:.1f}" y="{TOP + 12}">{escape(_("new KPI"))}</text>'
        )
    legend_y = HEIGHT - 40
    for index, (label, pts) in enumerate(lines):
        colour, dash, marker = STYLES[index % len(STYLES)]
        coords = [(x(yr), y(float(v))) for yr, v in pts if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        parts.extend(_marker(marker, cx, cy, colour) for cx, cy in coords)
        lx = LEFT + (index % 3) * 220
        ly = legend_y + (index // 3) * 18
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 28}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            + _marker(marker, lx + 14, ly, colour)
            + f'<text x="{lx + 34}" y="{ly + 4}">{escape(label)}</text>'
        )
    for year, value in targets:
        tx, ty = x(year), y(float(value))
        parts.append(
            f'<path d="M{tx - 7:.1f},{ty:.1f} L{tx:.1f},{ty - 7:.1f} L{tx + 7:.1f},{ty:.1f} L{tx:.1f},{ty + 7:.1f} Z" '
            f'fill="none" stroke="#1b1b1b" stroke-width="2"/>'
            f'<text x="{tx + 10:.1f}" y="{ty - 8:.1f}">{escape(_("target"))} {_number(float(value))}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
