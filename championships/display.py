"""How numbers are written: points with 3 decimals, seconds and times with 2 (docs/rules.md).

The JSON feed and CSV files write the English form (37.07, 1:13.32, 111.315). Pages write the
form of their language: points and seconds with Django's `floatformat`, times with `time_text`,
where Dutch has a decimal comma and a period between minutes and seconds (37,07, 1.13,32).
"""

from .times import format_time


def isolated(name):
    """A name between Unicode isolates (FSI … PDI), where no <bdi> can go (SVG text, <option>, a
    sentence): a right-to-left mark or override in it cannot reorder the text around it."""
    return f"\u2068{name}\u2069"


def points_text(value):
    return None if value is None else f"{value:.3f}"


def seconds_text(value):
    return None if value is None else f"{value:.2f}"


def time_text(value, decimal_mark="."):
    """ "1:13.32" in English; with the decimal comma the Dutch "1.13,32" (and "37,07")."""
    if value is None:
        return None
    text = format_time(value, decimal_mark=decimal_mark)
    if decimal_mark == ",":
        text = text.replace(":", ".")
    return text


def result_text(time, status, decimal_mark="."):
    """A result as an official writes it in the pair entry: "1:13.57", "DQ", "DQ 1:15.28"."""
    return " ".join(part for part in (status, time_text(time, decimal_mark)) if part)
