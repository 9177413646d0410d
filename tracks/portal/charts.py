"""Small charts drawn on the server as inline SVG (no script, no external asset): a bar per year.

``bar_chart`` returns the geometry; ``templates/portal/includes/bar_chart.html`` draws it, so every label is
escaped by the template engine.
"""

import math

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _label(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value)):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def bar_chart(points, *, title: str, unit: str = "") -> dict | None:
    """Geometry of a bar chart of (label, value) points; None when no point has a value."""
    values = [(str(label), float(value)) for label, value in points if value is not None]
    if not values:
        return None
    low = min(0.0, *(v for _l, v in values))
    high = max(0.0, *(v for _l, v in values))
    step = _nice_step(high - low)
    top = math.ceil(high / step) * step if high > 0 else 0.0
    bottom = math.floor(low / step) * step if low < 0 else 0.0
    if top == bottom:
        top = bottom + step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value):
        return TOP + plot_h * (top - value) / (top - bottom)

    ticks = []
    tick = bottom
    while tick <= top + step / 1000:
        ticks.append({"y": round(y(tick), 1), "label": _label(tick)})
        tick += step
    slot = plot_w / len(values)
    bar_w = min(48.0, slot * 0.6)
    zero = y(0.0)
    bars = []
    for index, (label, value) in enumerate(values):
        x = LEFT + slot * index + (slot - bar_w) / 2
        y_value = y(value)
        bars.append(
            {
                "x": round(x, 1),
                "y": round(min(y_value, zero), 1),
                "width": round(bar_w, 1),
                "height": round(max(abs(zero - y_value), 1.0), 1),
                "cx": round(x + bar_w / 2, 1),
                "label": label,
                "value": _label(value),
                "value_y": round(min(y_value, zero) - 4, 1),
                "negative": value < 0,
            }
        )
    return {
        "title": title,
        "unit": unit,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "zero": round(zero, 1),
        "axis_label_y": HEIGHT - BOTTOM + 18,
        "ticks": ticks,
        "bars": bars,
    }
