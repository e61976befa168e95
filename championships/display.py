"""How numbers are written: points with 3 decimals, seconds and times with 2 (RULES.md, CONTRACT.md).

The JSON feed writes the English form; pages use the decimal mark of their language.
"""

from .times import format_time


def points_text(value, decimal_mark="."):
    return None if value is None else f"{value:.3f}".replace(".", decimal_mark)


def seconds_text(value, decimal_mark="."):
    return None if value is None else f"{value:.2f}".replace(".", decimal_mark)


def time_text(value, decimal_mark="."):
    return None if value is None else format_time(value, decimal_mark=decimal_mark)
