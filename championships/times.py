"""Skating times as officials write them, read and written in one place.

A time is a Decimal number of seconds with exactly two decimals (hundredths). Every input path
(forms, imports, management commands) goes through `parse_time`, so they all accept and refuse the
same things with the same words.
"""

import re
from decimal import ROUND_DOWN, Decimal

HUNDREDTH = Decimal("0.01")

# Below this no distance is skated (a 100 m takes about 10 s): "1.13" is a mistyped 1:13, not a time.
FASTEST = Decimal("5")
# Above this it is a typing error (a 10000 m takes under 15 minutes).
SLOWEST = Decimal("1800")

LAYOUTS = (
    # 37.07, 37,07, 37.1, 37
    re.compile(r"(?P<seconds>[0-9]+)(?:[.,](?P<fraction>[0-9]+))?"),
    # 1:13.32, 1:13,32, 13:04.76, 1:13
    re.compile(r"(?P<minutes>[0-9]+):(?P<seconds>[0-9]+)(?:[.,](?P<fraction>[0-9]+))?"),
    # 1.13,32: Dutch, a period between minutes and seconds and a decimal comma.
    re.compile(r"(?P<minutes>[0-9]+)\.(?P<seconds>[0-9]+),(?P<fraction>[0-9]+)"),
)


class TimeFormatError(ValueError):
    """A time that cannot be read, with the reason in an official's words."""

    def __init__(self, text, reason):
        super().__init__(f"{text!r} is not a time: {reason}")


def parse_time(text: str, decimals: int = 2) -> Decimal:
    """Read a time such as "37.07", "1:13.32" or "1.13,32" as seconds with two decimals.

    `decimals` allows more for a measured time ("78.508"), kept as written (at least two decimals).
    """
    text = text.strip()
    if not text:
        raise TimeFormatError(text, "nothing was entered")
    if text.startswith("-"):
        raise TimeFormatError(text, "a time cannot be negative")
    if unexpected := sorted(set(text) - set("0123456789:.,")):
        raise TimeFormatError(text, f"{unexpected[0]!r} does not belong in a time")
    for layout in LAYOUTS:
        if match := layout.fullmatch(text):
            break
    else:
        if text.count(":") > 1:
            raise TimeFormatError(text, "give minutes and seconds only, no hours (one ':' at most)")
        raise TimeFormatError(text, "write it as 37.07, 1:13.32 or 1.13,32")
    parts = match.groupdict()
    minutes, seconds, fraction = parts.get("minutes"), parts["seconds"], parts["fraction"] or ""
    if len(fraction) > decimals:
        if decimals == 2:
            raise TimeFormatError(text, "times are in hundredths, give at most two decimals")
        raise TimeFormatError(text, f"give at most {decimals} decimals")
    if minutes is not None:
        if len(seconds) != 2:
            raise TimeFormatError(text, "give the seconds as two digits after the minutes, as in 1:05.32")
        if int(seconds) >= 60:
            raise TimeFormatError(text, "seconds must be below 60 when minutes are given")
    time = int(minutes or 0) * 60 + Decimal(f"{seconds}.{fraction:0<2}")
    if time == 0:
        raise TimeFormatError(text, "a time must be more than zero")
    if time < FASTEST:
        raise TimeFormatError(
            text, f"below {FASTEST} seconds is no real time (for minutes write 1:13.32 or 1.13,32)"
        )
    if time > SLOWEST:
        raise TimeFormatError(text, f"above {SLOWEST // 60} minutes is no real time")
    return time


def format_time(seconds: Decimal, decimal_mark: str = ".") -> str:
    """Write seconds as "37.07" below one minute and "1:13.32" from one minute.

    decimal_mark="," gives "37,07" and "1:13,32"; the pages write Dutch times as "1.13,32"
    (display.time_text). Timing truncates to hundredths, and so does this.
    """
    hundredths = int(seconds.quantize(HUNDREDTH, rounding=ROUND_DOWN) * 100)
    minutes, hundredths = divmod(hundredths, 6000)
    whole, fraction = divmod(hundredths, 100)
    if minutes:
        return f"{minutes}:{whole:02}{decimal_mark}{fraction:02}"
    return f"{whole}{decimal_mark}{fraction:02}"
