"""The indicator line chart as a PNG picture, for Word documents.

The pages and the PDF use the SVG of effekt.indicators.charts; Word cannot be relied on to show
SVG, so the Word document gets the same chart drawn with Pillow: the same colours, dash patterns
and markers per series (so the lines differ by more than colour), the same scale and legend. The
numbers are always printed in a table beside the chart, and the picture carries the trend as its
alternative text.
"""

import io
import math
import textwrap
from decimal import Decimal
from functools import cache

from django.utils import formats
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from effekt.indicators.charts import STYLES, TEXT

WIDTH = 640  # logical px; the picture is printed 16 cm wide
TOP, PLOT_HEIGHT = 34, 220
LEFT_MIN, RIGHT = 56, 26
LEGEND_ROW, LEGEND_LINE, LEGEND_CHARS = 24, 17, 60
FONT_SIZE = 13
SCALE = 2  # output px per logical px (about 200 dpi at 16 cm)
SUPER = 2  # drawn this much larger again, then scaled down: smooth lines
GRID = "#d0d3d4"

FONT_FILES = (
    "DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "Arial.ttf",
)


@cache
def _font(size):
    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _nice_step(span, ticks=5):
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude * (1 + 1e-9):
            return factor * magnitude
    return 10 * magnitude


def _decimals(step):
    exponent = Decimal(f"{step:.12g}").normalize().as_tuple().exponent
    return max(0, -exponent)


def _number(value, decimals):
    return formats.number_format(
        Decimal(str(round(value, decimals))), decimal_pos=decimals, use_l10n=True
    )


def _dashed(draw, points, colour, width, dash):
    """A polyline with a dash pattern (lengths in output px); solid when `dash` is empty."""
    if not dash:
        draw.line(points, fill=colour, width=width, joint="curve")
        return
    pattern, index, left, on = list(dash), 0, dash[0], True
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        length = math.hypot(x2 - x1, y2 - y1)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if on:
                a, b = done / length, (done + step) / length
                draw.line(
                    [
                        (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
                        (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b),
                    ],
                    fill=colour,
                    width=width,
                )
            done += step
            left -= step
            if left <= 1e-9:
                index = (index + 1) % len(pattern)
                left, on = pattern[index], not on


def _marker(draw, kind, x, y, colour, r):
    if kind == "circle":
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    elif kind == "square":
        draw.rectangle([x - r, y - r, x + r, y + r], fill=colour)
    elif kind == "triangle":
        s = r * 1.25
        draw.polygon([(x, y - s), (x - s, y + s * 0.8), (x + s, y + s * 0.8)], fill=colour)
    else:
        s = r * 1.25
        draw.polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)], fill=colour)


def render(*, lines, unit="", breaks=()) -> bytes:
    """`lines`: [(label, [(year, value)])] → PNG bytes."""
    k = SCALE * SUPER
    points = [(y, float(v)) for _label, pts in lines for y, v in pts if v is not None]
    legend = [
        textwrap.wrap(label, LEGEND_CHARS, break_long_words=False) or [""] for label, _p in lines
    ]
    legend_top = TOP + PLOT_HEIGHT + 48
    height = legend_top + sum(LEGEND_ROW + LEGEND_LINE * (len(rows) - 1) for rows in legend) + 4
    if not points:
        height = 120
    image = Image.new("RGB", (WIDTH * k, height * k), "white")
    draw = ImageDraw.Draw(image)
    font = _font(FONT_SIZE * k)
    if not points:
        draw.text(
            (WIDTH * k / 2, height * k / 2), _("No values yet."), font=font, fill=TEXT, anchor="mm"
        )
        return _png(image, height)
    years = [y for y, _v in points]
    first, last = min(years), max(years)
    low, high = min(v for _y, v in points), max(v for _y, v in points)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    decimals = _decimals(step)
    ticks = [low + i * step for i in range(round((high - low) / step) + 1)]
    labels = [_number(t, decimals) for t in ticks]
    left = max(LEFT_MIN, max(draw.textlength(t, font=font) for t in labels) / k + 16)
    plot_width = WIDTH - left - RIGHT

    def x(year):
        share = (year - first) / (last - first) if last > first else 0.5
        return (left + plot_width * share) * k

    def y(value):
        return (TOP + PLOT_HEIGHT * (1 - (value - low) / (high - low))) * k

    bottom = (TOP + PLOT_HEIGHT) * k
    for value, label in zip(ticks, labels, strict=True):
        draw.line([(left * k, y(value)), ((WIDTH - RIGHT) * k, y(value))], fill=GRID, width=k)
        draw.text(((left - 8) * k, y(value)), label, font=font, fill=TEXT, anchor="rm")
    draw.line([(left * k, bottom), ((WIDTH - RIGHT) * k, bottom)], fill=TEXT, width=k)
    year_step = max(1, math.ceil((last - first + 1) / 8))
    for year in range(first, last + 1, year_step):
        draw.text((x(year), bottom + 10 * k), str(year), font=font, fill=TEXT, anchor="mt")
    if unit:
        draw.text((2 * k, (TOP - 14) * k), unit, font=font, fill=TEXT, anchor="ls")
    for year in breaks:
        bx = x(year - 0.5)
        _dashed(draw, [(bx, TOP * k), (bx, bottom)], "#4a4a4a", k, [3 * k, 3 * k])
        draw.text((bx + 4 * k, (TOP + 4) * k), _("new KPI"), font=font, fill=TEXT, anchor="lt")
    row_top = legend_top
    for index, (_label, pts) in enumerate(lines):
        colour, dash, marker = STYLES[index % len(STYLES)]
        pattern = [float(d) * k for d in dash.split()] if dash else []
        coords = [(x(yr), y(float(v))) for yr, v in pts if v is not None]
        if len(coords) > 1:
            _dashed(draw, coords, colour, round(2.5 * k), pattern)
        for cx, cy in coords:
            _marker(draw, marker, cx, cy, colour, 4 * k)
        ly = row_top * k
        _dashed(draw, [(0, ly), (30 * k, ly)], colour, round(2.5 * k), pattern)
        _marker(draw, marker, 15 * k, ly, colour, 4 * k)
        for i, text in enumerate(legend[index]):
            draw.text((38 * k, ly + LEGEND_LINE * i * k), text, font=font, fill=TEXT, anchor="lm")
        row_top += LEGEND_ROW + LEGEND_LINE * (len(legend[index]) - 1)
    return _png(image, height)


def _png(image, height):
    # the mean of each SUPER × SUPER block (the picture was drawn exactly SUPER times larger):
    # the same smooth lines as a Lanczos resize, in a fraction of the time
    small = image.reduce(SUPER)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=False, dpi=(300, 300))
    return out.getvalue()
