"""Charts drawn on the server as SVG: no script (the CSP allows none inline, and none is
needed), nothing to download, readable by screen readers, drawn in the time of a string
join. Each series has its own colour *and* its own line pattern and point marker, so that
colour is never the only difference; every colour has at least 4.5:1 contrast on white.
Labels, numbers and dates come in the viewer's language (apps.i18n, Django's formats)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from apps.i18n import format_number as _format_number

# (colour, dash pattern, marker): blue solid ●, orange dashed ■, green dotted ▲, purple ◆.
STYLES = [("#1f5fa8", "", "circle"), ("#a63c06", "7 4", "square"),
          ("#1b6e37", "2 3", "triangle"), ("#6b3fa0", "10 3 2 3", "diamond")]
INK = "#212529"
GRID = "#767676"  # 4.5:1 on white: the axes and gridlines are legible too


@lru_cache(maxsize=8192)
def _formatted(value: object, language: str | None) -> str:
    return str(_format_number(value, language))


def format_number(value: object) -> str:
    """A number in the viewer's style; the same few numbers recur on a page (0, 1, …), and
    Babel takes its time over each."""
    return _formatted(value, get_language())


@lru_cache(maxsize=8192)
def _day_label(day: date, grain: str, language: str | None) -> str:
    if grain == "month":
        return date_format(day, "YEAR_MONTH_FORMAT")
    return date_format(day, "SHORT_DATE_FORMAT")


def day_label(day: date, grain: str) -> str:
    """A bucket's date in the viewer's language: a day, a week's Monday, or a month. The
    same days recur on every page of a period (and a two-year table has hundreds): Django's
    date formatting is kept per day, grain and language."""
    return _day_label(day, grain, get_language())


def _nice(top: int) -> int:
    """The axis maximum: a round number at or above `top` (at least 4, so 4 ticks)."""
    top = max(top, 4)
    step = 1
    while step * 10 < top:
        step *= 10
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor * 4 >= top:
            return int(step * factor * 4)
    return top


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}L{x - 4:.1f} '
                f'{y + 3:.1f}Z" fill="{colour}"/>')
    if kind == "diamond":
        return (f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}'
                f'L{x - 4:.1f} {y:.1f}Z" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def _svg(chart_id: str, title: str, summary: str, width: int, height: int,
         body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308  (every text is escaped above)
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" role="img" '
        f'tabindex="0" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="inherit">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(summary)}</desc>' + "".join(body) + "</svg>")


def line_chart(*, chart_id: str, title: str, x_label: str, y_label: str,
               steps: Sequence[date], grain: str,
               series: Sequence[tuple[str, Sequence[int]]]) -> SafeString:
    """Lines over time, one per series (at most four), with a legend, axes and labels."""
    width, height, left, right, top, bottom = 680, 290, 64, 16, 34, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = _nice(max((v for _name, values in series for v in values), default=0))
    n = max(len(steps), 1)

    def x(i):
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v):
        return top + plot_h - plot_h * v / highest

    body = []
    for k in range(5):
        value = highest * k // 4
        dotted = ' stroke-dasharray="1 3"' if k else ""
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" '
                    f'y2="{y(value):.1f}" stroke="{GRID}"{dotted}/>')
        body.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                    f'fill="{INK}">{escape(format_number(value))}</text>')
    # Five dates at most: long dates (2026年11月30日) still fit side by side.
    ticks = sorted({round(i * (n - 1) / 4) for i in range(5)}) if n > 1 else [0]
    for i in ticks:
        if i < len(steps):
            # The first and last labels lean inwards: they stay inside the picture.
            anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
            body.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="{anchor}" '
                        f'fill="{INK}">{escape(day_label(steps[i], grain))}</text>')
    body.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                f'fill="{INK}" font-weight="600">{escape(x_label)}</text>')
    body.append(f'<text transform="translate(14 {top + plot_h / 2:.1f}) rotate(-90)" '
                f'text-anchor="middle" fill="{INK}" font-weight="600">{escape(y_label)}</text>')
    legend_x = left
    for (name, values), (colour, dash, marker) in zip(series, STYLES, strict=False):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dashed}/>')
        if len(values) <= 40:
            body.extend(_marker(marker, x(i), y(v), colour) for i, v in enumerate(values))
        body.append(f'<line x1="{legend_x}" x2="{legend_x + 28}" y1="14" y2="14" '
                    f'stroke="{colour}" stroke-width="2.5"{dashed}/>'
                    + _marker(marker, legend_x + 14, 14, colour)
                    + f'<text x="{legend_x + 34}" y="18" fill="{INK}">{escape(name)}</text>')
        legend_x += 44 + 7 * len(name) + 24
    summary = "; ".join(f"{name}: {format_number(sum(values))}" for name, values in series)
    return _svg(chart_id, title, summary, width, height, body)


def bar_chart(*, chart_id: str, title: str, x_label: str, y_label: str,
              items: Sequence[tuple[str, int]]) -> SafeString:
    """Horizontal bars, largest first, each labelled with its name and its value."""
    width, left, right, top, bar, gap = 680, 200, 70, 8, 20, 8
    height = top + len(items) * (bar + gap) + 44
    plot_w = width - left - right
    highest = max((v for _name, v in items), default=0) or 1
    body = []
    for i, (name, value) in enumerate(items):
        y = top + i * (bar + gap)
        shown = name if len(name) <= 28 else name[:27] + "…"
        length = plot_w * value / highest
        body.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" fill="{INK}">'
                    f'{escape(shown)}</text>')
        body.append(f'<rect x="{left}" y="{y}" width="{max(length, 1):.1f}" height="{bar}" '
                    f'fill="{STYLES[0][0]}"/>')
        body.append(f'<text x="{left + length + 6:.1f}" y="{y + 14}" fill="{INK}">'
                    f'{escape(format_number(value))}</text>')
    base = top + len(items) * (bar + gap)
    body.append(f'<line x1="{left}" x2="{left}" y1="{top - 4}" y2="{base}" stroke="{GRID}"/>')
    body.append(f'<text x="{left + plot_w / 2:.1f}" y="{base + 22}" text-anchor="middle" '
                f'fill="{INK}" font-weight="600">{escape(x_label)}</text>')
    body.append(f'<text x="{left - 8}" y="{base + 22}" text-anchor="end" fill="{INK}" '
                f'font-weight="600">{escape(y_label)}</text>')
    summary = "; ".join(f"{name}: {format_number(value)}" for name, value in items)
    return _svg(chart_id, title, summary, width, height, body)


def sparkline(values: Sequence[int], label: str) -> SafeString:
    """A tiny trend line for a table cell; its label says the first, last and highest."""
    width, height = 96, 24
    top = max(values, default=0) or 1
    n = max(len(values) - 1, 1)
    points = " ".join(f"{2 + 92 * i / n:.1f},{22 - 20 * v / top:.1f}"
                      for i, v in enumerate(values))
    return mark_safe(  # noqa: S308  (every text is escaped above)
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg"><polyline points="{points}" fill="none" '
        f'stroke="{STYLES[0][0]}" stroke-width="1.5"/></svg>')
