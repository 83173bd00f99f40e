"""The usage report's histogram as plain geometry for an inline SVG template.

Drawn on the server so the page needs no JavaScript; fills are SVG presentation attributes
because the Content Security Policy forbids inline styles.
"""

from dataclasses import dataclass

from .models import ActivityEvent
from .services import DayUsage

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
AREA_COLOURS = {
    ActivityEvent.Area.PROGRAMME_DETAILS: "#0072B2",
    ActivityEvent.Area.ONBOARDING: "#E69F00",
    ActivityEvent.Area.SUB_PROGRAMME: "#009E73",
    ActivityEvent.Area.PREVIOUS_PROGRAMMES: "#CC79A7",
}
WIDTH = 760
PLOT_HEIGHT = 200
LEFT = 40
TOP = 16
BOTTOM = 30
LEGEND_HEIGHT = 30


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    label: str


def _nice_max(value: int) -> int:
    """A round upper bound for the y axis, so gridlines fall on whole numbers."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 4:
            return step * 4
    return ((value // 1000) + 1) * 1000


def histogram(days: list[DayUsage]) -> dict:
    """Stacked bars, one per day, a segment per area; with axis ticks and a legend."""
    peak = max((d.total_visits for d in days), default=0)
    top = _nice_max(max(peak, 1))
    scale = PLOT_HEIGHT / top
    plot_width = WIDTH - LEFT - 10
    slot = plot_width / max(len(days), 1)
    bar_width = slot * 0.7
    bars = []
    labels = []
    for i, day in enumerate(days):
        x = LEFT + i * slot + (slot - bar_width) / 2
        base = TOP + PLOT_HEIGHT
        for area in ActivityEvent.Area:
            n = day.visits[area.value]
            if not n:
                continue
            height = n * scale
            base -= height
            label = f"{day.day:%d/%m/%Y}, {area.label}: {n} visit{'s' if n != 1 else ''}"
            bars.append(Bar(x, base, bar_width, height, AREA_COLOURS[area], label))
        if i % 5 == 0 or i == len(days) - 1:
            labels.append({"x": x + bar_width / 2, "text": f"{day.day.day}"})
    ticks = [
        {"y": TOP + PLOT_HEIGHT - (top * k / 4) * scale, "value": top * k // 4} for k in range(5)
    ]
    legend = [
        {"x": LEFT + k * 180, "fill": AREA_COLOURS[area], "label": area.label}
        for k, area in enumerate(ActivityEvent.Area)
    ]
    return {
        "width": WIDTH,
        "height": TOP + PLOT_HEIGHT + BOTTOM + LEGEND_HEIGHT,
        "left": LEFT,
        "right": WIDTH - 10,
        "baseline": TOP + PLOT_HEIGHT,
        "label_y": TOP + PLOT_HEIGHT + 18,
        "legend_y": TOP + PLOT_HEIGHT + BOTTOM + 5,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "legend": legend,
        "peak": peak,
    }
