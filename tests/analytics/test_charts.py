"""The server-drawn charts: named for screen readers, focusable, series told apart by more
than colour, names escaped, numbers and dates in the viewer's language."""

from datetime import date, timedelta

from django.utils import translation

from apps.analytics import charts
from apps.analytics.periods import Period, buckets


def test_a_line_chart_names_itself_and_tells_series_apart():
    steps = [date(2026, 11, 1) + timedelta(days=n) for n in range(10)]
    svg = charts.line_chart(chart_id="c", title="Churn <b>", x_label="Date", y_label="Count",
                            steps=steps, grain="day",
                            series=[("New", list(range(10))), ("Cancelled", [1] * 10)])
    assert 'role="img"' in svg
    assert 'tabindex="0"' in svg
    assert '<title id="c-t">Churn &lt;b&gt;</title>' in svg
    assert "New: 45; Cancelled: 10" in svg  # the summary screen readers hear
    assert 'stroke-dasharray="7 4"' in svg
    assert "<rect" in svg
    assert ">Date</text>" in svg
    assert ">Count</text>" in svg


def test_numbers_and_dates_in_the_viewers_language():
    with translation.override("zh-hans"):
        svg = charts.bar_chart(chart_id="b", title="t", x_label="x", y_label="y",
                               items=[("Northwind", 12345)])
        assert "12,345" in svg
        assert charts.day_label(date(2026, 3, 9), "month") == "2026年3月"
    with translation.override("en"):
        assert charts.day_label(date(2026, 3, 9), "day") == "Mar 9, 2026"


def test_the_series_group_by_day_week_or_month():
    assert len(buckets(Period("30d", date(2026, 11, 1), date(2026, 11, 30)))) == 30
    weeks = buckets(Period("365d", date(2025, 12, 1), date(2026, 11, 30)))
    assert weeks[0] == date(2025, 12, 1)
    assert {d.weekday() for d in weeks} == {0}
    months = buckets(Period("custom", date(2024, 12, 15), date(2026, 11, 30)))
    assert months[0] == date(2024, 12, 1)
    assert len(months) == 24
