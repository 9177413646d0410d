"""Charts drawn on the server as inline SVG: no script, no style attribute (a strict CSP holds), every label escaped
by the template that draws the geometry computed here.

* ``hbar_chart``: horizontal bars, one per category (provinces, kinds …), signed values drawn left of zero.
* ``timeline_chart``: an entry's yearly indicator as bars on a time axis, with its measures as numbered markers
  placed by date under it, so a reader sees which year's figures followed which measure.
"""

import datetime
import math


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def number_label(value) -> str:
    """1,234 for whole numbers, 12.5 / 0.25 otherwise (no trailing zeros)."""
    value = float(value)
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value)):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _scale(low: float, high: float):
    """(bottom, top, step) of an axis holding [low, high] and zero, on round ticks."""
    low, high = min(0.0, low), max(0.0, high)
    step = _nice_step(high - low)
    top = math.ceil(high / step) * step if high > 0 else 0.0
    bottom = math.floor(low / step) * step if low < 0 else 0.0
    if top == bottom:
        top = bottom + step
    return bottom, top, step


def _ticks(bottom: float, top: float, step: float) -> list[float]:
    ticks, tick = [], bottom
    while tick <= top + step / 1000:
        ticks.append(tick)
        tick += step
    return ticks


# ---------------------------------------------------------------------------------------------------------------
# Horizontal bars

HBAR_WIDTH = 640
HBAR_LEFT, HBAR_RIGHT, HBAR_TOP, HBAR_BOTTOM = 132, 56, 8, 24
HBAR_ROW = 26


def hbar_chart(rows, *, title: str, unit: str = "") -> dict | None:
    """Geometry of a horizontal bar chart of (label, value) rows (value None is drawn as no bar); None when no
    row has a value."""
    rows = [(str(label), None if value is None else float(value)) for label, value in rows]
    values = [value for _label, value in rows if value is not None]
    if not values:
        return None
    bottom, top, step = _scale(min(values), max(values))
    plot_w = HBAR_WIDTH - HBAR_LEFT - HBAR_RIGHT
    height = HBAR_TOP + HBAR_ROW * len(rows) + HBAR_BOTTOM

    def x(value):
        return HBAR_LEFT + plot_w * (value - bottom) / (top - bottom)

    zero = x(0.0)
    bars = []
    for index, (label, value) in enumerate(rows):
        y = HBAR_TOP + HBAR_ROW * index
        bar = {"label": label, "y": round(y + 4, 1), "label_y": round(y + HBAR_ROW / 2, 1), "value": "—"}
        if value is not None:
            end = x(value)
            bar.update(
                {
                    "x": round(min(zero, end), 1),
                    "width": round(max(abs(end - zero), 1.0), 1),
                    "height": HBAR_ROW - 8,
                    "value": number_label(value),
                    "value_x": round(max(zero, end) + 4, 1) if value >= 0 else round(min(zero, end) - 4, 1),
                    "anchor": "start" if value >= 0 else "end",
                    "negative": value < 0,
                }
            )
        bars.append(bar)
    axis_y = HBAR_TOP + HBAR_ROW * len(rows)
    return {
        "title": title,
        "unit": unit,
        "width": HBAR_WIDTH,
        "height": height,
        "left": HBAR_LEFT,
        "label_x": HBAR_LEFT - 6,
        "top": HBAR_TOP,
        "axis_y": axis_y,
        "tick_label_y": axis_y + 16,
        "zero": round(zero, 1),
        "ticks": [{"x": round(x(t), 1), "label": number_label(t)} for t in _ticks(bottom, top, step)],
        "bars": bars,
    }


# ---------------------------------------------------------------------------------------------------------------
# An entry's indicator over the years, with its measures on the same time axis

TL_WIDTH = 720
TL_LEFT, TL_RIGHT, TL_TOP = 64, 16, 20
TL_PLOT = 170
TL_MARKER_ROW = 22
TL_MARKER_R = 9


def _year_fraction(day: datetime.date) -> float:
    start = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - start).days
    return (day - start).days / length


def timeline_chart(points, markers, *, title: str, unit: str = "") -> dict | None:
    """Geometry of a timeline: ``points`` are (year, value or None) of the indicator; ``markers`` are
    (number, date, label) or (number, date, label, key) of the measures, key being what a marker links to.
    Years run from the first to the last of either; None when there is nothing to draw."""
    points = [(int(year), None if value is None else float(value)) for year, value in points]
    markers = list(markers)
    years = [year for year, _v in points] + [marker[1].year for marker in markers]
    if not years:
        return None
    first, last = min(years), max(years)
    span = last - first + 1
    values = [value for _y, value in points if value is not None]
    bottom, top, step = _scale(min(values, default=0.0), max(values, default=0.0))
    plot_w = TL_WIDTH - TL_LEFT - TL_RIGHT
    band = plot_w / span

    def y(value):
        return TL_TOP + TL_PLOT * (top - value) / (top - bottom)

    def x_of(day: datetime.date) -> float:
        return TL_LEFT + band * ((day.year - first) + _year_fraction(day))

    zero = y(0.0)
    bar_w = min(56.0, band * 0.5)
    bars = []
    for year, value in points:
        if value is None:
            continue
        centre = TL_LEFT + band * (year - first + 0.5)
        top_y = y(value)
        bars.append(
            {
                "year": year,
                "x": round(centre - bar_w / 2, 1),
                "y": round(min(top_y, zero), 1),
                "width": round(bar_w, 1),
                "height": round(max(abs(zero - top_y), 1.0), 1),
                "cx": round(centre, 1),
                "value": number_label(value),
                "value_y": round(min(top_y, zero) - 4, 1),
                "negative": value < 0,
            }
        )
    axis_y = TL_TOP + TL_PLOT
    year_labels = [
        {
            "label": str(year),
            "x": round(TL_LEFT + band * (year - first + 0.5), 1),
            "divider_x": round(TL_LEFT + band * (year - first), 1),
        }
        for year in range(first, last + 1)
    ]
    # Markers sit in rows under the year labels; one that would overlap the previous marker of a row moves down.
    strip_top = axis_y + 30
    row_ends: list[float] = []
    placed = []
    for marker in sorted(markers, key=lambda item: (item[1], item[0])):
        number, day, label = marker[:3]
        key = marker[3] if len(marker) > 3 else number
        cx = x_of(day)
        row = next((i for i, end in enumerate(row_ends) if cx - end >= 2 * TL_MARKER_R + 2), None)
        if row is None:
            row = len(row_ends)
            row_ends.append(cx)
        else:
            row_ends[row] = cx
        placed.append(
            {
                "number": number,
                "key": key,
                "label": label,
                "date": day,
                "cx": round(cx, 1),
                "cy": round(strip_top + TL_MARKER_R + row * TL_MARKER_ROW, 1),
                "r": TL_MARKER_R,
            }
        )
    rows = max(len(row_ends), 1)
    height = strip_top + rows * TL_MARKER_ROW + 8
    return {
        "title": title,
        "unit": unit,
        "width": TL_WIDTH,
        "height": round(height),
        "left": TL_LEFT,
        "right": TL_WIDTH - TL_RIGHT,
        "top": TL_TOP,
        "zero": round(zero, 1),
        "axis_y": axis_y,
        "year_label_y": axis_y + 16,
        "strip_top": strip_top,
        "strip_bottom": round(height - 4),
        "ticks": [{"y": round(y(t), 1), "label": number_label(t)} for t in _ticks(bottom, top, step)]
        if values
        else [],
        "bars": bars,
        "years": year_labels,
        "markers": placed,
        "has_values": bool(values),
    }
