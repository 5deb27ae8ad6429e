"""One date and one date-and-time style per language (FORMAT_MODULE_PATH).

Templates may still ask for SHORT_DATE_FORMAT or DATETIME_FORMAT: each language answers
with the same style, so a page never mixes "Nov. 30, 2026" with "11/30/2026". Times are
24-hour. Machine-readable output (CSV, JSON) uses ISO 8601 and never these.
"""
